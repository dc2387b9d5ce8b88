"""Reader tests: every format reads, every broken file fails with a clear reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter

from ingest.errors import UnreadableFileError
from ingest.readers import read_document, split_layout_pages
from tests.paths import SYNTHETIC

from .conftest import JORDAN

MakePdf = Callable[..., Path]


def test_pdf_reads_with_page_numbers_kept(make_pdf: MakePdf) -> None:
    path = make_pdf(["Première page de texte.", "Deuxième page, protection des VdT."])
    raw = read_document(path)
    assert raw.source == path.name
    assert len(raw.pages) == 2
    assert "Première page" in raw.pages[0] and "Deuxième page" in raw.pages[1]


def test_pdf_with_random_bytes_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "random.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    with pytest.raises(UnreadableFileError, match="corrupt PDF"):
        read_document(path)


def test_truncated_pdf_is_corrupt(make_pdf: MakePdf, tmp_path: Path) -> None:
    data = make_pdf(["Une page.", "Une autre page."]).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableFileError, match="corrupt PDF"):
        read_document(path)


def test_encrypted_pdf_is_refused(make_pdf: MakePdf, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=str(make_pdf(["Secret."])))
    writer.encrypt("secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    writer.write(str(path))
    with pytest.raises(UnreadableFileError) as caught:
        read_document(path)
    assert caught.value.reason == "the PDF is encrypted"
    assert str(caught.value) == "locked.pdf: the PDF is encrypted"


def test_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "scan.pdf"
    writer.write(str(path))
    with pytest.raises(UnreadableFileError, match="no text layer"):
        read_document(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(UnreadableFileError, match="the file is empty"):
        read_document(path)


def test_binary_file_renamed_txt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(UnreadableFileError, match="binary"):
        read_document(path)


def test_latin1_text_is_refused_with_encoding_hint(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Jordanie (2016-2019)\nProtection des réfugiés".encode("latin-1"))
    with pytest.raises(UnreadableFileError, match="not valid UTF-8"):
        read_document(path)


def test_utf8_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffBonjour".encode())
    assert read_document(path).pages == ["Bonjour"]


def test_unsupported_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "slides.xyz"
    path.write_text("text", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match=r"unsupported file type '\.xyz'"):
        read_document(path)


def test_file_over_the_size_limit_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match=r"larger than the 0\.001 MB limit"):
        read_document(JORDAN, max_bytes=1000)


def test_corrupt_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableFileError, match="corrupt DOCX"):
        read_document(path)


def test_docx_reads_paragraphs(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("NOUVELLES MESURES")
    document.add_paragraph("Jordanie (2016-2019)")
    path = tmp_path / "case.docx"
    document.save(str(path))
    raw = read_document(path)
    assert len(raw.pages) == 1
    assert "NOUVELLES MESURES\n\nJordanie (2016-2019)" in raw.pages[0]


def test_form_feeds_split_txt_pages(tmp_path: Path) -> None:
    path = tmp_path / "pages.txt"
    path.write_text("one\fTwo\fthree", encoding="utf-8")
    assert read_document(path).pages == ["one", "Two", "three"]


def test_layout_pages_start_at_single_leading_space() -> None:
    pages = split_layout_pages(" Title\nline\n Second page\nmore\n  indented, same page")
    assert len(pages) == 2
    assert pages[1].startswith(" Second page") and "indented" in pages[1]


def test_synthetic_layout_pages_match_their_footer_numbers() -> None:
    text = (SYNTHETIC / "fr_senegal_2015-2017_donnees_migration_de_travail.txt").read_text(encoding="utf-8")
    pages = split_layout_pages(text)
    for number, page in enumerate(pages, 1):
        if "Domaine thématique" in page:
            assert page.rstrip().endswith(f"·   {number}")


def test_markdown_heading_markers_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "case.md"
    path.write_text("# NOUVELLES MESURES\n\n## Contexte\n\n- un point\n", encoding="utf-8")
    page = read_document(path).pages[0]
    assert page.splitlines()[0] == "NOUVELLES MESURES"
    assert "Contexte" in page.splitlines() and "• un point" in page
