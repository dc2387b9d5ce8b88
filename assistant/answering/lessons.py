"""Lessons-learnt search: ranked passages grouped by Action, each with its best sentence, and the
CSV / Markdown exports of those groups.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Protocol

from assistant.answering.extractive import ScoredSentence
from assistant.answering.questions import Question, analyse
from ingest.models import Chunk
from ingest.taxonomy import Taxonomy
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import ScoredChunk

_SPACES = re.compile(r"\s+")

DEFAULT_SECTIONS = ("lessons", "practices")
DEFAULT_K = 20


class _Ranker(Protocol):
    def rank_sentences(self, question: Question, passages: list[ScoredChunk]) -> list[ScoredSentence]: ...


class _Searcher(Protocol):
    """The part of `Casebook` the lessons search uses."""

    @property
    def extractive(self) -> _Ranker: ...

    def search(
        self, query: str, k: int | None = ..., filters: SearchFilters | None = ..., language: str | None = ...
    ) -> list[ScoredChunk]: ...


@dataclass(frozen=True)
class LessonHit:
    chunk: Chunk
    score: float
    sentence: str  # the passage's sentence closest to the query ("" when none stands out)


@dataclass
class ActionGroup:
    action_id: str
    title: str
    country: str
    years: str
    hits: list[LessonHit] = field(default_factory=list)

    @property
    def best_score(self) -> float:
        return max((h.score for h in self.hits), default=0.0)


def build_filters(
    criteria: list[int] | None = None,
    theme: str | None = None,
    countries: list[str] | None = None,
    years: tuple[int | None, int | None] = (None, None),
    sections: list[str] | None = None,
    language: str | None = None,
) -> SearchFilters:
    """Filters from the form's fields; empty fields do not filter, a one-sided year range is open."""
    start, end = years
    span = None if start is None and end is None else (start or 0, end or 9999)
    return SearchFilters(
        criteria=tuple(sorted(set(criteria or ()))),
        theme=theme or None,
        countries=tuple(countries or ()),
        sections=tuple(sections or ()),
        language=language or None,
        years=span,
    )


def search_lessons(
    casebook: _Searcher, query: str, filters: SearchFilters | None = None, k: int = DEFAULT_K
) -> list[ActionGroup]:
    """Passages matching `query` under `filters`, grouped by Action (best Action first)."""
    question = analyse(query)
    hits = casebook.search(query, k=k, filters=filters, language=question.language)
    best = _best_sentences(casebook.extractive, question, hits)
    groups: dict[str, ActionGroup] = {}
    for hit in hits:
        c = hit.chunk
        group = groups.setdefault(c.case_study_id, ActionGroup(c.case_study_id, c.action, c.country, c.years))
        group.hits.append(LessonHit(c, hit.score, best.get(c.id, "")))
    return sorted(groups.values(), key=lambda g: g.best_score, reverse=True)


def _best_sentences(ranker: _Ranker, question: Question, hits: list[ScoredChunk]) -> dict[str, str]:
    best: dict[str, str] = {}
    for sentence in ranker.rank_sentences(question, hits):  # best first
        best.setdefault(sentence.chunk.id, sentence.text)
    return best


CSV_COLUMNS = (
    "action",
    "country",
    "years",
    "section",
    "criteria",
    "page",
    "source",
    "score",
    "sentence",
    "passage",
)


def plain_text(text: str) -> str:
    """Collapse whitespace (for table cells and exports)."""
    return _SPACES.sub(" ", text).strip()


def to_csv(groups: list[ActionGroup], taxonomy: Taxonomy, lang: str = "en") -> str:
    """One row per passage, Actions in ranking order."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for group in groups:
        for hit in group.hits:
            c = hit.chunk
            writer.writerow(
                [
                    c.action,
                    c.country,
                    c.years,
                    c.section,
                    "; ".join(f"{n} {taxonomy.criterion_label(n, lang)}" for n in c.criteria),
                    c.page,
                    c.source,
                    f"{hit.score:.4f}",
                    plain_text(hit.sentence),
                    plain_text(c.text),
                ]
            )
    return out.getvalue()


def to_markdown(groups: list[ActionGroup], query: str, taxonomy: Taxonomy, lang: str = "en") -> str:
    """A printable digest: a heading per Action, each passage quoted with its best sentence in bold."""
    lines = [f"# Lessons learnt: {plain_text(query)}", ""]
    for group in groups:
        lines += [f"## {group.title} — {group.country} ({group.years})", ""]
        for hit in group.hits:
            c = hit.chunk
            criteria = ", ".join(taxonomy.criterion_label(n, lang) for n in c.criteria) or "—"
            text = plain_text(c.text)
            sentence = plain_text(hit.sentence)
            if sentence and sentence in text:
                text = text.replace(sentence, f"**{sentence}**", 1)
            lines += [
                f"- *{c.section}*, page {c.page}, {c.source} — criteria: {criteria}",
                "",
                f"  > {text}",
                "",
            ]
    return "\n".join(lines)
