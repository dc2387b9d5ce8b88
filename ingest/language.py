"""Casebook's languages, and telling which one a text is written in (py3langid).

`LANGUAGES` is the one list of the languages Casebook reads and answers in: case studies are
detected among the taxonomy's languages, questions among these."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

LANGUAGES = ("fr", "en", "es", "pt")
MIN_LETTERS = 3  # fewer letters than this tell no language


@cache
def _identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    # A private identifier: py3langid's module-level one is global state shared with others.
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(languages))
    return identifier


def detect_language(text: str, languages: Sequence[str] = LANGUAGES, default: str | None = None) -> str:
    """Most likely of `languages` for `text`; `default` (else the first language) for text with
    too few letters to tell."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return default or languages[0]
    language, _ = _identifier(tuple(languages)).classify(text)
    return str(language)


def vote_language(heading_languages: Iterable[tuple[str, ...]]) -> str | None:
    """Language most headings belong to; a heading shared by n languages gives each 1/n."""
    votes: dict[str, float] = {}
    for languages in heading_languages:
        for language in languages:
            votes[language] = votes.get(language, 0.0) + 1 / len(languages)
    if not votes:
        return None
    ranked = sorted(votes.items(), key=lambda item: item[1], reverse=True)[:2]
    if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]
