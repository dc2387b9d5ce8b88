"""Typed records that ingest produces and every later layer consumes.

A file becomes a `Publication` (one or more `CaseStudy`, plus the collection's own `about`
paragraphs); a case study becomes citable `Chunk`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Keys used for sections everywhere (CLI, JSON, filters, prompts).
SECTION_KEYS = ("summary", "context", "concept", "practices", "impact", "lessons")
CRITERIA_SECTION = "criteria"  # the criteria markers and thematic area, as printed
NOTES_SECTION = "notes"  # the case study's footnotes, kept searchable apart from the text
ABOUT_SECTION = "about"  # the collection's back cover: about the programme, not an Action


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of clean running text, in reading order."""

    section: str
    text: str
    page: int


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str
    page: int


@dataclass
class CaseStudy:
    """One Action's case study with the metadata stated in its text."""

    id: str
    title: str
    country: str
    years: str  # "2016-2019"
    theme: str | None  # thematic-area key from the taxonomy, None when the text does not say
    criteria: list[int]
    language: str  # "fr" | "en" | "es"
    source: str  # file name the case study came from
    paragraphs: list[Paragraph] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)

    @property
    def sections(self) -> list[str]:
        """Text section keys present (SECTION_KEYS), in reading order, without repeats."""
        seen: list[str] = []
        for paragraph in self.paragraphs:
            if paragraph.section in SECTION_KEYS and paragraph.section not in seen:
                seen.append(paragraph.section)
        return seen

    def section_text(self, key: str) -> str:
        return "\n\n".join(p.text for p in self.paragraphs if p.section == key)


@dataclass
class Publication:
    """Everything read from one file."""

    source: str
    language: str
    case_studies: list[CaseStudy]
    about: list[Paragraph] = field(default_factory=list)


@dataclass(frozen=True)
class Chunk:
    """A passage small enough to cite: a reader can check it in seconds."""

    id: str  # stable: same text at the same place gives the same id
    case_study_id: str
    action: str  # the Action's title
    country: str
    years: str
    theme: str | None
    criteria: tuple[int, ...]
    section: str
    language: str
    source: str
    page: int
    position: int  # order of the chunk within its case study
    text: str
