"""Property-based tests: the cleaner and the parser never crash on arbitrary text, and a plain
paragraph (no hyphens, numbers or footnote-like lines) keeps every word from page to chunk."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.chunker import chunk_publication
from ingest.cleaning import is_page_furniture, join_lines, normalize_spaces
from ingest.errors import NoCaseStudyError
from ingest.parser import parse_document
from ingest.readers import RawDocument
from ingest.taxonomy import load_taxonomy
from tests.ingest.conftest import CORPUS

TAXONOMY = load_taxonomy()
MAX_WORDS = 120  # the chunk size the settings default to (CASEBOOK_CHUNK_WORDS)
NEPAL = (CORPUS / "synthetic" / "en_nepal_2012-2014_migration_and_development_policy.txt").read_text(
    encoding="utf-8"
)
ANCHOR = "\nContext\n\n"
PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10)
paragraphs = st.lists(words, min_size=12, max_size=60)


@PROPERTY_SETTINGS
@given(st.lists(st.text(), max_size=30))
def test_the_cleaner_never_crashes_on_arbitrary_lines(lines: list[str]) -> None:
    joined = join_lines(lines)
    assert isinstance(joined, str)
    assert isinstance(normalize_spaces(joined), str)
    for line in lines:
        is_page_furniture(line)


@PROPERTY_SETTINGS
@given(st.lists(st.text(), min_size=1, max_size=5))
def test_the_parser_never_crashes_on_arbitrary_pages(pages: list[str]) -> None:
    try:
        publication = parse_document(RawDocument(source="random.txt", pages=pages), TAXONOMY)
    except NoCaseStudyError:
        return
    chunk_publication(publication, max_words=MAX_WORDS)


@PROPERTY_SETTINGS
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_the_parser_never_crashes_on_a_real_case_study_with_arbitrary_text_inserted(
    inserts: list[str],
) -> None:
    pages = NEPAL.split(ANCHOR, 1)
    text = pages[0] + ANCHOR + "\n".join(inserts) + "\n\n" + pages[1]
    chunk_publication(
        parse_document(RawDocument(source="nepal.txt", pages=[text]), TAXONOMY), max_words=MAX_WORDS
    )


@PROPERTY_SETTINGS
@given(paragraphs)
def test_every_word_of_a_plain_paragraph_survives_parsing_and_chunking(paragraph: list[str]) -> None:
    sentence = " ".join(paragraph).capitalize() + "."
    lines = [" ".join(paragraph[i : i + 9]) for i in range(0, len(paragraph), 9)]  # wrapped like a PDF
    lines[0] = lines[0].capitalize()
    lines[-1] += "."
    head, tail = NEPAL.split(ANCHOR, 1)
    text = head + ANCHOR + "\n".join(lines) + "\n\n" + tail
    chunks = chunk_publication(
        parse_document(RawDocument(source="nepal.txt", pages=[text]), TAXONOMY), max_words=MAX_WORDS
    )
    chunk_words = set(re.findall(r"[a-z]+", " ".join(c.text for c in chunks).lower()))
    missing = [word for word in sentence.lower().rstrip(".").split() if word not in chunk_words]
    assert missing == []
