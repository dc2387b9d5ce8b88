"""Country-name tests: names in en/fr/es, with or without accents, map to one code."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import countries
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


def test_a_city_name_with_a_lower_case_particle_is_found() -> None:
    assert cities_in("en el puesto fronterizo de Ciudad del Este en 2015") == {"ciudad del este": "PY"}
    assert cities_in("from Rio de Janeiro") == {"rio de janeiro": "BR"}


def test_tables_read_back_from_the_cache_folder_equal_those_gathered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    tables = (countries._names_by_code, countries._city_index)
    for table in tables:
        table.cache_clear()
    gathered = [table() for table in tables]  # gathered from the data and saved
    for table in tables:
        table.cache_clear()
    read_back = [table() for table in tables]
    for table in tables:
        table.cache_clear()
    assert len(list(tmp_path.glob("casebook/*.json"))) == 2
    assert read_back == gathered
