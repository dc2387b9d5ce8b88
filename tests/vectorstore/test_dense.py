"""DenseIndex: the passage vectors of a real USE store, searched in memory as Chroma searches them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest

from vectorstore.chroma_store import ChunkStore
from vectorstore.dense import DenseIndex, StaleVectorsError
from vectorstore.filters import SearchFilters
from vectorstore.lexical import LexicalIndex

QUERY = "visite d'étude en Belgique"


@pytest.fixture(scope="module")
def indexes(use_store: ChunkStore) -> tuple[LexicalIndex, DenseIndex]:
    stored = use_store.all_passages()
    return LexicalIndex.build(stored.chunks), DenseIndex(stored.vectors, use_store.embeddings.model_id)


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(),
        SearchFilters(countries=("Jordan",)),
        SearchFilters(sections=("lessons",)),
        SearchFilters(language="fr", sections=("context", "impact")),
    ],
)
def test_a_search_finds_what_chromas_query_finds_under_the_same_filter(
    use_store: ChunkStore, indexes: tuple[LexicalIndex, DenseIndex], filters: SearchFilters
) -> None:
    lexical, dense = indexes
    kept = None if filters.is_empty() else lexical.kept(filters)
    ours = dense.search(use_store.embeddings.embed_query(QUERY), 10, kept)
    chromas = use_store.query(QUERY, 10, filters)
    assert len(ours) == len(chromas) == 10
    assert [s for _, s in ours] == pytest.approx([s for _, s in chromas], abs=1e-5)
    # the corpus repeats some passages word for word: Chroma orders such ties as it likes, and
    # keeps either of two tied at the last place; scores agree to float precision, not to the bit
    last = chromas[-1][1]
    ours_above = _above(((lexical.chunks[row].id, s) for row, s in ours), last)
    chromas_above = _above(((c.id, s) for c, s in chromas), last)
    assert ours_above.keys() == chromas_above.keys()
    assert all(ours_above[i] == pytest.approx(chromas_above[i], abs=1e-5) for i in ours_above)


def _above(found: Iterable[tuple[str, float]], last: float) -> dict[str, float]:
    return {chunk_id: s for chunk_id, s in found if s > last + 1e-5}


def test_a_search_returns_only_the_rows_kept_and_no_more_than_there_are() -> None:
    vectors = np.eye(4, dtype=np.float32)
    kept = np.array([True, False, True, False])
    found = DenseIndex(vectors, "m").search([0.6, 0.8, 0.0, 0.0], 5, kept)
    assert found == [(0, pytest.approx(0.6)), (2, 0.0)]


@pytest.mark.parametrize("share_kept", [0.05, 0.5], ids=["few rows: computed alone", "many: scanned"])
def test_a_filtered_search_ranks_its_rows_as_a_full_scan_does(share_kept: float) -> None:
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((8000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[7] + vectors[300]
    query /= np.linalg.norm(query)
    kept = rng.random(8000) < share_kept
    kept[[7, 300]] = True
    expected = sorted(np.flatnonzero(kept), key=lambda row: -float(vectors[row] @ query))[:5]
    found = DenseIndex(vectors, "m").search(query, 5, kept)
    assert [row for row, _ in found] == expected
    assert [s for _, s in found] == pytest.approx([max(0.0, float(vectors[r] @ query)) for r in expected])


@pytest.mark.parametrize("kept", [None, np.array([True] * 3 + [False] * 60)], ids=["scan", "few rows"])
def test_equal_similarities_keep_row_order(kept: np.ndarray | None) -> None:
    vectors = np.ones((63, 2), dtype=np.float32) / np.sqrt(2)
    found = DenseIndex(vectors, "m").search([1.0, 0.0], 3, kept)
    assert [row for row, _ in found] == [0, 1, 2]


def test_saved_vectors_load_back_for_their_model_only(tmp_path: Path) -> None:
    vectors = np.random.default_rng(0).standard_normal((5, 8)).astype(np.float32)
    DenseIndex(vectors, "model-a").save(tmp_path)
    assert np.array_equal(DenseIndex.load(tmp_path, "model-a").vectors, vectors)
    with pytest.raises(StaleVectorsError):
        DenseIndex.load(tmp_path, "model-b")


def test_an_empty_index_finds_nothing() -> None:
    assert DenseIndex(np.empty((0, 0), dtype=np.float32), "m").search([1.0, 0.0], 3) == []
