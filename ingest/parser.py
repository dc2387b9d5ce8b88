"""The case-study parser: a `RawDocument` becomes a `Publication` of `CaseStudy` records.

Layout understood: optional front matter, then for each case study a
title block (often in capitals) and a `Country (YYYY-YYYY)` line, a summary, sections opened
by their headings, criteria markers and footnote blocks between paragraphs, running footers,
and a back cover about the programme that goes to `Publication.about`.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from ingest.cleaning import (
    Lexicon,
    continues,
    ends_sentence,
    is_bullet,
    is_page_furniture,
    join_lines,
    join_paragraphs,
    normalize_bullet,
    strip_footnote_calls,
)
from ingest.countries import country_code
from ingest.errors import NoCaseStudyError
from ingest.language import detect_language, vote_language
from ingest.models import ABOUT_SECTION, CRITERIA_SECTION, CaseStudy, Footnote, Paragraph, Publication
from ingest.readers import RawDocument
from ingest.taxonomy import Taxonomy
from ingest.titles import case_study_id, is_shouted, restore_title_case

log = logging.getLogger(__name__)

_ANCHOR = re.compile(r"^(?P<country>[^\W\d_][^()\d]{0,60}?)\s*\((?P<start>\d{4})\s*[-–]\s*(?P<end>\d{4})\)$")
_ANCHOR_MAX_WORDS = 6
_TITLE_MAX_LINES = 3
_FOOTNOTE_START = re.compile(r"^(\d{1,3})\s+(\S.*)$", re.DOTALL)
_MARKER_MAX_LINES = 4
_SOURCE_HINTS = re.compile(r"https?://|www\.|[«»“”\"]|\b(?:19|20)\d{2}\b")


@dataclass(frozen=True)
class Line:
    text: str  # stripped; "" for a blank line
    page: int


@dataclass
class _Body:
    """What the parser collects while walking one case study's lines."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    criteria: set[int] = field(default_factory=set)
    criteria_lines: list[Line] = field(default_factory=list)  # the markers as printed
    heading_languages: list[tuple[str, ...]] = field(default_factory=list)


def parse_document(raw: RawDocument, taxonomy: Taxonomy) -> Publication:
    """Split `raw` into case studies and the collection's back-cover paragraphs."""
    lines = [
        Line(text.strip(), number) for number, page in enumerate(raw.pages, 1) for text in page.split("\n")
    ]
    anchors = [i for i, line in enumerate(lines) if _is_anchor(line.text)]
    if not anchors:
        raise NoCaseStudyError(raw.source)
    lexicon = Lexicon.from_text("\n".join(raw.pages))
    starts = [_title_start(lines, anchor, taxonomy) for anchor in anchors]
    case_studies: list[CaseStudy] = []
    about: list[Paragraph] = []
    for k, anchor in enumerate(anchors):
        limit = starts[k + 1] if k + 1 < len(anchors) else len(lines)
        end = _body_end(lines, anchor + 1, limit, taxonomy)
        taken = {case.id for case in case_studies}
        case_studies.append(_case_study(lines, starts[k], anchor, end, raw.source, taxonomy, lexicon, taken))
        for paragraph in _about(lines[end:limit], taxonomy, lexicon):
            if paragraph.text not in {p.text for p in about}:
                about.append(paragraph)
    languages = [case.language for case in case_studies]
    language = max(set(languages), key=languages.count)
    log.info("%s: %d case stud(ies), %d about paragraph(s)", raw.source, len(case_studies), len(about))
    return Publication(source=raw.source, language=language, case_studies=case_studies, about=about)


def _is_anchor(text: str) -> bool:
    match = _ANCHOR.match(text)
    return match is not None and len(match.group("country").split()) <= _ANCHOR_MAX_WORDS


def _title_start(lines: list[Line], anchor: int, taxonomy: Taxonomy) -> int:
    """Index of the first line of the title block just above the `Country (years)` line."""
    index = anchor
    while index > 0 and not lines[index - 1].text:
        index -= 1
    block: list[int] = []
    while index > 0 and lines[index - 1].text and len(block) < _TITLE_MAX_LINES:
        text = lines[index - 1].text
        if taxonomy.is_front_matter_heading(text) or is_page_furniture(text):
            break
        block.append(index - 1)
        index -= 1
    shouted = [i for i in block if is_shouted(lines[i].text)]
    if shouted:
        # Capitals mark the title; the lines above it may be front matter without a blank line.
        contiguous = [i for n, i in enumerate(block) if block[: n + 1] == shouted[: n + 1]]
        return contiguous[-1] if contiguous else anchor
    return block[-1] if block else anchor


def _body_end(lines: list[Line], start: int, limit: int, taxonomy: Taxonomy) -> int:
    """Where a case study stops: the back cover, the next front matter, or the next title."""
    for index in range(start, limit):
        text = lines[index].text
        if text and (taxonomy.is_back_cover_cue(text) or taxonomy.is_front_matter_heading(text)):
            return index
    return limit


def _blocks(lines: list[Line], taxonomy: Taxonomy) -> Iterator[list[Line]]:
    """Runs of text lines split at blank lines, page breaks and section headings."""
    block: list[Line] = []
    for line in lines:
        if not line.text or is_page_furniture(line.text):
            if block:
                yield block
            block = []
            continue
        if block and (line.page != block[-1].page or taxonomy.section_for_heading(line.text)):
            yield block
            block = []
        block.append(line)
        if taxonomy.section_for_heading(line.text):
            yield block
            block = []
    if block:
        yield block


def _marker_length(block: list[Line], taxonomy: Taxonomy) -> int:
    """Lines of `block` that form its opening criterion marker (0 when it opens with none).

    PDF text has no blank line after a marker, so the marker is the 1-4 line prefix whose
    sentence best matches the criterion.
    """
    best_length, best_score = 0, 0.0
    for length in range(1, min(_MARKER_MAX_LINES, len(block)) + 1):
        text = " ".join(line.text for line in block[:length])
        if taxonomy.match_criterion_marker(text) is None:
            continue
        scored = taxonomy.criterion_marker_score(text)
        if scored and scored[1] >= best_score:
            best_length, best_score = length, scored[1]
    return best_length


def _note_length(block: list[Line]) -> int:
    """Lines of the note opening `block`: it runs on while a line is unfinished or continued."""
    length = 1
    while length < len(block):
        previous, line = block[length - 1].text, block[length].text
        if _FOOTNOTE_START.match(line) or (ends_sentence(previous) and not line[:1].islower()):
            break
        length += 1
    return length


def _leading_footnotes(
    block: list[Line], expected: int, taxonomy: Taxonomy, lexicon: Lexicon
) -> tuple[list[Footnote], int]:
    """Footnotes opening `block`, numbered from `expected` on, and how many lines they take."""
    notes: list[Footnote] = []
    consumed = 0
    while consumed < len(block):
        rest = block[consumed:]
        match = _FOOTNOTE_START.match(rest[0].text)
        if not match or int(match.group(1)) != expected + len(notes) or _marker_length(rest, taxonomy):
            break
        length = _note_length(rest)
        text = join_lines([line.text for line in rest[:length]], lexicon)
        content = text.split(maxsplit=1)[1]
        if not (_SOURCE_HINTS.search(content) or taxonomy.has_footnote_cue(content)):
            break
        notes.append(Footnote(number=expected + len(notes), text=content, page=rest[0].page))
        consumed += length
    return notes, consumed


def _paragraph_length(block: list[Line], expected: int, taxonomy: Taxonomy, lexicon: Lexicon) -> int:
    """Lines of running text before a marker or footnote that PDF text glues to the paragraph."""
    for index in range(1, len(block)):
        if not _FOOTNOTE_START.match(block[index].text) or not ends_sentence(block[index - 1].text):
            continue
        rest = block[index:]
        if _marker_length(rest, taxonomy) or _leading_footnotes(rest, expected, taxonomy, lexicon)[1]:
            return index
    return len(block)


def _paragraphs(block: list[Line], section: str, lexicon: Lexicon) -> Iterator[Paragraph]:
    """Paragraphs of a text block: one per bullet item, else the whole block."""
    groups: list[list[Line]] = []
    for line in block:
        if not groups or is_bullet(line.text):
            groups.append([])
        groups[-1].append(line)
    for group in groups:
        text = normalize_bullet(join_lines([line.text for line in group], lexicon))
        yield Paragraph(section=section, text=text, page=group[0].page)


def _add_paragraph(body: _Body, paragraph: Paragraph, lexicon: Lexicon) -> None:
    """Append, or join to the previous paragraph it continues (across a page or footnote block)."""
    previous = body.paragraphs[-1] if body.paragraphs else None
    same_section = previous is not None and previous.section == paragraph.section
    if previous is not None and same_section and continues(previous.text, paragraph.text):
        merged = join_paragraphs(previous.text, paragraph.text, lexicon)
        body.paragraphs[-1] = Paragraph(previous.section, merged, previous.page)
    else:
        body.paragraphs.append(paragraph)


def _walk_body(lines: list[Line], taxonomy: Taxonomy, lexicon: Lexicon) -> _Body:
    body = _Body()
    section = "summary"
    pending = deque(_blocks(lines, taxonomy))
    while pending:
        block = pending.popleft()
        heading = taxonomy.section_for_heading(block[0].text) if len(block) == 1 else None
        if heading:
            section = heading[0]
            body.heading_languages.append(taxonomy.heading_languages(block[0].text))
            continue
        used = _marker_length(block, taxonomy)
        criterion = taxonomy.match_criterion_marker(" ".join(line.text for line in block[:used]))
        if used and criterion is not None:
            body.criteria.add(criterion)
            body.criteria_lines.append(
                Line(join_lines([line.text for line in block[:used]], lexicon), block[0].page)
            )
        else:
            notes, used = _leading_footnotes(block, len(body.footnotes) + 1, taxonomy, lexicon)
            body.footnotes.extend(notes)
        if not used:
            used = _paragraph_length(block, len(body.footnotes) + 1, taxonomy, lexicon)
            for paragraph in _paragraphs(block[:used], section, lexicon):
                _add_paragraph(body, paragraph, lexicon)
        if used < len(block):
            pending.appendleft(block[used:])
    numbers = {note.number for note in body.footnotes}
    body.paragraphs = [
        Paragraph(p.section, strip_footnote_calls(p.text, numbers), p.page) for p in body.paragraphs
    ]
    return body


def _theme(lines: list[Line], taxonomy: Taxonomy) -> str | None:
    """Thematic area stated by a running footer; None when the text does not say."""
    for line in lines:
        if line.text and is_page_furniture(line.text):
            theme = taxonomy.theme_from_footer(line.text)
            if theme:
                return theme
    return None


def _case_study(
    lines: list[Line],
    title_start: int,
    anchor: int,
    end: int,
    source: str,
    taxonomy: Taxonomy,
    lexicon: Lexicon,
    taken: set[str],
) -> CaseStudy:
    match = _ANCHOR.match(lines[anchor].text)
    assert match is not None  # anchors were selected with this pattern
    country, years = match.group("country").strip(), f"{match.group('start')}-{match.group('end')}"
    if country_code(country) is None:
        log.warning("%s: unknown country %r", source, country)
    body = _walk_body(lines[anchor + 1 : end], taxonomy, lexicon)
    full_text = "\n".join(p.text for p in body.paragraphs)
    raw_title = join_lines([line.text for line in lines[title_start:anchor]], lexicon)
    title = restore_title_case(raw_title, full_text)
    language = vote_language(body.heading_languages) or detect_language(full_text, taxonomy.languages)
    theme = _theme(lines[anchor + 1 : end], taxonomy)
    criteria_paragraph = _criteria_paragraph(title, country, years, body, theme, language, taxonomy)
    return CaseStudy(
        id=case_study_id(country, years, title, taken),
        title=title,
        country=country,
        years=years,
        theme=theme,
        criteria=sorted(body.criteria),
        language=language,
        source=source,
        paragraphs=body.paragraphs + criteria_paragraph,
        footnotes=body.footnotes,
    )


def _criteria_paragraph(
    title: str, country: str, years: str, body: _Body, theme: str | None, language: str, taxonomy: Taxonomy
) -> list[Paragraph]:
    """The criteria markers as printed, and the stated thematic area, as one citable passage:
    the evidence behind the case's criteria and theme metadata."""
    if not body.criteria_lines and theme is None:
        return []
    lines = [f"{title} — {country} ({years})", *(line.text for line in body.criteria_lines)]
    if theme is not None:
        footer_label = taxonomy.theme_footer_labels.get(language, ("",))[0]
        colon = " : " if language == "fr" else ": "  # French typography spaces the colon
        lines.append(f"{footer_label}{colon}{taxonomy.theme_label(theme, language)}")
    page = body.criteria_lines[0].page if body.criteria_lines else 1
    return [Paragraph(CRITERIA_SECTION, "\n".join(lines), page)]


def _about(lines: list[Line], taxonomy: Taxonomy, lexicon: Lexicon) -> list[Paragraph]:
    """Back-cover paragraphs after a case study, up to the next front matter."""
    if not lines or not taxonomy.is_back_cover_cue(lines[0].text):
        return []
    end = next((i for i, line in enumerate(lines) if taxonomy.is_front_matter_heading(line.text)), len(lines))
    body = _Body()
    for block in _blocks(lines[:end], taxonomy):
        for paragraph in _paragraphs(block, ABOUT_SECTION, lexicon):
            _add_paragraph(body, paragraph, lexicon)
    return body.paragraphs
