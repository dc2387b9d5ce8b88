"""Country names in English, French and Spanish mapped to ISO 3166-1 alpha-2 codes (pycountry)."""

from __future__ import annotations

import gettext
from collections import defaultdict
from functools import cache

import pycountry

from ingest.text import fold, words

LANGUAGES = ("en", "fr", "es")


def _translator(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def _variants(name: str) -> set[str]:
    """A name plus its short form: "Bolivia, Plurinational State of" also gives "Bolivia"."""
    found = {name}
    for separator in (",", " ("):
        if separator in name:
            found.add(name.split(separator)[0])
    return found


@cache
def _names_by_code() -> dict[str, frozenset[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    translators = [_translator(lang) for lang in LANGUAGES]
    for country in pycountry.countries:
        english = {getattr(country, attr, None) for attr in ("name", "official_name", "common_name")}
        for name in filter(None, english):
            for translator in translators:
                names[country.alpha_2] |= _variants(translator.gettext(name))
    return {code: frozenset(found) for code, found in names.items()}


@cache
def name_index() -> dict[str, str]:
    """Folded country name (en/fr/es, long and short forms) -> alpha-2 code. Built once."""
    return {fold(name): code for code, names in _names_by_code().items() for name in names}


def country_code(name: str) -> str | None:
    """ISO alpha-2 code for a country name in en/fr/es, with or without accents; None if unknown."""
    folded = fold(name)
    code = name_index().get(folded)
    if code is None and len(folded) == 2 and folded.upper() in _names_by_code():
        code = folded.upper()
    return code


def country_names(code: str) -> set[str]:
    """Every known name of the country `code` (alpha-2) in en/fr/es."""
    return set(_names_by_code().get(code.upper(), frozenset()))


@cache
def _index_by_words() -> dict[tuple[str, ...], str]:
    return {tuple(words(name)): code for name, code in name_index().items() if words(name)}


def countries_in(text: str) -> dict[str, str]:
    """Every country named in `text` (whole words, any of en/fr/es): folded name -> alpha-2 code."""
    index = _index_by_words()
    longest = max(map(len, index))
    tokens = words(text)
    found: dict[str, str] = {}
    for size in range(1, longest + 1):
        for start in range(len(tokens) - size + 1):
            span = tuple(tokens[start : start + size])
            if span in index:
                found[" ".join(span)] = index[span]
    return found
