"""`casebook eval`: a small question set with known outcomes, scored for Casebook and the baseline."""

from __future__ import annotations

import json
import shutil
from contextlib import redirect_stdout

import pytest

from assistant.cli import main
from tests.paths import CORPUS

pytestmark = pytest.mark.slow  # indexes a case study twice with the default embedding model

JORDAN_FILE = "mieux_jordanie_2016-2019_fr.txt"
QUESTIONS = [
    {
        "id": "refugees",
        "lang": "en",
        "question": "How many Syrian refugees did UNHCR count in Jordan in 2019?",
        "doc": JORDAN_FILE,
        "section": "context",
        "expect_any": [["655 000", "655,000", "655000"]],
    },
    {
        "id": "wrong-expectation",
        "lang": "en",
        "question": "How many Syrian refugees did UNHCR count in Jordan in 2019?",
        "doc": JORDAN_FILE,
        "section": "context",
        "expect_any": [["987 654 321"]],  # not in the text: must be counted as a miss
    },
    {
        "id": "not-in-library",
        "lang": "en",
        "question": "How many asylum seekers did Norway register in 2018?",
        "answerable": False,
    },
]


@pytest.fixture(scope="module")
def eval_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`casebook eval --json` on the Jordan case study alone, run once for the module."""
    tmp = tmp_path_factory.mktemp("eval_command")
    library = tmp / "library"
    library.mkdir()
    shutil.copy(CORPUS / JORDAN_FILE, library / JORDAN_FILE)
    questions = tmp / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(q) for q in QUESTIONS) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("CASEBOOK_HOME", str(tmp / "home"))
        monkeypatch.setenv("CASEBOOK_LIBRARY", str(library))
        monkeypatch.delenv("CASEBOOK_LLM", raising=False)
        output = tmp / "out.json"
        with output.open("w", encoding="utf-8") as stream, redirect_stdout(stream):
            assert main(["eval", str(questions), "--json"]) == 0
    return json.loads(output.read_text(encoding="utf-8"))


def _rows(report: dict, key: str = "rows") -> dict[str, dict]:
    rows = report[key] if key == "rows" else report["baseline"]["rows"]
    return {row["id"]: row for row in rows}


def test_answerable_fact_in_the_text_is_found_and_cited(eval_report: dict) -> None:
    row = _rows(eval_report)["refugees"]
    assert row["fact_in_citation"] and row["doc_cited"] and row["correct"]


def test_wrong_expectation_is_counted_as_a_miss(eval_report: dict) -> None:
    row = _rows(eval_report)["wrong-expectation"]
    assert row["fact_in_citation"] is False and not row["correct"]


def test_question_about_a_country_not_in_the_library_abstains(eval_report: dict) -> None:
    row = _rows(eval_report)["not-in-library"]
    assert row["abstained"] and row["correct"]


def test_totals_add_up_the_rows(eval_report: dict) -> None:
    totals = eval_report["totals"]["all"]
    assert totals["questions"] == 3 and totals["answerable"] == 2 and totals["unanswerable"] == 1
    assert totals["fact_in_citation"] == 1 and totals["abstained"] == 1


def test_baseline_is_scored_on_the_same_questions_with_ratios(eval_report: dict) -> None:
    baseline = eval_report["baseline"]
    assert set(_rows(eval_report, "baseline")) == {q["id"] for q in QUESTIONS}
    totals = baseline["totals"]["all"]
    assert totals["questions"] == 3 and totals["abstained"] == 0  # the baseline never abstains
    assert totals["section_cited"] == 0  # it knows no sections
    ratios = baseline["ratios"]["all"]
    assert set(ratios) == {"fact_in_citation", "doc_cited", "abstained"}
    assert ratios["abstained"] is None  # Casebook abstained once, the baseline never: no ratio
    if totals["fact_in_citation"]:
        assert ratios["fact_in_citation"] == pytest.approx(1 / totals["fact_in_citation"], abs=0.01)
