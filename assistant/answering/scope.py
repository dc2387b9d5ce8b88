"""Which Actions, countries and criteria a question names, resolved against the library."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np

from assistant.answering.questions import TOKEN, YEAR, question_words, shared_prefix
from assistant.answering.translations import closest_name
from assistant.library.records import ActionRecord
from ingest.countries import cities_in, countries_in, country_code, country_names, name_index
from ingest.taxonomy import Criterion, Taxonomy
from ingest.text import fold, words

CRITERION_NUMBER = re.compile(
    r"\b(?:criteri[ao]n?s?|criteres?|criterios?|characteristics?)\s*(?:n[o°]\.?\s*)?(\d{1,2})\b"
)
PARENTHESISED_NUMBER = re.compile(r"\((?:\w+\s)?(\d{1,2})\)")
MIN_TELLING_WORD = 6  # "ivoire", "marfim" name a country; "coast", "verde" could be any word
MIN_TYPO_LENGTH = 5  # shorter words are too close to too many others to be read as misspelt names
# Endings of the adjectives of countries in English, French, Spanish and Portuguese (folded):
# Ghanaian, ghanéennes, ecuatoriana, tunecino, libanais, senegalês, nepali.
ADJECTIVE_ENDING = re.compile(
    r"(ians?|iens?|iennes?|eens?|eennes?|enses?|eses?|esas?|[aie]n[oa]s?|aises?|ais|oises?|ois|i)$"
)
CITY_WORD = re.compile(r"\b(?:city|cities|town|towns|villes?|ciudad|ciudades|cidades?)\b")  # on folded text
MIN_ADJECTIVE_LENGTH = 5  # "sur" (south, on) names no Suriname
ADJECTIVE_START = 4  # first letters of a country's name its adjectives keep at least (ghan-éen)
ADJECTIVE_CHANGE = 4  # letters an adjective may put between the name's first letters and its ending
GENERIC_CRITERION_WORDS = frozenset(
    "action actions accion acciones doit doivent debe deben should must etre ser faire objet part dans "
    "son sus their its the les los las del des une avec con with other autres otras".split()
)


@dataclass(frozen=True)
class Scope:
    actions: tuple[ActionRecord, ...]  # Actions the question names (by country, city, adjective, years)
    unknown_countries: tuple[str, ...]  # countries named that the library has no Action in
    criterion: int | None  # a criterion the question names, by number or by meaning
    matched: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Action id -> words that named it
    # Codes of countries named as places, not as Actions: "a study visit to Spain"
    places: frozenset[str] = frozenset()


def resolve_scope(
    question: str, actions: list[ActionRecord], taxonomy: Taxonomy, mentioned: Collection[str]
) -> Scope:
    """What the question names; `mentioned` holds the codes of the countries the library's text
    names (in any language): a country it never names is one it has no Action in."""
    folded = fold(question)
    tokens = TOKEN.findall(folded)
    countries = countries_in(folded)
    held = _held_countries(frozenset(a.country for a in actions))
    matched = _named_actions(question, tokens, countries, actions, held)
    named = [a for a in actions if a.id in matched]
    named_codes = {country_code(a.country) for a in named}
    unknown = tuple(
        name
        for name, code in countries.items()
        if len(name) > 3 and code not in named_codes and code not in mentioned  # short codes aside
    )
    named, matched = _by_years(named, matched, YEAR.findall(question))
    places = frozenset(
        code
        for code in {c for name, c in countries.items() if name not in unknown} | _cities_country(folded)
        if code not in held.by_code
    )
    return Scope(tuple(named), unknown, _criterion(folded, tokens, taxonomy), matched, places)


def _cities_country(folded: str) -> set[str]:
    """The country a question's city word is qualified by ("which Spanish city", "qué ciudad
    belga", "quelle ville allemande"): the adjective before or after it, read as a country's
    (`_country_of_adjective`)."""
    found: set[str] = set()
    for match in CITY_WORD.finditer(folded):
        before = TOKEN.findall(folded[: match.start()])[-1:]
        after = TOKEN.findall(folded[match.end() :])[:1]
        found |= {code for word in (*before, *after) if (code := _country_of_adjective(word))}
    return found


@lru_cache(maxsize=4096)
def _country_of_adjective(word: str) -> str | None:
    """The country an adjective names, in any language ("belga", "allemande", "Spanish"): of the
    countries with a one-word name starting with the word's first three letters, the one whose
    names the word, as written or capitalised, is clearly closest to in meaning (`closest_name`)."""
    if len(word) < MIN_ADJECTIVE_LENGTH or word in question_words().stopwords:
        return None
    candidates = _countries_by_start().get(word[:3])
    return closest_name((word, word.capitalize()), candidates) if candidates else None


@lru_cache(maxsize=1)
def _countries_by_start() -> dict[str, dict[str, frozenset[str]]]:
    """Every country's one-word names as printed (Bélgica, Allemagne, Spain) by their first three
    letters, folded: start -> code -> names. Words of longer names are left out: "partie
    néerlandaise" of Sint Maarten's is an adjective of another country."""
    by_start: dict[str, dict[str, set[str]]] = {}
    for code in sorted(set(name_index().values())):
        for name in country_names(code):
            if len(words(name)) == 1:
                by_start.setdefault(fold(name)[:3], {}).setdefault(code, set()).add(name)
    return {start: {code: frozenset(n) for code, n in held.items()} for start, held in by_start.items()}


def _named_actions(
    question: str,
    tokens: list[str],
    countries: dict[str, str],
    actions: list[ActionRecord],
    held: _HeldCountries,
) -> dict[str, tuple[str, ...]]:
    """Actions whose country the question names, by the words that name it: the country in any
    language, its adjective (Tunisian, ivoirienne), a near spelling of it (Gahna), or a city.
    The words are worked out only for the countries of the library (`held`) that one of the
    question's names, stems or near spellings points to, not once per Action."""
    named_codes: dict[str, list[str]] = {}
    for source in (countries, cities_in(question)):
        for name, place_code in source.items():
            named_codes.setdefault(place_code, []).append(name)
    # A word that is itself a country's name is no misspelling of another (Gambia is no Zambia).
    misspellable = [t for t in tokens if len(t) >= MIN_TYPO_LENGTH and t not in name_index()]
    misspelt = {token: held.spelling.misspelt(token) for token in misspellable}
    # A token starts with a stem of five letters or more, or is a stem: it holds one of these.
    prefixes = frozenset(tokens) | {t[:n] for t in tokens for n in range(5, len(t) + 1)}
    candidates = (
        {country for prefix in prefixes for country in held.by_stem.get(prefix, ())}
        | {country for code in named_codes for country in held.by_code.get(code, ())}
        | {country for near in misspelt.values() for country in near}
        | {country for t in tokens for country in held.by_start.get(t[:ADJECTIVE_START], ())}
    )
    said = {c: _words_naming(c, tokens, prefixes, misspelt, named_codes) for c in candidates}
    return {action.id: said[action.country] for action in actions if said.get(action.country)}


def _words_naming(
    country: str,
    tokens: list[str],
    prefixes: frozenset[str],
    misspelt: dict[str, frozenset[str]],
    named_codes: dict[str, list[str]],
) -> tuple[str, ...]:
    """The question's words that name `country` (see `_named_actions`), in order, each once;
    `misspelt` holds each word that may be misspelt with the countries it is a near spelling of."""
    code, stems = _country_words(country)
    said = list(named_codes.get(code, [])) if code else []
    if stems & prefixes:
        said += [
            t for t in tokens if any(t == stem or (len(stem) >= 5 and t.startswith(stem)) for stem in stems)
        ]
    said += [t for t in tokens if _adjective_of(t, _stem_words(country))]
    said += [t for t, near in misspelt.items() if country in near]
    return tuple(dict.fromkeys(said))


@lru_cache(maxsize=65536)  # a question's words, checked against each country of the library
def _adjective_of(token: str, names: frozenset[str]) -> bool:
    """Whether the word is an adjective built on one of the names with its last letters changed
    (ghanéennes on Ghana, ecuatoriana on Ecuador, tunecina on Túnez): an ending of such
    adjectives, and before it at least four first letters of the name, all but its last three at
    most, with no more than `ADJECTIVE_CHANGE` letters of its own ("armée" has no such ending,
    "para" is not four of Paraguay's first five)."""
    ending = ADJECTIVE_ENDING.search(token)
    if ending is None or len(token) < MIN_TYPO_LENGTH + 1:
        return False
    stem = token[: ending.start()]
    for name in names:
        shared = shared_prefix(stem, name)
        if shared >= ADJECTIVE_START and shared >= len(name) - 3 and len(stem) - shared <= ADJECTIVE_CHANGE:
            return True
    return False


@lru_cache(maxsize=4096)
def _country_words(country: str) -> tuple[str | None, frozenset[str]]:
    """A country as printed: its code, and the stems of the words that name it alone."""
    return country_code(country), frozenset(_stem(w) for w in _stem_words(country))


def _stem(name: str) -> str:
    """What a country's name shares with its adjectives (tunisie/tunisien, jordanie/jordanienne,
    kyrgyzstan/kyrgyz): all but its last two letters, five to six of them; short names whole.
    Six letters keep "paragraphe" from naming Paraguay."""
    if len(name) < 5:
        return name
    return name[: max(5, min(len(name) - 2, 6))]


@dataclass(frozen=True)
class _SpellingIndex:
    """The words that name each of a library's countries alone (`_stem_words`), with their
    letter counts: a question's word is compared letter by letter (`_near`) only with the words
    whose length and letters could make it a near spelling, found for all of them at once."""

    words: tuple[str, ...]
    countries: tuple[frozenset[str], ...]  # the countries each word names
    lengths: np.ndarray
    letters: np.ndarray  # (word, letter) counts
    alphabet: dict[str, int]

    def misspelt(self, token: str) -> frozenset[str]:
        """The countries `token` is a near spelling of (one of their words is `_near` it)."""
        counts = np.zeros(len(self.alphabet), dtype=np.int64)
        for letter in token:
            if letter in self.alphabet:
                counts[self.alphabet[letter]] += 1
        # SequenceMatcher.quick_ratio (letters shared, in any order) bounds the ratio `_near`
        # asks for from above: the words it rules out need no letter-by-letter comparison
        shared = np.minimum(self.letters, counts).sum(axis=1)
        possible = (np.abs(self.lengths - len(token)) <= 1) & (
            2.0 * shared >= 0.8 * (self.lengths + len(token)) - 1e-9
        )
        near = [i for i in np.flatnonzero(possible) if _near(token, self.words[i])]
        return frozenset(country for i in near for country in self.countries[i])


@dataclass(frozen=True)
class _HeldCountries:
    """A library's countries (as printed) by what names them: the stems of their words
    (`_country_words`), their codes, the first letters an adjective of them keeps
    (`_adjective_of`), and their near spellings (`spelling`)."""

    by_stem: dict[str, frozenset[str]]
    by_code: dict[str, frozenset[str]]
    by_start: dict[str, frozenset[str]]
    spelling: _SpellingIndex


@lru_cache(maxsize=8)  # one library's countries, asked about question after question
def _held_countries(countries: frozenset[str]) -> _HeldCountries:
    by_stem: dict[str, set[str]] = {}
    by_code: dict[str, set[str]] = {}
    by_start: dict[str, set[str]] = {}
    for country in countries:
        code, stems = _country_words(country)
        for stem in stems:
            by_stem.setdefault(stem, set()).add(country)
        if code:
            by_code.setdefault(code, set()).add(country)
        for word in _stem_words(country):
            by_start.setdefault(word[:ADJECTIVE_START], set()).add(country)
    return _HeldCountries(
        {stem: frozenset(held) for stem, held in by_stem.items()},
        {code: frozenset(held) for code, held in by_code.items()},
        {start: frozenset(held) for start, held in by_start.items()},
        _spelling_index(countries),
    )


def _spelling_index(countries: frozenset[str]) -> _SpellingIndex:
    owners: dict[str, set[str]] = {}
    for country in sorted(countries):
        for word in _stem_words(country):
            owners.setdefault(word, set()).add(country)
    words = tuple(sorted(owners))
    alphabet = {letter: i for i, letter in enumerate(sorted({letter for word in words for letter in word}))}
    letters = np.zeros((len(words), len(alphabet)), dtype=np.int64)
    for row, word in enumerate(words):
        for letter in word:
            letters[row, alphabet[letter]] += 1
    return _SpellingIndex(
        words,
        tuple(frozenset(owners[word]) for word in words),
        np.array([len(word) for word in words], dtype=np.int64),
        letters,
        alphabet,
    )


def _near(token: str, name: str) -> bool:
    """A misspelling of a country name: one letter off, swapped or missing (Gahna, Jordnia)."""
    if token == name or abs(len(token) - len(name)) > 1:
        return False
    matcher = SequenceMatcher(None, token, name)
    # quick_ratio bounds ratio from above and is much cheaper: most pairs stop there
    return matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def _by_years(
    named: list[ActionRecord], matched: dict[str, tuple[str, ...]], years: list[str]
) -> tuple[list[ActionRecord], dict[str, tuple[str, ...]]]:
    """Of several Actions in one country, those whose years the question gives ("the 2019-2021
    Ghana Action"); all of them when the years tell none apart."""
    if not years or len(named) < 2:
        return named, matched
    dated = [a for a in named if any(_within(year, a.years) for year in years)]
    if not dated or len(dated) == len(named):
        return named, matched
    kept_countries = {a.country for a in dated}
    kept = [a for a in named if a in dated or a.country not in kept_countries]
    return kept, {
        a.id: (*matched[a.id], *(y for y in years if _within(y, a.years))) for a in kept if a.id in matched
    }


def _within(year: str, span: str) -> bool:
    bounds = [int(y) for y in YEAR.findall(span)]
    return bool(bounds) and min(bounds) <= int(year) <= max(bounds)


@lru_cache(maxsize=4096)
def _stem_words(country: str) -> frozenset[str]:
    """Words that name the country alone, in every language: its one-word names (Jordanie,
    Gana), and the telling word of a longer name (ivoire, marfim), so that an adjective built
    on them (jordanien, ivoirienne) names it too. A word in the names of several countries
    (republic, islands, kingdom) tells none of them."""
    code = country_code(country)
    names = {fold(country)} | ({fold(name) for name in country_names(code)} if code else set())
    single = {n for n in names if len(words(n)) == 1}
    telling = {
        max(unshared, key=len)
        for n in names
        if len(words(n)) > 1 and (unshared := [w for w in words(n) if w not in _shared_name_words()])
    }
    return frozenset(single | {w for w in telling if len(w) >= MIN_TELLING_WORD})


@lru_cache(maxsize=1)
def _shared_name_words() -> frozenset[str]:
    """Words found in the names of more than one country."""
    owners: dict[str, set[str]] = {}
    for name, code in name_index().items():
        for word in words(name):
            owners.setdefault(word, set()).add(code)
    return frozenset(word for word, codes in owners.items() if len(codes) > 1)


def _criterion(folded: str, tokens: list[str], taxonomy: Taxonomy) -> int | None:
    for pattern in (CRITERION_NUMBER, PARENTHESISED_NUMBER):
        match = pattern.search(folded)
        if match and 1 <= int(match.group(1)) <= len(taxonomy.criteria):
            return int(match.group(1))
    wanted = {t[:6] for t in tokens if t not in GENERIC_CRITERION_WORDS and len(t) > 3}
    best, best_overlap = None, 1
    for criterion in taxonomy.criteria:
        overlap = len(wanted & _criterion_words(_criterion_texts(criterion)))
        if overlap > best_overlap:
            best, best_overlap = criterion.number, overlap
    return best


def _criterion_texts(criterion: Criterion) -> tuple[str, ...]:
    return (*criterion.label.values(), *(s for variants in criterion.sentences.values() for s in variants))


@lru_cache(maxsize=256)
def _criterion_words(texts: tuple[str, ...]) -> frozenset[str]:
    """The six-letter prefixes of the words of a criterion's texts, generic words aside: folded
    once, not once per question."""
    words = {t[:6] for text in texts for t in TOKEN.findall(fold(text))}
    return frozenset(words - {w[:6] for w in GENERIC_CRITERION_WORDS})
