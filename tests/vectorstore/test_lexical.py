"""LexicalIndex: BM25 with accent folding, per-language stemming, filters and persistence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.models import Chunk
from vectorstore.bm25 import BM25Weights
from vectorstore.filters import SearchFilters
from vectorstore.lexical import LexicalIndex, StaleIndexError


def _top_texts(index: LexicalIndex, query: str, k: int = 3, language: str | None = "fr") -> list[str]:
    return [chunk.text for chunk, _ in index.search(query, k, language=language)]


def test_study_visit_query_finds_the_belgium_paragraph(lexical_index: LexicalIndex) -> None:
    top = _top_texts(lexical_index, "visite d'étude Belgique")
    assert "visite d’étude en Belgique" in top[0]


def test_query_without_accents_finds_accented_words(lexical_index: LexicalIndex) -> None:
    top = _top_texts(lexical_index, "refugies")
    assert top and all("réfugié" in text for text in top)


def test_plural_query_finds_singular_words_by_stemming(jordan_chunks: list[Chunk]) -> None:
    index = LexicalIndex.build(jordan_chunks)
    top = _top_texts(index, "protections")
    assert top and all("protection" in text.lower() for text in top)


def test_search_returns_only_chunks_passing_the_filters(lexical_index: LexicalIndex) -> None:
    filters = SearchFilters(countries=("Lebanon",))
    results = lexical_index.search("traite des personnes victimes", 10, filters, "fr")
    assert results and all(chunk.country == "Lebanon" for chunk, _ in results)


def test_words_absent_from_the_corpus_find_nothing(lexical_index: LexicalIndex) -> None:
    assert lexical_index.search("zzyzx quux", 5, language="en") == []


def test_saved_index_loads_with_the_same_results(tmp_path: Path, lexical_index: LexicalIndex) -> None:
    lexical_index.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    query = "visite d'étude Belgique"
    assert loaded.search(query, 5, language="fr") == lexical_index.search(query, 5, language="fr")


def test_an_index_saved_with_other_stemmers_is_stale(tmp_path: Path, jordan_chunks: list[Chunk]) -> None:
    LexicalIndex.build(jordan_chunks[:2]).save(tmp_path)
    (tmp_path / "stemmers.json").write_text(json.dumps({"fr": "french"}), encoding="utf-8")
    with pytest.raises(StaleIndexError):
        LexicalIndex.load(tmp_path)


def test_empty_index_searches_and_saves(tmp_path: Path) -> None:
    index = LexicalIndex.build([])
    index.save(tmp_path)
    assert LexicalIndex.load(tmp_path).search("anything", 5) == []


def test_the_k_best_are_the_head_of_the_full_ranking(lexical_index: LexicalIndex) -> None:
    query = "traite des personnes victimes refuges"
    everything = lexical_index.search(query, len(lexical_index), language="fr")
    assert len(everything) > 5
    for k in (1, 3, 5):
        assert lexical_index.search(query, k, language="fr") == everything[:k]


def test_filtered_search_ranks_the_passing_chunks_as_the_full_ranking_does(
    lexical_index: LexicalIndex,
) -> None:
    query = "traite des personnes victimes refuges"
    filters = SearchFilters(sections=("context", "lessons"), language="fr")
    everything = lexical_index.search(query, len(lexical_index), language="fr")
    passing = [(chunk, score) for chunk, score in everything if filters.matches(chunk)]
    assert passing
    assert lexical_index.search(query, 4, filters, "fr") == passing[:4]


def test_a_query_searched_with_several_filters_is_scored_once(
    jordan_chunks: list[Chunk], monkeypatch: pytest.MonkeyPatch
) -> None:
    lexical_index = LexicalIndex.build(jordan_chunks)
    scored: list[list[str]] = []
    score = BM25Weights.scores
    monkeypatch.setattr(BM25Weights, "scores", lambda self, terms: scored.append(terms) or score(self, terms))
    query = "refuges gérés par des ONG"
    for filters in (None, SearchFilters(countries=("Lebanon",)), SearchFilters(sections=("lessons",))):
        lexical_index.search(query, 5, filters, "fr")
    assert len(scored) == 1


def test_a_remembered_query_ranks_as_a_fresh_index_does(tmp_path: Path, lexical_index: LexicalIndex) -> None:
    lexical_index.save(tmp_path)
    query = "traite des personnes victimes refuges"
    searches = [
        None,
        SearchFilters(sections=("context", "lessons")),
        SearchFilters(countries=("Lebanon",)),
        None,
    ]
    for filters in searches:
        fresh = LexicalIndex.load(tmp_path)
        assert lexical_index.search(query, 6, filters, "fr") == fresh.search(query, 6, filters, "fr")


def test_a_filter_searched_again_is_worked_out_once(
    jordan_chunks: list[Chunk], monkeypatch: pytest.MonkeyPatch
) -> None:
    lexical_index = LexicalIndex.build(jordan_chunks)
    masked: list[SearchFilters] = []
    mask = SearchFilters.mask
    monkeypatch.setattr(
        SearchFilters, "mask", lambda self, columns: masked.append(self) or mask(self, columns)
    )
    filters = SearchFilters(sections=("context", "lessons"))
    for query in ("traite des personnes", "refuges gérés par des ONG"):
        lexical_index.search(query, 5, filters, "fr")
    assert lexical_index.kept(filters).sum() == sum(filters.matches(c) for c in lexical_index.chunks)
    assert masked == [filters]
