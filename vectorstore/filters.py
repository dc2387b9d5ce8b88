"""`SearchFilters`: what a search may return, as a Chroma `where` clause, as a predicate on one
chunk and as a mask over `FilterColumns` (every chunk of a fixed list at once).

All forms must select the same chunks: the dense side filters inside Chroma, the lexical side
with the mask, built from columns computed once per index, so a filtered search makes no pass
over the chunks in Python. Every field left empty (or None) does not filter. Values are compared
exactly as stored in the chunks, except countries: a country named in any language ("Jordan",
"Jordanie", "JO") is matched by its ISO code (`country_code`); a name that is no known country
is matched as printed. The caller resolves other user input ("2017" for a year range) first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from ingest.countries import country_code
from ingest.models import Chunk
from vectorstore import metadata as md

_code_of = lru_cache(maxsize=1024)(country_code)  # called once per chunk when columns are built


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
        return (
            all(c in chunk.criteria for c in self.criteria)
            and (self.theme is None or chunk.theme == self.theme)
            and self._country_allowed(chunk.country)
            and _allowed(chunk.section, self.sections)
            and (self.language is None or chunk.language == self.language)
            and (self.years is None or _overlaps(md.year_span(chunk.years), self.years))
            and _allowed(chunk.case_study_id, self.case_study_ids)
            and _allowed(chunk.source, self.sources)
        )

    def mask(self, columns: FilterColumns) -> np.ndarray:
        """`matches` for every chunk of `columns` at once: a boolean array, True where it passes."""
        keep = np.ones(len(columns), dtype=bool)
        for criterion in self.criteria:
            keep &= columns.illustrating(criterion)
        if self.theme is not None:
            keep &= columns.theme.isin((self.theme,))
        wanted = self._wanted_countries
        if wanted:
            keep &= columns.country.isin(wanted.names) | columns.country_code.isin(wanted.codes)
        if self.language is not None:
            keep &= columns.language.isin((self.language,))
        if self.years is not None:
            keep &= (
                columns.dated & (columns.year_start <= self.years[1]) & (columns.year_end >= self.years[0])
            )
        for column, allowed in (
            (columns.section, self.sections),
            (columns.case_study_id, self.case_study_ids),
            (columns.source, self.sources),
        ):
            if allowed:
                keep &= column.isin(allowed)
        return keep

    @cached_property
    def _wanted_countries(self) -> _Countries:
        return _Countries.of(self.countries)

    def _country_allowed(self, country: str) -> bool:
        wanted = self._wanted_countries
        return not wanted or country in wanted.names or _code_of(country) in wanted.codes

    def _clauses(self) -> list[dict[str, Any]]:
        clauses: list[dict[str, Any]] = [{md.CRITERIA: {"$contains": c}} for c in self.criteria]
        if self.theme is not None:
            clauses.append({md.THEME: self.theme})
        if self.language is not None:
            clauses.append({md.LANGUAGE: self.language})
        if self.years is not None:
            clauses += _year_clauses(self.years)
        if self._wanted_countries:
            clauses.append(self._wanted_countries.clause())
        for key, values in (
            (md.SECTION, self.sections),
            (md.CASE_STUDY_ID, self.case_study_ids),
            (md.SOURCE, self.sources),
        ):
            if values:
                clauses.append({key: {"$in": list(values)}})
        return clauses


@dataclass(frozen=True)
class _Countries:
    """Countries asked for: the ISO codes of those known, and the names of the others as given
    (blank names ask for nothing)."""

    codes: tuple[str, ...]
    names: tuple[str, ...]

    @classmethod
    def of(cls, names: tuple[str, ...]) -> _Countries:
        codes = {name: _code_of(name) for name in names if name.strip()}
        return cls(
            codes=tuple(dict.fromkeys(code for code in codes.values() if code)),
            names=tuple(name for name, code in codes.items() if not code),
        )

    def __bool__(self) -> bool:
        return bool(self.codes or self.names)

    def clause(self) -> dict[str, Any]:
        either = [
            {key: {"$in": list(values)}}
            for key, values in ((md.COUNTRY_CODE, self.codes), (md.COUNTRY, self.names))
            if values
        ]
        return either[0] if len(either) == 1 else {"$or": either}


class FilterColumns:
    """The fields `SearchFilters` compares, one numpy column each over a fixed list of chunks
    (in its order): built once with an index, read by `SearchFilters.mask`."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self._size = len(chunks)
        self.theme = _Column.of(c.theme for c in chunks)
        self.country = _Column.of(c.country for c in chunks)
        self.country_code = _Column.of(_code_of(c.country) for c in chunks)
        self.section = _Column.of(c.section for c in chunks)
        self.language = _Column.of(c.language for c in chunks)
        self.case_study_id = _Column.of(c.case_study_id for c in chunks)
        self.source = _Column.of(c.source for c in chunks)
        spans = [md.year_span(c.years) for c in chunks]
        self.dated = np.array([span is not None for span in spans], dtype=bool)
        self.year_start = np.array([span[0] if span else 0 for span in spans], dtype=np.int64)
        self.year_end = np.array([span[1] if span else 0 for span in spans], dtype=np.int64)
        self._criteria: dict[int, np.ndarray] = {}
        for row, chunk in enumerate(chunks):
            for criterion in chunk.criteria:
                self._criteria.setdefault(criterion, np.zeros(self._size, dtype=bool))[row] = True

    def __len__(self) -> int:
        return self._size

    def illustrating(self, criterion: int) -> np.ndarray:
        """True for the chunks that illustrate `criterion`."""
        found = self._criteria.get(criterion)
        return found if found is not None else np.zeros(self._size, dtype=bool)


@dataclass(frozen=True)
class _Column:
    """One field of every chunk as integer codes, with the code of each distinct value."""

    codes: np.ndarray
    index: dict[str | None, int]

    @classmethod
    def of(cls, values: Iterable[str | None]) -> _Column:
        index: dict[str | None, int] = {}
        codes = [index.setdefault(value, len(index)) for value in values]
        return cls(np.array(codes, dtype=np.int64), index)

    def isin(self, wanted: Iterable[str | None]) -> np.ndarray:
        """True for the chunks whose value is one of `wanted`."""
        found = [self.index[value] for value in wanted if value in self.index]
        return np.isin(self.codes, found)


def _allowed(value: str, allowed: tuple[str, ...]) -> bool:
    return not allowed or value in allowed


def _overlaps(span: tuple[int, int] | None, wanted: tuple[int, int]) -> bool:
    return span is not None and span[0] <= wanted[1] and span[1] >= wanted[0]


def _year_clauses(wanted: tuple[int, int]) -> list[dict[str, Any]]:
    """Chunks without years have no `year_start`/`year_end`, so these never select them."""
    return [{md.YEAR_START: {"$lte": wanted[1]}}, {md.YEAR_END: {"$gte": wanted[0]}}]
