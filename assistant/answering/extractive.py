"""The offline answer engine: pick the sentences that answer the question from retrieved passages.

Each candidate sentence is scored by its meaning (embedding similarity to the question, which
works across languages), the question's terms it contains, and whether it holds the kind of
answer asked for (a figure for "how many", a date for "when"...); a sentence that cannot hold
the answer at all (`holds_answer`) is left out. The best sentences, 1 to 4 (or each point of
the lessons or practices asked for), become the answer, each followed by the number of its
passage. Below the evidence threshold
the engine abstains instead of answering from unrelated text. It never writes text of its own
beyond a short lead naming the Action.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from types import MappingProxyType

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.answering.answers import Answer, AnswerMode, Citation
from assistant.answering.messages import join_list, message
from assistant.answering.questions import (
    MONTHS,
    SPELLED_NUMBERS,
    TOKEN,
    YEAR,
    Question,
    cognates,
    names_in,
    term_overlap,
)
from assistant.answering.short_answers import counted_figures, counted_nouns, date_range, figures
from assistant.settings import ExtractiveConfig
from ingest.countries import cities_in, countries_in, country_code
from ingest.models import SECTION_KEYS, Chunk
from ingest.text import fold
from vectorstore.hybrid import ScoredChunk

UNITS_OF_TIME = (
    "days?|weeks?|months?|years?|jours?|semaines?|mois|ans|années|annees|d[ií]as|semanas?|meses|años|anos|"
    "horas?|hours?|heures?"
)
NUMBER_WORDS = "|".join(word for spelled in SPELLED_NUMBERS.values() for word in spelled.split())
MEASURE = re.compile(rf"\s*(%|(?i:({UNITS_OF_TIME})\b))")  # what follows a figure that counts no things
DATE = re.compile(rf"\b(19|20)\d{{2}}\b|\b({'|'.join(MONTHS)})\b")  # on folded text
SHAPE_PATTERNS: dict[str, re.Pattern[str]] = {
    "duration": re.compile(rf"(?i:\b(\d+|{NUMBER_WORDS})\s+({UNITS_OF_TIME})\b)"),
    "where": re.compile(r"(?<=[\s(,’'])[A-ZÀ-Ý][a-zà-ÿ]{2,}"),
    "share": re.compile(r"%|(?i:\b(per ?cent|pour ?cent|por ?ciento|por ?cento|half|moitie|mitad|metade)\b)"),
    "money": re.compile(r"€|\$|£|\b(EUR|USD|CHF)\b|(?i:\b(euros?|dollars?|d[oó]lares)\b)"),
    "who": re.compile(
        r"\b[A-Z][A-Za-z]*[A-Z]\b|(?i:\b(ministère|ministry|ministerio|organisation|organization|"
        r"organización|union|office|agence|agency|agencia|programme|program|programa)\b)"
    ),
}


@lru_cache(maxsize=4096)  # each sentence is read for several scores and checks, and again in later asks
def _countries_named(sentence: str) -> frozenset[str]:
    """Codes of the countries the sentence names, in any language."""
    return frozenset(countries_in(sentence).values())


def _places_named(sentence: str) -> frozenset[str]:
    """Codes of the countries the sentence names, itself or by one of its cities."""
    return _countries_named(sentence) | frozenset(_cities_named(sentence).values())


def _names_another_country(sentence: str, chunk: Chunk) -> bool:
    """Whether the sentence names a country other than its Action's own."""
    return bool(_countries_named(sentence) - {country_code(chunk.country)})


def _holds_figure(sentence: str, chunk: Chunk) -> bool:
    """Whether the sentence holds a count: a figure or a number word, not a year or a date's
    day, nor a length of time or a share ("118 days", "43 %" count no applications)."""
    return any(not MEASURE.match(following) for _, following in figures(sentence, chunk.language))


def _holds_date(sentence: str, _chunk: Chunk) -> bool:
    return DATE.search(fold(sentence)) is not None


def _matches(pattern: re.Pattern[str]) -> Callable[[str, Chunk], bool]:
    return lambda sentence, _chunk: pattern.search(sentence) is not None


BULLETS = "•▪◦‣-–*"  # a sentence opening with one of these opens a point of a list

# Kinds whose answer a pattern recognises for sure; places, names and countries are only guessed.
EXACT_SHAPES = frozenset({"count", "duration", "when", "money", "share"})
# A question for a duration wants a duration, not any figure ("how long, on average?").
NARROWER = {"duration": "count", "money": "count", "share": "count", "country": "where"}


def _holds_duration(sentence: str, _chunk: Chunk) -> bool:
    """A length of time ("18 months"), or a period given by its ends ("from May 2018 to
    November 2020": how long an Action lasted)."""
    return SHAPE_PATTERNS["duration"].search(sentence) is not None or date_range(sentence) is not None


ANSWER_SHAPES: dict[str, Callable[[str, Chunk], bool]] = {
    **{kind: _matches(pattern) for kind, pattern in SHAPE_PATTERNS.items()},
    "duration": _holds_duration,
    "count": _holds_figure,
    "when": _holds_date,
    "country": _names_another_country,
}


@dataclass(frozen=True)
class ScoredSentence:
    text: str
    chunk: Chunk
    score: float
    similarity: float


SentenceSource = Callable[[Sequence[str]], dict[str, list[tuple[str, np.ndarray]]]]


class ExtractiveAnswerer:
    """`sentences` gives, for chunk ids, each chunk's sentences with the vectors stored at ingest."""

    def __init__(self, embeddings: Embeddings, sentences: SentenceSource, config: ExtractiveConfig) -> None:
        self._embeddings = embeddings
        self._sentences = sentences
        self.config = config

    def answer(self, question: Question, passages: Sequence[ScoredChunk], relaxed: bool = False) -> Answer:
        """The answer from `passages`, or an abstention; `relaxed` lowers the bar to the
        cross-language one (the passages are already what the question asks for: the section
        it names, of the Action it names)."""
        parts = question.part_questions()
        candidates = self.rank_sentences(question, passages)
        if not parts:  # a part's count is checked with its part (`_answer_parts`)
            candidates = _counting_the_noun(question, candidates)
        ranked = [s for s in candidates if holds_answer(question, s)]
        if not ranked or not self.is_evidence(question, ranked[0], relaxed=relaxed):
            return self.abstain(question, passages)
        if not parts:
            return compose_answer(question, self._choose(ranked, question), mode=AnswerMode.EXTRACTIVE)
        return self._answer_parts(question, parts, ranked, passages)

    def _answer_parts(
        self,
        question: Question,
        parts: list[Question],
        ranked: list[ScoredSentence],
        passages: Sequence[ScoredChunk],
    ) -> Answer:
        """A question that joins several ("When…, and how many…?"): each part's best sentence of
        the kind it asks for, then the other close sentences; the parts no sentence answers are
        said so, and when none is answered, the question is abstained. Once one part is answered
        clearly, the others (about the same subject) need only the lower bar."""
        best = [
            next((s for s in _counting_the_noun(part, ranked) if holds_answer(part, s)), None)
            for part in parts
        ]
        clear = any(s is not None and self.is_evidence(part, s) for part, s in zip(parts, best, strict=True))
        answered = [
            s
            for part, s in zip(parts, best, strict=True)
            if s is not None and self.is_evidence(part, s, relaxed=clear)
        ]
        if not answered:
            return self.abstain(question, passages)
        unanswered = [part.text for part, s in zip(parts, best, strict=True) if s not in answered]
        chosen: list[ScoredSentence] = []
        for sentence in [*answered, *self._choose(ranked, question)]:
            if len(chosen) < self.config.max_sentences + len(parts) - 1 and all(
                sentence.text != c.text for c in chosen
            ):
                chosen.append(sentence)
        answer = compose_answer(question, chosen, mode=AnswerMode.EXTRACTIVE)
        if not unanswered:
            return answer
        said = message(
            "parts_unanswered",
            question.language,
            parts=join_list([f"“{p}”" for p in unanswered], question.language),
        )
        return replace(answer, answer=f"{answer.answer}\n{said}", unanswered_parts=unanswered)

    def rank_sentences(self, question: Question, passages: Sequence[ScoredChunk]) -> list[ScoredSentence]:
        # Notes, criteria lists and back covers are cited by other paths; they answer nothing.
        hits = [hit for hit in passages if hit.chunk.section in SECTION_KEYS]
        stored = self._sentences([hit.chunk.id for hit in hits])
        candidates = [
            (sentence, np.asarray(vector), hit)
            for hit in hits
            for sentence, vector in stored.get(hit.chunk.id, [])
            if len(sentence.split()) >= self.config.min_words
        ]
        if not candidates:
            return []
        query = np.asarray(self._embeddings.embed_query(question.text))
        # "how many days" asks for a duration, not a count
        counts = not question.wants("duration") and bool(counted_nouns(question))
        scored = [
            ScoredSentence(sentence, hit.chunk, self._score(question, sentence, hit, sim, counts), sim)
            for sentence, vector, hit in candidates
            for sim in [float(vector @ query)]
        ]
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def is_evidence(self, question: Question, sentence: ScoredSentence, relaxed: bool = False) -> bool:
        """Whether a sentence answers rather than abstain: it holds the kind of fact asked
        (`holds_answer`) and scores high enough; `relaxed` applies the lower (cross-language)
        bar whatever the languages."""
        c = self.config
        same_language = sentence.chunk.language == question.language
        bar = c.threshold_cross if relaxed or not same_language else c.threshold
        return holds_answer(question, sentence) and sentence.score >= min(bar, c.threshold)

    def abstain(self, question: Question, passages: Sequence[ScoredChunk]) -> Answer:
        nearest = [Citation(i + 1, hit.chunk, "") for i, hit in enumerate(passages[:3])]
        return Answer(
            question=question.text,
            answer=message("abstain", question.language),
            abstained=True,
            mode=AnswerMode.EXTRACTIVE,
            language=question.language,
            nearest=nearest,
        )

    def _score(
        self, question: Question, sentence: str, hit: ScoredChunk, similarity: float, counts: bool
    ) -> float:
        """`counts`: the question counts something it names ("how many returnees"), worked out
        once per question, not once per sentence."""
        c = self.config
        passage = hit.dense if hit.dense is not None else similarity
        same_language = hit.chunk.language == question.language
        overlap_weight = c.weight_overlap_same if same_language else c.weight_overlap_cross
        score = (
            (1 - c.weight_passage) * similarity
            + c.weight_passage * passage
            + overlap_weight * term_overlap(question, sentence)
            + c.weight_shape * _shape_match(question, sentence, hit.chunk)
            + c.weight_section * (hit.chunk.section in question.sections)
        )
        missing_years = [y for y in question.years if y not in hit.chunk.text and y not in hit.chunk.years]
        dated = bool(question.years) and all(y in sentence for y in question.years)
        counted = counts and bool(counted_figures(question, sentence, hit.chunk.language))
        return score - 0.1 * len(missing_years) + c.weight_dated * dated + c.weight_counted * counted

    def _choose(self, ranked: list[ScoredSentence], question: Question) -> list[ScoredSentence]:
        """The best sentence and those close to it; when the question asks for a section
        ("what lessons did they draw?") and the best sentence is in it, every point of that
        section as well (the first sentence of each of its bullets), best first."""
        best = ranked[0].score
        chosen: list[ScoredSentence] = []
        for sentence in ranked:
            if len(chosen) == self.config.max_sentences or sentence.score < best - self.config.margin:
                break
            if all(sentence.text != c.text for c in chosen):
                chosen.append(sentence)
        section = ranked[0].chunk.section
        if section in question.sections:
            points = [
                s
                for s in ranked
                if s.chunk.section == section
                and s.chunk.case_study_id == ranked[0].chunk.case_study_id
                and s.text.lstrip()[:1] in BULLETS
                and all(s.text != c.text for c in chosen)
            ]
            chosen.extend(points[: max(0, self.config.max_section_points - len(chosen))])
        return chosen


def holds_answer(question: Question, sentence: ScoredSentence) -> bool:
    """Whether the sentence can answer at all, whatever its similarity: when the question asks
    for a figure, a date, a duration or an amount (kinds whose shape is unmistakable), it holds
    one of them and, in the question's language, shares a word of the question besides its
    names, places and figures (what is asked of the subject, not only who it is: "when was the
    OCRO established?" is not answered by the date the OCRO asked for support); it names one of
    the places the question names that are no Action's country (or a city of it); when it asks
    for a city, it names another (`_names_another_city`); when it asks for a name, it gives one
    the question does not (`_gives_a_name`); it tells of no other country when the question places
    its fact in a city of the Action's country (`_told_of_elsewhere`); when the question gives names
    as known ("besides X and Y") and asks for no figure or date, it names another; and it holds
    every year the question asks about ("in 2020": a sentence about 2021 does not answer it). A
    year of its Action's own span may go unsaid by a sentence that names no year (it tells of
    the Action's time), and goes unsaid by any sentence when the question gives the whole span
    ("the 2019-2021 Action" names the Action, not a date)."""
    strict = frozenset(k for k in question.kinds if k in EXACT_SHAPES)
    if strict and _shape_match(replace(question, kinds=strict), sentence.text, sentence.chunk) < 0:
        return False
    if (
        strict
        and sentence.chunk.language == question.language
        and not _says_what_is_asked(question, sentence.text)
    ):
        return False
    if question.places and not _places_named(sentence.text) & question.places:
        return False  # "a study visit to Spain": the sentence names Spain or Madrid, in any language
    # "Which city?": a sentence naming only the country does not say (each part asks on its own).
    if question.wants("city") and not question.parts and not _names_another_city(question, sentence.text):
        return False
    if question.wants("name") and not _gives_a_name(question, sentence.text):
        return False  # "the name of the Special Rapporteur": a sentence naming only the role
    if _told_of_elsewhere(question, sentence):
        return False  # "at the Ciudad del Este border post": a sentence about a visit to Poland
    if question.known and not strict and not _names_another(question, sentence.text):
        return False  # "the third shelter, besides X and Y": a sentence naming only X and Y
    span = set(YEAR.findall(sentence.chunk.years))
    said = set(YEAR.findall(sentence.text))
    names_action = len(span) > 1 and span <= set(question.years)
    return all(year in said or (year in span and (names_action or not said)) for year in question.years)


def _told_of_elsewhere(question: Question, sentence: ScoredSentence) -> bool:
    """Whether the question places its fact in a city of the sentence's Action country ("at the
    Ciudad del Este border post") and the sentence, naming neither that city nor a place the
    question names, tells of another country (a study visit to Poland). A question asking where
    wants another place."""
    home = country_code(sentence.chunk.country)
    named = _cities_named(question.text)
    cities = [name for name, code in named.items() if code == home]
    if not cities or any(question.wants(kind) for kind in ("where", "country", "city")):
        return False
    folded = fold(sentence.text)
    if any(city in folded for city in cities):
        return False
    return bool(_countries_named(sentence.text) - {home} - question.places - set(named.values()))


def _names_another_city(question: Question, sentence: str) -> bool:
    """Whether the sentence names a city the question does not (a known one aside: "besides
    Moscow and Istanbul, which third city?"), in a country the question names as a place if it
    names one ("which city did they visit in Germany?": Kingston is no answer)."""
    named = set(_cities_named(question.text)) | set(question.known)
    return any(
        city not in named and (not question.places or code in question.places)
        for city, code in _cities_named(sentence).items()
    )


@lru_cache(maxsize=4096)  # each candidate sentence is read for several checks, and again in later asks
def _cities_named(text: str) -> Mapping[str, str]:
    return MappingProxyType(cities_in(text))


def _says_what_is_asked(question: Question, sentence: str) -> bool:
    """Whether the sentence shares a word of the question besides the names of its subject and
    places and its figures: what the question asks of its subject ("established",
    "intercepted"), not only who or where the subject is. True when the question has no such
    word. Within one language only: across languages few words match."""
    asked = _asked_terms(question.text, question.names, question.terms)
    if not asked and not question.glossary:
        return True
    return term_overlap(replace(question, terms=asked), sentence) > 0


@lru_cache(maxsize=256)  # every candidate sentence of a question is checked
def _asked_terms(text: str, names: tuple[str, ...], terms: tuple[str, ...]) -> tuple[str, ...]:
    places = {**countries_in(text), **cities_in(text)}
    named = {word for name in (*names, *places) for word in name.split()}
    return tuple(t for t in terms if t not in named and not t.isdigit())


def _gives_a_name(question: Question, sentence: str) -> bool:
    """Whether the sentence names something the question does not: a run of capitalised words
    or an acronym (`names_in`; its first word alone aside, capitalised whatever it is) that is
    no country or city, no word of the question, and no acronym of the glossary entries the
    question uses ("POS" are the SOPs it asks about)."""
    first = fold(sentence.split(maxsplit=1)[0]).strip(",.;:") if sentence.strip() else ""
    places = {word for place in (*countries_in(sentence), *_cities_named(sentence)) for word in place.split()}
    asked = set(TOKEN.findall(fold(question.text)))
    glossary = {fold(form) for entry in question.glossary for form in entry.all_acronyms()}
    return any(
        name != first
        and name not in glossary
        and any(word not in places and not any(cognates(word, a) for a in asked) for word in name.split())
        for name in names_in(sentence)
    )


def _names_another(question: Question, sentence: str) -> bool:
    """Whether the sentence names something the question does not (a word of a name)."""
    named = {word for name in question.names for word in name.split()}
    return any(word not in named for name in names_in(sentence) for word in name.split())


def _counting_the_noun(question: Question, ranked: list[ScoredSentence]) -> list[ScoredSentence]:
    """For "how many returnees…?": when some sentences count returnees (in any year, in any
    language), only they can answer (a delegation of nine officers does not): those that spell
    them alike, else those that count them translated (`counted_figures`); when none does, the
    text may count them under another word, and every sentence stays."""
    if question.wants("duration") or not counted_nouns(question):
        return ranked
    for translated in (False, True):
        if counting := [s for s in ranked if counted_figures(question, s.text, s.chunk.language, translated)]:
            return counting
    return ranked


def _shape_match(question: Question, sentence: str, chunk: Chunk) -> float:
    """+1 when the sentence holds an answer of a kind asked for, -1 when it holds none, 0 when
    the question asks for no particular kind."""
    kinds = {kind for kind in ANSWER_SHAPES if question.wants(kind)}
    kinds -= {general for specific, general in NARROWER.items() if specific in kinds}
    wanted = [ANSWER_SHAPES[kind] for kind in kinds]
    if not wanted:
        return 0.0
    return 1.0 if any(holds(sentence, chunk) for holds in wanted) else -1.0


def compose_answer(question: Question, sentences: Sequence[ScoredSentence], mode: AnswerMode) -> Answer:
    """The sentences grouped by Action, each group led by the Action's name in the question's
    language and each sentence followed by its citation number (one number per passage)."""
    numbers: dict[str, int] = {}
    quotes: dict[str, list[str]] = {}
    chunks: dict[str, Chunk] = {}
    by_action: dict[str, list[str]] = {}
    for sentence in sentences:
        chunk = sentence.chunk
        numbers.setdefault(chunk.id, len(numbers) + 1)
        quotes.setdefault(chunk.id, []).append(sentence.text.strip())
        chunks[chunk.id] = chunk
        by_action.setdefault(chunk.case_study_id, []).append(f"{sentence.text.strip()} [{numbers[chunk.id]}]")
    leads = {c.case_study_id: c for c in chunks.values()}
    parts = [
        " ".join([_lead(leads[action_id], question.language), *texts])
        for action_id, texts in by_action.items()
    ]
    citations = [Citation(n, chunks[cid], " ".join(quotes[cid])) for cid, n in numbers.items()]
    return Answer(
        question=question.text,
        answer="\n".join(parts),
        abstained=False,
        mode=mode,
        language=question.language,
        citations=citations,
    )


def _lead(chunk: Chunk, language: str) -> str:
    return message("from_action", language, title=chunk.action, country=chunk.country, years=chunk.years)
