"""Tests of title casing and case-study ids."""

from __future__ import annotations

from ingest.titles import case_study_id, restore_title_case


def test_capitals_become_sentence_case() -> None:
    body = "Le refuge protège les victimes de la traite. Des mesures nouvelles."
    assert (
        restore_title_case("NOUVELLES MESURES POUR LES VICTIMES", body)
        == "Nouvelles mesures pour les victimes"
    )


def test_words_the_body_writes_capitalised_stay_capitalised() -> None:
    body = "Avec l’appui de MIEUX, la Jordanie a agi. MIEUX et la Jordanie ont signé."
    assert restore_title_case("MIEUX EN JORDANIE", body) == "MIEUX en Jordanie"


def test_titles_not_in_capitals_are_kept() -> None:
    assert restore_title_case("Already Fine Title", "") == "Already Fine Title"


def test_case_id_uses_country_years_and_significant_words() -> None:
    assert case_study_id("Arménie", "2018-2020", "Enregistrer les demandes d’asile") == (
        "armenie-2018-2020-enregistrer-demandes-asile"
    )


def test_case_id_is_made_unique() -> None:
    taken = {"liban-2017-2019-inspection"}
    assert case_study_id("Liban", "2017-2019", "L’inspection", taken) == "liban-2017-2019-inspection-2"


def test_a_word_capitalised_only_inside_a_name_is_lowercased_on_its_own() -> None:
    body = "Ghana adopted its National Labour Migration Policy. Its national labour migration plan."
    assert restore_title_case("A FIRST NATIONAL POLICY ON LABOUR MIGRATION", body) == (
        "A first national policy on labour migration"
    )


def test_a_name_the_body_capitalises_stays_whole_in_the_title() -> None:
    body = "O Governo adotou a Estratégia Nacional de Imigração em Cabo Verde. Cabo Verde avançou."
    assert restore_title_case("UMA NOVA ESTRATÉGIA NACIONAL DE IMIGRAÇÃO", body) == (
        "Uma nova Estratégia Nacional de Imigração"
    )
    assert restore_title_case("UMA NOVA POLÍTICA NACIONAL", "a Estratégia Nacional e a política") == (
        "Uma nova política nacional"
    )
