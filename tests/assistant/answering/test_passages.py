"""Passage search for answering, on the real corpus: named Actions first, countries as stored."""

from __future__ import annotations

from assistant.answering.passages import PassageSearch
from assistant.service import Casebook
from assistant.types import SearchFilters
from tests.assistant.conftest import JORDAN


def _passages(casebook: Casebook) -> PassageSearch:
    return casebook.pipeline.passages


def test_countries_are_read_as_the_library_spells_them(corpus_casebook: Casebook) -> None:
    passages = _passages(corpus_casebook)
    assert passages.resolve_countries(["Jordan", "jordanie", "JORDANIE"]) == ("Jordanie",)
    assert passages.resolved(SearchFilters(countries=("Jordan",))).countries == ("Jordanie",)


def test_the_named_actions_passages_come_first(corpus_casebook: Casebook) -> None:
    hits = _passages(corpus_casebook).search("training of officials", "en", named=(JORDAN,), k=5)
    assert len(hits) == 5 and hits[0].chunk.case_study_id == JORDAN


def test_a_filter_on_actions_overrides_the_named_ones(corpus_casebook: Casebook) -> None:
    hits = _passages(corpus_casebook).search(
        "training of officials", "en", named=(JORDAN,), filters=SearchFilters(case_study_ids=("nothing",))
    )
    assert hits == []
