"""Country-name tests: names in en/fr/es, with or without accents, map to one code."""

from __future__ import annotations

import pytest

from ingest.countries import cities_in, country_code, country_names, name_index


@pytest.mark.parametrize(
    ("names", "code"),
    [
        (("Jordanie", "Jordan", "Jordania"), "JO"),
        (("Sénégal", "Senegal"), "SN"),
        (("Liban", "Lebanon", "Líbano"), "LB"),
        (("Kirghizistan", "Kyrgyzstan"), "KG"),
        (("Arménie", "Armenie", "Armenia"), "AM"),
        (("Jamaïque", "Jamaica"), "JM"),
        (("Paraguay",), "PY"),
        (("Népal", "Nepal"), "NP"),
        (("Tunisie", "Tunisia", "Túnez"), "TN"),
    ],
)
def test_country_names_in_three_languages_give_one_code(names: tuple[str, ...], code: str) -> None:
    assert {country_code(name) for name in names} == {code}


def test_unknown_country_gives_none() -> None:
    assert country_code("Atlantis") is None


def test_country_names_lists_each_language() -> None:
    assert {"Jordan", "Jordanie", "Jordania"} <= country_names("JO")


def test_name_index_maps_folded_names_to_codes() -> None:
    index = name_index()
    assert index["jordanie"] == index["jordan"] == "JO"


def test_exonyms_in_every_language_name_the_same_country() -> None:
    for name in ("Ivory Coast", "Côte d’Ivoire", "Costa do Marfim", "Costa de Marfil"):
        assert country_code(name) == "CI", name
    assert country_code("Filipinas") == "PH"
    assert country_code("Gana") == "GH"
    assert country_code("Cap-Vert") == country_code("Cabo Verde") == "CV"


def test_a_capitalised_city_names_its_country_and_a_common_word_does_not() -> None:
    assert cities_in("the unit based in Praia drafted it") == {"praia": "CV"}
    assert cities_in("Abidjan and Accra") == {"abidjan": "CI", "accra": "GH"}
    assert cities_in("a praia near the amman road") == {}
