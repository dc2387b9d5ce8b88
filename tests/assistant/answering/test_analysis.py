"""A question analysed against the library: what it asks for and which Actions it names."""

from __future__ import annotations

from assistant.answering.analysis import QuestionAnalyser
from assistant.library.records import ActionRecord
from ingest.taxonomy import load_taxonomy

ACTIONS = [
    ActionRecord("jordan", "Refuges", "Jordanie", "2016-2019", None, [4], "fr", "j.txt", ["lessons"], 10),
    ActionRecord("senegal", "Données", "Sénégal", "2017-2019", None, [2], "fr", "s.txt", ["lessons"], 10),
]
ANALYSER = QuestionAnalyser(ACTIONS, load_taxonomy(), {"BE"})


def test_the_analysis_holds_the_question_and_the_actions_it_names() -> None:
    asked = ANALYSER.analysed("How many refugees did the Jordan Action shelter in 2018?")
    assert asked.language == "en" and asked.question.wants("count")
    assert asked.named_ids == ("jordan",)


def test_a_given_language_is_kept() -> None:
    assert ANALYSER.analysed("Senegal?", language="fr").language == "fr"


def test_a_country_the_library_never_names_is_unknown() -> None:
    asked = ANALYSER.analysed("What did the Action in Peru achieve?")
    assert asked.named_ids == () and asked.scope.unknown_countries
