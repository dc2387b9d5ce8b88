"""Tests of the shared text helpers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ingest.text import fold, slugify


def test_fold_removes_accents_case_and_curly_quotes() -> None:
    assert fold("Concept d’Action\u00a0ÉTÉ") == "concept d'action ete"


def test_slugify_is_ascii_and_dash_separated() -> None:
    assert slugify("Arménie 2018-2020 Enregistrer") == "armenie-2018-2020-enregistrer"


@given(st.text(), st.integers(min_value=5, max_value=80))
def test_slugify_respects_length_and_ascii(text: str, length: int) -> None:
    slug = slugify(text, length)
    assert slug.isascii() and len(slug) <= length
