"""Chunking: a `Publication` becomes citable `Chunk`s, section-aware and sentence-aligned.

A chunk never crosses a section. Paragraphs up to `max_words` stay whole; longer ones are cut
between sentences into near-equal parts; short running-text paragraphs share a chunk up to
~60 words, and a bullet item keeps its own chunk unless it is tiny. Footnotes become `notes` chunks and the back
cover becomes `about` chunks attached to the pseudo case `about:<source>`.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from itertools import groupby

from ingest.models import ABOUT_SECTION, NOTES_SECTION, CaseStudy, Chunk, Paragraph, Publication
from ingest.sentences import split_sentences

MIN_WORDS = 25  # below this a piece is too thin to cite alone
TARGET_WORDS = 60  # running-text pieces shorter than this take in the next paragraph
BULLET = "• "  # the parser writes every bullet item this way


@dataclass(frozen=True)
class _Piece:
    text: str
    page: int

    @property
    def n_words(self) -> int:
        return len(self.text.split())


def _hard_wrap(sentence: str, max_words: int) -> list[str]:
    # Last resort for a run-on "sentence" (a list without full stops): cut between words.
    tokens = sentence.split()
    parts = math.ceil(len(tokens) / max_words)
    size = math.ceil(len(tokens) / parts)
    return [" ".join(tokens[i : i + size]) for i in range(0, len(tokens), size)]


def _split_paragraph(paragraph: Paragraph, language: str, max_words: int) -> list[_Piece]:
    if len(paragraph.text.split()) <= max_words:
        return [_Piece(paragraph.text, paragraph.page)]
    sentences: list[str] = []
    for sentence in split_sentences(paragraph.text, language):
        sentences.extend(_hard_wrap(sentence, max_words) if len(sentence.split()) > max_words else [sentence])
    total = sum(len(s.split()) for s in sentences)
    target = total / math.ceil(total / max_words)
    pieces: list[list[str]] = [[]]
    for sentence in sentences:
        size = sum(len(s.split()) for s in pieces[-1])
        if pieces[-1] and (size >= target or size + len(sentence.split()) > max_words):
            pieces.append([])
        pieces[-1].append(sentence)
    return [_Piece(" ".join(piece), paragraph.page) for piece in pieces]


def _belong_together(previous: _Piece, piece: _Piece, max_words: int) -> bool:
    """Short neighbours share a chunk; a bullet keeps its own unless one of the two is tiny."""
    if previous.n_words + piece.n_words > max_words:
        return False
    if min(previous.n_words, piece.n_words) < MIN_WORDS:
        return True
    bullet = previous.text.startswith(BULLET) or piece.text.startswith(BULLET)
    return not bullet and previous.n_words < TARGET_WORDS


def _merge_short(pieces: list[_Piece], max_words: int) -> list[_Piece]:
    merged: list[_Piece] = []
    for piece in pieces:
        if merged and _belong_together(merged[-1], piece, max_words):
            merged[-1] = _Piece(f"{merged[-1].text}\n\n{piece.text}", merged[-1].page)
        else:
            merged.append(piece)
    return merged


def section_pieces(paragraphs: list[Paragraph], language: str, max_words: int) -> list[tuple[str, _Piece]]:
    """(section, piece) in reading order; pieces never span two sections."""
    result: list[tuple[str, _Piece]] = []
    for section, run in groupby(paragraphs, key=lambda p: p.section):
        pieces = [piece for p in run for piece in _split_paragraph(p, language, max_words)]
        result.extend((section, piece) for piece in _merge_short(pieces, max_words))
    return result


def chunk_id(source: str, case_study_id: str, section: str, position: int, text: str) -> str:
    """Stable id: the same text at the same place always gets the same id."""
    digest = hashlib.sha1("\x1f".join([source, case_study_id, section, str(position), text]).encode("utf-8"))
    return f"{case_study_id}:{digest.hexdigest()[:16]}"


def _case_chunks(case: CaseStudy, max_words: int) -> list[Chunk]:
    pieces = section_pieces(case.paragraphs, case.language, max_words)
    pieces += [(NOTES_SECTION, _Piece(f"{note.number} {note.text}", note.page)) for note in case.footnotes]
    return [
        Chunk(
            id=chunk_id(case.source, case.id, section, position, piece.text),
            case_study_id=case.id,
            action=case.title,
            country=case.country,
            years=case.years,
            theme=case.theme,
            criteria=tuple(case.criteria),
            section=section,
            language=case.language,
            source=case.source,
            page=piece.page,
            position=position,
            text=piece.text,
        )
        for position, (section, piece) in enumerate(pieces)
    ]


def _about_chunks(pub: Publication, max_words: int) -> list[Chunk]:
    case_id = f"about:{pub.source}"
    pieces = section_pieces(pub.about, pub.language, max_words)
    return [
        Chunk(
            id=chunk_id(pub.source, case_id, ABOUT_SECTION, position, piece.text),
            case_study_id=case_id,
            action="",
            country="",
            years="",
            theme=None,
            criteria=(),
            section=ABOUT_SECTION,
            language=pub.language,
            source=pub.source,
            page=piece.page,
            position=position,
            text=piece.text,
        )
        for position, (_, piece) in enumerate(pieces)
    ]


def chunk_publication(pub: Publication, max_words: int) -> list[Chunk]:
    """All chunks of a publication: each case study's text and notes, then the back cover."""
    chunks = [chunk for case in pub.case_studies for chunk in _case_chunks(case, max_words)]
    return chunks + _about_chunks(pub, max_words)
