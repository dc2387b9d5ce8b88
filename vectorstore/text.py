"""Accent folding shared by the lexical index and the filters' string comparisons.

`ingest` may grow its own `fold`; this copy keeps `vectorstore` independent of ingest's
internals (it only depends on `ingest.models`).
"""

from __future__ import annotations

import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'"})


def fold(text: str) -> str:
    """Lower-case `text`, strip accents and straighten curly apostrophes ("Réfugiés’" -> "refugies'")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
