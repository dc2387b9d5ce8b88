"""BM25Weights: bm25s's scores from its weights alone, and the files bm25s saves."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np
import pytest

from ingest.models import Chunk
from vectorstore.analysis import TermAnalyzer
from vectorstore.bm25 import BM25Weights

QUERIES = (
    ["refugi", "jordan"],
    ["visit", "etud", "belgiqu"],
    ["traf", "victim", "victim", "protect"],  # a repeated term counts twice, in bm25s too
    ["zzyzx", "refugi"],  # a term outside the vocabulary adds nothing
)


@pytest.fixture(scope="module")
def corpus(corpus_chunks: list[Chunk]) -> list[list[str]]:
    analyzer = TermAnalyzer()
    return [analyzer.document_terms(chunk.text, chunk.language) for chunk in corpus_chunks]


@pytest.fixture(scope="module")
def reference(corpus: list[list[str]]) -> bm25s.BM25:
    bm25 = bm25s.BM25()
    bm25.index(corpus, show_progress=False)
    return bm25


@pytest.mark.parametrize("terms", QUERIES)
def test_scores_are_the_numbers_bm25s_gives(
    corpus: list[list[str]], reference: bm25s.BM25, terms: list[str]
) -> None:
    expected = reference.get_scores([term for term in terms if term in reference.vocab_dict])
    assert expected.any()
    assert np.array_equal(BM25Weights.build(corpus).scores(terms), expected)


def test_an_index_saved_by_bm25s_loads_with_its_scores(tmp_path: Path, reference: bm25s.BM25) -> None:
    reference.save(str(tmp_path), show_progress=False)
    loaded = BM25Weights.load(tmp_path)
    for terms in QUERIES:
        expected = reference.get_scores([term for term in terms if term in reference.vocab_dict])
        assert np.array_equal(loaded.scores(terms), expected)


def test_saved_weights_load_as_bm25s_loads_them(tmp_path: Path, corpus: list[list[str]]) -> None:
    weights = BM25Weights.build(corpus)
    weights.save(tmp_path)
    loaded = bm25s.BM25.load(str(tmp_path), show_progress=False)
    for terms in QUERIES:
        known = [term for term in terms if term in loaded.vocab_dict]
        assert np.array_equal(loaded.get_scores(known), weights.scores(terms))
