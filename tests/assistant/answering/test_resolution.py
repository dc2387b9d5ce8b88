"""Action resolution before retrieval, on the real library and the second synthetic set: cities,
exonyms and adjectives in other languages, two Actions in one country, places the library lacks;
and what the user reads: the frame in the question's language, a long pasted text's question."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service import Casebook
from assistant.settings import LanguageModelSettings, Settings
from tests.paths import CORPUS, CORPUS_2

pytestmark = pytest.mark.slow  # indexes the second synthetic set with the default embedding model

GHANA_POLICY = "ghana-2015-2017-first-national-policy"
GHANA_COUNSELLING = "ghana-2019-2021-standard-counselling-returning"


@pytest.fixture(scope="module")
def casebook(tmp_path_factory: pytest.TempPathFactory) -> Casebook:
    home: Path = tmp_path_factory.mktemp("resolution_home")
    casebook = Casebook(Settings(home=home, library=CORPUS, language_model=LanguageModelSettings(model=None)))
    casebook.ingest([CORPUS, CORPUS_2])
    return casebook


def _scope(casebook: Casebook, question: str) -> list[str]:
    return [r.action_id for r in casebook.ask(question).scope]


def test_a_city_resolves_to_the_action_in_its_country(casebook: Casebook) -> None:
    answer = casebook.ask("Which strategy did the immigration coordination unit based in Praia draft?")
    assert answer.scope and answer.scope[0].action_id.startswith("cabo-verde")
    assert "praia" in answer.scope[0].matched
    assert answer.citations and answer.citations[0].chunk.country == "Cabo Verde"


def test_a_city_named_with_a_lower_case_particle_resolves(casebook: Casebook) -> None:
    answer = casebook.ask("¿Qué visitó la misión de diagnóstico en Ciudad del Este?")
    assert [(r.action_id[:8], r.matched) for r in answer.scope] == [("paraguay", ("ciudad del este",))]


def test_an_exonym_in_another_language_resolves_and_the_frame_is_portuguese(casebook: Casebook) -> None:
    answer = casebook.ask(
        "Quais foram as lições aprendidas pela Ação sobre planos de contingência nas Filipinas?"
    )
    assert [r.action_id for r in answer.scope] == ["philippines-2016-2018-ready-when-crises"]
    assert answer.language == "pt" and answer.answer.startswith("Segundo «")
    assert answer.citations[0].chunk.section == "lessons"


def test_an_adjective_names_the_action_and_its_criteria_come_from_metadata(casebook: Casebook) -> None:
    answer = casebook.ask(
        "Quels critères de bonne pratique l’Action menée avec les autorités ivoiriennes illustre-t-elle ?"
    )
    assert answer.mode == "metadata"
    assert all(str(n) in answer.answer for n in (6, 9, 10))


def test_two_actions_in_one_country_are_told_apart_by_years_and_by_topic(casebook: Casebook) -> None:
    assert _scope(casebook, "Which criteria does the 2019-2021 Ghana Action illustrate?") == [
        GHANA_COUNSELLING
    ]
    assert _scope(casebook, "What lessons did the Ghana return counselling Action draw?") == [
        GHANA_COUNSELLING
    ]
    assert _scope(
        casebook, "How many members did the technical working group on Ghana's labour migration policy have?"
    ) == [GHANA_POLICY]


def test_an_adjective_with_the_names_ending_changed_names_the_action(casebook: Casebook) -> None:
    """Ghanéennes on Ghana, ecuatoriana on Ecuador; of the two Ghana Actions, the one whose text
    comes closest: the counselling SOPs are the 2019-2021 Action's."""
    question = "En quel mois les POS ghanéennes sur le conseil au retour ont-elles été adoptées ?"
    assert [(r.action_id, r.matched) for r in casebook.ask(question).scope] == [
        (GHANA_COUNSELLING, ("ghaneennes",))
    ]
    scope = casebook.ask("¿Cuántos funcionarios formó la Acción ecuatoriana en Quito?").scope
    assert [r.action_id[:7] for r in scope] == ["ecuador"]


def test_a_misspelt_country_still_resolves(casebook: Casebook) -> None:
    scope = casebook.ask(
        "¿Cuantos sectores abarco la evaluacion del mercado laboral en la Accion de Gahna de 2015-2017?"
    )
    assert [(r.action_id, r.matched[0]) for r in scope.scope] == [(GHANA_POLICY, "gahna")]


def test_a_country_the_library_lacks_gets_the_no_action_abstention(casebook: Casebook) -> None:
    answer = casebook.ask("What did the MIEUX Action in Costa Rica achieve?")
    assert answer.abstained and "Costa Rica" in answer.answer


def test_a_long_pasted_text_keeps_its_question_and_says_it_was_shortened(casebook: Casebook) -> None:
    filler = "Ce paragraphe recopié ne pose aucune question sur les Actions. " * 80
    question = "How many Syrian refugees did UNHCR count in Jordan in 2019?"
    answer = casebook.ask(filler + question)
    assert len(filler + question) > casebook.settings.answering.max_question_chars
    assert answer.question.endswith(question)
    assert answer.notice and "characters" in answer.notice
    assert not answer.abstained and "655" in " ".join(c.chunk.text for c in answer.citations)
    assert answer.to_json()["notice"] == answer.notice


def test_a_near_miss_asking_for_an_amount_the_text_does_not_give_is_abstained(casebook: Casebook) -> None:
    answer = casebook.ask(
        "Qual foi o orçamento total da Ação do MIEUX sobre a estratégia nacional de imigração em Cabo Verde?"
    )
    assert answer.abstained and answer.language == "pt"


def test_a_figure_for_a_year_the_text_does_not_cover_is_abstained(casebook: Casebook) -> None:
    answer = casebook.ask(
        "How many returnees received counselling in 2020 under the Ghana return counselling Action?"
    )
    assert answer.abstained


def test_a_figure_dated_by_another_year_of_the_action_does_not_answer(casebook: Casebook) -> None:
    answer = casebook.ask("¿Qué tasa de desempleo tenían los migrantes retornados en Ghana en 2019?")
    assert [r.action_id for r in answer.scope] == [GHANA_COUNSELLING]
    assert answer.abstained and answer.language == "es"


def test_a_multi_part_question_with_one_part_missing_says_which(casebook: Casebook) -> None:
    answer = casebook.ask(
        "When did Cabinet approve Ghana’s National Labour Migration Policy, and how much did its implementation cost?"
    )
    assert not answer.abstained and "12 October 2017" in " ".join(c.chunk.text for c in answer.citations)
    assert answer.unanswered_parts == ["how much did its implementation cost?"]
    assert answer.answer.endswith("The library does not say: “how much did its implementation cost?”.")
    assert answer.to_json()["unanswered_parts"] == answer.unanswered_parts


def test_every_part_of_a_multi_part_question_is_answered_from_a_cited_passage(casebook: Casebook) -> None:
    answer = casebook.ask(
        "When did Cabinet approve Ghana’s National Labour Migration Policy, and how many actions does its "
        "implementation plan contain?"
    )
    cited = " ".join(c.chunk.text for c in answer.citations)
    assert answer.unanswered_parts == [] and "12 October 2017" in cited and "41 actions" in cited


def test_an_english_question_about_a_french_case_reads_the_fact_first_in_english(casebook: Casebook) -> None:
    answer = casebook.ask("How many Syrian refugees did UNHCR count in Jordan in 2019?")
    assert answer.short_answer == "655,000"
    assert answer.answer.startswith("655,000\n") and "655 000" in answer.citations[0].quote
    assert answer.to_json()["short_answer"] == "655,000"
    assert casebook.ask("Quelles leçons l’Action en Jordanie a-t-elle tirées ?").short_answer is None


def test_a_country_named_in_several_words_grounds_its_action_across_languages(casebook: Casebook) -> None:
    answer = casebook.ask("¿Cuántos agentes consulares fueron formados en la Acción de Costa de Marfil?")
    assert not answer.abstained and answer.short_answer == "46"
    assert answer.citations[0].chunk.case_study_id.startswith("cote-d-ivoire")


def test_a_question_for_an_actions_lessons_lists_every_point_of_its_lessons_section(
    casebook: Casebook,
) -> None:
    answer = casebook.ask("Which lessons were learnt in the Ghana Action on counselling returnees?")
    assert {c.chunk.section for c in answer.citations} == {"lessons"}
    for point in (
        "A referral is only as good",
        "Counsellors need support too",
        "Returnees improve the tools",
    ):
        assert point in answer.answer


def test_actions_visiting_a_country_are_found_in_every_language_the_library_names_it(
    casebook: Casebook,
) -> None:
    # Spain is "Spain" in the Ghana case study and "Espanha" in the Cabo Verde one
    answer = casebook.ask("Quelles Actions ont organisé une visite d’étude en Espagne ?")
    cited = {c.chunk.case_study_id for c in answer.citations}
    assert not answer.abstained and {GHANA_POLICY, "cabo-verde-2017-2019-uma-nova-estrategia"} <= cited


def test_names_a_question_sets_aside_need_not_be_in_the_text(casebook: Casebook) -> None:
    # "the Ombudsman" is "la Defensoría del Pueblo" in the Spanish text: set aside by "besides",
    # it is no name the answer's Action must mention
    answer = casebook.ask(
        "Besides UNHCR, IOM and the Ombudsman, how many officials did the July 2018 mission in Ecuador meet?"
    )
    assert not answer.abstained and "41 funcionarios" in answer.citations[0].chunk.text
