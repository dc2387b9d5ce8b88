"""Answers read from the Actions' metadata: which criteria an Action illustrates, its thematic
area, which Actions illustrate a criterion, which Actions began, ended or ran in given years.
Each still cites a passage of the Action."""

from __future__ import annotations

from collections.abc import Callable

from assistant.answering.answers import Answer, AnswerMode, Citation
from assistant.answering.messages import join_list, message
from assistant.answering.questions import Question, content_tokens, question_words, topic_text
from assistant.answering.scope import Scope
from assistant.library.records import ActionRecord
from ingest.models import CRITERIA_SECTION, Chunk
from ingest.taxonomy import Taxonomy

PassageFinder = Callable[[str, str], Chunk | None]  # (action id, section) -> a passage
PERIOD_KINDS = ("began", "ended", "ran")  # question kinds asking when Actions took place


class MetadataAnswerer:
    def __init__(self, taxonomy: Taxonomy, find_passage: PassageFinder) -> None:
        self.taxonomy = taxonomy
        self.find_passage = find_passage

    def answer(self, question: Question, scope: Scope, actions: list[ActionRecord]) -> Answer | None:
        """An answer when the question asks for metadata, None when it asks about the text."""
        if question.wants("actions") and scope.criterion and not scope.actions:
            return self._actions_with_criterion(question, scope.criterion, actions)
        if question.wants("actions") and not scope.actions and (kind := period_asked(question)):
            return self._actions_in_period(question, kind, actions)
        if len(scope.actions) != 1:
            return None
        if question.wants("theme"):
            return self._theme_of(question, scope.actions[0])
        if question.wants("criteria") and not question.wants("actions"):
            return self._criteria_of(question, scope.actions[0])
        return None

    def _criteria_of(self, question: Question, action: ActionRecord) -> Answer:
        lang = question.language
        labels = [f"{n} ({self.taxonomy.criterion_label(n, lang)})" for n in action.criteria]
        text = message("criteria_of_action", lang, **_action_fields(action), criteria=join_list(labels, lang))
        return self._cited(question, text, [action])

    def _theme_of(self, question: Question, action: ActionRecord) -> Answer:
        lang = question.language
        if action.theme is None:
            return self._cited(
                question, message("theme_not_stated", lang, **_action_fields(action)), [action]
            )
        theme = self.taxonomy.theme_label(action.theme, lang)
        return self._cited(
            question, message("theme_of_action", lang, **_action_fields(action), theme=theme), [action]
        )

    def _actions_with_criterion(self, question: Question, number: int, actions: list[ActionRecord]) -> Answer:
        lang = question.language
        label = self.taxonomy.criterion_label(number, lang)
        matching = [a for a in actions if number in a.criteria]
        if not matching:
            text = message("no_action_with_criterion", lang, number=number, label=label)
            return Answer(question.text, text, abstained=False, mode=AnswerMode.METADATA, language=lang)
        names = [f"“{a.title}” ({a.country}, {a.years}) [{i}]" for i, a in enumerate(matching, 1)]
        text = message(
            "actions_with_criterion", lang, number=number, label=label, actions=join_list(names, lang)
        )
        return self._cited(question, text, matching, numbered=True)

    def _actions_in_period(self, question: Question, kind: str, actions: list[ActionRecord]) -> Answer:
        lang = question.language
        first, last = min(map(int, question.years)), max(map(int, question.years))
        period = str(first) if first == last else f"{first}-{last}"
        matching = [a for a in actions if _in_period(a.years, kind, first, last)]
        if not matching:
            text = message("no_action_in_period", lang, period=period)
            return Answer(question.text, text, abstained=False, mode=AnswerMode.METADATA, language=lang)
        names = [f"“{a.title}” ({a.country}, {a.years}) [{i}]" for i, a in enumerate(matching, 1)]
        text = message(f"actions_{kind}", lang, period=period, actions=join_list(names, lang))
        return self._cited(question, text, matching, numbered=True)

    def _cited(
        self, question: Question, text: str, actions: list[ActionRecord], numbered: bool = False
    ) -> Answer:
        citations: list[Citation] = []
        for action in actions:
            chunk = self.find_passage(action.id, CRITERIA_SECTION) or self.find_passage(action.id, "summary")
            if chunk is not None:
                citations.append(Citation(len(citations) + 1, chunk, chunk.text))
        if not numbered and citations:
            text = f"{text} [1]"
        return Answer(
            question.text,
            text,
            abstained=False,
            mode=AnswerMode.METADATA,
            language=question.language,
            citations=citations,
        )


def _action_fields(action: ActionRecord) -> dict[str, str]:
    return {"title": action.title, "country": action.country, "years": action.years}


def period_asked(question: Question) -> str | None:
    """`began`, `ended` or `ran` when a listing question asks only when Actions took place
    ("Which Actions began in 2019?": nothing but the period is left of its topic); else None."""
    kinds = [kind for kind in PERIOD_KINDS if question.wants(kind)]
    if not question.years or len(kinds) != 1:
        return None
    topic = topic_text(question)  # not `listing_topic`: that analyses the topic, as a list then does
    for pattern in question_words().kinds[kinds[0]]:
        topic = pattern.sub(" ", topic)
    return None if set(content_tokens(topic)) - set(question.years) else kinds[0]


def _in_period(years: str, kind: str, first: int, last: int) -> bool:
    """Whether an Action's years ("2019-2021") began, ended or ran within first..last."""
    start, _, end = years.partition("-")
    if not (start.isdigit() and (end or start).isdigit()):
        return False
    begin, finish = int(start), int(end or start)
    if kind == "began":
        return first <= begin <= last
    if kind == "ended":
        return first <= finish <= last
    return begin <= last and finish >= first
