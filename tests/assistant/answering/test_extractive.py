"""Whether a sentence can answer a question at all (`holds_answer`), whatever its similarity."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answering.extractive import ScoredSentence, holds_answer
from assistant.answering.questions import analyse
from ingest.models import Chunk


def _sentence(text: str, language: str = "en", country: str = "Ghana") -> ScoredSentence:
    chunk = Chunk(
        "c1", "case", "Action", country, "2019-2021", None, (3,), "impact", language, "doc.txt", 1, 1, text
    )
    return ScoredSentence(text, chunk, score=1.0, similarity=1.0)


@pytest.mark.parametrize(
    "text",
    [
        "The methodology was approved by the committee in July 2018.",
        "The guide was validated on 14 October 2019.",
    ],
)
def test_a_year_or_the_day_of_a_date_is_no_count(text: str) -> None:
    question = analyse("What is the number of the decision that approved the methodology?")
    assert not holds_answer(question, _sentence(text))


def test_a_figure_or_a_number_word_is_a_count() -> None:
    question = analyse("How many reports did the inspectors send?")
    assert holds_answer(question, _sentence("The inspectors sent 31 reports in 2019."))
    assert holds_answer(question, _sentence("Les inspecteurs ont transmis sept signalements.", "fr"))


@pytest.mark.parametrize(
    "question",
    [
        "What was the unemployment rate among returnees?",
        "Quel était le taux de chômage des migrants de retour ?",
        "¿Qué porcentaje de los retornados estaba desempleado?",
        "Qual era a taxa de desemprego dos retornados?",
    ],
)
def test_a_question_for_a_rate_wants_a_percentage_not_any_figure(question: str) -> None:
    q = analyse(question)
    assert not holds_answer(q, _sentence("Some 11,300 Ghanaians returned in 2017 and 2018."))
    assert holds_answer(q, _sentence("Among returnees, the share without work rose from 9% to 27%."))


def test_a_sentence_answers_about_a_place_only_if_it_names_that_place_in_any_language() -> None:
    question = replace(analyse("Which delegation made a study visit to Spain?"), places=frozenset({"ES"}))
    assert holds_answer(question, _sentence("A delegation of six made a study visit to Spain."))
    assert holds_answer(question, _sentence("Uma delegação realizou uma visita de estudo a Espanha.", "pt"))
    assert not holds_answer(question, _sentence("A delegation of six made a study visit to Italy."))


def test_a_period_given_by_its_ends_says_how_long_something_lasted() -> None:
    question = analyse("How long did the Ecuador Action last?")
    assert holds_answer(
        question, _sentence("La Acción se desarrolló entre mayo de 2018 y noviembre de 2020.", "es")
    )
    assert not holds_answer(question, _sentence("La Acción comenzó en mayo de 2018.", "es"))


def test_a_length_of_time_or_a_share_is_no_count_of_things() -> None:
    question = analyse("How many applications did the office receive in 2017?")
    assert not holds_answer(
        question, _sentence("The wait for an appointment reached 118 days at the end of 2017.")
    )
    assert not holds_answer(question, _sentence("In 2017, 43 % of the files concerned children."))
    assert holds_answer(question, _sentence("In 2017, the office received 13,870 applications."))


def test_a_question_naming_what_it_knows_is_not_answered_by_a_sentence_naming_only_that() -> None:
    question = analyse("Which NGO runs the third shelter in Amman, besides Dar Karamah and the JWU?")
    assert not holds_answer(
        question, _sentence("The Dar Karamah shelter is public, while the JWU, an NGO, runs the other one.")
    )
    assert holds_answer(question, _sentence("A third shelter, run by Caritas, opened in Amman in 2018."))


def test_a_year_of_the_actions_own_span_is_a_date_too() -> None:
    """The Action ran 2019-2021: a sentence dated 2021 does not answer "in 2019", and one that
    names no year may (it tells of the Action's own time)."""
    question = analyse("What was the unemployment rate of returnees in Ghana in 2019?")
    assert not holds_answer(question, _sentence("Between March and November 2021, the share rose to 27%."))
    assert holds_answer(question, _sentence("In 2019, 27% of the returnees had no work."))
    assert holds_answer(question, _sentence("Some 27% of the returnees had no work."))


def test_the_actions_whole_span_names_the_action_not_a_date() -> None:
    question = analyse("How many counsellors did the 2019-2021 Ghana Action train?")
    assert holds_answer(question, _sentence("In 2020, the certified trainers trained 60 counsellors."))


def test_a_fact_about_the_subject_answers_only_if_it_says_what_is_asked_of_it() -> None:
    """The sentence names the office and a date, but dates its request, not its establishment;
    across languages few words match, so the check is left to the sentence's similarity."""
    question = analyse(
        "In which year was the Overseas Crisis Response Office (OCRO) of the Philippines established?"
    )
    assert not holds_answer(question, _sentence("In early 2016, the OCRO requested the support of MIEUX."))
    assert holds_answer(question, _sentence("The OCRO of the Philippines was established in 2010."))
    assert holds_answer(question, _sentence("L’OCRO a demandé l’appui de MIEUX en 2016.", "fr"))


def test_a_question_about_the_support_itself_shares_its_word_with_the_answer() -> None:
    """The support is what this question asks about: setting the programme’s support verbs aside
    (tried for "did MIEUX help Georgia adopt a manual?") would leave it no word to share."""
    question = analyse("When did MIEUX start supporting the Philippines?")
    assert holds_answer(question, _sentence("In early 2016, the OCRO requested the support of MIEUX."))


def test_a_question_for_a_city_is_answered_only_by_a_sentence_naming_another_city() -> None:
    question = analyse("Besides Moscow and Istanbul, which third city hosted an online round table?")
    assert not holds_answer(question, _sentence("Round tables were held online in Moscow and Istanbul."))
    assert holds_answer(question, _sentence("Round tables were held online in Moscow, Istanbul and Almaty."))
    question = analyse("In which city was the model presented to the region's governments?")
    assert not holds_answer(question, _sentence("The model was presented at a regional consultation."))
    assert holds_answer(question, _sentence("The model was presented at a consultation in Bridgetown."))


def test_a_city_asked_in_a_named_country_is_one_of_that_country() -> None:
    """Places come from the question's scope (`Scope.places`): here the study visit to Germany."""
    question = replace(
        analyse("Which city did the delegation visit on its study visit to Germany?"),
        places=frozenset({"DE"}),
    )
    home_city = "After a workshop in Kingston, the delegation made a study visit to Germany."
    assert not holds_answer(question, _sentence(home_city, country="Jamaica"))
    assert holds_answer(question, _sentence("The delegation visited Berlin, in Germany.", country="Jamaica"))


def test_a_place_asked_about_is_named_by_its_country_or_one_of_its_cities() -> None:
    question = replace(analyse("¿Qué ciudad belga visitó la delegación?"), places=frozenset({"BE"}))
    assert not holds_answer(
        question, _sentence("MIEUX a travaillé avec les refuges d’Amman.", country="Jordanie")
    )
    assert holds_answer(question, _sentence("La délégation s’est rendue à Bruxelles.", country="Jordanie"))


@pytest.mark.parametrize(
    "question",
    [
        "¿Cómo se llamaba la experta lituana que trabajó en Armenia?",
        "What was the name of the Lithuanian expert who worked in Armenia?",
    ],
)
def test_a_question_for_a_name_is_answered_only_by_a_sentence_giving_one_it_does_not(question: str) -> None:
    """Countries, the question's own words and its first word are no answer to "what name"."""
    asked = analyse(question)
    roles = "Les experts venaient de Lituanie, des Pays-Bas et de République tchèque."
    assert not holds_answer(asked, _sentence(roles, country="Arménie"))
    named = "L’experte lituanienne, Mme Rasa Kazlauskienė, a formé les agents."
    assert holds_answer(asked, _sentence(named, country="Arménie"))


def test_a_fact_placed_in_a_city_is_not_told_by_a_sentence_about_another_country() -> None:
    question = analyse(
        "¿Cuántos migrantes fueron interceptados en el puesto fronterizo de Ciudad del Este en 2015?"
    )

    def sentence(text: str) -> ScoredSentence:
        return _sentence(text, "es", "Paraguay")

    visit = "En octubre de 2015, seis agentes de la DNCM visitaron un paso fronterizo en Polonia."
    assert not holds_answer(question, sentence(visit))
    assert holds_answer(question, sentence("En 2015, 300 migrantes fueron interceptados en Ciudad del Este."))
    assert holds_answer(question, sentence("En 2015, el puesto fronterizo interceptó a 300 migrantes."))
    where = analyse("¿Adónde viajaron los agentes del puesto fronterizo de Ciudad del Este en 2015?")
    assert holds_answer(where, sentence(visit))
