"""Chunker tests: citable size, sentence alignment, sections kept apart, stable ids."""

from __future__ import annotations

import dataclasses

import pytest

from ingest.chunker import chunk_publication
from ingest.loader import load_file
from ingest.models import ABOUT_SECTION, NOTES_SECTION, SECTION_KEYS, Chunk, Publication
from ingest.taxonomy import Taxonomy

from .conftest import EXPECTED_CASES, JORDAN, SYNTHETIC

MAX_WORDS = 120  # the chunk size the settings default to (CASEBOOK_CHUNK_WORDS)
ALL_FILES = [JORDAN] + [SYNTHETIC / e.file for e in EXPECTED_CASES]


@pytest.fixture(scope="module")
def all_pubs(taxonomy: Taxonomy) -> list[Publication]:
    return [load_file(path, taxonomy) for path in ALL_FILES]


@pytest.fixture(scope="module")
def all_chunks(all_pubs: list[Publication]) -> list[Chunk]:
    return [chunk for pub in all_pubs for chunk in chunk_publication(pub, max_words=MAX_WORDS)]


def test_every_chunk_is_small_enough_to_check(all_chunks: list[Chunk]) -> None:
    assert max(len(chunk.text.split()) for chunk in all_chunks) <= 150


def test_chunks_are_sentence_aligned(all_chunks: list[Chunk], all_pubs: list[Publication]) -> None:
    paragraphs = {p.text for pub in all_pubs for case in pub.case_studies for p in case.paragraphs}
    for chunk in all_chunks:
        if chunk.section in (NOTES_SECTION, ABOUT_SECTION):
            continue
        last = chunk.text.split("\n\n")[-1]
        assert last.rstrip('»”") ')[-1] in ".!?:;" or last in paragraphs, chunk.text


def test_chunks_aim_at_a_citable_size(all_chunks: list[Chunk]) -> None:
    sizes = sorted(len(c.text.split()) for c in all_chunks if c.section in SECTION_KEYS)
    assert 45 <= sizes[len(sizes) // 2] <= 120


def test_chunks_never_mix_sections(jordan: Publication) -> None:
    case = jordan.case_studies[0]
    for chunk in chunk_publication(jordan, max_words=MAX_WORDS):
        if chunk.section in SECTION_KEYS:
            assert chunk.text.split("\n\n")[0][:80] in case.section_text(chunk.section)
            assert chunk.text.split("\n\n")[-1][-80:] in case.section_text(chunk.section)


def test_chunks_carry_the_case_metadata(jordan: Publication) -> None:
    case = jordan.case_studies[0]
    chunk = next(c for c in chunk_publication(jordan, max_words=MAX_WORDS) if c.section == "lessons")
    assert (chunk.case_study_id, chunk.action, chunk.country, chunk.years) == (
        case.id,
        case.title,
        "Jordanie",
        "2016-2019",
    )
    assert chunk.criteria == (4, 10) and chunk.language == "fr" and chunk.source == JORDAN.name
    assert all(getattr(chunk, f.name) is not None for f in dataclasses.fields(chunk) if f.name != "theme")


def test_chunk_ids_are_stable_across_runs(taxonomy: Taxonomy) -> None:
    first = [c.id for c in chunk_publication(load_file(JORDAN, taxonomy), max_words=MAX_WORDS)]
    second = [c.id for c in chunk_publication(load_file(JORDAN, taxonomy), max_words=MAX_WORDS)]
    assert first == second


def test_chunk_ids_are_unique(all_chunks: list[Chunk]) -> None:
    ids = [chunk.id for chunk in all_chunks]
    assert len(ids) == len(set(ids))


def test_positions_increase_within_a_case_study(jordan: Publication) -> None:
    positions = [
        c.position
        for c in chunk_publication(jordan, max_words=MAX_WORDS)
        if c.case_study_id == jordan.case_studies[0].id
    ]
    assert positions == list(range(len(positions)))


def test_footnotes_become_notes_chunks(jordan: Publication) -> None:
    notes = [c for c in chunk_publication(jordan, max_words=MAX_WORDS) if c.section == NOTES_SECTION]
    assert len(notes) == 5
    assert notes[0].text.startswith("1 UNHCR") and notes[0].case_study_id == jordan.case_studies[0].id


def test_back_cover_becomes_about_chunks_outside_the_case(jordan: Publication) -> None:
    about = [c for c in chunk_publication(jordan, max_words=MAX_WORDS) if c.section == ABOUT_SECTION]
    assert about and {c.case_study_id for c in about} == {f"about:{JORDAN.name}"}
    assert all(c.action == "" and c.theme is None and c.criteria == () for c in about)


def test_long_paragraph_is_split_between_sentences(jordan: Publication) -> None:
    chunks = chunk_publication(jordan, max_words=40)
    assert all(len(c.text.split()) <= 60 for c in chunks if c.section in SECTION_KEYS)
    assert sum(1 for c in chunks if c.section == "context") > 5
