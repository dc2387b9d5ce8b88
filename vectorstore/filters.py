"""`SearchFilters`: what a search may return, as a Chroma `where` clause and as a Python predicate.

Both forms must select the same chunks: the dense side filters inside Chroma, the lexical side
filters in Python. Every field left empty (or None) does not filter. Values are compared
exactly as stored in the chunks; the caller resolves user input (a country name in another
language, "2017" for a year range) to stored spellings first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingest.models import Chunk
from vectorstore import metadata as md


@dataclass(frozen=True)
class SearchFilters:
    """Conditions combined with AND across fields; within a tuple field, any value matches.

    `criteria` is the exception: a chunk must illustrate ALL the given criteria, because a user
    asking for "criteria 4 and 10" wants passages that show both, not either.
    `years` keeps chunks whose Action's years overlap the inclusive range (start, end).
    """

    criteria: tuple[int, ...] = ()
    theme: str | None = None
    countries: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    language: str | None = None
    years: tuple[int, int] | None = None
    case_study_ids: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not self._clauses()

    def to_chroma_where(self) -> dict[str, Any] | None:
        """The Chroma `where` clause, or None when nothing is filtered (Chroma rejects an empty one)."""
        clauses = self._clauses()
        if not clauses:
            return None
        if len(clauses) == 1:
            return clauses[0]
        return {"$and": clauses}

    def matches(self, chunk: Chunk) -> bool:
        """True when `chunk` passes every condition; agrees with `to_chroma_where`."""
        start, end = md.year_span(chunk.years)
        return (
            all(c in chunk.criteria for c in self.criteria)
            and (self.theme is None or chunk.theme == self.theme)
            and _allowed(chunk.country, self.countries)
            and _allowed(chunk.section, self.sections)
            and (self.language is None or chunk.language == self.language)
            and (self.years is None or _overlaps(start, end, self.years))
            and _allowed(chunk.case_study_id, self.case_study_ids)
            and _allowed(chunk.source, self.sources)
        )

    def _clauses(self) -> list[dict[str, Any]]:
        clauses: list[dict[str, Any]] = [{md.criterion_flag(c): True} for c in self.criteria]
        if self.theme is not None:
            clauses.append({md.THEME: self.theme})
        if self.language is not None:
            clauses.append({md.LANGUAGE: self.language})
        if self.years is not None:
            clauses += _year_clauses(self.years)
        for key, values in (
            (md.COUNTRY, self.countries),
            (md.SECTION, self.sections),
            (md.CASE_STUDY_ID, self.case_study_ids),
            (md.SOURCE, self.sources),
        ):
            if values:
                clauses.append({key: {"$in": list(values)}})
        return clauses


def _allowed(value: str, allowed: tuple[str, ...]) -> bool:
    return not allowed or value in allowed


def _overlaps(start: int, end: int, wanted: tuple[int, int]) -> bool:
    return start != md.UNKNOWN_YEAR and start <= wanted[1] and end >= wanted[0]


def _year_clauses(wanted: tuple[int, int]) -> list[dict[str, Any]]:
    return [
        {md.YEAR_START: {"$lte": wanted[1]}},
        {md.YEAR_END: {"$gte": wanted[0]}},
        {md.YEAR_START: {"$ne": md.UNKNOWN_YEAR}},
    ]
