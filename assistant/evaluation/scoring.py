"""Scores answers against a question set in the format of `dev_questions.jsonl`.

For an answerable question: is every `expect_any` group found in the cited passages (and in the
answer text), is a cited Action the expected document (and is it the first one cited), is the
expected section cited, was it wrongly abstained. For an unanswerable one: did Casebook abstain.
Totals by language, by kind, by variant (typo, acronym...) and cross-lingual vs same.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.answering.answers import Answer
from assistant.errors import InputFileError
from ingest.text import fold

SHORT = 4  # expected strings up to this length must match as whole words ("24" not in "2024")


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    lang: str
    question: str
    answerable: bool
    doc: list[str]
    section: str | None
    expect_any: list[list[str]]
    kind: str | None = None
    variant: str | None = None
    history: list[list[str]] = field(default_factory=list)
    doc_lang: str | None = None  # language of the expected document, when known

    @classmethod
    def from_json(cls, data: dict) -> EvalQuestion:
        doc = data.get("doc")
        return cls(
            id=str(data["id"]),
            lang=data.get("lang", "en"),
            question=data["question"],
            answerable=bool(data.get("answerable", True)),
            doc=[doc] if isinstance(doc, str) else list(doc or []),
            section=data.get("section"),
            expect_any=[list(group) for group in data.get("expect_any", [])],
            kind=data.get("kind"),
            variant=data.get("variant"),
            history=[list(turn) for turn in data.get("history", [])],
        )


@dataclass
class EvalRow:
    id: str
    lang: str
    kind: str | None
    answerable: bool
    crosslingual: bool | None
    abstained: bool
    variant: str | None = None
    fact_in_citation: bool | None = None
    fact_in_answer: bool | None = None
    doc_cited: bool | None = None
    doc_cited_first: bool | None = None
    section_cited: bool | None = None
    correct: bool = False  # fact in a cited passage, or abstained on an unanswerable question


def load_questions(*paths: Path) -> list[EvalQuestion]:
    """The questions of every file, in order; `InputFileError` names a file that cannot be read."""
    questions: list[EvalQuestion] = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
            questions += [EvalQuestion.from_json(json.loads(line)) for line in lines if line.strip()]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InputFileError(f"{path}: {error}") from error
    return questions


def contains(text: str, expected: str) -> bool:
    haystack, needle = _norm(text), _norm(expected)
    if len(needle) <= SHORT:
        return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None
    return needle in haystack


def all_groups_found(text: str, groups: Iterable[list[str]]) -> bool:
    return all(any(contains(text, alternative) for alternative in group) for group in groups)


def score(question: EvalQuestion, answer: Answer, doc_languages: dict[str, str]) -> EvalRow:
    languages = {doc_languages.get(d) for d in question.doc} - {None}
    row = EvalRow(
        id=question.id,
        lang=question.lang,
        kind=question.kind,
        answerable=question.answerable,
        crosslingual=(question.lang not in languages) if languages else None,
        abstained=answer.abstained,
        variant=question.variant,
    )
    if not question.answerable:
        row.correct = answer.abstained
        return row
    cited = " \n ".join(c.chunk.text for c in answer.citations)
    row.fact_in_citation = not answer.abstained and all_groups_found(cited, question.expect_any)
    row.fact_in_answer = not answer.abstained and all_groups_found(answer.answer, question.expect_any)
    sources = {c.chunk.source for c in answer.citations}
    row.doc_cited = bool(sources & set(question.doc))
    row.doc_cited_first = bool(answer.citations) and answer.citations[0].chunk.source in question.doc
    row.section_cited = question.section in {c.chunk.section for c in answer.citations}
    row.correct = row.fact_in_citation
    return row


def evaluate(
    questions: list[EvalQuestion], ask: Callable[[EvalQuestion], Answer], doc_languages: dict[str, str]
) -> list[EvalRow]:
    return [score(q, ask(q), doc_languages) for q in questions]


def summarise(rows: list[EvalRow]) -> dict[str, dict[str, float | int]]:
    """Totals: overall, by language, cross-lingual vs same-language, by kind."""
    groups: dict[str, list[EvalRow]] = defaultdict(list)
    for row in rows:
        groups["all"].append(row)
        groups[f"lang:{row.lang}"].append(row)
        if row.kind:
            groups[f"kind:{row.kind}"].append(row)
        if row.variant:
            groups[f"variant:{row.variant}"].append(row)
        if row.answerable and row.crosslingual is not None:
            groups["crosslingual" if row.crosslingual else "same-language"].append(row)
    return {name: _totals(members) for name, members in groups.items()}


def _totals(rows: list[EvalRow]) -> dict[str, float | int]:
    answerable = [r for r in rows if r.answerable]
    unanswerable = [r for r in rows if not r.answerable]
    return {
        "questions": len(rows),
        "answerable": len(answerable),
        "fact_in_citation": sum(bool(r.fact_in_citation) for r in answerable),
        "fact_in_answer": sum(bool(r.fact_in_answer) for r in answerable),
        "doc_cited": sum(bool(r.doc_cited) for r in answerable),
        "doc_cited_first": sum(bool(r.doc_cited_first) for r in answerable),
        "section_cited": sum(bool(r.section_cited) for r in answerable),
        "unanswerable": len(unanswerable),
        "abstained": sum(r.abstained for r in unanswerable),
        "false_abstentions": sum(r.abstained for r in answerable),
    }


def rows_to_json(rows: list[EvalRow]) -> list[dict]:
    return [asdict(r) for r in rows]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text))
