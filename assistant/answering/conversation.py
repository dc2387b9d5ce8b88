"""Follow-up questions: what a question asked after earlier turns is about, by rules.

"And what did they learn from it?" names no Action: the Actions under discussion carry over from
the previous turns (named in a question, or cited in an answer). "Et en Belgique ?" names a new
country: the previous topic carries over, the entity switches. A question that names an Action
in a sentence of its own, or asks across the library, stands alone. With a language model configured, the
ask pipeline first condenses the question (prompts/condense.txt) and applies the same rules to it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.answering.analysis import AnalysedQuestion, QuestionAnalyser
from assistant.answering.questions import TOKEN, content_tokens, question_words
from assistant.errors import InputFileError, UsageError
from assistant.library.records import ActionRecord
from ingest.countries import country_code, name_index
from ingest.text import fold

Turn = tuple[str, str]  # (user question, assistant answer)

# Words that point back at something said before, and openings that continue a conversation.
ANAPHORA = frozenset(
    "it its they them their that this those these one ones there same "
    "ce cet cette ces celle celui celles ceux ils elles leur leurs lui la-bas meme memes y "
    "eso esa ese esos esas esta este ella ellos ellas su sus alli mismo misma".split()
)
CONTINUATIONS = frozenset("and also what about et aussi quant y tambien".split())
# Words that widen a question to the whole library: such a question does not carry an Action over.
LIBRARY_WIDE = frozenset(
    "actions collection library case-studies all other others "
    "bibliotheque toutes tous autres acciones biblioteca todas todos otras otros".split()
)


class HistoryError(UsageError):
    """A history that is not a list of [user, assistant] pairs of strings."""


@dataclass(frozen=True)
class FollowUp:
    """A question resolved against the conversation: what to search for, and where."""

    question: str  # as asked
    query: str  # the retrieval query: the question plus what carries over
    action_ids: tuple[str, ...]  # Actions carried over (a case_study_ids filter), empty if none
    carried: bool  # True when anything came from earlier turns


def parse_history(data: object) -> list[Turn]:
    """[[user, assistant], ...] from JSON data; raises HistoryError on any other shape."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise HistoryError("history must be a list of [user, assistant] pairs")
    turns: list[Turn] = []
    for item in data:
        if not (isinstance(item, list | tuple) and len(item) == 2 and all(isinstance(t, str) for t in item)):
            raise HistoryError(f"history: expected a [user, assistant] pair of strings, got {item!r}")
        turns.append((item[0], item[1]))
    return turns


def load_history(path: Path) -> list[Turn]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputFileError(f"--history {path}: {error}") from error
    return parse_history(data)


class ConversationResolver:
    """Resolves follow-up questions against the library's Actions."""

    def __init__(
        self, analyser: QuestionAnalyser, cited: Callable[[str], tuple[str, ...]] = lambda answer: ()
    ) -> None:
        """`analyser` knows the library's Actions; `cited` gives the Action ids an earlier answer
        (by its text) cited, when known."""
        self._analyser = analyser
        self._cited = cited

    def resolve(self, question: AnalysedQuestion, history: Sequence[Turn] | None) -> FollowUp:
        text = question.text
        standalone = FollowUp(text, text, (), False)
        if not history or not self.looks_like_follow_up(question):
            return standalone
        if question.scope.actions or question.scope.unknown_countries or self._names_a_country(text):
            return self._switch_entity(text, history)
        previous = _picked_by_order(question.text, self._previous_actions(history))
        if not previous:
            return standalone
        # The question is searched as asked, within the carried Actions: adding their names to
        # the query would pull passages that merely mention the country.
        return FollowUp(text, text, tuple(a.id for a in previous), True)

    def looks_like_follow_up(self, question: AnalysedQuestion) -> bool:
        scope = question.scope
        tokens = TOKEN.findall(fold(question.text))
        if not tokens:
            return False
        if scope.actions or scope.unknown_countries or self._names_a_country(question.text):
            return len(tokens) <= 5 or tokens[0] in CONTINUATIONS  # "Et en Belgique ?", "And in Senegal?"
        if tokens[0] in CONTINUATIONS or any(t in ANAPHORA for t in tokens):
            return True
        # A question that names nothing continues the conversation, unless it asks across the
        # library ("Which Actions deal with X?").
        return not (question.question.wants("actions") or any(t in LIBRARY_WIDE for t in tokens))

    def _switch_entity(self, question: str, history: Sequence[Turn]) -> FollowUp:
        """Keep the previous question's topic (its words minus the entity), switch the entity."""
        topic = self._topic_of(history[-1][0])
        return FollowUp(question, f"{question} {topic}".strip(), (), bool(topic))

    def _topic_of(self, previous: str) -> str:
        scope = self._analyser.scope(previous)
        entity_names = {fold(n) for a in scope.actions for n in _country_names(a.country)}
        entity_names |= set(_countries_in(fold(previous)))
        stems = {n[:5] for n in entity_names}
        words = [w for w in content_tokens(previous) if w[:5] not in stems]
        return " ".join(words)

    def _previous_actions(self, history: Sequence[Turn]) -> list[ActionRecord]:
        """The Actions of the latest turn that names any: in its question, else in its answer."""
        by_id = {a.id: a for a in self._analyser.actions}
        for user, assistant in reversed(history):
            named = self._analyser.scope(user).actions
            if named:
                return list(named)
            cited = [by_id[i] for i in self._cited(assistant) if i in by_id]
            if cited:
                return cited
            named = self._analyser.scope(assistant).actions
            if named:
                return list(named)
        return []

    def _names_a_country(self, question: str) -> bool:
        return bool(_countries_in(fold(question)))


ORDER_PLACES = {"first": 0, "second": 1, "last": -1}


def _picked_by_order(question: str, actions: list[ActionRecord]) -> list[ActionRecord]:
    """Of several Actions under discussion, the one a follow-up picks by its place in time
    ("the later one", "la plus récente", "la primera"), by their years; all of them when it
    picks none (or a place they do not have)."""
    if len(actions) < 2:
        return actions
    folded = fold(question)
    by_time = sorted(actions, key=lambda a: a.years)
    for place, patterns in question_words().order_references.items():
        index = ORDER_PLACES[place]
        if any(p.search(folded) for p in patterns) and index < len(by_time):
            return [by_time[index]]
    return actions


def _country_names(country: str) -> set[str]:
    code = country_code(country)
    names = {country}
    if code:
        names |= {name for name, c in name_index().items() if c == code}
    return names


def _countries_in(folded: str) -> list[str]:
    return [
        name
        for name in name_index()
        if len(name) > 3 and re.search(rf"\b{re.escape(name)}\b", folded) is not None
    ]
