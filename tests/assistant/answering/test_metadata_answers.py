"""Answers read from the Actions' metadata: here, which Actions began, ended or ran in a period."""

from __future__ import annotations

import pytest

from assistant.answering.answers import AnswerMode
from assistant.answering.metadata_answers import period_asked
from assistant.answering.questions import analyse
from assistant.service import Casebook


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which Actions began in 2019?", "began"),
        ("Quelles Actions se sont terminées en 2019 ?", "ended"),
        ("¿Qué Acciones estaban en curso en 2013?", "ran"),
        ("Que Ações decorreram entre 2016 e 2018?", "ran"),
        ("Which Actions made a study visit in 2019?", None),  # a topic besides the period
        ("Which Actions began in the capital?", None),  # no period
        ("When did the Jordan Action begin?", None),  # no list of Actions
    ],
)
def test_a_listing_question_asking_only_when_actions_took_place_is_a_period_question(
    question: str, kind: str | None
) -> None:
    assert period_asked(analyse(question)) == kind


@pytest.mark.parametrize(
    ("question", "countries"),
    [
        ("Which Actions began in 2019?", {"Tunisie"}),
        ("Quelles Actions se sont terminées en 2019 ?", {"Jordanie", "Kyrgyzstan", "Liban"}),
        ("¿Qué Acciones estaban en curso en 2013?", {"Nepal"}),
    ],
)
def test_actions_of_a_period_are_listed_from_their_years_each_cited(
    corpus_casebook: Casebook, question: str, countries: set[str]
) -> None:
    answer = corpus_casebook.ask(question)
    assert answer.mode is AnswerMode.METADATA and not answer.abstained
    assert {c.chunk.country for c in answer.citations} == countries
    assert all(f"[{c.n}]" in answer.answer for c in answer.citations)


def test_no_action_in_a_period_is_said_plainly(corpus_casebook: Casebook) -> None:
    answer = corpus_casebook.ask("Which Actions began in 2031?")
    assert answer.mode is AnswerMode.METADATA and answer.citations == []
    assert answer.answer == "No Action in the library matches that period (2031)."
