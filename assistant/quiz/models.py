"""Typed records of the quiz builder: what is asked for (`QuizRequest`) and what comes out (`QuizItem`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.errors import UsageError

QUIZ_KINDS = ("mcq", "tf", "short")
WORDING_FILE = Path(__file__).with_name("wording.json")


class QuizError(UsageError):
    """The quiz cannot be built as asked (empty scope, bad kind...); an unknown Action is an `UnknownActionError`."""


@lru_cache(maxsize=1)
def _wording() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(WORDING_FILE.read_text(encoding="utf-8"))
    return data


def wording(key: str, language: str, **values: object) -> str:
    """The quiz phrase `key` in `language` (English when missing), with `values` filled in."""
    texts = _wording()[key]
    return texts.get(language, texts["en"]).format(**values)


@dataclass(frozen=True)
class QuizRequest:
    """The scope and shape of a quiz. Empty scope fields mean "no restriction"."""

    action_ids: tuple[str, ...] = ()
    criteria: tuple[int, ...] = ()
    theme: str | None = None  # thematic-area key or label in any language
    sections: tuple[str, ...] = ()  # SECTION_KEYS and/or "criteria"
    n: int = 10
    kinds: tuple[str, ...] = QUIZ_KINDS
    language: str | None = None  # None: each item in its source's language
    seed: int | None = None

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if k not in QUIZ_KINDS]
        if unknown or not self.kinds:
            raise QuizError(f"question kinds must be among {', '.join(QUIZ_KINDS)}; got {list(self.kinds)}")
        if self.n < 1:
            raise QuizError(f"the number of questions must be at least 1, got {self.n}")


@dataclass(frozen=True)
class QuizCitation:
    action: str  # the Action's title
    action_id: str
    country: str
    years: str
    section: str
    criteria: tuple[int, ...]
    source: str  # file name
    page: int
    text: str  # the passage the answer rests on, as written
    chunk_id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "country": self.country,
            "years": self.years,
            "section": self.section,
            "criteria": list(self.criteria),
            "source": self.source,
            "text": self.text,
        }


@dataclass(frozen=True)
class QuizItem:
    """One question with its answer(s), a one-line explanation and its citation.

    `answer` is one of `choices` for "mcq" and "tf" (for "tf" the localised True/False word,
    with `correct` telling which), and the list of accepted answers for "short" (the first as
    written in the passage). `evidence` is the text of `citation.text` the answer rests on.
    """

    kind: str
    question: str
    choices: tuple[str, ...]
    answer: str | tuple[str, ...]
    explanation: str
    citation: QuizCitation
    language: str
    fact_type: str  # figure | year | country | acronym | criterion | lesson | practice
    evidence: str
    category: str  # "casebook/<Action title or criterion label>"
    title: str
    correct: bool | None = None  # truth of a "tf" statement

    @property
    def answers(self) -> tuple[str, ...]:
        return self.answer if isinstance(self.answer, tuple) else (self.answer,)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "question": self.question,
            "choices": list(self.choices),
            "answer": list(self.answer) if isinstance(self.answer, tuple) else self.answer,
            "explanation": self.explanation,
            "citation": self.citation.to_json(),
        }
