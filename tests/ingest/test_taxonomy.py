"""Taxonomy tests: the data file loads and its look-ups match the corpus wording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.taxonomy import DEFAULT_TAXONOMY_PATH, Taxonomy, load_taxonomy


def test_taxonomy_has_ten_criteria_and_five_themes(taxonomy: Taxonomy) -> None:
    assert [c.number for c in taxonomy.criteria] == list(range(1, 11))
    assert len(taxonomy.themes) == 5


def test_labels_in_each_language(taxonomy: Taxonomy) -> None:
    assert taxonomy.criterion_label(4, "en") == "Tangible results"
    assert taxonomy.criterion_label(9, "fr") == "Valeur ajoutée de l’UE"
    assert taxonomy.theme_label("legal_migration_mobility", "es") == "Migración legal y movilidad"


@pytest.mark.parametrize(
    ("marker", "number"),
    [
        ("4 Les actions doivent produire des résultats tangibles", 4),
        (
            "10 Les actions doivent servir de catalyseur d’acquisition de savoirs via l’échange d’expériences",
            10,
        ),
        ("7. L’Action doit s’appuyer sur les niveaux d’expérience les plus élevés", 7),
        ("3 Actions should be replicable", 3),
        ("9 Las acciones deben aportar valor añadido de la UE", 9),
        ("5 Les actions doivent etre approuvees a un niveau eleve", 5),
    ],
)
def test_criterion_markers_match_by_number_and_meaning(taxonomy: Taxonomy, marker: str, number: int) -> None:
    assert taxonomy.match_criterion_marker(marker) == number


@pytest.mark.parametrize(
    "text",
    [
        "1 UNHCR, « Rapport des tendances mondiales sur l’asile 2019 » p. 20, Accessible via : https://x",
        "5 https://www.ohchr.org/FR/Issues/Trafficking/TiP/Pages/Index.aspx.",
        "2 Actions should be replicable",  # right sentence, wrong number
        "11 Les actions doivent produire des résultats tangibles",
        "84 officials trained, including planning officers.",
    ],
)
def test_footnotes_and_wrong_numbers_are_not_markers(taxonomy: Taxonomy, text: str) -> None:
    assert taxonomy.match_criterion_marker(text) is None


def test_theme_matches_labels_in_any_language(taxonomy: Taxonomy) -> None:
    assert taxonomy.match_theme("Área temática: Intervenciones horizontales") == "horizontal_interventions"
    assert (
        taxonomy.match_theme("Irregular migration and trafficking in human beings")
        == "irregular_migration_thb"
    )
    assert taxonomy.match_theme("Migration and development") == "migration_development"
    assert taxonomy.match_theme("Nothing here") is None


def test_section_headings_give_key_and_language(taxonomy: Taxonomy) -> None:
    assert taxonomy.section_for_heading("Concept d'Action") == ("concept", "fr")
    assert taxonomy.section_for_heading("Concepto de la Acción") == ("concept", "es")
    assert taxonomy.section_for_heading("Lessons learnt") == ("lessons", "en")
    assert taxonomy.heading_languages("Impact") == ("fr", "en")
    assert taxonomy.section_for_heading("Contexte général de la région") is None


def test_a_line_opening_with_a_front_matter_heading_in_any_language_and_case_is_front_matter(
    taxonomy: Taxonomy,
) -> None:
    assert taxonomy.is_front_matter_heading("DOMAINES THEMATIQUES")
    assert taxonomy.is_front_matter_heading("Como ler este estudo de caso? (página 2)")
    assert not taxonomy.is_front_matter_heading("Les domaines thématiques du programme")


def test_a_line_opening_with_a_back_cover_cue_is_the_back_cover(taxonomy: Taxonomy) -> None:
    assert taxonomy.is_back_cover_cue("SINCE ITS LAUNCH IN 2009, MIEUX has supported")
    assert taxonomy.is_back_cover_cue("www.mieux-initiative.eu")
    assert not taxonomy.is_back_cover_cue("The Action was launched in 2009.")


def test_acronyms_expand_into_the_requested_language(taxonomy: Taxonomy) -> None:
    assert taxonomy.expand_acronyms("aide aux VdT selon les POS", "en") == [
        "victims of trafficking",
        "VoT",
        "standard operating procedures",
        "SOP",
        "SOPs",
    ]
    assert "traite des personnes" in taxonomy.expand_acronyms("THB cases", "fr")
    assert taxonomy.expand_acronyms("it is fine", "en") == []


def test_the_glossary_entries_a_text_uses_are_found_by_any_of_their_forms(taxonomy: Taxonomy) -> None:
    (sops,) = taxonomy.entries_used("Which institutions signed the SOPs?")
    assert sops.used_in("Assinatura dos PON pela DEF") and sops.used_in("procédures opérationnelles standard")
    assert not sops.used_in("il a posé la question")  # acronyms are matched as written
    assert {"pon", "standard", "operating", "procedimientos"} <= sops.words
    assert [e.expansions["en"] for e in taxonomy.entries_used("Trafficking in human beings")] == [
        "trafficking in human beings"
    ]


def test_a_replacement_taxonomy_file_is_used(tmp_path: Path) -> None:
    raw = json.loads(DEFAULT_TAXONOMY_PATH.read_text(encoding="utf-8"))
    raw["themes"] = raw["themes"][:1]
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert [t.key for t in load_taxonomy(path).themes] == ["migration_development"]


def test_criteria_with_gaps_are_rejected(tmp_path: Path) -> None:
    raw = json.loads(DEFAULT_TAXONOMY_PATH.read_text(encoding="utf-8"))
    raw["criteria"] = raw["criteria"][1:]
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="numbered"):
        load_taxonomy(path)
