"""End-to-end tests of `load_file` on every supported format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from ingest.errors import NoCaseStudyError, UnreadableFileError
from ingest.loader import SUPPORTED_SUFFIXES, load_file
from ingest.readers import split_layout_pages
from ingest.taxonomy import Taxonomy
from tests.paths import SYNTHETIC

from .conftest import JORDAN

SENEGAL = SYNTHETIC / "fr_senegal_2015-2017_donnees_migration_de_travail.txt"


def test_supported_suffixes_are_the_four_formats() -> None:
    assert set(SUPPORTED_SUFFIXES) == {".pdf", ".docx", ".txt", ".md"}


def test_pdf_case_study_keeps_metadata_markers_and_footnotes(
    make_pdf: Callable[..., Path], taxonomy: Taxonomy
) -> None:
    # PDF text has no blank lines: markers and footnotes must be found inside text blocks.
    path = make_pdf(split_layout_pages(SENEGAL.read_text(encoding="utf-8")), "senegal.pdf")
    case = load_file(path, taxonomy).case_studies[0]
    assert case.title == "Des données harmonisées sur la migration de travail"
    assert case.criteria == [1, 6]
    assert case.theme == "legal_migration_mobility"
    assert [note.number for note in case.footnotes] == [1, 2, 3]
    assert case.sections == ["summary", "context", "concept", "practices", "impact", "lessons"]
    assert {p.page for p in case.paragraphs} == {2, 3, 4, 5}


def test_docx_case_study_parses(tmp_path: Path, taxonomy: Taxonomy) -> None:
    document = docx.Document()
    for text in (
        "NOUVELLES MESURES POUR LES REFUGES",
        "Jordanie (2016-2019)",
        "MIEUX a travaillé avec les refuges.",
        "Contexte",
        "La Jordanie accueille des réfugiés.",
        "4 Les actions doivent produire des résultats tangibles",
        "Enseignements",
        "La volonté politique compte.",
    ):
        document.add_paragraph(text)
    path = tmp_path / "case.docx"
    document.save(str(path))
    case = load_file(path, taxonomy).case_studies[0]
    assert case.title == "Nouvelles mesures pour les refuges"
    assert case.criteria == [4]
    assert case.sections == ["summary", "context", "lessons"]


def test_markdown_case_study_parses(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = tmp_path / "case.md"
    path.write_text(
        "# A CASE MANAGEMENT MODEL\n\nJamaica (2016-2018)\n\nMIEUX supported the NRO.\n\n"
        "## Context\n\nReturns are frequent.\n\n3 Actions should be replicable\n\n"
        "## Lessons learnt\n\n- Ownership pays off.\n- Stigma must be addressed.\n",
        encoding="utf-8",
    )
    case = load_file(path, taxonomy).case_studies[0]
    assert (case.title, case.country, case.language) == ("A case management model", "Jamaica", "en")
    assert case.criteria == [3]
    assert case.section_text("lessons") == "• Ownership pays off.\n\n• Stigma must be addressed."


def test_unreadable_file_error_names_the_file(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = tmp_path / "empty.md"
    path.write_text("", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match=r"^empty\.md: the file is empty$"):
        load_file(path, taxonomy)


def test_text_without_case_study_raises_no_case_study(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = tmp_path / "readme.txt"
    path.write_text("Just a note about the library.\n", encoding="utf-8")
    with pytest.raises(NoCaseStudyError, match=r"^readme\.txt: "):
        load_file(path, taxonomy)


def test_load_file_accepts_the_size_limit(taxonomy: Taxonomy) -> None:
    assert load_file(JORDAN, taxonomy, max_bytes=10_000_000).case_studies
