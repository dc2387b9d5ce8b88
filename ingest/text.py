"""Small text helpers shared by ingest: folding for comparisons, slugs, stop words."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2013": "-",
        "\u2014": "-",
    }
)

# Function words left out of case-study ids and of fuzzy sentence matching.
STOPWORDS: frozenset[str] = frozenset(
    """
    a an and the of for in on to into with by at from or as its their our is are be against between
    le la les l un une des de du d et en au aux pour par sur dans avec sans a ou son sa ses leur leurs contre entre vers
    el los las lo un una unos unas y e de del al en con por para sin o u su sus contra entre sobre
    """.split()
)


def normalize_punctuation(text: str) -> str:
    """Curly quotes and apostrophes to straight ones, special spaces to plain spaces, dashes to '-'."""
    return text.translate(_QUOTES)


class _FoldTable(dict[int, str]):
    """Each character's folded form, worked out the first time it is met (a `str.translate` table).

    Folding character by character equals folding the whole text: punctuation mapping, NFKD
    decomposition and case folding are per character, and the only reordering NFKD does is among
    combining marks, which are all dropped.
    """

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).translate(_QUOTES))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
        if len(self) < _FOLD_TABLE_LIMIT:  # a text of every code point must not grow it without end
            self[code] = folded
        return folded


_FOLD_TABLE_LIMIT = 1 << 16
_FOLDED = _FoldTable()
_BLANKS = re.compile(r"[ \t]+")


def fold(text: str) -> str:
    """Accent- and case-folded form of `text` for comparisons (never for display)."""
    return _BLANKS.sub(" ", text.translate(_FOLDED)).strip()


def words(text: str) -> list[str]:
    """Folded word tokens of `text` (letters and digits only)."""
    return re.findall(r"[a-z0-9]+", fold(text))


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII, lowercase, dash-separated slug, cut at a dash to stay within `max_length`."""
    slug = "-".join(words(text))
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    return cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
