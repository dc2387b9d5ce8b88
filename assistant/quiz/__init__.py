"""The quiz builder's public API, for the CLI and the web app.

from assistant.quiz import QuizRequest, build_quiz, export_quiz, QUIZ_FORMATS
items = build_quiz(casebook, QuizRequest(action_ids=("some-action-id",), n=10, seed=1))
text = export_quiz(items, "gift")  # gift | moodle-xml | md | csv | json
"""

from assistant.quiz.builder import build_quiz, generate_quiz, is_supported, scope_actions
from assistant.quiz.export import QUIZ_FORMATS, export_quiz, gift_escape
from assistant.quiz.models import QUIZ_KINDS, QuizCitation, QuizError, QuizItem, QuizRequest, wording

__all__ = [
    "QUIZ_FORMATS",
    "QUIZ_KINDS",
    "QuizCitation",
    "QuizError",
    "QuizItem",
    "QuizRequest",
    "build_quiz",
    "export_quiz",
    "generate_quiz",
    "gift_escape",
    "is_supported",
    "scope_actions",
    "wording",
]
