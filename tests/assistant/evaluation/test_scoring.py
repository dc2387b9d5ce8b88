from assistant.answering.answers import Answer, Citation
from assistant.evaluation.scoring import EvalQuestion, contains, score, summarise
from ingest.models import Chunk


def _chunk(text: str, source: str = "doc.txt", section: str = "context") -> Chunk:
    return Chunk(
        "c1", "case", "Title", "Jordanie", "2016-2019", None, (4, 10), section, "fr", source, 1, 0, text
    )


def _question(**fields) -> EvalQuestion:
    base = {
        "id": "q",
        "lang": "en",
        "question": "?",
        "answerable": True,
        "doc": "doc.txt",
        "section": "context",
        "expect_any": [["655 000", "655,000"]],
    }
    return EvalQuestion.from_json(base | fields)


def test_expected_strings_match_without_accents_case_or_no_break_spaces():
    assert contains("plus de 655\u00a0000 réfugiés", "655 000")
    assert contains("La BELGIQUE", "belgique")
    assert contains("Les Réfugiés", "refugies")


def test_short_expected_strings_match_whole_words_only():
    assert contains("24 trainers", "24")
    assert not contains("in 2024", "24")


def test_fact_in_cited_passage_counts_as_correct():
    answer = Answer(
        "?", "Answer [1]", False, "extractive", "en", [Citation(1, _chunk("655 000 réfugiés"), "")]
    )
    row = score(_question(), answer, {"doc.txt": "fr"})
    assert row.correct and row.doc_cited and row.section_cited and row.crosslingual


def test_wrong_expectation_is_counted_as_a_miss():
    answer = Answer(
        "?", "Answer [1]", False, "extractive", "en", [Citation(1, _chunk("655 000 réfugiés"), "")]
    )
    row = score(_question(expect_any=[["Belgium"]]), answer, {"doc.txt": "fr"})
    assert not row.correct
    assert summarise([row])["all"]["fact_in_citation"] == 0


def test_abstaining_on_an_unanswerable_question_is_correct():
    question = _question(answerable=False, doc=None, section=None, expect_any=[])
    row = score(question, Answer("?", "no", True, "extractive", "en"), {})
    assert row.correct and summarise([row])["all"]["abstained"] == 1
