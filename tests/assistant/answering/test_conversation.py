"""Follow-up questions: rules over the earlier turns, then the whole path on the real corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answering.analysis import QuestionAnalyser
from assistant.answering.conversation import ConversationResolver, FollowUp, HistoryError, Turn, parse_history
from assistant.cli import main
from assistant.library.records import ActionRecord
from assistant.service import Casebook
from ingest.taxonomy import load_taxonomy
from tests.assistant.conftest import JORDAN
from tests.paths import ROOT


def _action(id_: str, country: str, title: str, language: str = "fr") -> ActionRecord:
    return ActionRecord(id_, title, country, "2016-2019", None, [4], language, f"{id_}.txt", ["lessons"], 10)


ACTIONS = [
    _action("jordan", "Jordanie", "Refuges pour victimes de la traite"),
    _action("senegal", "Sénégal", "Données sur la migration de travail"),
    _action("paraguay", "Paraguay", "Gestión de fronteras", "es"),
]


ANALYSER = QuestionAnalyser(ACTIONS, load_taxonomy(), {"BE", "PT"})


@pytest.fixture(scope="module")
def resolver() -> ConversationResolver:
    return ConversationResolver(ANALYSER)


def _resolve(resolver: ConversationResolver, question: str, history: list[Turn]) -> FollowUp:
    return resolver.resolve(ANALYSER.analysed(question), history)


def test_question_naming_nothing_carries_over_the_action_named_before(resolver: ConversationResolver) -> None:
    follow = _resolve(
        resolver, "What were the lessons learnt?", [("What did the Jordan Action do?", "It trained staff.")]
    )
    assert follow.action_ids == ("jordan",)
    assert follow.query == "What were the lessons learnt?" and follow.carried


@pytest.mark.parametrize(
    "question",
    [
        "And what did they learn from it?",
        "Et qu’ont-ils appris ?",
        "¿Y qué aprendieron de eso?",
        "Which criteria does that one illustrate?",
    ],
)
def test_anaphoric_follow_ups_in_each_language_carry_over(
    resolver: ConversationResolver, question: str
) -> None:
    follow = _resolve(
        resolver, question, [("Parle-moi de l’Action au Sénégal.", "Elle a harmonisé les données.")]
    )
    assert follow.action_ids == ("senegal",)


def test_follow_up_naming_a_new_country_keeps_the_topic_and_switches_the_entity(
    resolver: ConversationResolver,
) -> None:
    follow = _resolve(
        resolver, "Et au Paraguay ?", [("What lessons were learnt in Jordan?", "Political will matters.")]
    )
    assert follow.action_ids == ()
    assert "lessons" in follow.query and "Paraguay" in follow.query
    assert "jordan" not in follow.query.lower()


def test_question_across_the_library_does_not_carry_over(resolver: ConversationResolver) -> None:
    follow = _resolve(
        resolver, "Which Actions deal with trafficking?", [("Tell me about Jordan.", "Shelters.")]
    )
    assert not follow.carried and follow.query == "Which Actions deal with trafficking?"


def test_question_naming_its_own_action_stands_alone(resolver: ConversationResolver) -> None:
    question = "How many indicators did the working group agree on in the Senegal labour migration Action?"
    follow = _resolve(resolver, question, [("Tell me about Jordan.", "Shelters.")])
    assert follow.query == question and not follow.action_ids


def test_actions_cited_in_the_previous_answer_carry_over() -> None:
    cited = {"It trained labour inspectors [1].": ("senegal",)}
    resolver = ConversationResolver(
        QuestionAnalyser(ACTIONS, load_taxonomy(), set()), lambda text: cited.get(text, ())
    )
    follow = _resolve(
        resolver,
        "What did they learn?",
        [("Which Action trained inspectors?", "It trained labour inspectors [1].")],
    )
    assert follow.action_ids == ("senegal",)


def test_country_named_in_the_previous_answer_carries_over(resolver: ConversationResolver) -> None:
    history = [("Which Action trained labour inspectors?", "Inspectors were trained in Paraguay [1].")]
    assert _resolve(resolver, "Where are the victims sheltered?", history).action_ids == ("paraguay",)


GHANA_EARLIER = ActionRecord("ghana-a", "Policy", "Ghana", "2015-2017", None, [5], "en", "a.txt", [], 9)
GHANA_LATER = ActionRecord("ghana-b", "Counselling", "Ghana", "2019-2021", None, [3], "en", "b.txt", [], 9)


@pytest.mark.parametrize(
    ("question", "picked"),
    [
        ("In the later one, which EU country did the delegation visit?", ("ghana-b",)),
        ("And the earlier one: what did it learn?", ("ghana-a",)),
        ("Et dans la plus ancienne, quel pays la délégation a-t-elle visité ?", ("ghana-a",)),
        ("¿Y en la más reciente, qué país visitó la delegación?", ("ghana-b",)),
        ("E na segunda, quantas pessoas foram formadas?", ("ghana-b",)),
        ("Which EU country did the delegation visit?", ("ghana-b", "ghana-a")),
        ("What was the first step of the procedure?", ("ghana-b", "ghana-a")),
    ],
)
def test_a_follow_up_picks_one_of_the_actions_under_discussion_by_its_place_in_time(
    question: str, picked: tuple[str, ...]
) -> None:
    """The previous question named both Ghana Actions (the later first); "the later one", "la
    plus ancienne", "la segunda" pick by years; a question without such words keeps both."""
    analyser = QuestionAnalyser([GHANA_LATER, GHANA_EARLIER], load_taxonomy(), set())
    history = [
        ("Which MIEUX Actions took place in Ghana?", "Two: a labour migration policy and counselling.")
    ]
    assert ConversationResolver(analyser).resolve(analyser.analysed(question), history).action_ids == picked


def test_without_history_a_question_is_left_as_asked(resolver: ConversationResolver) -> None:
    follow = _resolve(resolver, "What were the lessons learnt?", [])
    assert follow.query == "What were the lessons learnt?" and not follow.carried


@pytest.mark.parametrize("data", [{"q": "a"}, [["only one"]], [["q", 3]], "text"])
def test_history_must_be_a_list_of_string_pairs(data: object) -> None:
    with pytest.raises(HistoryError):
        parse_history(data)


# ---- on the real corpus (Jordan beside the synthetic library) -----------------------------------


def test_lessons_follow_up_cites_the_jordan_lessons(corpus_casebook: Casebook) -> None:
    first = corpus_casebook.ask("What did the MIEUX Action in Jordan do for trafficking victims?")
    answer = corpus_casebook.ask("What were the lessons learnt?", history=[[first.question, first.answer]])
    assert not answer.abstained
    assert answer.citations
    assert {c.chunk.case_study_id for c in answer.citations} == {JORDAN}
    assert "lessons" in {c.chunk.section for c in answer.citations}


def test_the_same_question_without_history_is_not_tied_to_jordan(corpus_casebook: Casebook) -> None:
    answer = corpus_casebook.ask("What were the lessons learnt?")
    cited = {c.chunk.case_study_id for c in answer.citations or answer.nearest}
    assert cited != {JORDAN}


def test_criteria_follow_up_answers_for_the_action_under_discussion(corpus_casebook: Casebook) -> None:
    history = [["What did the Action in Tunisia do against migrant smuggling?", "It supported cooperation."]]
    answer = corpus_casebook.ask("Which criteria does that one illustrate?", history=history)
    assert "Tunisie" in answer.answer and answer.mode == "metadata"


def test_cli_ask_reads_history_from_a_file(
    corpus_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASEBOOK_HOME", str(corpus_home))
    history = tmp_path / "history.json"
    history.write_text(
        json.dumps([["How many Syrian refugees were in Jordan?", "655 000 [1]."]]), encoding="utf-8"
    )
    assert main(["ask", "What were the lessons learnt?", "--history", str(history), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["citations"] and {c["country"] for c in data["citations"]} == {"Jordanie"}


def test_cli_batch_lines_carry_their_history(
    corpus_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASEBOOK_HOME", str(corpus_home))
    batch = tmp_path / "batch.jsonl"
    line = {
        "id": "f1",
        "question": "Combien de rubriques compte le formulaire unique ?",
        "history": [["Que sait-on de l’Action en Arménie ?", "Elle a harmonisé l’enregistrement."]],
    }
    batch.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["ask", "--batch", str(batch)]) == 0
    data = json.loads(capsys.readouterr().out.strip())
    assert data["id"] == "f1" and {c["country"] for c in data["citations"]} == {"Arménie"}


def test_cli_rejects_a_malformed_history_file_in_one_line(
    corpus_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASEBOOK_HOME", str(corpus_home))
    history = tmp_path / "history.json"
    history.write_text('{"not": "a list"}', encoding="utf-8")
    assert main(["ask", "And then?", "--history", str(history)]) == 2
    assert "history" in capsys.readouterr().err


def test_follow_up_set_finds_the_fact_in_a_cited_passage_at_least_80_percent(
    corpus_casebook: Casebook,
) -> None:
    from assistant.evaluation.scoring import evaluate, load_questions

    questions = load_questions(ROOT / "benchmarks" / "followup_questions.jsonl")
    rows = evaluate(questions, lambda q: corpus_casebook.ask(q.question, history=q.history), {})
    found = sum(bool(r.fact_in_citation) for r in rows)
    assert found >= 0.8 * len(rows), [r.id for r in rows if not r.fact_in_citation]
