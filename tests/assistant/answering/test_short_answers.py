"""The fact first, in the question's language: figures, dates, durations, amounts, countries and
acronyms read from a cited sentence in another language."""

from __future__ import annotations

import subprocess
import sys

from assistant.answering.questions import analyse
from assistant.answering.short_answers import short_answer
from ingest.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()


def _fact(question: str, sentence: str, source: str, country: str = "Jordanie") -> str | None:
    return short_answer(analyse(question), sentence, source, country, TAXONOMY)


def test_a_french_figure_is_written_in_english_conventions() -> None:
    sentence = "En 2019, l’UNHCR dénombrait plus de 655 000 réfugiés syriens en Jordanie."
    assert _fact("How many Syrian refugees did UNHCR count in 2019?", sentence, "fr") == "655,000"


def test_the_figure_of_what_is_counted_is_chosen_and_an_unclear_one_is_left_out() -> None:
    sentence = "The team met 34 representatives of 15 institutions and 19 members of the working group."
    assert _fact("Combien de membres comptait le groupe ?", sentence, "en", "Ghana") == "19"
    assert _fact("Combien de ministères ?", sentence, "en", "Ghana") is None


def test_an_english_count_names_its_noun_last_and_the_noun_may_be_spelled_the_other_way() -> None:
    """ "Labour inspectors" counts inspectors, not labour; conseillers are counsellors."""
    sentence = "The Action trained 40 labour officials and 12 labour inspectors."
    assert _fact("How many labour inspectors were trained?", sentence, "en", "Liban") == "12"
    sentence = "The certified trainers went on to train 212 counsellors in 2020."
    assert _fact("Combien de conseillers les formateurs ont-ils formés ?", sentence, "en", "Ghana") == "212"


def test_a_count_in_another_language_is_of_the_counted_noun_translated() -> None:
    """ "Solicitudes" are applications; "agents" and "gardes-frontières" are not, and what a figure
    counts may come several words after it ("86 foreign service and labour officers")."""
    sentence = (
        "Las tres brigadas móviles registraron 5.640 solicitudes entre agosto de 2019 y febrero de 2020."
    )
    assert _fact("How many applications did the mobile teams register?", sentence, "es", "Ecuador") == "5,640"
    sentence = "Enfin, 19 agents de la DAR et 31 gardes-frontières ont été formés aux nouvelles procédures."
    assert _fact("How many asylum applications were registered?", sentence, "fr", "Arménie") is None
    sentence = "Over 2017 and 2018, 86 foreign service and labour officers were trained in Manila."
    assert _fact("¿Cuántos funcionarios fueron formados en Manila?", sentence, "en", "Philippines") == "86"


def test_a_question_counting_nothing_it_names_takes_no_article_for_its_noun() -> None:
    """ "The number of the decision" counts no "the": the sentence's only figure is no answer to
    what is unsaid, and two figures are unclear."""
    sentence = "The methodology was approved by decision 14 of the committee and revised by decision 20."
    assert _fact("What is the number of the decision that approved the methodology?", sentence, "en") is None


def test_a_date_is_written_in_the_question_language() -> None:
    sentence = "Cabinet approved the policy on 12 October 2017."
    assert (
        _fact("Quand le Cabinet a-t-il approuvé la politique ?", sentence, "en", "Ghana") == "12 octobre 2017"
    )
    assert _fact("¿Cuándo se aprobó?", "La política se aprobó en junio de 2021.", "es") == "junio de 2021"


def test_of_a_period_given_by_its_ends_the_end_asked_for_is_given() -> None:
    sentence = "La Acción se desarrolló entre mayo de 2018 y noviembre de 2020 y combinó dos líneas."
    assert _fact("When did the Ecuador Action end?", sentence, "es", "Ecuador") == "November 2020"
    assert _fact("Quand l’Action a-t-elle commencé ?", sentence, "es", "Ecuador") == "mai 2018"
    assert (
        _fact("When did the Action run?", sentence, "es", "Ecuador") == "May 2018\u2009–\u2009November 2020"
    )
    assert (
        _fact("How long did the Action last?", sentence, "es", "Ecuador")
        == "May 2018\u2009–\u2009November 2020"
    )
    assert _fact("Em que ano terminou?", "The Action ran from 2016 to 2018.", "en", "Jamaica") == "2018"


def test_two_years_named_together_are_no_period() -> None:
    sentence = "Las solicitudes de 2018 y 2019 se registraron en Quito."
    assert _fact("¿Cuándo terminó el registro?", sentence, "es", "Ecuador") == "2018"


def test_a_duration_and_an_amount_are_localised() -> None:
    assert (
        _fact("Combien de temps a duré la visite ?", "The visit lasted three weeks.", "en")
        == "3\u00a0semaines"
    )
    assert _fact("What was the budget?", "Le budget était de 120 000 euros.", "fr") == "€120,000.00"


def test_another_country_is_named_in_the_question_language_and_the_action_s_own_is_not() -> None:
    sentence = "La délégation jordanienne a effectué une visite d’étude en Belgique."
    assert _fact("Which EU country did the delegation visit?", sentence, "fr") == "Belgium"
    assert _fact("Which country?", "La Jordanie a adopté une politique.", "fr") is None


def test_a_glossary_acronym_comes_with_its_full_form_in_the_question_language() -> None:
    sentence = "The shelter was run by an NGO with the support of the Ministry."
    assert _fact("Qui gérait le refuge ?", sentence, "en") == "ONG (organisation non gouvernementale)"


def test_a_question_asking_for_an_explanation_has_no_short_answer() -> None:
    assert _fact("What lessons were learnt about political will?", "Political will matters.", "en") is None


def test_a_sentence_naming_several_organisations_gives_no_short_answer() -> None:
    sentence = "One shelter is run by the State, the other by the JWU, an NGO funded by the State."
    assert _fact("Which organisation runs the shelter?", sentence, "en") is None


def test_the_formats_of_each_language_are_read_before_the_first_fact_is_written() -> None:
    """In a new process (Babel keeps what it read), `load_formats` reads each language's locale
    data (and the root locale they inherit from); writing a figure afterwards reads none."""
    script = (
        "from babel import localedata\n"
        "read = []\n"
        "load = localedata.load\n"
        "localedata.load = lambda name, *a, **k: read.append(name) or load(name, *a, **k)\n"
        "from assistant.answering.short_answers import load_formats\n"
        "from babel.numbers import format_decimal\n"
        "load_formats(['en', 'pt'])\n"
        "before = set(read)\n"
        "format_decimal(655000, locale='pt')\n"
        "print(sorted(before - {'root'}), sorted(set(read) - before))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[0] == "['en', 'pt'] []"
