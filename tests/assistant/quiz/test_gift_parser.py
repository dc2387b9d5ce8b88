"""The GIFT export read back by a third-party parser: `gift-pegjs` (npm), through tests/e2e/parse_gift.mjs.

Quizzes are built on the real indexed library (the shared corpus fixture), exported to GIFT and
parsed by gift-pegjs; every question must come back with its type, title, stem, right answer(s)
and a general feedback that carries its citation. A constructed item full of GIFT's special
characters must come back unchanged.

Without node or gift-pegjs (`npm install` in tests/e2e, done by `bash scripts/install --test`) the
tests skip, except in CI (`CI` set), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from assistant.quiz import QuizCitation, QuizItem, QuizRequest, build_quiz, export_quiz
from assistant.service import Casebook
from tests.paths import E2E

PARSE_GIFT = E2E / "parse_gift.mjs"
GIFT_TYPES = {"mcq": "MC", "tf": "TF", "short": "Short"}
# Every character GIFT gives a meaning to and escapes with a backslash, the backslash itself, and
# a few sequences a careless reader could take for syntax (`::` title, `{#` numerical, `//`, `\n`).
HOSTILE = r"a ~ b = c # d { e } f : g \ h :: i {# j} k \n l \\ m // n ~= o ####p"


def gift_parser_missing() -> str | None:
    """Why gift-pegjs cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (E2E / "node_modules" / "gift-pegjs").is_dir():
        return "gift-pegjs is not installed (npm install in tests/e2e, or bash scripts/install --test)"
    return None


@pytest.fixture(scope="session")
def gift_parser() -> None:
    missing = gift_parser_missing()
    if missing and os.environ.get("CI"):
        pytest.fail(f"the GIFT parser must run in CI: {missing}")
    if missing:
        pytest.skip(missing)


def run_parser(gift: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "quiz.gift"
    path.write_text(gift, encoding="utf-8")
    return subprocess.run(
        ["node", str(PARSE_GIFT), str(path)],
        cwd=E2E,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def parse_with_gift_pegjs(gift: str, tmp_path: Path) -> list[dict[str, Any]]:
    """The questions gift-pegjs reads in `gift`, each with the `$CATEGORY` in force."""
    run = run_parser(gift, tmp_path)
    assert run.returncode == 0, f"gift-pegjs rejected the export: {run.stdout}{run.stderr}"
    questions, category = [], None
    for entry in json.loads(run.stdout):
        if entry["type"] == "Category":
            category = entry["title"]
        else:
            questions.append({**entry, "category": category})
    return questions


def one_line(text: str) -> str:
    return " ".join(text.split())


def assert_parsed_as_exported(item: QuizItem, question: dict[str, Any]) -> None:
    where = f"{item.title}: {question}"
    assert question["type"] == GIFT_TYPES[item.kind], where
    assert question["category"] == one_line(item.category), where
    assert question["title"] == one_line(item.title), where
    assert question["stem"] == one_line(item.question), where
    if item.kind == "tf":
        assert "choices" not in question, where
        assert question["isTrue"] is item.correct, where
    else:
        choices = [(c["text"], c["isCorrect"]) for c in question["choices"]]
        if item.kind == "mcq":
            expected = [(one_line(c), c == item.answer) for c in item.choices]
        else:
            expected = [(one_line(a), True) for a in item.answers]
        assert choices == expected, where
        assert all(c["weight"] is None and c["feedback"] is None for c in question["choices"]), where
    feedback, c = question["globalFeedback"], item.citation
    assert feedback, where
    assert one_line(item.explanation) in feedback, where
    # the citation: Action, country, years, section, file and page, and the passage itself
    for part in (c.action, c.country, c.years, c.section, f"{c.source} p.{c.page}", c.text):
        assert one_line(part) in feedback, (part, where)


# ---- real quizzes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(QuizRequest(n=40, seed=3), id="library-40-each-in-its-language"),
        pytest.param(QuizRequest(n=40, seed=5, language="en"), id="library-40-english"),
        pytest.param(QuizRequest(n=40, seed=8, language="fr"), id="library-40-french"),
    ],
)
def test_gift_pegjs_reads_every_question_of_a_library_quiz(
    gift_parser: None, corpus_casebook: Casebook, request_: QuizRequest, tmp_path: Path
) -> None:
    items = build_quiz(corpus_casebook, request_)
    assert len(items) == request_.n
    assert {item.kind for item in items} == set(GIFT_TYPES)
    questions = parse_with_gift_pegjs(export_quiz(items, "gift"), tmp_path)
    assert len(questions) == len(items)
    for item, question in zip(items, questions, strict=True):
        assert_parsed_as_exported(item, question)


# ---- hostile text ---------------------------------------------------------------------------


def hostile_item(kind: str) -> QuizItem:
    """A constructed item with GIFT's special characters in every field the export writes."""
    citation = QuizCitation(
        action=f"Action {HOSTILE}",
        action_id="hostile-2020-2021",
        country="Côte d’Ivoire {#1}",
        years="2020:2021",
        section="lessons ~ = #",
        criteria=(4, 10),
        source=r"C:\cases\hostile {1}.pdf",
        page=3,
        text=f"Passage line one: {HOSTILE}\nline two = {{two}} ~ #2",
        chunk_id="hostile-2020-2021:0",
    )
    if kind == "mcq":
        choices: tuple[str, ...] = ("=right {1}", "~wrong: 2", "#3 \\ three", "{4} :: four")
        answer: str | tuple[str, ...] = choices[0]
    elif kind == "tf":
        choices, answer = ("True", "False"), "False"
    else:
        choices, answer = (), ("#42 {a}", "=b ~ c", r"d:\e", "f ####g")
    return QuizItem(
        kind=kind,
        question=f"Question ~ = # {{ }} : \\ ? {HOSTILE}\n(second line)",
        choices=choices,
        answer=answer,
        explanation=f"Because {HOSTILE}",
        citation=citation,
        language="en",
        fact_type="figure",
        evidence="42",
        category=f"casebook/Action {HOSTILE}",
        title=f"Title :: {HOSTILE}",
        correct=False if kind == "tf" else None,
    )


@pytest.mark.parametrize("kind", list(GIFT_TYPES))
def test_gift_special_characters_round_trip_through_gift_pegjs(
    gift_parser: None, kind: str, tmp_path: Path
) -> None:
    item = hostile_item(kind)
    [question] = parse_with_gift_pegjs(export_quiz([item], "gift"), tmp_path)
    assert_parsed_as_exported(item, question)
    assert HOSTILE in question["stem"] and HOSTILE in question["title"]


def test_gift_pegjs_rejects_unescaped_specials(gift_parser: None, tmp_path: Path) -> None:
    """The harness itself: a broken file is reported, not read as an empty quiz."""
    run = run_parser("::t::What is {this}? {\n\t=a\n\t~b\n}\n", tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    error = json.loads(run.stdout)
    assert error["error"] and error["line"] == 1
