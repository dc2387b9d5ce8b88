"""The taxonomy (criteria, thematic areas, section names, glossary) loaded from `taxonomy.json`.

The JSON file is the one place a deployment edits to describe another collection; the code
here only reads it and offers the look-ups ingest and the assistant need.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ingest.text import STOPWORDS, fold, words

DEFAULT_TAXONOMY_PATH = Path(__file__).with_name("taxonomy.json")

# A criterion marker is "N sentence": N in 1..10, then a short sentence (not a long source note).
_MARKER = re.compile(r"^\s*(\d{1,2})\.?\s+(\S.*)$", re.DOTALL)
_MARKER_MAX_WORDS = 30
# Dice similarity of stemmed content words a marker needs with one of its criterion's sentences.
_MARKER_MIN_SIMILARITY = 0.6
_STEM_LENGTH = 5  # crude prefix stemming: "actions"/"action", "approuvées"/"approuvée"
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


def _stems(text: str) -> frozenset[str]:
    return frozenset(w[:_STEM_LENGTH] for w in words(text) if w not in STOPWORDS and not w.isdigit())


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


@dataclass(frozen=True)
class Criterion:
    number: int
    label: dict[str, str]  # language -> short label
    sentences: dict[str, tuple[str, ...]]  # language -> the front-matter sentence and marker variants

    @cached_property
    def stem_sets(self) -> tuple[frozenset[str], ...]:
        return tuple(_stems(s) for variants in self.sentences.values() for s in variants)


@dataclass(frozen=True)
class Theme:
    key: str
    label: dict[str, str]


@dataclass(frozen=True)
class AcronymEntry:
    acronyms: dict[str, tuple[str, ...]]  # language -> acronyms used in that language
    expansions: dict[str, str]  # language -> full form

    def all_acronyms(self) -> set[str]:
        return {a for forms in self.acronyms.values() for a in forms}

    def used_in(self, text: str, folded: str | None = None) -> bool:
        """Whether `text` uses the entry: one of its acronyms (as written) or full forms (folded),
        in any language. `folded` is `fold(text)`, when the caller has it already."""
        folded = fold(text) if folded is None else folded
        pattern = self._acronym_pattern
        return (pattern is not None and pattern.search(text) is not None) or any(
            expansion in folded for expansion in self._folded_expansions
        )

    @cached_property
    def words(self) -> frozenset[str]:
        """The folded words of all its forms, in every language."""
        forms = [*self.all_acronyms(), *self.expansions.values()]
        return frozenset(word for form in forms for word in words(form))

    @cached_property
    def _acronym_pattern(self) -> re.Pattern[str] | None:
        """Any of the acronyms as a word of its own, compiled once. Case-sensitive on purpose:
        "IT" the acronym, not "it" the pronoun."""
        forms = sorted(self.all_acronyms(), key=lambda a: (-len(a), a))
        if not forms:
            return None
        return re.compile(rf"(?<![\w&])(?:{'|'.join(map(re.escape, forms))})(?![\w&])")

    @cached_property
    def _folded_expansions(self) -> tuple[str, ...]:
        return tuple(fold(expansion) for expansion in self.expansions.values())


@dataclass(frozen=True)
class Taxonomy:
    languages: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    themes: tuple[Theme, ...]
    theme_footer_labels: dict[str, tuple[str, ...]]
    sections: dict[str, dict[str, tuple[str, ...]]]  # section key -> language -> headings
    front_matter_headings: dict[str, tuple[str, ...]]
    back_cover_cues: tuple[str, ...]
    footnote_cues: tuple[str, ...]
    acronyms: tuple[AcronymEntry, ...]

    def criterion(self, number: int) -> Criterion:
        for criterion in self.criteria:
            if criterion.number == number:
                return criterion
        raise KeyError(f"no criterion number {number}")

    def criterion_label(self, number: int, lang: str = "en") -> str:
        labels = self.criterion(number).label
        return labels.get(lang) or labels["en"]

    def theme(self, key: str) -> Theme:
        for theme in self.themes:
            if theme.key == key:
                return theme
        raise KeyError(f"no thematic area {key!r}")

    def theme_label(self, key: str, lang: str = "en") -> str:
        labels = self.theme(key).label
        return labels.get(lang) or labels["en"]

    def criterion_marker_score(self, text: str) -> tuple[int, float] | None:
        """(number, similarity 0..1 to that criterion's sentences) for a `N sentence` text."""
        match = _MARKER.match(text)
        if not match or _URL.search(text):
            return None
        number, sentence = int(match.group(1)), match.group(2)
        if not 1 <= number <= len(self.criteria) or len(sentence.split()) > _MARKER_MAX_WORDS:
            return None
        stems = _stems(sentence)
        return number, max((_dice(stems, v) for v in self.criterion(number).stem_sets), default=0.0)

    def match_criterion_marker(self, text: str) -> int | None:
        """Criterion number of a `N sentence` marker, judged by number and meaning, else None."""
        scored = self.criterion_marker_score(text)
        return scored[0] if scored and scored[1] >= _MARKER_MIN_SIMILARITY else None

    def match_theme(self, text: str) -> str | None:
        """Key of the thematic area whose label (any language) appears in `text`; longest wins."""
        folded = fold(text)
        found = [
            (len(fold(label)), theme.key)
            for theme in self.themes
            for label in theme.label.values()
            if fold(label) in folded
        ]
        return max(found)[1] if found else None

    def theme_from_footer(self, line: str) -> str | None:
        """Thematic area stated by a running footer such as `… · Thematic area: X · 2`, else None."""
        folded = fold(line)
        for labels in self.theme_footer_labels.values():
            for label in labels:
                position = folded.find(fold(label))
                if position >= 0:
                    return self.match_theme(folded[position + len(fold(label)) :])
        return None

    @cached_property
    def _headings(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        found: dict[str, tuple[str, tuple[str, ...]]] = {}
        for key, by_lang in self.sections.items():
            for lang, headings in by_lang.items():
                for heading in headings:
                    _, langs = found.get(fold(heading), (key, ()))
                    found[fold(heading)] = (key, (*langs, lang))
        return found

    def section_for_heading(self, line: str) -> tuple[str, str] | None:
        """(section key, language) when `line` is a section heading, else None.

        A heading spelt the same in several languages ("Impact") gives the first listed;
        `heading_languages` tells all of them. A heading is printed with a capital: a line
        "context" is the end of a wrapped sentence ("…innovative in their / context").
        """
        if not line.strip()[:1].isupper():
            return None
        found = self._headings.get(fold(line).rstrip(" :."))
        return (found[0], found[1][0]) if found else None

    def heading_languages(self, line: str) -> tuple[str, ...]:
        """Every language whose section headings include `line` (empty when not a heading)."""
        found = self._headings.get(fold(line).rstrip(" :."))
        return found[1] if found else ()

    @cached_property
    def _front_matter_prefixes(self) -> tuple[str, ...]:
        return tuple(fold(h) for headings in self.front_matter_headings.values() for h in headings)

    @cached_property
    def _back_cover_prefixes(self) -> tuple[str, ...]:
        return tuple(fold(cue) for cue in self.back_cover_cues)

    def is_front_matter_heading(self, line: str) -> bool:
        return fold(line).startswith(self._front_matter_prefixes)

    def is_back_cover_cue(self, line: str) -> bool:
        return fold(line).startswith(self._back_cover_prefixes)

    def has_footnote_cue(self, text: str) -> bool:
        folded = fold(text)
        return any(fold(cue) in folded for cue in self.footnote_cues)

    def entries_used(self, text: str) -> tuple[AcronymEntry, ...]:
        """The glossary entries `text` uses (an acronym or a full form, in any language)."""
        folded = fold(text)
        return tuple(entry for entry in self.acronyms if entry.used_in(text, folded))

    def expand_acronyms(self, text: str, lang: str) -> list[str]:
        """For each glossary entry that `text` uses (an acronym or a full form, in any language),
        its full form and acronyms in `lang`: a small dictionary across languages."""
        terms: list[str] = []
        for entry in self.entries_used(text):
            for term in (entry.expansions.get(lang, ""), *entry.acronyms.get(lang, ())):
                if term and term not in terms:
                    terms.append(term)
        return terms


def _criterion(raw: dict) -> Criterion:
    sentences = {lang: tuple(values) for lang, values in raw["sentences"].items()}
    return Criterion(number=int(raw["number"]), label=dict(raw["label"]), sentences=sentences)


def _tuples(raw: dict) -> dict[str, tuple[str, ...]]:
    return {key: tuple(values) for key, values in raw.items()}


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read the taxonomy file (the packaged `taxonomy.json` by default)."""
    raw = json.loads((path or DEFAULT_TAXONOMY_PATH).read_text(encoding="utf-8"))
    criteria = tuple(sorted((_criterion(c) for c in raw["criteria"]), key=lambda c: c.number))
    if [c.number for c in criteria] != list(range(1, len(criteria) + 1)):
        raise ValueError("taxonomy criteria must be numbered 1..N without gaps")
    return Taxonomy(
        languages=tuple(raw["languages"]),
        criteria=criteria,
        themes=tuple(Theme(key=t["key"], label=dict(t["label"])) for t in raw["themes"]),
        theme_footer_labels=_tuples(raw["theme_footer_labels"]),
        sections={key: _tuples(by_lang) for key, by_lang in raw["sections"].items()},
        front_matter_headings=_tuples(raw["front_matter_headings"]),
        back_cover_cues=tuple(raw["back_cover_cues"]),
        footnote_cues=tuple(raw["footnote_cues"]),
        acronyms=tuple(
            AcronymEntry(acronyms=_tuples(a["acronyms"]), expansions=dict(a["expansions"]))
            for a in raw["acronyms"]
        ),
    )
