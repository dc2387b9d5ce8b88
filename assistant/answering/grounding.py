"""What the library's text mentions, per Action: to keep answers to the Actions that hold the
question's names and years ("Dar Karamah … in 2018" needs an Action that mentions both)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from assistant.answering.questions import TOKEN, Question, by_prefix, has_cognate
from ingest.countries import countries_in, country_code
from ingest.models import ABOUT_SECTION, Chunk
from ingest.text import fold

FOUR_DIGITS = re.compile(r"(?=(\d{4}))")  # every run of four digits, overlapping ("20192" holds 2019, 0192)


@dataclass
class ActionText:
    numbers: frozenset[str] = frozenset()  # every four digits its text holds in a row (`FOUR_DIGITS`)
    language: str = ""
    country_code: str | None = None
    words: dict[str, frozenset[str]] = field(default_factory=dict)  # its words, `by_prefix`
    passages: int = 0
    countries: frozenset[str] = frozenset()  # codes of the countries the text names, in any language

    def mentions(self, name: str) -> bool:
        """Every word of the name, or a cognate of it, is in the text."""
        return all(has_cognate(word, self.words) for word in name.split())


class LibraryText:
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
        for action_id, parts in texts.items():
            folded = fold(" ".join(parts))
            action = ActionText(
                frozenset(FOUR_DIGITS.findall(folded)),
                languages[action_id],
                country_code(countries[action_id]),
                words=by_prefix(set(TOKEN.findall(folded))),
                passages=len(parts),
                countries=frozenset(countries_in(folded).values()),
            )
            self.actions[action_id] = action
        self.countries = frozenset(code for a in self.actions.values() for code in a.countries)

    def actions_naming(self, countries: Collection[str]) -> tuple[str, ...]:
        """The Actions whose text names one of these countries (codes)."""
        return tuple(action_id for action_id, a in self.actions.items() if a.countries & set(countries))

    def passage_count(self, action_id: str) -> int:
        return self.actions[action_id].passages if action_id in self.actions else 0

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
        years = frozenset(question.years)  # each four digits (`YEAR`)
        grounded = []
        for action_id, action in self.actions.items():
            if not years <= action.numbers:
                continue
            asked = names if action.language == question.language else [n for n in names if n not in acronyms]
            held = sum(action.mentions(name) or places.get(name) == action.country_code for name in asked)
            if 2 * held >= len(asked):
                grounded.append(action_id)
        return grounded
