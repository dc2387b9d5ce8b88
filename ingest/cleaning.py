"""Text cleaning: join wrapped and hyphenated lines, strip footnote calls, spot page furniture.

Hyphenation rule: a line ending in `letter-` followed by a line starting with a lowercase
letter is a word broken by the layout and is joined without the hyphen (`pro-` + `tection`),
unless the document also writes the hyphenated compound mid-line and never the joined word
(`sous-région` stays when the text says `sous-région` elsewhere and never `sousrégion`).
Inside URLs, and when either side is not a lowercase letter (`ICMPD-` + `MoSD`), the hyphen
is kept and the lines are joined without a space.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ingest.text import fold

BULLETS = "•▪◦●■‣"
_TERMINAL = re.compile(r"[.!?…:;][\"»”’')\]]*\s*$")
_URL_TOKEN = re.compile(r"(?:https?://|www\.)\S*$", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009]+")
_COMPOUND = re.compile(r"\b([^\W\d_]+)-([^\W\d_]+)\b")
_WORD = re.compile(r"[^\W\d_]+")
# A footnote call glued after punctuation that follows a letter: "VdT,4 le", "poursuites.5".
# A year may end the sentence too ("en 2016.1"); other digits before the dot are decimals.
_GLUED_CALL = re.compile(
    r"(?:(?<=[^\W\d_][.,;:!?)\]»”\"’])|(?<=[^\W\d_][)\]»”\"’][.,;:!?])|(?<=\b(?:19|20)\d\d\.))"
    r"(\d{1,3})(?=\s|$)"
)
# A call set off by a space after a full stop, before a capital or the end: "nationale. 1 Cet".
_SPACED_CALL = re.compile(r"(?<=[^\W\d_]\.) (\d{1,3})(?=\s+[^\W\d_]*[A-ZÀ-Ý]|\s*$)")
_BARE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
_BARE_URL = re.compile(r"^\s*(?:https?://)?www\.[^\s]+\s*$", re.IGNORECASE)
_FOOTER_YEARS = re.compile(r"\(\d{4}\s*[-–]\s*\d{4}\)\s+[·|•]\s+")
_FOOTER_SEPARATED = re.compile(r"\S\s+[·|]\s+.*\s+[·|]\s+\d{1,4}\s*$")


@dataclass(frozen=True)
class Lexicon:
    """Words and mid-line hyphenated compounds of a document, folded, to judge line-end hyphens."""

    words: frozenset[str] = frozenset()
    compounds: frozenset[str] = frozenset()

    @classmethod
    def from_text(cls, text: str) -> Lexicon:
        lines = [line.strip() for line in text.split("\n")]
        # A compound ending a line may be layout hyphenation, so only mid-line ones count.
        compounds = {fold(m.group(0)) for line in lines for m in _COMPOUND.finditer(line.rstrip("-"))}
        words = {fold(w) for w in set(_WORD.findall(text))}  # each word folded once
        return cls(words=frozenset(words), compounds=frozenset(compounds))

    def keeps_hyphen(self, left: str, right: str) -> bool:
        return fold(f"{left}-{right}") in self.compounds and fold(left + right) not in self.words


def normalize_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _joint(previous: str, following: str, lexicon: Lexicon) -> tuple[str, str]:
    """(previous without what the joint drops, separator) for joining two wrapped lines."""
    url = _URL_TOKEN.search(previous)
    if url and previous[-1] in "-/_." and following[:1].isalnum():
        return previous, ""
    if not previous.endswith("-") or len(previous) < 2 or previous[-2].isspace():
        return previous, " "
    left_word = _WORD.findall(previous)[-1] if previous[-2].isalpha() else ""
    right_word = (_WORD.findall(following) or [""])[0]
    if previous[-2].islower() and following[:1].islower() and following.startswith(right_word):
        if lexicon.keeps_hyphen(left_word, right_word):
            return previous, ""
        return previous[:-1], ""
    return previous, ""


def join_lines(lines: Sequence[str], lexicon: Lexicon | None = None) -> str:
    """One paragraph from its wrapped lines, line-end hyphenation resolved."""
    lexicon = lexicon or Lexicon()
    text = ""
    for raw in lines:
        line = normalize_spaces(raw)
        if not line:
            continue
        if not text:
            text = line
            continue
        kept, separator = _joint(text, line, lexicon)
        text = kept + separator + line
    return text


def join_paragraphs(previous: str, following: str, lexicon: Lexicon | None = None) -> str:
    """Join a paragraph with its continuation found after a page break or footnote block."""
    return join_lines([previous, following], lexicon)


def ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text))


def continues(previous: str, following: str) -> bool:
    """True when `following` carries on the sentence `previous` left unfinished."""
    return bool(previous) and not ends_sentence(previous) and following[:1].islower()


def is_bullet(line: str) -> bool:
    return line.lstrip()[:1] in BULLETS


def normalize_bullet(text: str) -> str:
    """Any bullet glyph becomes "• " so later layers see one form."""
    stripped = text.lstrip()
    return "• " + stripped[1:].lstrip() if is_bullet(stripped) else text


def strip_footnote_calls(text: str, numbers: Collection[int]) -> str:
    """Remove calls to the footnotes `numbers` glued to words; other numbers stay as printed."""
    if not numbers:
        return text

    def drop(match: re.Match[str]) -> str:
        return "" if int(match.group(1)) in numbers else match.group(0)

    return _SPACED_CALL.sub(drop, _GLUED_CALL.sub(drop, text))


def is_page_furniture(line: str) -> bool:
    """Running footers, page numbers and bare web addresses alone on a line."""
    return bool(
        _BARE_NUMBER.match(line)
        or _BARE_URL.match(line)
        or _FOOTER_YEARS.search(line)
        or _FOOTER_SEPARATED.search(line)
    )
