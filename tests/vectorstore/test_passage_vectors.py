"""A passage's vector made from its sentences' vectors."""

from __future__ import annotations

import numpy as np

from vectorstore.passage_vectors import from_sentences


def test_a_passage_vector_is_the_normalised_mean_of_its_sentence_vectors() -> None:
    assert np.allclose(from_sentences([[1.0, 0.0], [0.0, 1.0]]), [2**-0.5, 2**-0.5])


def test_a_passage_vector_has_unit_length() -> None:
    sentences = np.random.default_rng(1).normal(size=(4, 16))
    assert np.isclose(np.linalg.norm(from_sentences(list(sentences))), 1.0, atol=1e-6)


def test_a_passage_of_one_sentence_takes_its_vector_unchanged() -> None:
    vector = np.asarray([0.6, 0.8, 1e-7], dtype=np.float32)
    assert np.array_equal(from_sentences([vector]), vector)


def test_a_passage_vector_is_float32() -> None:
    sentences = np.random.default_rng(0).normal(size=(3, 8)).astype(np.float32)
    vector = from_sentences(list(sentences))
    assert np.array_equal(np.asarray(vector, dtype=np.float32), np.asarray(vector))
