"""Which Actions, countries and criteria a question names, resolved against the library."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.questions import TOKEN
from assistant.records import ActionRecord
from ingest.countries import countries_in, country_code, country_names
from ingest.taxonomy import Criterion, Taxonomy
from ingest.text import fold

CRITERION_NUMBER = re.compile(
    r"\b(?:criteri[ao]n?s?|criteres?|criterios?|characteristics?)\s*(?:n[o°]\.?\s*)?(\d{1,2})\b"
)
PARENTHESISED_NUMBER = re.compile(r"\((?:\w+\s)?(\d{1,2})\)")
GENERIC_CRITERION_WORDS = frozenset(
    "action actions accion acciones doit doivent debe deben should must etre ser faire objet part dans "
    "son sus their its the les los las del des une avec con with other autres otras".split()
)


@dataclass(frozen=True)
class Scope:
    actions: tuple[ActionRecord, ...]  # Actions the question names (by country or adjective)
    unknown_countries: tuple[str, ...]  # countries named that the library has no Action in
    criterion: int | None  # a criterion the question names, by number or by meaning


def resolve_scope(question: str, actions: list[ActionRecord], taxonomy: Taxonomy, library_text: str) -> Scope:
    folded = fold(question)
    tokens = TOKEN.findall(folded)
    named = _named_actions(tokens, actions)
    named_codes = {country_code(a.country) for a in named}
    unknown = tuple(
        name
        for name, code in _countries_in(folded).items()
        if code not in named_codes and name not in library_text
    )
    return Scope(tuple(named), unknown, _criterion(folded, tokens, taxonomy))


def _named_actions(tokens: list[str], actions: list[ActionRecord]) -> list[ActionRecord]:
    """Actions whose country the question names in any language, or by its adjective (Tunisian)."""
    stems = {t[:5] for t in tokens if len(t) >= 5} | {t for t in tokens if len(t) < 5}
    found = []
    for action in actions:
        names = _names_of(action.country)
        if any((n[:5] if len(n) >= 5 else n) in stems for n in names):
            found.append(action)
    return found


@lru_cache(maxsize=4096)
def _names_of(country: str) -> frozenset[str]:
    """The country's one-word names in every language (its printed name at least)."""
    code = country_code(country)
    names = {fold(country)} | ({fold(name) for name in country_names(code)} if code else set())
    return frozenset({n for n in names if " " not in n} or names)


def _countries_in(folded: str) -> dict[str, str]:
    """Country names (any language) that occur as whole words in the text, short codes aside."""
    return {name: code for name, code in countries_in(folded).items() if len(name) > 3}


def _criterion(folded: str, tokens: list[str], taxonomy: Taxonomy) -> int | None:
    for pattern in (CRITERION_NUMBER, PARENTHESISED_NUMBER):
        match = pattern.search(folded)
        if match and 1 <= int(match.group(1)) <= len(taxonomy.criteria):
            return int(match.group(1))
    wanted = {t[:6] for t in tokens if t not in GENERIC_CRITERION_WORDS and len(t) > 3}
    best, best_overlap = None, 1
    for criterion in taxonomy.criteria:
        words = {t[:6] for text in _criterion_texts(criterion) for t in TOKEN.findall(fold(text))}
        overlap = len(wanted & (words - {w[:6] for w in GENERIC_CRITERION_WORDS}))
        if overlap > best_overlap:
            best, best_overlap = criterion.number, overlap
    return best


def _criterion_texts(criterion: Criterion) -> list[str]:
    return [*criterion.label.values(), *(s for variants in criterion.sentences.values() for s in variants)]
