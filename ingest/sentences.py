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


def split_sentences(text: str, language: str) -> list[str]:
    """Sentences of `text` as written (not cleaned), stripped, empty ones left out."""
    return [s.strip() for s in _segmenter(language).segment(text) if s.strip()]
