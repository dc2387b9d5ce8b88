"""SentenceVectors: each passage's sentences with their vectors, row by row, kept and saved exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vectorstore.sentence_vectors import SentenceVectors


def _passages() -> list[list[tuple[str, np.ndarray]]]:
    rng = np.random.default_rng(7)
    return [
        [("First of row 0.", rng.random(4)), ("Second of row 0.", rng.random(4))],
        [],  # a note or a back cover: no sentences
        [("Only sentence of row 2.", rng.random(4))],
    ]


def _same(read: list[tuple[str, np.ndarray]], expected: list[tuple[str, np.ndarray]]) -> bool:
    return [t for t, _ in read] == [t for t, _ in expected] and all(
        np.array_equal(a, np.asarray(b, dtype=np.float32))
        for (_, a), (_, b) in zip(read, expected, strict=True)
    )


def test_each_row_gives_back_its_own_sentences_in_order_with_their_vectors() -> None:
    passages = _passages()
    sentences = SentenceVectors.build(passages)
    assert len(sentences) == 3
    assert all(_same(sentences.of_row(row), passages[row]) for row in range(3))
    assert sentences.of_row(1) == []


def test_a_saved_copy_loads_to_the_same_sentences_and_vectors(tmp_path: Path) -> None:
    passages = _passages()
    SentenceVectors.build(passages).save(tmp_path)
    loaded = SentenceVectors.load(tmp_path)
    assert len(loaded) == 3 and all(_same(loaded.of_row(row), passages[row]) for row in range(3))


def test_passages_without_any_sentence_have_none() -> None:
    sentences = SentenceVectors.build([[], []])
    assert len(sentences) == 2 and sentences.of_row(0) == sentences.of_row(1) == []


def test_the_vectors_served_cannot_be_changed_by_a_reader() -> None:
    [(_, vector), _] = SentenceVectors.build(_passages()).of_row(0)
    with pytest.raises(ValueError, match="read-only"):
        vector[0] = 1.0


def test_offsets_that_do_not_match_the_sentences_are_refused() -> None:
    with pytest.raises(ValueError, match="do not match"):
        SentenceVectors(["a", "b"], np.zeros((2, 4), dtype=np.float32), np.array([0, 1]))


def test_loading_where_nothing_was_saved_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        SentenceVectors.load(tmp_path)
