"""The quiz builder's public API, for the CLI and the web app.

from assistant.quiz import QuizRequest, build_quiz, export_quiz, QUIZ_FORMATS
items = build_quiz(casebook, QuizRequest(action_ids=("some-action-id",), n=10, seed=1))
text = export_quiz(items, "gift")  # gift | moodle-xml | md | csv | json

Each name is imported from its module on first use (as `assistant.Casebook` is), so that the
CLI reads `assistant.quiz.formats.QUIZ_FORMATS` for its options without loading the builder.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.quiz.builder import build_quiz, generate_quiz, is_supported, scope_actions
    from assistant.quiz.export import export_quiz, gift_escape
    from assistant.quiz.formats import QUIZ_FORMATS
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
_MODULE_OF = {
    **dict.fromkeys(("build_quiz", "generate_quiz", "is_supported", "scope_actions"), "builder"),
    **dict.fromkeys(("export_quiz", "gift_escape"), "export"),
    "QUIZ_FORMATS": "formats",
    **dict.fromkeys(
        ("QUIZ_KINDS", "QuizCitation", "QuizError", "QuizItem", "QuizRequest", "wording"), "models"
    ),
}


def __getattr__(name: str) -> Any:
    if name in _MODULE_OF:
        return getattr(import_module(f"assistant.quiz.{_MODULE_OF[name]}"), name)
    raise AttributeError(f"module 'assistant.quiz' has no attribute {name!r}")
