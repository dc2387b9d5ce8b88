"""Parser tests on the real Jordan case study and the synthetic fixtures."""

from __future__ import annotations

import pytest

from ingest.countries import country_code
from ingest.errors import NoCaseStudyError
from ingest.loader import load_file
from ingest.models import CRITERIA_SECTION, Publication
from ingest.parser import parse_document
from ingest.readers import RawDocument
from ingest.taxonomy import Taxonomy
from ingest.text import normalize_punctuation
from tests.paths import SYNTHETIC

from .conftest import EXPECTED_CASES, ExpectedCase


def _all_paragraph_text(pub: Publication) -> str:
    return "\n".join(p.text for case in pub.case_studies for p in case.paragraphs)


def test_jordan_holds_one_case_study(jordan: Publication) -> None:
    assert len(jordan.case_studies) == 1


def test_jordan_metadata_is_read_from_the_text(jordan: Publication) -> None:
    case = jordan.case_studies[0]
    assert case.title == "Nouvelles mesures pour la protection des victimes de la traite"
    assert (case.country, case.years, case.language) == ("Jordanie", "2016-2019", "fr")
    assert case.criteria == [4, 10]


def test_jordan_theme_is_none_because_the_text_does_not_say(jordan: Publication) -> None:
    assert jordan.case_studies[0].theme is None


def test_jordan_case_id_is_readable_and_ascii(jordan: Publication) -> None:
    case_id = jordan.case_studies[0].id
    assert case_id == "jordanie-2016-2019-nouvelles-mesures-protection"
    assert case_id.isascii() and len(case_id) <= 60


def test_jordan_has_summary_and_five_sections_in_order(jordan: Publication) -> None:
    assert jordan.case_studies[0].sections == [
        "summary",
        "context",
        "concept",
        "practices",
        "impact",
        "lessons",
    ]


def test_jordan_sections_hold_their_content(jordan: Publication) -> None:
    case = jordan.case_studies[0]
    assert "MIEUX a travaillé avec les nouveaux refuges" in case.section_text("summary")
    assert "655 000" in case.section_text("context")
    assert "10,2%" in case.section_text("context")
    assert "Belgique" in case.section_text("concept")
    assert "Approche centrée sur la victime" in case.section_text("practices")
    assert "procédures claires et exhaustives" in case.section_text("impact")
    assert "volonté politique" in case.section_text("lessons")


def test_front_matter_is_in_no_case_study(jordan: Publication) -> None:
    text = _all_paragraph_text(jordan)
    for front in ("dix particularités", "Domaines thématiques", "Comment lire", "L’Action doit être"):
        assert front not in text


def test_hyphenated_line_breaks_are_joined(jordan: Publication) -> None:
    text = _all_paragraph_text(jordan)
    assert "meilleure protection aux VdT" in text
    assert "pro- tection" not in text and "pro-tection" not in text
    assert "réinsertion" in text  # broken across a page break


def test_real_compounds_keep_their_hyphen(jordan: Publication) -> None:
    text = _all_paragraph_text(jordan)
    assert "ICMPD-MoSD" in text
    assert "anti-traite" in text


def test_footnotes_are_moved_out_of_the_text(jordan: Publication) -> None:
    text = _all_paragraph_text(jordan)
    for source_text in ("Accessible via", "https://", "[consultation", "UNHCR, «"):
        assert source_text not in text


def test_jordan_five_footnotes_are_found_with_numbers_and_pages(jordan: Publication) -> None:
    notes = jordan.case_studies[0].footnotes
    assert [note.number for note in notes] == [1, 2, 3, 4, 5]
    assert notes[0].text.startswith("UNHCR")
    assert "https://www.unhcr.org/be/wp-content/uploads" in notes[0].text
    assert "https://www.state.gov/reports" in notes[2].text
    assert [note.page for note in notes] == sorted(note.page for note in notes)


def test_footnote_calls_are_stripped_and_numbers_kept(jordan: Publication) -> None:
    text = _all_paragraph_text(jordan)
    assert "VdT,4 le" not in text and "des VdT, le ministère" in text
    assert "nationale. 1" not in text and "poursuites.5" not in text and "travail.2" not in text
    assert "15 représentants" in text and "2016-2019" in text


def test_paragraph_continuing_across_a_footnote_block_is_joined(jordan: Publication) -> None:
    concept = jordan.case_studies[0].section_text("concept")
    assert "la signature d’un protocole d’entente entre les deux refuges existants" in concept


def test_criteria_markers_are_not_running_text(jordan: Publication) -> None:
    case = jordan.case_studies[0]
    assert all("Les actions doivent" not in case.section_text(key) for key in case.sections)


def test_criteria_markers_and_theme_form_one_citable_passage(taxonomy: Taxonomy) -> None:
    jamaica = load_file(
        SYNTHETIC / "en_jamaica_2016-2018_reintegration_of_returnees.txt", taxonomy
    ).case_studies[0]
    passage = jamaica.section_text(CRITERIA_SECTION)
    assert passage.startswith("A case management model for returning nationals — Jamaica (2016-2018)")
    assert "1 Actions should be owned by the partner country" in passage
    assert "Thematic area: Migration and development" in passage


def test_page_numbers_increase(jordan: Publication) -> None:
    pages = [p.page for p in jordan.case_studies[0].paragraphs if p.section != CRITERIA_SECTION]
    assert pages == sorted(pages)
    assert len(set(pages)) >= 3


def test_back_cover_goes_to_about_not_the_case(jordan: Publication) -> None:
    assert jordan.about and all(p.section == "about" for p in jordan.about)
    assert jordan.about[0].text.startswith("Depuis son lancement en 2009")
    assert "entre pairs au niveau institutionnel" in jordan.about[0].text
    assert "Depuis son lancement" not in _all_paragraph_text(jordan)
    assert "mieux-initiative.eu" not in _all_paragraph_text(jordan)


@pytest.mark.parametrize("expected", EXPECTED_CASES, ids=lambda e: e.file)
def test_synthetic_file_parses_to_its_readme_metadata(expected: ExpectedCase, taxonomy: Taxonomy) -> None:
    pub = load_file(SYNTHETIC / expected.file, taxonomy)
    assert len(pub.case_studies) == 1
    case = pub.case_studies[0]
    assert normalize_punctuation(case.title) == normalize_punctuation(expected.title)
    assert country_code(case.country) == country_code(expected.country) is not None
    assert case.years == expected.years
    assert case.theme == taxonomy.match_theme(expected.area) is not None
    assert case.criteria == expected.criteria
    assert case.language == expected.language


@pytest.mark.parametrize("expected", EXPECTED_CASES, ids=lambda e: e.file)
def test_synthetic_running_footers_are_dropped(expected: ExpectedCase, taxonomy: Taxonomy) -> None:
    pub = load_file(SYNTHETIC / expected.file, taxonomy)
    text = _all_paragraph_text(pub)
    assert "·" not in text
    assert pub.case_studies[0].sections == ["summary", "context", "concept", "practices", "impact", "lessons"]


def test_several_case_studies_in_one_file_are_split(taxonomy: Taxonomy) -> None:
    first, second = (SYNTHETIC / EXPECTED_CASES[0].file, SYNTHETIC / EXPECTED_CASES[1].file)
    text = first.read_text(encoding="utf-8") + "\n\f" + second.read_text(encoding="utf-8")
    pub = parse_document(RawDocument("two.txt", text.split("\f")), taxonomy)
    assert [c.years for c in pub.case_studies] == [EXPECTED_CASES[0].years, EXPECTED_CASES[1].years]
    assert all(c.criteria for c in pub.case_studies)
    assert "The ten characteristics" not in _all_paragraph_text(pub)
    assert len(pub.about) >= 2


def test_file_without_country_years_line_raises_no_case_study(taxonomy: Taxonomy) -> None:
    with pytest.raises(NoCaseStudyError, match=r"notes\.txt"):
        parse_document(RawDocument("notes.txt", ["Just some notes\nwithout a case study."]), taxonomy)


def test_a_criteria_marker_wrapped_over_two_lines_keeps_its_whole_sentence(taxonomy: Taxonomy) -> None:
    kyrgyzstan = load_file(
        SYNTHETIC / "en_kyrgyzstan_2017-2019_diaspora_engagement_strategy.txt", taxonomy
    ).case_studies[0]
    # The marker's second line is "context": a word, not the "Context" section heading.
    assert "2 Actions should be innovative in their context" in kyrgyzstan.section_text(CRITERIA_SECTION)
