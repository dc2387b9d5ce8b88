"""Sentence splitting with pysbd, one cached segmenter per language."""

from __future__ import annotations

import logging
from functools import cache

import pysbd

log = logging.getLogger(__name__)


@cache
def _segmenter(language: str) -> pysbd.Segmenter:
    try:
        return pysbd.Segmenter(language=language, clean=False)
    except ValueError:
        log.warning("no sentence rules for %r, using English ones", language)
        return pysbd.Segmenter(language="en", clean=False)


CONTINUATIONS = "ºª°"  # "n.º 0087": what follows an abbreviation's dot, never a sentence's start


def split_sentences(text: str, language: str) -> list[str]:
    """Sentences of `text` as written (not cleaned), stripped, empty ones left out. A piece that
    starts in lower case or with an ordinal sign continues the sentence before it: the segmenter
    cut it at an abbreviation it does not know ("Acuerdo Ministerial n.º 0087")."""
    sentences: list[str] = []
    for piece in (s.strip() for s in _segmenter(language).segment(text)):
        if piece and sentences and (piece[0] in CONTINUATIONS or piece[0].islower()):
            sentences[-1] = (
                f"{sentences[-1]}{piece}" if piece[0] in CONTINUATIONS else f"{sentences[-1]} {piece}"
            )
        elif piece:
            sentences.append(piece)
    return sentences
