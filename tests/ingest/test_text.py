"""Tests of the shared text helpers."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.text import fold, normalize_punctuation, slugify


def test_fold_removes_accents_case_and_curly_quotes() -> None:
    assert fold("Concept d’Action\u00a0ÉTÉ") == "concept d'action ete"


def _fold_whole_text(text: str) -> str:
    """Folding as first written: the whole text decomposed at once (the reference for `fold`)."""
    decomposed = unicodedata.normalize("NFKD", normalize_punctuation(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[ \t]+", " ", stripped.casefold()).strip()


@given(st.text())
def test_fold_by_character_equals_folding_the_whole_text(text: str) -> None:
    assert fold(text) == _fold_whole_text(text)


@pytest.mark.slow
def test_fold_of_every_character_equals_folding_the_whole_text() -> None:
    characters = (chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert [c for c in characters if fold(f"a{c}b") != _fold_whole_text(f"a{c}b")] == []


def test_slugify_is_ascii_and_dash_separated() -> None:
    assert slugify("Arménie 2018-2020 Enregistrer") == "armenie-2018-2020-enregistrer"


@given(st.text(), st.integers(min_value=5, max_value=80))
def test_slugify_respects_length_and_ascii(text: str, length: int) -> None:
    slug = slugify(text, length)
    assert slug.isascii() and len(slug) <= length
