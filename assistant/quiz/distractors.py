"""Wrong answers of the same type as the right one, drawn from the library.

Figures come from other sentences (same language, same kind: percentage or count, similar
magnitude), years from elsewhere in the library, countries and institutions from other
passages, criteria from those the Action does not illustrate, lesson and practice headings from
other Actions. Figures and years the library cannot supply are made by scaling the right one.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Sequence

from assistant.quiz.facts import Fact, is_year, normalise, number_value
from ingest.countries import country_code
from ingest.taxonomy import Taxonomy

MAX_YEAR_GAP = 12
MAGNITUDE_RATIO = 4.0  # a figure distractor is within this factor of the right figure
_SCALES = (0.5, 0.6, 0.75, 0.8, 1.25, 1.4, 1.5, 2.0)
_YEAR_SHIFTS = (-4, -3, -2, -1, 1, 2, 3, 4)


class DistractorPool:
    """Values of every fact type found in the library, to draw wrong answers from."""

    def __init__(self, facts: Sequence[Fact], taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._values: dict[tuple[str, str], dict[str, Fact]] = defaultdict(dict)
        for fact in facts:
            self._values[(fact.type, fact.chunk.language)].setdefault(normalise(fact.value), fact)

    def pick(self, fact: Fact, count: int, rng: random.Random) -> list[str]:
        """Up to `count` distinct wrong values of `fact`'s type, none equal to its value."""
        candidates = self._candidates(fact)
        rng.shuffle(candidates)
        chosen: list[str] = []
        seen = {normalise(fact.value)}
        for value in candidates:
            if normalise(value) not in seen:
                seen.add(normalise(value))
                chosen.append(value)
            if len(chosen) == count:
                return chosen
        for value in self._generated(fact, rng):
            if len(chosen) == count:
                break
            if normalise(value) not in seen:
                seen.add(normalise(value))
                chosen.append(value)
        return chosen

    def _candidates(self, fact: Fact) -> list[str]:
        if fact.type == "criterion":
            return self._other_criteria(fact)
        in_sentence = normalise(fact.sentence)
        pool = self._values.get((fact.type, fact.chunk.language), {})
        candidates = []
        for key, other in pool.items():
            if key in in_sentence or not self._alike(fact, other):
                continue
            candidates.append(other.value)
        return sorted(candidates)

    def _alike(self, fact: Fact, other: Fact) -> bool:
        if fact.type == "figure":
            return _similar_figures(fact.value, other.value)
        if fact.type == "year":
            return abs(int(fact.value) - int(other.value)) <= MAX_YEAR_GAP
        if fact.type == "country":
            code = country_code(other.value)
            return code is not None and code != country_code(fact.value)
        if fact.type in ("lesson", "practice"):
            return other.chunk.case_study_id != fact.chunk.case_study_id
        return True

    def _other_criteria(self, fact: Fact) -> list[str]:
        illustrated = set(fact.chunk.criteria)
        found = []
        for criterion in self.taxonomy.criteria:
            variants = criterion.sentences.get(fact.chunk.language) or criterion.sentences.get("en", ())
            if criterion.number not in illustrated and variants:
                found.append(variants[-1])  # the marker form, as printed inside a case study
        return found

    @staticmethod
    def _generated(fact: Fact, rng: random.Random) -> list[str]:
        if fact.type == "year":
            shifts = list(_YEAR_SHIFTS)
            rng.shuffle(shifts)
            return [str(int(fact.value) + s) for s in shifts]
        if fact.type == "figure":
            scales = list(_SCALES)
            rng.shuffle(scales)
            return [v for v in (scaled_figure(fact.value, s) for s in scales) if v]
        return []


def _is_percentage(value: str) -> bool:
    return value.rstrip().endswith("%")


def _similar_figures(a: str, b: str) -> bool:
    if _is_percentage(a) != _is_percentage(b) or is_year(b):
        return False
    x, y = number_value(a), number_value(b)
    if not x or not y:
        return False
    return 1 / MAGNITUDE_RATIO <= x / y <= MAGNITUDE_RATIO


def scaled_figure(template: str, scale: float) -> str | None:
    """`template` times `scale`, rounded and written the same way ("655 000" x 0.8 -> "524 000")."""
    value = number_value(template)
    if value is None:
        return None
    digits = re.sub(r"\D", "", template.split(",")[0] if _has_decimal_comma(template) else template)
    decimals = _decimals(template)
    scaled = value * scale
    if decimals:
        return _with_decimals(template, round(scaled, decimals), decimals)
    zeros = len(digits) - len(digits.rstrip("0"))
    step = 10 ** min(zeros, max(0, len(digits) - 1))
    rounded = max(step, round(scaled / step) * step)
    if rounded == value or rounded < 2:
        return None
    return _with_grouping(template, int(rounded))


def _has_decimal_comma(template: str) -> bool:
    return re.search(r"\d,\d{1,2}(?!\d)", template) is not None


def _decimals(template: str) -> int:
    match = re.search(r"\d[.,](\d{1,2})(?!\d)", template)
    return len(match.group(1)) if match else 0


def _with_decimals(template: str, value: float, decimals: int) -> str:
    separator = "," if _has_decimal_comma(template) else "."
    text = f"{value:.{decimals}f}".replace(".", separator)
    return text + _suffix(template)


def _with_grouping(template: str, value: int) -> str:
    match = re.search(r"\d([  \u202f,.])\d{3}", template)
    text = str(value)
    if match and value >= 1000:
        groups: list[str] = []
        while text:
            groups.insert(0, text[-3:])
            text = text[:-3]
        text = match.group(1).join(groups)
    return text + _suffix(template)


def _suffix(template: str) -> str:
    match = re.search(r"[\s  \u202f]?%\s*$", template)
    return match.group(0) if match else ""
