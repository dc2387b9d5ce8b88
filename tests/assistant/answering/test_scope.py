"""Which Actions a question's words name (`resolve_scope`), on a library listed by hand."""

from __future__ import annotations

import pytest

from assistant.answering.scope import resolve_scope
from assistant.library.records import ActionRecord
from ingest.countries import country_code
from ingest.taxonomy import load_taxonomy

COUNTRIES = ("Ghana", "Ecuador", "Tunisie", "Arménie", "Paraguay", "Georgia", "Philippines")


def _named(question: str) -> list[str]:
    actions = [
        ActionRecord(c.lower(), "Title", c, "2019-2021", None, [], "en", "f.txt", [], 1) for c in COUNTRIES
    ]
    mentioned = {country_code(c) for c in COUNTRIES}
    return [a.country for a in resolve_scope(question, actions, load_taxonomy(), mentioned).actions]


@pytest.mark.parametrize(
    ("question", "country"),
    [
        ("Quand les POS ghanéennes ont-elles été adoptées ?", "Ghana"),
        ("¿Cuántos funcionarios formó la Acción ecuatoriana?", "Ecuador"),
        ("¿Qué ciudades visitó la delegación tunecina?", "Tunisie"),
        ("How many Armenian officials were trained?", "Arménie"),
    ],
)
def test_an_adjective_built_on_a_countrys_name_names_its_action(question: str, country: str) -> None:
    assert _named(question) == [country]


@pytest.mark.parametrize(
    "question",
    [
        "Quel rôle l’armée a-t-elle joué ?",
        "¿Qué hicieron los paranaenses?",
        "¿Qué dijeron los ecuánimes tunantes?",
        "Quels philosophes ont inspiré la stratégie ?",
    ],
)
def test_a_word_that_only_begins_like_a_countrys_name_names_no_action(question: str) -> None:
    assert _named(question) == []


def _places(question: str) -> frozenset[str]:
    actions = [
        ActionRecord(c.lower(), "Title", c, "2019-2021", None, [], "en", "f.txt", [], 1) for c in COUNTRIES
    ]
    return resolve_scope(question, actions, load_taxonomy(), {country_code(c) for c in COUNTRIES}).places


@pytest.mark.parametrize(
    ("question", "country"),
    [
        ("¿Qué ciudad belga visitó la delegación?", "BE"),
        ("Dans quelle ville allemande la délégation s’est-elle rendue ?", "DE"),
        ("Which Spanish city did the Ghanaian delegation visit?", "ES"),
        ("Que cidades polacas visitaram?", "PL"),
    ],
)
def test_the_adjective_of_a_city_word_names_the_country_the_city_is_in(question: str, country: str) -> None:
    """By meaning, in any language: "belga" is Bélgica's, "Spanish" is Spain's."""
    assert _places(question) == {country}


@pytest.mark.parametrize(
    "question",
    ["Dans quelle ville principale ?", "¿En qué ciudad costera?", "Which capital city hosted it?"],
)
def test_an_adjective_of_no_country_names_no_place(question: str) -> None:
    assert _places(question) == frozenset()
