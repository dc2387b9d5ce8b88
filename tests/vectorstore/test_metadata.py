"""Chunk <-> Chroma metadata and JSON conversions."""

from __future__ import annotations

from dataclasses import replace

from ingest.models import Chunk
from vectorstore import metadata as md


def test_metadata_round_trip_rebuilds_the_chunk(corpus_chunks: list[Chunk]) -> None:
    chunk = corpus_chunks[0]
    assert md.chunk_from_metadata(chunk.id, chunk.text, md.chunk_to_metadata(chunk)) == chunk


def test_metadata_holds_only_scalars(corpus_chunks: list[Chunk]) -> None:
    values = md.chunk_to_metadata(corpus_chunks[0]).values()
    assert all(isinstance(v, str | int | float | bool) for v in values)


def test_missing_theme_and_criteria_survive_the_round_trip(corpus_chunks: list[Chunk]) -> None:
    chunk = replace(corpus_chunks[0], theme=None, criteria=())
    assert md.chunk_from_metadata(chunk.id, chunk.text, md.chunk_to_metadata(chunk)) == chunk


def test_criteria_are_stored_as_flags_and_as_text(corpus_chunks: list[Chunk]) -> None:
    metadata = md.chunk_to_metadata(replace(corpus_chunks[0], criteria=(4, 10)))
    assert metadata["crit_4"] is True and metadata["crit_10"] is True
    assert metadata[md.CRITERIA] == "4,10"


def test_years_are_stored_as_first_and_last_year() -> None:
    assert md.year_span("2016-2019") == (2016, 2019)
    assert md.year_span("2019") == (2019, 2019)
    assert md.year_span("") == (md.UNKNOWN_YEAR, md.UNKNOWN_YEAR)


def test_json_round_trip_rebuilds_the_chunk(corpus_chunks: list[Chunk]) -> None:
    chunk = corpus_chunks[0]
    assert md.chunk_from_json(md.chunk_to_json(chunk)) == chunk
