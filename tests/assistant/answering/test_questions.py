from dataclasses import replace

import pytest

from assistant.answering import questions
from assistant.answering.questions import MONTHS, analyse, term_overlap
from ingest.taxonomy import load_taxonomy


def test_question_kinds_are_recognised_in_three_languages():
    assert analyse("How many labour inspectors were trained?").wants("count")
    assert analyse("Combien de réponses l’enquête a-t-elle recueillies ?").wants("count")
    assert analyse("¿Cuántos migrantes fueron interceptados?").wants("count")
    assert analyse("When was the strategy approved?").wants("when")
    assert analyse("Quels critères de bonne pratique l’Action illustre-t-elle ?").wants("criteria")
    assert analyse("¿Qué Acciones se basaron en los más altos niveles de experiencia?").wants("actions")


def test_question_language_is_detected():
    assert analyse("Quelle organisation gère le second refuge ?").language == "fr"
    assert analyse("Which EU country did the staff visit?").language == "en"
    assert analyse("¿Qué lección se extrajo sobre la rotación del personal?").language == "es"


def test_month_names_read_from_the_cache_folder_are_babel_s_in_babel_s_order():
    assert list(MONTHS.items()) == list(questions._month_names().items())  # the order makes regexes
    assert MONTHS["fevrier"] == MONTHS["february"] == MONTHS["febrero"] == MONTHS["fevereiro"] == 2


def test_years_in_the_question_are_kept():
    assert analyse("How many victims were accommodated in 2018?").years == ("2018",)


def test_term_overlap_matches_cognates_across_languages():
    question = analyse("How many Syrian refugees did UNHCR count?")
    french = "En 2019, l’UNHCR dénombrait plus de 655 000 réfugiés syriens en Jordanie."
    assert term_overlap(question, french) > term_overlap(question, "Le refuge de Dar Karamah est public.")


def test_a_glossary_entry_is_one_term_found_by_its_forms_in_any_language() -> None:
    taxonomy = load_taxonomy()
    text = "Which Actions deal with trafficking in human beings?"
    question = replace(analyse(text), glossary=taxonomy.entries_used(text))
    assert term_overlap(question, "Les indicateurs de traite des personnes ont été adaptés.") > 0
    # "trafficking" alone is not matched to the French "trafic" (smuggling) once it is glossary
    assert term_overlap(question, "La coopération contre le trafic illicite de migrants.") == 0
    sops = "When were the SOPs signed?"
    question = replace(analyse(sops), glossary=taxonomy.entries_used(sops))
    assert term_overlap(question, "Assinatura dos PON em setembro de 2019.") > term_overlap(
        analyse(sops), "Assinatura dos PON em setembro de 2019."
    )


def test_portuguese_questions_are_detected_and_their_kinds_recognised():
    question = analyse("Quantos formadores foram certificados e quando foi aprovada a estratégia?")
    assert question.language == "pt"
    assert question.wants("count") and question.wants("when")


def test_a_question_joining_two_questions_is_split_into_parts_of_their_own_kinds():
    question = analyse("Which institutions signed the SOPs on data sharing, and when?")
    assert question.parts == ("Which institutions signed the SOPs on data sharing", "when?")
    assert [sorted(p.kinds) for p in question.part_questions()] == [["who"], ["when"]]
    assert analyse("Between March and November 2021, how many returnees were counselled?").parts == ()


def test_what_it_is_that_asks_for_no_person():
    assert not analyse("Qu’est-ce qui a donné aux services un mandat clair ?").wants("who")
    assert analyse("Qui a signé le protocole ?").wants("who")


def test_names_end_at_punctuation_and_months_and_lower_case_word_parts_are_no_names():
    question = analyse("Did the July mission meet UNHCR, IOM and the Ombudsman of the EU-funded project?")
    assert question.names == ("unhcr", "iom", "ombudsman")


@pytest.mark.parametrize(
    ("text", "known"),
    [
        ("Which NGO runs the third shelter, besides Dar Karamah and Caritas?", ("dar karamah", "caritas")),
        ("Quel organisme gère le second refuge, en plus de Dar Karamah ?", ("dar karamah",)),
        ("¿Qué institución copresidió el grupo, además del INS?", ("ins",)),
        ("Que instituição co-presidiu o grupo, além da DGEC?", ("dgec",)),
    ],
)
def test_names_after_besides_are_what_the_question_already_knows(text: str, known: tuple[str, ...]) -> None:
    assert analyse(text).known == known


def test_a_question_without_a_besides_knows_no_names() -> None:
    assert analyse("Which NGO runs the Dar Karamah shelter?").known == ()
