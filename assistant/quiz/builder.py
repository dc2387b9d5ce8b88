"""Build a quiz from the library: pick facts in scope, turn each into one question, check it.

Offline and deterministic: questions are made from facts the text states (see `quiz.facts`),
with wrong answers of the same type (see `quiz.distractors`). An optional `rephrase` step (a
language model, say) may reword items; every item, rephrased or not, is checked against its
cited passage and dropped when its answer is not supported there.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.errors import UnknownActionError
from assistant.library.records import ActionRecord
from assistant.quiz.distractors import DistractorPool
from assistant.quiz.facts import TEXT_FACT_TYPES, Fact, library_facts, normalise
from assistant.quiz.models import QuizCitation, QuizError, QuizItem, QuizRequest, wording
from ingest.countries import country_code
from ingest.models import CRITERIA_SECTION, SECTION_KEYS, Chunk
from ingest.taxonomy import Taxonomy

if TYPE_CHECKING:
    from assistant.service import Casebook

log = logging.getLogger(__name__)

BLANK = "_____"
MCQ_DISTRACTORS = 3
# Order in which fact types take turns, so a quiz mixes them.
TYPE_TURNS = ("figure", "year", "criterion", "acronym", "lesson", "country", "practice")
Rephrase = Callable[[QuizItem], QuizItem]


def build_quiz(casebook: Casebook, request: QuizRequest, rephrase: Rephrase | None = None) -> list[QuizItem]:
    """A quiz on the indexed library of `casebook` (the entry point for the CLI and the app)."""
    library = casebook.library
    return generate_quiz(library.lexical().chunks, casebook.actions(), library.taxonomy, request, rephrase)


def generate_quiz(
    chunks: Sequence[Chunk],
    actions: Sequence[ActionRecord],
    taxonomy: Taxonomy,
    request: QuizRequest,
    rephrase: Rephrase | None = None,
) -> list[QuizItem]:
    """Up to `request.n` items on distinct facts of the Actions and sections in scope."""
    scope = {a.id for a in scope_actions(actions, taxonomy, request)}
    facts = library_facts(chunks, taxonomy)
    in_scope = [f for f in facts if f.chunk.case_study_id in scope and _in_sections(f, request.sections)]
    if not in_scope:
        raise QuizError("the passages in scope state no fact a question could be made from")
    rng = random.Random(request.seed if request.seed is not None else 0)
    maker = _ItemMaker(DistractorPool(facts, taxonomy), taxonomy, request, rng)
    items: list[QuizItem] = []
    asked: set[tuple[str, str, str]] = set()
    quoted: set[tuple[str, str]] = set()
    questions: set[str] = set()
    for fact in _turns(in_scope, request, rng):
        if len(items) == request.n:
            break
        if fact.key in asked or (fact.chunk.id, fact.sentence) in quoted:
            continue
        preferred = request.kinds[len(items) % len(request.kinds)]
        item = _first_sound_item(maker, fact, preferred, rephrase, questions)
        if item is None:
            continue
        items.append(replace(item, title=_title(item, len(items) + 1)))
        asked.add(fact.key)
        quoted.add((fact.chunk.id, fact.sentence))
        questions.add(item.question)
    if len(items) < request.n:
        log.warning(
            "only %d distinct questions could be made in this scope (%d asked)", len(items), request.n
        )
    return items


def _first_sound_item(
    maker: _ItemMaker, fact: Fact, preferred: str, rephrase: Rephrase | None, asked: set[str]
) -> QuizItem | None:
    """The fact's item of the preferred kind, else of another asked kind, that passes the checks."""
    for kind in (preferred, *(k for k in maker.request.kinds if k != preferred)):
        item = maker.make(fact, kind)
        if item is not None and rephrase is not None:
            item = rephrase(item)
        if item is not None and item.question not in asked and is_supported(item):
            return item
    return None


# ---- scope --------------------------------------------------------------------------------


def scope_actions(
    actions: Sequence[ActionRecord], taxonomy: Taxonomy, request: QuizRequest
) -> list[ActionRecord]:
    """The Actions a request covers; raises `UnknownActionError` on unknown ids, `QuizError` on criteria, themes or sections."""
    known = {a.id for a in actions}
    unknown = [i for i in request.action_ids if i not in known]
    if unknown:
        raise UnknownActionError(f"unknown Action id {', '.join(unknown)} (see `casebook actions`)")
    numbers = [c.number for c in taxonomy.criteria]
    bad = [c for c in request.criteria if c not in numbers]
    if bad:
        raise QuizError(f"criteria are numbered {numbers[0]}-{numbers[-1]}, got {bad}")
    sections = (*SECTION_KEYS, CRITERIA_SECTION)
    if any(s not in sections for s in request.sections):
        raise QuizError(f"sections must be among {', '.join(sections)}, got {list(request.sections)}")
    theme = _theme_key(taxonomy, request.theme)
    chosen = [
        a
        for a in actions
        if (not request.action_ids or a.id in request.action_ids)
        and (not request.criteria or set(request.criteria) & set(a.criteria))
        and (theme is None or a.theme == theme)
    ]
    if not chosen:
        raise QuizError("no Action in the library matches this scope")
    return chosen


def _theme_key(taxonomy: Taxonomy, theme: str | None) -> str | None:
    if theme is None:
        return None
    if any(t.key == theme for t in taxonomy.themes):
        return theme
    key = taxonomy.match_theme(theme)
    if key is None:
        raise QuizError(f"unknown thematic area {theme!r}")
    return key


def _in_sections(fact: Fact, sections: Sequence[str]) -> bool:
    return not sections or fact.chunk.section in sections


def _turns(facts: Sequence[Fact], request: QuizRequest, rng: random.Random) -> list[Fact]:
    """Facts in the order they are tried: Actions take turns, and within an Action types take
    turns (a quiz of n questions over n Actions asks about each); facts naming the Action's own
    country (easy to guess) come last; criteria asked for come first among criteria."""
    groups: dict[str, list[Fact]] = defaultdict(list)
    easy: list[Fact] = []
    for fact in facts:
        if fact.type == "country" and _is_own_country(fact):
            easy.append(fact)
        else:
            groups[fact.type].append(fact)
    for group in (*groups.values(), easy):
        rng.shuffle(group)
    if request.criteria:
        groups["criterion"].sort(key=lambda f: f.number not in request.criteria)
    ordered: list[Fact] = []
    while any(groups.values()):
        for kind in TYPE_TURNS:
            if groups.get(kind):
                ordered.append(groups[kind].pop(0))
    return _actions_in_turn(ordered) + easy


def _actions_in_turn(facts: list[Fact]) -> list[Fact]:
    """`facts` reordered so that Actions take turns, each Action's facts kept in their order."""
    by_action: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_action[fact.chunk.case_study_id].append(fact)
    queues = list(by_action.values())
    return [queue[i] for i in range(max(map(len, queues), default=0)) for queue in queues if i < len(queue)]


def _is_own_country(fact: Fact) -> bool:
    code = country_code(fact.value)
    return code is not None and code == country_code(fact.chunk.country)


# ---- items --------------------------------------------------------------------------------


class _ItemMaker:
    def __init__(
        self, pool: DistractorPool, taxonomy: Taxonomy, request: QuizRequest, rng: random.Random
    ) -> None:
        self.pool, self.taxonomy, self.request, self.rng = pool, taxonomy, request, rng

    def make(self, fact: Fact, kind: str) -> QuizItem | None:
        """An item of `kind` on `fact`, or None when the fact does not allow that kind."""
        return {"mcq": self._mcq, "tf": self._tf, "short": self._short}[kind](fact)

    def _lang(self, fact: Fact) -> str:
        return self.request.language or fact.chunk.language

    def _mcq(self, fact: Fact) -> QuizItem | None:
        wrong = self.pool.pick(fact, MCQ_DISTRACTORS, self.rng)
        if len(wrong) < MCQ_DISTRACTORS:
            return None
        choices = [fact.value, *wrong]
        self.rng.shuffle(choices)
        return self._item(fact, "mcq", self._question(fact), tuple(choices), fact.value)

    def _tf(self, fact: Fact) -> QuizItem | None:
        lang = self._lang(fact)
        truth = self.rng.random() < 0.5
        value = fact.value
        if not truth:
            wrong = self.pool.pick(fact, 1, self.rng)
            if not wrong:
                truth = True
            else:
                value = wrong[0]
        question = f"{wording('frame_tf', lang)} {self._statement(fact, value)}"
        choices = (wording("true", lang), wording("false", lang))
        item = self._item(fact, "tf", question, choices, choices[0] if truth else choices[1])
        return replace(item, correct=truth)

    def _short(self, fact: Fact) -> QuizItem | None:
        if fact.type not in TEXT_FACT_TYPES:
            return None
        accepted = [fact.value]
        compact = "".join(fact.value.split()).replace("\u202f", "").replace("\u00a0", "")
        if compact != fact.value:
            accepted.append(compact)
        return self._item(fact, "short", self._question(fact), (), tuple(accepted))

    # ---- wording -------------------------------------------------------------------------

    def _question(self, fact: Fact) -> str:
        lang = self._lang(fact)
        if fact.type in TEXT_FACT_TYPES:
            return f"{wording('frame_' + fact.type, lang)} {self._quote(fact.with_value(BLANK), lang)}"
        return wording(f"question_{fact.type}", lang, action=self._action(fact))

    def _statement(self, fact: Fact, value: str) -> str:
        lang = self._lang(fact)
        if fact.type in TEXT_FACT_TYPES:
            return self._quote(fact.with_value(value), lang)
        action = self._action(fact)
        quoted = self._quote(value, lang)
        if fact.type == "criterion":
            return wording("statement_criterion", lang, action=_capitalised(action), criterion=quoted)
        return wording(f"statement_{fact.type}", lang, action=action, lesson=quoted)

    def _explanation(self, fact: Fact) -> str:
        lang = self._lang(fact)
        section = self._section_label(fact.chunk.section, lang)
        if fact.type == "criterion":
            labels = ", ".join(
                f"{n} ({self.taxonomy.criterion_label(n, lang)})" for n in sorted(fact.chunk.criteria)
            )
            return wording("explain_criteria", lang, action=_capitalised(self._action(fact)), criteria=labels)
        quote = self._quote(fact.sentence, lang)
        if fact.type in TEXT_FACT_TYPES:
            return wording("explain_sentence", lang, section=section, quote=quote)
        return wording("explain_lesson", lang, section=section, action=self._action(fact), quote=quote)

    def _action(self, fact: Fact) -> str:
        c = fact.chunk
        return wording("action", self._lang(fact), title=c.action, country=c.country, years=c.years)

    def _section_label(self, key: str, lang: str) -> str:
        headings = self.taxonomy.sections.get(key, {})
        names = headings.get(lang) or headings.get("en") or (key,)
        return names[0]

    @staticmethod
    def _quote(text: str, lang: str) -> str:
        return wording("quote", lang, text=" ".join(text.split()))

    def _category(self, fact: Fact) -> str:
        lang = self._lang(fact)
        wanted = [n for n in self.request.criteria if n in fact.chunk.criteria]
        name = self.taxonomy.criterion_label(wanted[0], lang) if wanted else fact.chunk.action
        return "casebook/" + name.replace("/", "-")

    def _item(
        self, fact: Fact, kind: str, question: str, choices: tuple[str, ...], answer: str | tuple[str, ...]
    ) -> QuizItem:
        c = fact.chunk
        text = fact.sentence if fact.type != "criterion" else c.text
        citation = QuizCitation(
            action=c.action,
            action_id=c.case_study_id,
            country=c.country,
            years=c.years,
            section=c.section,
            criteria=c.criteria,
            source=c.source,
            page=c.page,
            text=text,
            chunk_id=c.id,
        )
        return QuizItem(
            kind=kind,
            question=question,
            choices=choices,
            answer=answer,
            explanation=self._explanation(fact),
            citation=citation,
            language=self._lang(fact),
            fact_type=fact.type,
            evidence=fact.value,
            category=self._category(fact),
            title="",
        )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title(item: QuizItem, number: int) -> str:
    c = item.citation
    return f"{c.country} {c.years} · {number:02d} · {item.fact_type}"


# ---- checks -------------------------------------------------------------------------------


def is_supported(item: QuizItem) -> bool:
    """Whether the item's answer rests on its cited passage and its choices are sound."""
    passage = normalise(item.citation.text)
    if not item.evidence or normalise(item.evidence) not in passage:
        return False
    if item.kind == "short":
        return all(normalise(a) in passage for a in item.answers)
    if not isinstance(item.answer, str) or item.answer not in item.choices:
        return False
    if len({normalise(c) for c in item.choices}) != len(item.choices):
        return False
    if item.kind == "mcq":
        return item.answer == item.evidence and len(item.choices) == MCQ_DISTRACTORS + 1
    return item.correct is not None and (item.answer == item.choices[0]) == item.correct
