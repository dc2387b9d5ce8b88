"""Case-study titles: normal case restored from capitals, and the stable readable case id."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection

from ingest.text import STOPWORDS, slugify, words

_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:•\n]\s*)$")
_ID_TITLE_WORDS = 3
_ID_MAX_LENGTH = 60


def is_shouted(text: str) -> bool:
    """True for text printed in capitals (a title block), allowing a few lowercase letters."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) / len(letters) > 0.8


def _body_forms(body: str) -> dict[str, Counter[str]]:
    """For each lowercased word, how it is written in the body away from sentence starts."""
    forms: dict[str, Counter[str]] = {}
    for match in _WORD.finditer(body):
        if _SENTENCE_START.search(body[max(0, match.start() - 3) : match.start()]):
            continue  # capitalised by grammar, says nothing about the word
        word = match.group(0)
        forms.setdefault(word.lower(), Counter())[word] += 1
    return forms


def _preferred(word: str, forms: dict[str, Counter[str]]) -> str:
    counts = forms.get(word.lower())
    if not counts:
        return word.lower()
    lower = word.lower()
    best, best_count = max(counts.items(), key=lambda item: (item[1], item[0] == lower))
    return lower if counts.get(lower, 0) >= best_count else best


def restore_title_case(title: str, body: str) -> str:
    """A title printed in capitals, in sentence case; words the body writes capitalised stay so."""
    if not is_shouted(title):
        return title
    forms = _body_forms(body)
    first = True

    def recase(match: re.Match[str]) -> str:
        nonlocal first
        word = _preferred(match.group(0), forms)
        if first:
            first = False
            return word[:1].upper() + word[1:]
        return word

    return _WORD.sub(recase, title)


def case_study_id(country: str, years: str, title: str, taken: Collection[str] = ()) -> str:
    """`country-years-first-significant-title-words`, ascii, at most ~60 characters, unique."""
    significant = [w for w in words(title) if w not in STOPWORDS and len(w) > 1][:_ID_TITLE_WORDS]
    base = slugify(" ".join([country, years, *significant]), _ID_MAX_LENGTH)
    candidate, counter = base, 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate
