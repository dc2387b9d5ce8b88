"""Shared fixtures for ingest tests: the real corpus, the taxonomy, and file builders."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from fpdf import FPDF

from ingest.loader import load_file
from ingest.models import Publication
from ingest.taxonomy import Taxonomy, load_taxonomy
from tests.paths import CORPUS, SYNTHETIC

JORDAN = CORPUS / "mieux_jordanie_2016-2019_fr.txt"
UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class ExpectedCase:
    """One row of the synthetic corpus README table."""

    file: str
    language: str
    title: str
    country: str
    years: str
    area: str
    criteria: list[int]


def _readme_rows() -> list[ExpectedCase]:
    rows = []
    for line in (SYNTHETIC / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0].startswith("`"):
            criteria = [int(n) for n in re.findall(r"\d+", cells[6])]
            file, language, title, country, years, area = cells[0].strip("`"), *cells[1:6]
            rows.append(ExpectedCase(file, language, title, country, years, area, criteria))
    return rows


EXPECTED_CASES = _readme_rows()


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="session")
def jordan(taxonomy: Taxonomy) -> Publication:
    return load_file(JORDAN, taxonomy)


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[[list[str], str], Path]:
    """Build a real PDF with one page per text (DejaVu when installed, else Latin-1 Helvetica)."""

    def build(pages: list[str], name: str = "made.pdf") -> Path:
        pdf = FPDF()
        if UNICODE_FONT.exists():
            pdf.add_font("DejaVu", fname=str(UNICODE_FONT))
            pdf.set_font("DejaVu", size=9)
        else:
            pdf.set_font("Helvetica", size=9)
            pages = [page.encode("latin-1", "replace").decode("latin-1") for page in pages]
        for page in pages:
            pdf.add_page()
            pdf.multi_cell(0, 5, page.strip("\n"))
        path = tmp_path / name
        pdf.output(str(path))
        return path

    return build
