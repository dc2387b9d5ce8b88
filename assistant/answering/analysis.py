"""A question analysed once against the library: what it asks for (its language, kinds,
parts: `Question`) and what it names (its `Scope`), so that no step below reads the raw string
again. A derived question (a follow-up's condensed query, a listing's topic) is analysed once of
its own."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from assistant.answering.questions import Question, analyse
from assistant.answering.scope import Scope, resolve_scope
from assistant.library.records import ActionRecord
from ingest.taxonomy import Taxonomy


@dataclass(frozen=True)
class AnalysedQuestion:
    """A question analysed once: what it asks for (`question`) and what it names (`scope`, as
    `resolve_scope` finds it in the library, before any follow-up or filter narrows it)."""

    question: Question
    scope: Scope

    @property
    def text(self) -> str:
        return self.question.text

    @property
    def language(self) -> str:
        return self.question.language

    @property
    def named_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.scope.actions)


@dataclass(frozen=True)
class QuestionAnalyser:
    """Analyses questions against a library's Actions; `mentioned` holds the codes of the
    countries its text names (in any language): a country it never names is one it has no
    Action in."""

    actions: Sequence[ActionRecord]
    taxonomy: Taxonomy
    mentioned: Collection[str]

    def analysed(self, text: str, language: str | None = None) -> AnalysedQuestion:
        """`text` analysed (its language detected unless given, the glossary entries it uses
        found) and its scope resolved."""
        question = replace(analyse(text, language), glossary=self.taxonomy.entries_used(text))
        return AnalysedQuestion(question, self.scope(text))

    def scope(self, text: str) -> Scope:
        """What `text` names, for a text that is not asked (an earlier turn of a conversation)."""
        return resolve_scope(text, list(self.actions), self.taxonomy, self.mentioned)
