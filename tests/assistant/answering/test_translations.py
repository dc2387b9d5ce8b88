"""Words of two languages that name the same thing, told apart from other words of the field by
their multilingual vectors (the real Universal Sentence Encoder). These pairs set the cut-off."""

from __future__ import annotations

import pytest

from assistant.answering.translations import closest_name, translates

TRANSLATIONS = [
    ("applications", "solicitudes"),
    ("applications", "demandes"),
    ("officers", "officiers"),
    ("funcionarios", "officers"),
    ("agencies", "agences"),
    ("returnees", "retornados"),
    ("inspectors", "inspecteurs"),
    ("formadores", "trainers"),
    ("recusas", "refusals"),
    ("law", "ley"),
    ("shelter", "refuge"),
    ("victims", "victimas"),
    ("pessoas", "participants"),
]
OTHER_WORDS = [
    ("applications", "agents"),
    ("applications", "brigadas"),
    ("officiers", "participants"),
    ("agencies", "actions"),
    ("returnees", "trainers"),
    ("inspectors", "victims"),
    ("law", "strategy"),
    ("processos", "anonymises"),
    ("cas", "signalements"),
    ("staff", "modules"),
]


@pytest.mark.parametrize(("word", "other"), TRANSLATIONS)
def test_a_word_translates_its_translation(word: str, other: str) -> None:
    assert translates(word, [other])


@pytest.mark.parametrize(("word", "other"), OTHER_WORDS)
def test_a_word_does_not_translate_another_word_of_its_field(word: str, other: str) -> None:
    assert not translates(word, [other])


def test_any_of_several_words_may_be_the_translation_and_none_is_none() -> None:
    assert translates("trainers", ["de", "formateurs", "certifiés"])
    assert not translates("trainers", [])


def test_an_adjective_is_closest_to_its_countrys_name_and_an_unclear_one_to_none() -> None:
    candidates = {"BE": ["Bélgica", "Belgium"], "BY": ["Belarús", "Belarus"]}
    assert closest_name(("belga", "Belga"), candidates) == "BE"
    assert closest_name(("bellas", "Bellas"), candidates) is None
