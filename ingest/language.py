"""Language of a case study: voted by its section headings, else guessed by py3langid."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier


@cache
def _identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    # A private identifier: py3langid's module-level one is global state shared with others.
    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE)
    identifier.set_languages(list(languages))
    return identifier


def detect_language(text: str, languages: Sequence[str]) -> str:
    """Most likely of `languages` for `text` (the first one when the text is empty)."""
    if not text.strip():
        return languages[0]
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
