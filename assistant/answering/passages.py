"""Passage search for answering: the passages of the Actions a question names come first, and
the countries of a filter are read as the library spells them (Jordan, jordanie -> Jordanie)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from assistant.library.index import Library
from ingest.countries import country_code
from ingest.text import fold
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import ScoredChunk


class PassageSearch:
    """`k` is the number of passages a search returns unless asked for another."""

    def __init__(self, library: Library, k: int) -> None:
        self._library = library
        self.k = k

    def search(
        self,
        query: str,
        language: str,
        named: Sequence[str] = (),
        k: int | None = None,
        filters: SearchFilters | None = None,
    ) -> list[ScoredChunk]:
        """Ranked passages for `query` (in `language`); those of the `named` Actions first,
        unless `filters` already keeps some Actions only. `filters` is read as given: see
        `resolved` for its countries."""
        filters = filters or SearchFilters()
        k = k or self.k
        searcher = self._library.searcher()
        named = () if filters.case_study_ids else tuple(named)
        if not named:
            return searcher.search(query, k=k, filters=filters, language=language)
        scoped = searcher.search(
            query, k=k, filters=replace(filters, case_study_ids=named), language=language
        )
        if len(scoped) >= k:  # the named Actions fill the page: no need to search the rest
            return scoped[:k]
        results = searcher.search(query, k=k, filters=filters, language=language)
        return (scoped + [r for r in results if r.chunk.case_study_id not in named])[:k]

    def resolved(self, filters: SearchFilters | None) -> SearchFilters:
        """`filters` with its countries spelt as the library stores them."""
        filters = filters or SearchFilters()
        if filters.countries:
            return replace(filters, countries=self.resolve_countries(filters.countries))
        return filters

    def resolve_countries(self, names: Iterable[str]) -> tuple[str, ...]:
        """User spellings (Jordan, jordanie) -> the spellings stored in the library (Jordanie)."""
        stored = {a.country for a in self._library.actions()}
        resolved: list[str] = []
        for name in names:
            code = country_code(name)
            matches = [c for c in stored if fold(c) == fold(name) or (code and country_code(c) == code)]
            resolved.extend(matches or [name])
        return tuple(dict.fromkeys(resolved))
