"""What a question asks for: its language, the kind of answer it wants, its key terms and figures."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import babel

from ingest import text as text_helpers
from ingest.cache import cached_json
from ingest.countries import country_code
from ingest.language import LANGUAGES, detect_language
from ingest.taxonomy import AcronymEntry
from ingest.text import fold

WORDS_FILE = Path(__file__).with_name("question_words.json")
# Numbers written out, in Casebook's languages: answers count in words too ("seven officials").
SPELLED_NUMBERS = {
    2: "two deux dos dois duas",
    3: "three trois tres três",
    4: "four quatre cuatro quatro",
    5: "five cinq cinco",
    6: "six seis",
    7: "seven sept siete sete",
    8: "eight huit ocho oito",
    9: "nine neuf nueve nove",
    10: "ten dix diez dez",
}


def _month_names() -> dict[str, int]:
    from babel.dates import get_month_names  # only on a first run: see MONTHS

    return {
        fold(name): number
        for language in LANGUAGES
        for number, name in get_month_names("wide", locale=language).items()
    }


# Month names of Casebook's languages (CLDR, through Babel), folded -> month number. Kept in the
# cache folder (`ingest.cache`): Babel takes tens of milliseconds to load them on each run.
MONTHS: dict[str, int] = cached_json(
    "month-names",
    [f"babel {babel.__version__}", Path(text_helpers.__file__), " ".join(LANGUAGES)],
    _month_names,
)
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
NUMBER = re.compile(r"\d")
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # words as written, case kept
TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # on folded text; elisions (l'unhcr) split
COGNATE_PREFIX = 4  # cognates share at least this many letters (`cognates`)


@dataclass(frozen=True)
class QuestionWords:
    kinds: dict[str, list[re.Pattern[str]]]
    sections: dict[str, list[re.Pattern[str]]]  # section key -> cues that a question is about it
    stopwords: frozenset[str]
    generic_names: frozenset[str]  # capitalised words that name no particular thing (EU, Ministry)
    list_frames: list[re.Pattern[str]]  # "which Actions deal with", "in which countries"
    part_joints: list[re.Pattern[str]]  # ", and how many": where one question joins another
    beyond_frames: list[re.Pattern[str]]  # "besides", "en plus de": what follows is already known
    order_references: dict[str, list[re.Pattern[str]]]  # "first"/"second"/"last" -> "the later one"…


@lru_cache(maxsize=1)
def question_words() -> QuestionWords:
    data = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    kinds = {
        kind: [re.compile(p) for patterns in by_lang.values() for p in patterns]
        for kind, by_lang in data["kinds"].items()
    }
    sections = {key: [re.compile(p) for p in patterns] for key, patterns in data["sections"].items()}
    stopwords = frozenset(w for words in data["stopwords"].values() for w in words)
    frames = [
        re.compile(p) for lang, patterns in data["list_frames"].items() if lang != "_about" for p in patterns
    ]
    joints = [
        re.compile(p, re.IGNORECASE)
        for lang, patterns in data["part_joints"].items()
        if lang != "_about"
        for p in patterns
    ]
    beyond = [
        re.compile(p)
        for lang, patterns in data["beyond_frames"].items()
        if lang != "_about"
        for p in patterns
    ]
    order = {
        place: [re.compile(p) for p in patterns]
        for place, patterns in data["order_references"].items()
        if place != "_about"
    }
    return QuestionWords(
        kinds, sections, stopwords, frozenset(data["generic_names"]), frames, joints, beyond, order
    )


@dataclass(frozen=True)
class Question:
    text: str
    language: str
    kinds: frozenset[str]  # count, when, where, who, criteria, theme, actions
    terms: tuple[str, ...]  # folded content words
    years: tuple[str, ...]
    sections: frozenset[str]  # sections the question is about ("what did they learn" -> lessons)
    names: tuple[str, ...]  # proper names, folded: "dar karamah", "unhcr" (not countries)
    parts: tuple[str, ...] = ()  # the questions a multi-part question joins, as written; () if one
    places: frozenset[str] = frozenset()  # codes of the countries it names as places (Scope.places)
    known: tuple[str, ...] = ()  # names it gives as already known: "the third shelter, besides X and Y"
    glossary: tuple[AcronymEntry, ...] = ()  # glossary entries it uses (SOPs, trafficking in human beings)

    def wants(self, kind: str) -> bool:
        return kind in self.kinds

    def part_questions(self) -> list[Question]:
        """Each part as a question of its own kinds, otherwise this question (its subject, years
        and names are shared: "and when?" asks about what the first part named)."""
        return [replace(self, text=part, kinds=_kinds(fold(part)), parts=()) for part in self.parts]


def analyse(text: str, language: str | None = None) -> Question:
    folded = fold(text)
    words = question_words()
    kinds = _kinds(folded)
    names = _names(text, words)
    terms = tuple(t for t in TOKEN.findall(folded) if t not in words.stopwords and len(t) > 2)
    return Question(
        text=text,
        language=language or detect_language(text, default="en"),
        kinds=kinds,
        terms=terms,
        years=tuple(YEAR.findall(text)),
        sections=frozenset(
            k for k, patterns in words.sections.items() if any(p.search(folded) for p in patterns)
        ),
        names=names,
        parts=_parts(text, words),
        known=_known_names(folded, names, words),
    )


def _kinds(folded: str) -> frozenset[str]:
    return frozenset(
        k for k, patterns in question_words().kinds.items() if any(p.search(folded) for p in patterns)
    )


def _parts(text: str, words: QuestionWords) -> tuple[str, ...]:
    """The questions joined in `text` ("When did X, and how many Y?"), or () for one question."""
    parts = [text]
    for joint in words.part_joints:
        parts = [piece.strip() for part in parts for piece in joint.split(part) if piece.strip()]
    return tuple(parts) if len(parts) > 1 else ()


def _known_names(folded: str, names: tuple[str, ...], words: QuestionWords) -> tuple[str, ...]:
    """The names after "besides", "en plus de", "além de"…: those the question already knows."""
    frame = next((m for p in words.beyond_frames if (m := p.search(folded))), None)
    if frame is None:
        return ()
    after = folded[frame.end() :]
    return tuple(name for name in names if name in after)


def listing_topic(question: Question) -> Question:
    """'Which Actions deal with X, and in which countries?' reduced to X (folded), keeping what
    the question wants: the words that frame a list would otherwise pull in any passage about
    Actions or countries."""
    topic = topic_text(question)
    if not topic or topic == " ".join(TOKEN.findall(fold(question.text))):
        return question
    return replace(
        analyse(topic, question.language),
        kinds=question.kinds,
        places=question.places,
        glossary=question.glossary,
    )


def topic_text(question: Question) -> str:
    """The words of a listing question without those that frame the list, folded."""
    topic = fold(question.text)
    for frame in question_words().list_frames:
        topic = frame.sub(" ", topic)
    return " ".join(TOKEN.findall(topic))


def names_in(sentence: str) -> tuple[str, ...]:
    """The proper names of any sentence, folded, as `_names` finds them in a question (its
    first word included: a sentence may start with one)."""
    return _names(sentence, question_words(), skip_first=False)


def _names(text: str, words: QuestionWords, skip_first: bool = True) -> tuple[str, ...]:
    """Runs of capitalised words (the first word of the question aside), folded: "dar karamah".
    Punctuation ends a run ("UNHCR, IOM" are two names); in a hyphenated word only its capitalised
    parts count ("EU-funded" names the EU, a generic name); months are no names. Countries are
    left to the scope, which knows their names in every language."""
    phrases: list[list[str]] = [[]]
    text = text.lstrip("¿¡ ")
    end = None if skip_first else 0
    for match in WORD.finditer(text):
        if end is None:  # the question's first word is capitalised whatever it is
            end = match.end()
            continue
        if text[end : match.start()].strip() and phrases[-1]:
            phrases.append([])
        end = match.end()
        folded = fold("-".join(part for part in match.group().split("-") if part[0].isupper()))
        if folded and folded not in words.stopwords | words.generic_names | MONTHS.keys():
            phrases[-1].append(folded)
        elif phrases[-1]:
            phrases.append([])
    names = (" ".join(p) for p in phrases if p)
    return tuple(dict.fromkeys(n for n in names if country_code(n) is None))


def content_tokens(text: str) -> list[str]:
    """Folded content words of any text (passage or sentence)."""
    stop = question_words().stopwords
    return [t for t in TOKEN.findall(fold(text)) if t not in stop and len(t) > 2]


def term_overlap(question: Question, text: str) -> float:
    """Share of the question's terms found in `text`. Words match when they share a long enough
    prefix, which also catches cognates across languages (réfugiés/refugees, syriens/Syrian). A
    glossary entry the question uses is one term, found when `text` uses any of its forms in any
    language (SOPs/PON, trafficking in human beings/traite des personnes), and its words are not
    matched one by one (trafficking is no trafic)."""
    covered = frozenset().union(*(entry.words for entry in question.glossary))
    terms = {t for t in question.terms if t not in covered}
    if not terms and not question.glossary:
        return 0.0
    tokens = _tokens_by_prefix(text)
    found = sum(1 for t in terms if has_cognate(t, tokens))
    found += sum(1 for entry in question.glossary if entry.used_in(text))
    return found / (len(terms) + len(question.glossary))


@lru_cache(maxsize=8192)  # the sentences of the passages found recur from question to question
def _tokens_by_prefix(text: str) -> Mapping[str, frozenset[str]]:
    return MappingProxyType(by_prefix(content_tokens(text)))


def by_prefix(words: Iterable[str]) -> dict[str, frozenset[str]]:
    """`words` grouped by their first `COGNATE_PREFIX` letters: a word's cognates share its
    prefix, so a word is compared only with the words under its own (`has_cognate`)."""
    grouped: dict[str, set[str]] = {}
    for word in words:
        grouped.setdefault(word[:COGNATE_PREFIX], set()).add(word)
    return {prefix: frozenset(group) for prefix, group in grouped.items()}


def has_cognate(word: str, grouped: Mapping[str, Collection[str]]) -> bool:
    """Whether `grouped` (words by `by_prefix`) holds `word` or a cognate of it."""
    return any(cognates(word, other) for other in grouped.get(word[:COGNATE_PREFIX], ()))


def cognates(a: str, b: str) -> bool:
    """Same word, or words sharing a long prefix (réfugiés/refugees): matches across languages."""
    if a == b:
        return True
    return shared_prefix(a, b) >= max(4, math.ceil(0.6 * min(len(a), len(b))))


def shared_prefix(a: str, b: str) -> int:
    """How many first letters the two words have in common."""
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
