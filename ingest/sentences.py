"""Sentence splitting with pysbd, one cached segmenter per language; recent texts' sentences are
remembered (ingest splits a text that recurs once, and answering splits a cited passage again
for every question that cites it)."""

from __future__ import annotations

import logging
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pysbd

log = logging.getLogger(__name__)


@cache
def _segmenter(language: str) -> pysbd.Segmenter:
    import pysbd  # on first use: a one-shot question splits no sentences

    try:
        return pysbd.Segmenter(language=language, clean=False)
    except ValueError:
        log.warning("no sentence rules for %r, using English ones", language)
        return pysbd.Segmenter(language="en", clean=False)


SPLIT_CACHE = 4096  # texts whose sentences are remembered (a chunk is some 350 characters)
CONTINUATIONS = "ºª°"  # "n.º 0087": what follows an abbreviation's dot, never a sentence's start


def split_sentences(text: str, language: str) -> list[str]:
    """Sentences of `text` as written (not cleaned), stripped, empty ones left out. A piece that
    starts in lower case or with an ordinal sign continues the sentence before it: the segmenter
    cut it at an abbreviation it does not know ("Acuerdo Ministerial n.º 0087")."""
    return list(_sentences(text, language))


@lru_cache(maxsize=SPLIT_CACHE)
def _sentences(text: str, language: str) -> tuple[str, ...]:
    sentences: list[str] = []
    for piece in (s.strip() for s in _segments(text, language)):
        if piece and sentences and (piece[0] in CONTINUATIONS or piece[0].islower()):
            sentences[-1] = (
                f"{sentences[-1]}{piece}" if piece[0] in CONTINUATIONS else f"{sentences[-1]} {piece}"
            )
        elif piece:
            sentences.append(piece)
    return tuple(sentences)


def _segments(text: str, language: str) -> list[str]:
    """What `pysbd.Segmenter.segment` returns (without cleaning): the processor's sentences, each
    found in `text` after the one before it, with the whitespace that follows it. pysbd finds
    them with a regular expression compiled for each sentence, a third of its time; a sentence
    is a literal string, so `str.find` finds the same place."""
    if not text:
        return []
    found: list[str] = []
    end = 0
    for sentence in _segmenter(language).processor(text).process():
        span = _located(sentence, text, end)
        if span is not None:
            found.append(text[span[0] : span[1]])
            end = span[1]
    return found


def _located(sentence: str, text: str, after: int) -> tuple[int, int] | None:
    """The first of `sentence`'s non-overlapping occurrences in `text` (with the whitespace that
    follows it) to end past `after`, as pysbd's `re.finditer` over `sentence\\s*` finds it."""
    start = text.find(sentence)
    while start != -1:
        stop = start + len(sentence)
        while stop < len(text) and text[stop].isspace():
            stop += 1
        if stop > after:
            return start, stop
        start = text.find(sentence, max(stop, start + 1))
    return None
