"""Questions that list Actions ("which Actions deal with X, and where?") look for X: the words
that frame the list must not pull in every passage about Actions or countries."""

from __future__ import annotations

import pytest

from assistant.answering.questions import analyse, listing_topic
from assistant.service import Casebook


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        (
            "Which Actions in the collection deal with diaspora engagement, and in which countries "
            "did they take place?",
            "diaspora engagement",
        ),
        (
            "Quelles actions de la collection portent sur la gestion des frontières, et dans quels pays ?",
            "la gestion des frontieres",
        ),
        (
            "¿Qué acciones tratan de la reintegración de los retornados y dónde tuvieron lugar?",
            "la reintegracion de los retornados",
        ),
    ],
)
def test_the_frame_of_a_listing_question_is_left_out_of_its_topic(question: str, topic: str) -> None:
    reduced = listing_topic(analyse(question))
    assert reduced.text == topic
    assert reduced.wants("actions") and reduced.language == analyse(question).language


def test_a_question_with_no_listing_frame_is_kept_as_asked() -> None:
    question = analyse("Who runs the shelter for victims of trafficking?")
    assert listing_topic(question) is question


@pytest.mark.parametrize(
    ("question", "country"),
    [
        (
            "Which Actions in the collection deal with diaspora engagement, and in which countries "
            "did they take place?",
            "Kyrgyzstan",
        ),
        (
            "¿Qué acciones de la colección tratan de la reintegración de los retornados y dónde "
            "tuvieron lugar?",
            "Jamaica",
        ),
    ],
)
def test_a_listing_question_first_names_the_action_about_its_topic(
    corpus_casebook: Casebook, question: str, country: str
) -> None:
    answer = corpus_casebook.ask(question)
    assert not answer.abstained
    assert answer.citations[0].chunk.country == country
    assert country in answer.answer  # the answer names where it took place


@pytest.mark.parametrize(
    "question",
    [
        "Which Actions in the collection deal with diaspora engagement, and in which countries did they take place?",
        "Quelles Actions ont comporté une visite d’étude en Suède ?",
    ],
)
def test_a_listing_question_cites_each_actions_header_naming_its_country(
    corpus_casebook: Casebook, question: str
) -> None:
    answer = corpus_casebook.ask(question)
    assert not answer.abstained and answer.short_answer is None  # a list has no one fact to lead with
    for action_id in {c.chunk.case_study_id for c in answer.citations}:
        headers = [
            c
            for c in answer.citations
            if c.chunk.case_study_id == action_id and c.chunk.section == "criteria"
        ]
        assert headers and headers[0].chunk.country in headers[0].quote
