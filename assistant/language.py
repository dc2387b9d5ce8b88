"""Which of Casebook's languages (fr, en, es) a question or text is written in."""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

LANGUAGES = ("fr", "en", "es")


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str, default: str = "en") -> str:
    """The most likely language; `default` for text too short to tell."""
    if sum(ch.isalpha() for ch in text) < 3:
        return default
    language, _ = _identifier().classify(text)
    return str(language) if language in LANGUAGES else default
