"""The quiz builder on the real Jordan case and the synthetic library (the session's corpus index,
no mocks)."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.errors import UnknownActionError
from assistant.quiz import (
    QUIZ_FORMATS,
    QuizError,
    QuizItem,
    QuizRequest,
    build_quiz,
    export_quiz,
    generate_quiz,
    gift_escape,
    is_supported,
)
from assistant.quiz.facts import normalise
from assistant.service import Casebook
from tests.assistant.conftest import JORDAN
from tests.paths import CORPUS


@pytest.fixture(scope="session")
def jordan_quiz(corpus_casebook: Casebook) -> list[QuizItem]:
    return build_quiz(corpus_casebook, QuizRequest(action_ids=(JORDAN,), n=10, seed=7))


@pytest.fixture(scope="session")
def library_quiz(corpus_casebook: Casebook) -> list[QuizItem]:
    return build_quiz(corpus_casebook, QuizRequest(n=40, seed=3))


def _all_quizzes(jordan: list[QuizItem], library: list[QuizItem]) -> list[QuizItem]:
    return [*jordan, *library]


# ---- generation -------------------------------------------------------------------------------


def test_jordan_quiz_has_ten_distinct_questions(jordan_quiz: list[QuizItem]) -> None:
    assert len(jordan_quiz) == 10
    assert len({item.question for item in jordan_quiz}) == 10
    assert all(item.citation.action_id == JORDAN for item in jordan_quiz)


def test_quiz_mixes_the_three_kinds(jordan_quiz: list[QuizItem]) -> None:
    assert {item.kind for item in jordan_quiz} == {"mcq", "tf", "short"}


def test_every_answer_is_found_in_its_cited_passage(
    jordan_quiz: list[QuizItem], library_quiz: list[QuizItem]
) -> None:
    for item in _all_quizzes(jordan_quiz, library_quiz):
        passage = normalise(item.citation.text)
        assert normalise(item.evidence) in passage, item
        if item.kind in ("mcq", "short"):
            assert all(normalise(answer) in passage for answer in item.answers), item
        assert is_supported(item)


def test_true_statements_quote_their_passage(library_quiz: list[QuizItem]) -> None:
    true_items = [i for i in library_quiz if i.kind == "tf" and i.correct and i.fact_type != "criterion"]
    assert true_items
    for item in true_items:
        assert normalise(item.evidence) in normalise(item.question)


def test_distractors_are_of_the_answers_type_and_never_equal_to_it(
    jordan_quiz: list[QuizItem], library_quiz: list[QuizItem]
) -> None:
    mcqs = [i for i in _all_quizzes(jordan_quiz, library_quiz) if i.kind == "mcq"]
    assert mcqs
    for item in mcqs:
        wrong = [c for c in item.choices if c != item.answer]
        assert len(wrong) == 3
        assert all(normalise(w) != normalise(str(item.answer)) for w in wrong)
        assert len({normalise(c) for c in item.choices}) == 4
        if item.fact_type == "year":
            assert all(re.fullmatch(r"(19|20)\d\d", w) for w in wrong)
        if item.fact_type == "figure":
            assert all(re.search(r"\d", w) for w in wrong)
            assert all(w.endswith("%") == str(item.answer).endswith("%") for w in wrong)


def test_country_distractors_are_countries(corpus_casebook: Casebook) -> None:
    from ingest.countries import country_code

    items = build_quiz(corpus_casebook, QuizRequest(n=60, kinds=("mcq",), seed=11))
    countries = [i for i in items if i.fact_type == "country"]
    assert countries
    for item in countries:
        assert all(country_code(choice) for choice in item.choices)


def test_criterion_questions_offer_only_criteria_the_action_does_not_illustrate(
    corpus_casebook: Casebook,
) -> None:
    items = build_quiz(
        corpus_casebook, QuizRequest(criteria=(4,), sections=("criteria",), n=5, kinds=("mcq",))
    )
    assert items
    for item in items:
        assert item.fact_type == "criterion"
        assert 4 in item.citation.criteria
        wrong = [c for c in item.choices if c != item.answer]
        assert all(normalise(w) not in normalise(item.citation.text) for w in wrong)


def test_no_two_items_ask_the_same_fact(library_quiz: list[QuizItem]) -> None:
    facts = [(i.citation.action_id, i.fact_type, normalise(i.evidence)) for i in library_quiz]
    assert len(facts) == len(set(facts))


def test_seed_makes_a_run_repeatable(corpus_casebook: Casebook) -> None:
    request = QuizRequest(n=8, seed=42)
    assert build_quiz(corpus_casebook, request) == build_quiz(corpus_casebook, request)
    assert build_quiz(corpus_casebook, request) != build_quiz(corpus_casebook, replace(request, seed=43))


def test_items_default_to_the_source_language_and_follow_lang(corpus_casebook: Casebook) -> None:
    english = "jamaica-2016-2018-case-management-model"
    default = build_quiz(corpus_casebook, QuizRequest(action_ids=(english,), n=6, kinds=("tf",), seed=1))
    assert all(item.choices == ("True", "False") for item in default)
    spanish = build_quiz(
        corpus_casebook, QuizRequest(action_ids=(JORDAN,), n=6, kinds=("tf",), language="es")
    )
    assert all(item.choices == ("Verdadero", "Falso") for item in spanish)
    assert all(item.question.startswith("¿") for item in spanish)


def test_sections_restrict_the_cited_passages(corpus_casebook: Casebook) -> None:
    items = build_quiz(corpus_casebook, QuizRequest(sections=("lessons",), n=6, seed=2))
    assert items
    assert {item.citation.section for item in items} == {"lessons"}


def test_unknown_action_is_a_clear_error(corpus_casebook: Casebook) -> None:
    with pytest.raises(UnknownActionError, match="unknown Action"):
        build_quiz(corpus_casebook, QuizRequest(action_ids=("no-such-action",)))


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(QuizError):
        QuizRequest(kinds=("essay",))


def test_rephrased_items_without_support_are_dropped(corpus_casebook: Casebook) -> None:
    def unsupported(item: QuizItem) -> QuizItem:
        if item.kind != "mcq":
            return item
        invented = "999 999 999"
        choices = tuple(invented if c == item.answer else c for c in item.choices)
        return replace(item, choices=choices, answer=invented, evidence=invented)

    library = corpus_casebook.library
    items = generate_quiz(
        library.lexical().chunks,
        corpus_casebook.actions(),
        library.taxonomy,
        QuizRequest(action_ids=(JORDAN,), n=10, seed=7),
        rephrase=unsupported,
    )
    assert items
    assert all(item.kind != "mcq" for item in items)


# ---- exports ----------------------------------------------------------------------------------


def test_json_items_have_the_documented_fields(jordan_quiz: list[QuizItem]) -> None:
    data = json.loads(export_quiz(jordan_quiz, "json"))
    assert len(data) == 10
    for entry in data:
        assert set(entry) == {"kind", "question", "choices", "answer", "explanation", "citation"}
        assert set(entry["citation"]) == {
            "action",
            "country",
            "years",
            "section",
            "criteria",
            "source",
            "text",
        }
        assert isinstance(entry["answer"], list if entry["kind"] == "short" else str)


def test_csv_has_one_row_per_item(jordan_quiz: list[QuizItem]) -> None:
    rows = list(csv.DictReader(io.StringIO(export_quiz(jordan_quiz, "csv"))))
    assert len(rows) == 10
    mcq = next(r for r in rows if r["kind"] == "mcq")
    assert len(mcq["choices"].split(" | ")) == 4


def test_markdown_lists_questions_then_an_answer_key(jordan_quiz: list[QuizItem]) -> None:
    text = export_quiz(jordan_quiz, "md")
    questions, key = text.split("## Corrigé")
    assert questions.count("\n10. ") == 1
    assert "   - A. " in questions
    assert key.count("mieux_jordanie_2016-2019_fr.txt") == 10


def test_moodle_xml_has_the_structure_moodle_expects(jordan_quiz: list[QuizItem]) -> None:
    root = ET.fromstring(export_quiz(jordan_quiz, "moodle-xml"))
    assert root.tag == "quiz"
    questions = [q for q in root.findall("question") if q.get("type") != "category"]
    assert len(questions) == 10
    assert {q.get("type") for q in questions} == {"multichoice", "truefalse", "shortanswer"}
    assert root.find("question[@type='category']/category/text") is not None
    for question in questions:
        assert question.findtext("name/text")
        assert question.find("questiontext").get("format") == "html"
        assert question.findtext("questiontext/text")
        assert question.findtext("generalfeedback/text")
        assert len(question.findall("answer[@fraction='100']")) >= 1
        if question.get("type") == "multichoice":
            assert len(question.findall("answer")) == 4
        if question.get("type") == "truefalse":
            assert sorted(a.findtext("text") for a in question.findall("answer")) == ["false", "true"]


def test_gift_escapes_its_special_characters() -> None:
    assert gift_escape("a~b=c#d{e}f:g\\h") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"


# A GIFT reader following Moodle's documented grammar (qformat_gift): questions separated by
# blank lines, `$CATEGORY:` lines, `::title::`, the answer block in braces with `=` right and
# `~` wrong answers, TRUE/FALSE, `####` general feedback, and `\` escapes for `~ = # { } :`.
_UNESCAPED = r"(?<!\\)"


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\~=#{}:n])", lambda m: "\n" if m.group(1) == "n" else m.group(1), text).strip()


def _split_unescaped(text: str, marker: str) -> list[str]:
    parts, current, i = [], "", 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current += text[i : i + 2]
            i += 2
            continue
        if text.startswith(marker, i):
            parts.append(current)
            current, i = "", i + len(marker)
            continue
        current += text[i]
        i += 1
    return [*parts, current]


def parse_gift(text: str) -> list[dict]:
    questions, category = [], None
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln for ln in block.splitlines() if not ln.lstrip().startswith("//")]
        block = "\n".join(lines).strip()
        if not block:
            continue
        if block.startswith("$CATEGORY:"):
            category = block[len("$CATEGORY:") :].strip()
            continue
        title_match = re.match(rf"^::(.*?){_UNESCAPED}::(.*)$", block, re.DOTALL)
        assert title_match, f"no ::title:: in {block[:80]!r}"
        title, rest = title_match.groups()
        opens = [m.start() for m in re.finditer(rf"{_UNESCAPED}\{{", rest)]
        closes = [m.start() for m in re.finditer(rf"{_UNESCAPED}\}}", rest)]
        assert len(opens) == 1 and len(closes) == 1 and opens[0] < closes[0], block[:80]
        stem, answer_block = rest[: opens[0]], rest[opens[0] + 1 : closes[0]]
        assert not rest[closes[0] + 1 :].strip()
        parts = _split_unescaped(answer_block, "####")
        assert len(parts) == 2, "exactly one #### general feedback"
        answers_text, feedback = parts
        body = answers_text.strip()
        if body in ("T", "F", "TRUE", "FALSE"):
            kind, answers = "truefalse", [(body.startswith("T"), "")]
        else:
            marks = list(re.finditer(rf"{_UNESCAPED}[=~]", body))
            assert marks and not body[: marks[0].start()].strip()
            answers = []
            for mark, nxt in zip(marks, [*marks[1:], None], strict=True):
                value = body[mark.end() : nxt.start() if nxt else len(body)]
                assert not re.search(rf"{_UNESCAPED}[#{{}}:]", value.replace("\\\\", "")), value
                answers.append((mark.group(0) == "=", _unescape(value)))
            wrong = [a for a in answers if not a[0]]
            kind = "multichoice" if wrong else "shortanswer"
        questions.append(
            {
                "category": category,
                "title": _unescape(title),
                "stem": _unescape(stem),
                "type": kind,
                "answers": answers,
                "feedback": _unescape(feedback),
            }
        )
    return questions


def test_gift_output_is_accepted_by_a_gift_parser(jordan_quiz: list[QuizItem]) -> None:
    parsed = parse_gift(export_quiz(jordan_quiz, "gift"))
    assert len(parsed) == 10
    expected_types = {"mcq": "multichoice", "tf": "truefalse", "short": "shortanswer"}
    for item, question in zip(jordan_quiz, parsed, strict=True):
        assert question["category"] == "casebook/" + item.citation.action
        assert question["title"] == item.title
        assert question["stem"] == " ".join(item.question.split())
        assert question["type"] == expected_types[item.kind]
        assert item.explanation.split()[0] in question["feedback"]
        assert item.citation.source in question["feedback"]
        right = [value for ok, value in question["answers"] if ok]
        if item.kind == "mcq":
            assert right == [item.answer]
        if item.kind == "short":
            assert right == list(item.answers)


def test_gift_specials_in_the_source_text_are_escaped(jordan_quiz: list[QuizItem]) -> None:
    item = next(i for i in jordan_quiz if i.kind == "mcq")
    tricky_citation = replace(item.citation, text="a ~ b = c # d { e } f : g")
    tricky = replace(item, question="Q ~ = # { } : ?", citation=tricky_citation)
    text = export_quiz([tricky], "gift")
    assert "Q \\~ \\= \\# \\{ \\} \\: ?" in text
    assert "a \\~ b \\= c \\# d \\{ e \\} f \\: g" in text
    [question] = parse_gift(text)
    assert question["stem"] == "Q ~ = # { } : ?"


def test_every_format_has_a_file_suffix() -> None:
    assert set(QUIZ_FORMATS) == {"gift", "moodle-xml", "md", "csv", "json"}
    with pytest.raises(QuizError):
        export_quiz([], "docx")


# ---- CLI --------------------------------------------------------------------------------------


def _cli_env(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("CASEBOOK_HOME", str(home))
    monkeypatch.setenv("CASEBOOK_LIBRARY", str(CORPUS))


def test_cli_quiz_prints_ten_gift_questions(
    corpus_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_env(monkeypatch, corpus_home)
    assert main(["quiz", "--action", JORDAN, "--n", "10", "--format", "gift"]) == 0
    parsed = parse_gift(capsys.readouterr().out)
    assert len(parsed) == 10
    assert len({q["stem"] for q in parsed}) == 10


def test_cli_quiz_writes_json_to_a_file(
    corpus_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _cli_env(monkeypatch, corpus_home)
    out = tmp_path / "quiz.json"
    args = ["quiz", "--criterion", "4", "--n", "5", "--kinds", "mcq,tf", "--seed", "1", "-o", str(out)]
    assert main(args) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data) == 5
    assert {entry["kind"] for entry in data} <= {"mcq", "tf"}


def test_cli_quiz_reports_an_unknown_action_in_one_line(
    corpus_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_env(monkeypatch, corpus_home)
    assert main(["quiz", "--action", "nowhere"]) == 2
    assert capsys.readouterr().err.startswith("casebook: unknown Action id nowhere")


def test_a_french_article_follows_the_country_put_in_its_place() -> None:
    from assistant.quiz.facts import french_article

    def put(before: str, word: str) -> str:
        return french_article(before, word) + word

    assert put("une visite d’étude dans la ", "Italie") == "une visite d’étude dans l’Italie"
    assert put("la délégation de ", "Espagne") == "la délégation d’Espagne"
    assert put("avec le soutien de la ", "UE") == "avec le soutien de l’UE"
    assert put("au sein de l’", "Liban") == "au sein du Liban"
    assert put("une visite d’", "Belgique") == "une visite de Belgique"
    assert put("dans la ", "_____") == "dans la _____"


def test_a_quiz_over_the_library_asks_about_every_action(corpus_casebook: Casebook) -> None:
    actions = corpus_casebook.actions()
    items = build_quiz(corpus_casebook, QuizRequest(n=len(actions), seed=11))
    assert {item.citation.action_id for item in items} == {a.id for a in actions}
