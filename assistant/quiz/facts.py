"""Facts a quiz can ask about, found in the text of the chunks without any language model.

A text fact is a value stated in one sentence — a figure, a year, a country, an institution's
acronym — with its place in the sentence, so a question can blank it out or swap it. Metadata
facts come from an Action's criteria markers and from the headings of its lesson and practice
bullets ("• Ownership pays off: …").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ingest.countries import country_code, name_index
from ingest.models import CRITERIA_SECTION, Chunk
from ingest.sentences import split_sentences
from ingest.taxonomy import Taxonomy
from ingest.text import fold

TEXT_SECTIONS = ("summary", "context", "concept", "practices", "impact", "lessons")
BULLET_SECTIONS = {"lessons": "lesson", "practices": "practice"}
TEXT_FACT_TYPES = ("figure", "year", "country", "acronym")

_SPACES = "  \u202f\u2009"
# A figure: "655 000", "1,600", "10,2%", "64"; never glued to a letter, a hyphen or another digit.
_FIGURE = re.compile(
    rf"(?<![\w\-–/.,])(?:\d{{1,3}}(?:[{_SPACES},.]\d{{3}})+(?![\d])|\d+(?:[.,]\d+)?)(?:[{_SPACES}]?%)?(?![\w\-–/])"
)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_YEAR_RANGE_EDGE = re.compile(r"[\-–/]\s*$|^\s*[\-–/]\s*\d")
_ACRONYM = re.compile(r"(?<![\w&])[A-Z][A-Za-z&]{1,7}(?![\w&])")
_ROMAN = re.compile(r"^[IVXLC]+$")
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_BULLET_HEAD = re.compile(r"^\s*[•\-–]\s*([^:\n]{3,120}?)\s*:\s")
MIN_SENTENCE_WORDS, MAX_SENTENCE_WORDS = 8, 70
MAX_COUNTRY_WORDS = 4
MAX_HEAD_WORDS = 14
# Acronyms found in at least this share of the Actions name the programme, not an institution.
_UBIQUITOUS_SHARE = 0.5


@dataclass(frozen=True)
class Fact:
    """A value the text states: `value` is `sentence[start:end]` for text facts."""

    type: str  # figure | year | country | acronym | criterion | lesson | practice
    value: str
    sentence: str
    start: int
    end: int
    chunk: Chunk
    number: int | None = None  # the criterion's number, for criterion facts

    def with_value(self, replacement: str) -> str:
        """The sentence with the value replaced (a blank for a cloze, another value for a false
        statement); in French the article or preposition before it follows the new word (la
        Belgique -> l’Italie, de France -> d’Espagne)."""
        before = self.sentence[: self.start]
        if self.chunk.language == "fr" and replacement[:1].isalpha():
            before = french_article(before, replacement)
        return before + replacement + self.sentence[self.end :]

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity of the fact: no two items of a quiz share one."""
        return (self.chunk.case_study_id, self.type, normalise(self.value))


_ELIDED = re.compile(r"(?<!\w)([lLdD])[’']$")
_CONTRACTED = re.compile(r"(?<!\w)(de|à) $", re.IGNORECASE)
_ELIDABLE = re.compile(r"(?<!\w)(la|le|La|Le|de|De) $")


def french_article(before: str, word: str) -> str:
    """`before` ending with the article or preposition that `word` takes: elided before a vowel
    or a mute h (l’, d’), whole before a consonant (de; la for a word ending in -e, else le: the
    usual gender of country names, Belgique/Liban)."""
    vowel = fold(word[:1]) in "aeiouyh"
    if vowel and (match := _ELIDABLE.search(before)):
        return before[: match.start()] + match.group(1)[0] + "’"
    if not vowel and (match := _ELIDED.search(before)):
        letter = match.group(1)
        whole = ("de" if letter in "dD" else "la" if fold(word).endswith("e") else "le") + " "
        head = before[: match.start()]
        if whole == "le " and (contracted := _CONTRACTED.search(head)):  # de le -> du, à le -> au
            return head[: contracted.start()] + ("du " if contracted.group(1).lower() == "de" else "au ")
        return head + (whole.capitalize() if letter.isupper() else whole)
    return before


def normalise(value: str) -> str:
    """Comparable form of a value: folded, without spaces of any kind."""
    return re.sub(rf"[\s{_SPACES}]+", "", fold(value))


def number_value(text: str) -> float | None:
    """Numeric value of a figure as written ("655 000" -> 655000, "10,2%" -> 10.2)."""
    raw = re.sub(rf"[{_SPACES}%]", "", text)
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        raw = re.sub(r"[.,]", "", raw)
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


def is_year(value: str) -> bool:
    return bool(_YEAR.match(value))


# ---- text facts -------------------------------------------------------------------------------


def sentence_facts(sentence: str, chunk: Chunk, excluded_acronyms: set[str]) -> list[Fact]:
    facts: list[Fact] = []
    facts += _numbers(sentence, chunk)
    facts += _countries(sentence, chunk)
    facts += _acronyms(sentence, chunk, excluded_acronyms)
    return facts


def _numbers(sentence: str, chunk: Chunk) -> list[Fact]:
    found: list[Fact] = []
    for match in _FIGURE.finditer(sentence):
        value = match.group(0)
        before, after = sentence[: match.start()], sentence[match.end() :]
        if is_year(value):
            if _YEAR_RANGE_EDGE.search(before) or _YEAR_RANGE_EDGE.search(after[:3]):
                continue  # "2016-2019": a period, not one year
            found.append(Fact("year", value, sentence, match.start(), match.end(), chunk))
            continue
        number = number_value(value)
        if number is None or number < 2:
            continue
        found.append(Fact("figure", value, sentence, match.start(), match.end(), chunk))
    return found


def _countries(sentence: str, chunk: Chunk) -> list[Fact]:
    names = name_index()
    tokens = list(_WORD.finditer(sentence))
    found: list[Fact] = []
    i = 0
    while i < len(tokens):
        if not tokens[i].group(0)[0].isupper():
            i += 1
            continue
        for size in range(min(MAX_COUNTRY_WORDS, len(tokens) - i), 0, -1):
            start, end = tokens[i].start(), tokens[i + size - 1].end()
            span = sentence[start:end]
            if tokens[i + size - 1].group(0)[0].isupper() and fold(span) in names:
                found.append(Fact("country", span, sentence, start, end, chunk))
                i += size - 1
                break
        i += 1
    return found


def _acronyms(sentence: str, chunk: Chunk, excluded: set[str]) -> list[Fact]:
    found: list[Fact] = []
    for match in _ACRONYM.finditer(sentence):
        value = match.group(0)
        capitals = sum(ch.isupper() for ch in value)
        if capitals < 2 or capitals * 2 < len(value) or _ROMAN.match(value) or value in excluded:
            continue
        if country_code(value) is not None and len(value) > 3:
            continue
        found.append(Fact("acronym", value, sentence, match.start(), match.end(), chunk))
    return found


def chunk_sentences(chunk: Chunk) -> list[str]:
    """Sentences of a chunk good enough to quote in a question."""
    kept: list[str] = []
    for paragraph in chunk.text.split("\n"):
        for sentence in split_sentences(paragraph.strip(), chunk.language):
            if _URL.search(sentence):
                continue
            if MIN_SENTENCE_WORDS <= len(sentence.split()) <= MAX_SENTENCE_WORDS:
                kept.append(sentence)
    return kept


def ubiquitous_acronyms(chunks: Sequence[Chunk]) -> set[str]:
    """Acronyms that most Actions use (the programme's own name, the EU...)."""
    actions = {c.case_study_id for c in chunks}
    per_acronym: Counter[str] = Counter()
    for action in actions:
        text = " ".join(c.text for c in chunks if c.case_study_id == action)
        per_acronym.update({m.group(0) for m in _ACRONYM.finditer(text)})
    threshold = max(2, _UBIQUITOUS_SHARE * len(actions))
    return {acronym for acronym, count in per_acronym.items() if count >= threshold}


def text_facts(chunks: Iterable[Chunk], excluded_acronyms: set[str]) -> list[Fact]:
    facts: list[Fact] = []
    for chunk in chunks:
        if chunk.section not in TEXT_SECTIONS:
            continue
        for sentence in chunk_sentences(chunk):
            facts += sentence_facts(sentence, chunk, excluded_acronyms)
    return facts


# ---- metadata facts ---------------------------------------------------------------------------


def criterion_facts(chunks: Iterable[Chunk], taxonomy: Taxonomy) -> list[Fact]:
    """One fact per criterion marker printed in an Action's `criteria` passage."""
    facts: list[Fact] = []
    for chunk in chunks:
        if chunk.section != CRITERIA_SECTION:
            continue
        for line in chunk.text.split("\n"):
            number = taxonomy.match_criterion_marker(line)
            if number is None or number not in chunk.criteria:
                continue
            printed = re.sub(r"^\s*\d{1,2}\.?\s+", "", line).strip()
            start = chunk.text.index(printed)
            facts.append(
                Fact("criterion", printed, chunk.text, start, start + len(printed), chunk, number=number)
            )
    return facts


def bullet_facts(chunks: Iterable[Chunk]) -> list[Fact]:
    """Headings of lesson and practice bullets: "• Ownership pays off: because…" gives "Ownership pays off"."""
    facts: list[Fact] = []
    for chunk in chunks:
        kind = BULLET_SECTIONS.get(chunk.section)
        if kind is None:
            continue
        for paragraph in chunk.text.split("\n"):
            match = _BULLET_HEAD.match(paragraph)
            if not match or len(match.group(1).split()) > MAX_HEAD_WORDS:
                continue
            sentence = split_sentences(paragraph.strip(), chunk.language)[0]
            head = match.group(1).strip()
            start = sentence.find(head)
            if start >= 0:
                facts.append(Fact(kind, head, sentence, start, start + len(head), chunk))
    return facts


def glossary_terms(taxonomy: Taxonomy) -> set[str]:
    """Glossary acronyms of common nouns ("VdT" = victimes de la traite), not of institutions."""
    return {
        acronym
        for entry in taxonomy.acronyms
        if not entry.expansions.get("en", "X")[:1].isupper()
        for acronym in entry.all_acronyms()
    }


def library_facts(chunks: Sequence[Chunk], taxonomy: Taxonomy) -> list[Fact]:
    """Every fact of the library, text and metadata, in reading order."""
    excluded = ubiquitous_acronyms(chunks) | glossary_terms(taxonomy)
    return [*text_facts(chunks, excluded), *criterion_facts(chunks, taxonomy), *bullet_facts(chunks)]
