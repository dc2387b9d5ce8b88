"""Chunk <-> Chroma metadata and JSON conversions."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ingest.models import Chunk
from vectorstore import metadata as md


def test_metadata_round_trip_rebuilds_the_chunk(corpus_chunks: list[Chunk]) -> None:
    chunk = corpus_chunks[0]
    assert md.chunk_from_metadata(chunk.id, chunk.text, md.chunk_to_metadata(chunk)) == chunk


def test_metadata_holds_scalars_and_integer_arrays_only(corpus_chunks: list[Chunk]) -> None:
    for value in md.chunk_to_metadata(corpus_chunks[0]).values():
        assert isinstance(value, str | int | float | bool) or all(isinstance(v, int) for v in value)


def test_missing_theme_and_criteria_survive_the_round_trip(corpus_chunks: list[Chunk]) -> None:
    chunk = replace(corpus_chunks[0], theme=None, criteria=())
    assert md.chunk_from_metadata(chunk.id, chunk.text, md.chunk_to_metadata(chunk)) == chunk


def test_criteria_are_stored_as_an_integer_array(corpus_chunks: list[Chunk]) -> None:
    metadata = md.chunk_to_metadata(replace(corpus_chunks[0], criteria=(4, 10)))
    assert metadata[md.CRITERIA] == [4, 10]
    assert not [key for key in metadata if key.startswith("crit_")]


def test_keys_without_a_value_are_absent(back_cover: Chunk) -> None:
    metadata = md.chunk_to_metadata(back_cover)
    absent = {
        md.ACTION,
        md.COUNTRY,
        md.COUNTRY_CODE,
        md.YEARS,
        md.YEAR_START,
        md.YEAR_END,
        md.THEME,
        md.CRITERIA,
    }
    assert not absent & metadata.keys()
    assert "" not in metadata.values()


def test_a_passage_with_absent_keys_survives_the_round_trip(back_cover: Chunk) -> None:
    metadata = md.chunk_to_metadata(back_cover)
    assert md.chunk_from_metadata(back_cover.id, back_cover.text, metadata) == back_cover


def test_the_iso_country_code_is_stored_beside_the_printed_name(corpus_chunks: list[Chunk]) -> None:
    metadata = md.chunk_to_metadata(replace(corpus_chunks[0], country="Jordanie"))
    assert (metadata[md.COUNTRY], metadata[md.COUNTRY_CODE]) == ("Jordanie", "JO")


def test_a_name_that_is_no_known_country_has_no_code(corpus_chunks: list[Chunk]) -> None:
    metadata = md.chunk_to_metadata(replace(corpus_chunks[0], country="Atlantis"))
    assert metadata[md.COUNTRY] == "Atlantis" and md.COUNTRY_CODE not in metadata


def test_years_are_stored_as_first_and_last_year() -> None:
    assert md.year_span("2016-2019") == (2016, 2019)
    assert md.year_span("2019") == (2019, 2019)
    assert md.year_span("") is None


def test_json_round_trip_rebuilds_the_chunk(corpus_chunks: list[Chunk]) -> None:
    chunk = corpus_chunks[0]
    assert md.chunk_from_json(md.chunk_to_json(chunk)) == chunk


def test_sentences_and_their_float32_vectors_survive_the_round_trip_exactly() -> None:
    vectors = np.random.default_rng(0).standard_normal((3, 512)).astype(np.float32)
    sentences = [("Première phrase.", vectors[0]), ('A "quoted" one.', vectors[1]), ("Última.", vectors[2])]
    read = md.sentences_from_metadata(md.sentences_to_metadata(sentences))
    assert [text for text, _ in read] == [text for text, _ in sentences]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(read, sentences, strict=True))


def test_a_chunk_without_sentences_writes_none_over_them() -> None:
    metadata = md.sentences_to_metadata([])
    assert metadata == {md.SENTENCES: None, md.SENTENCE_VECTORS: None}
    assert md.sentences_from_metadata({}) == []


def test_the_chunk_rebuilt_from_its_metadata_leaves_the_sentences_out(corpus_chunks: list[Chunk]) -> None:
    chunk = corpus_chunks[0]
    metadata = {**md.chunk_to_metadata(chunk), **md.sentences_to_metadata([(chunk.text, [0.5, 0.25])])}
    assert md.chunk_from_metadata(chunk.id, chunk.text, metadata) == chunk
