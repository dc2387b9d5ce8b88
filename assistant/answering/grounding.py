"""What the library's text mentions, per Action: to keep answers to the Actions that hold the
question's names and years ("Dar Karamah … in 2018" needs an Action that mentions both)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from assistant.answering.questions import COGNATE_PREFIX, TOKEN, Question, cognates
from ingest.countries import countries_in, country_code
from ingest.models import ABOUT_SECTION, Chunk
from ingest.text import fold

FOUR_DIGITS = re.compile(r"(?=(\d{4}))")  # every run of four digits, overlapping ("20192" holds 2019, 0192)


@dataclass
class ActionText:
    numbers: frozenset[str] = frozenset()  # every four digits its text holds in a row (`FOUR_DIGITS`)
    language: str = ""
    country_code: str | None = None
    passages: int = 0
    countries: frozenset[str] = frozenset()  # codes of the countries the text names, in any language


class LibraryText:
    """Each Action's text, and which Actions hold each word, four digits and country: a question's
    names and years are looked up, not compared with every Action's words."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        texts: dict[str, list[str]] = defaultdict(list)
        languages: dict[str, str] = {}
        countries: dict[str, str] = {}
        for chunk in chunks:
            if chunk.section == ABOUT_SECTION:  # the programme's back cover is no Action
                continue
            texts[chunk.case_study_id].append(f"{chunk.action} {chunk.country} {chunk.years} {chunk.text}")
            languages[chunk.case_study_id] = chunk.language
            countries[chunk.case_study_id] = chunk.country
        self.actions: dict[str, ActionText] = {}
        # the Actions holding each word, grouped as `by_prefix` groups words
        self._holders: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._with_number: dict[str, set[str]] = defaultdict(set)
        self._in_country: dict[str, set[str]] = defaultdict(set)
        for action_id, parts in texts.items():
            folded = fold(" ".join(parts))
            action = ActionText(
                frozenset(FOUR_DIGITS.findall(folded)),
                languages[action_id],
                country_code(countries[action_id]),
                passages=len(parts),
                countries=frozenset(countries_in(folded).values()),
            )
            self.actions[action_id] = action
            for word in set(TOKEN.findall(folded)):
                self._holders[word[:COGNATE_PREFIX]][word].add(action_id)
            for number in action.numbers:
                self._with_number[number].add(action_id)
            if action.country_code:
                self._in_country[action.country_code].add(action_id)
        self.countries = frozenset(code for a in self.actions.values() for code in a.countries)
        self._mentioning: dict[str, frozenset[str]] = {}

    def actions_naming(self, countries: Collection[str]) -> tuple[str, ...]:
        """The Actions whose text names one of these countries (codes)."""
        return tuple(action_id for action_id, a in self.actions.items() if a.countries & set(countries))

    def passage_count(self, action_id: str) -> int:
        return self.actions[action_id].passages if action_id in self.actions else 0

    def mentioning(self, name: str) -> frozenset[str]:
        """The Actions whose text holds every word of the name, or a cognate of it (kept per name)."""
        if name not in self._mentioning:
            holding = frozenset(self.actions)
            for word in name.split():
                group = self._holders.get(word[:COGNATE_PREFIX], {})
                holding &= set().union(*(ids for other, ids in group.items() if cognates(word, other)))
            self._mentioning[name] = holding
        return self._mentioning[name]

    def grounded_actions(
        self,
        question: Question,
        ignored: frozenset[str] = frozenset(),
        places: Mapping[str, str] | None = None,
    ) -> list[str] | None:
        """Actions whose text holds every year and at least half the names the question gives
        (names in `ignored` aside); None when it gives none (no constraint). A name in `places`
        (a city: name -> country code) is held by the Actions in its country as well. An acronym
        is asked only of the Actions written in the question's language: across languages it is
        spelt otherwise (IOM/OIM, UNHCR/ACNUR) and its absence says nothing."""
        places = places or {}
        names = [name for name in question.names if name not in ignored]
        if not (question.years or names):
            return None
        acronyms = {name for name in names if re.search(rf"\b{re.escape(name.upper())}\b", question.text)}
        dated = frozenset(self.actions).intersection(*(self._with_number.get(y, ()) for y in question.years))
        holding = {  # a city is held by its country's Actions too
            name: self.mentioning(name) | self._in_country.get(places.get(name, ""), set()) for name in names
        }
        spelt_alike = [name for name in names if name not in acronyms]  # asked across languages
        grounded = []
        for action_id, action in self.actions.items():
            if action_id not in dated:
                continue
            asked = names if action.language == question.language else spelt_alike
            if 2 * sum(action_id in holding[name] for name in asked) >= len(asked):
                grounded.append(action_id)
        return grounded
