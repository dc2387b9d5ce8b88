"""LibraryText: which Actions' text holds a question's names and years."""

from __future__ import annotations

from assistant.answering.grounding import LibraryText
from assistant.answering.questions import analyse
from ingest.models import Chunk


def _chunk(action_id: str, text: str, country: str = "Jordan", language: str = "en") -> Chunk:
    return Chunk(
        id=f"{action_id}-1",
        case_study_id=action_id,
        action=f"Action {action_id}",
        country=country,
        years="2015-2017",
        theme=None,
        criteria=(),
        section="context",
        language=language,
        source=f"{action_id}.txt",
        page=1,
        position=0,
        text=text,
    )


def test_only_the_actions_whose_text_holds_the_year_asked_are_grounded() -> None:
    library = LibraryText(
        [
            _chunk("a", "In 2019 the shelter opened."),
            _chunk("b", "The shelter opened in 2018."),
            _chunk("c", "Reference 120195 of the register."),  # the digits hold 2019, as text does
        ]
    )
    question = analyse("What happened in 2019?", "en")
    assert library.grounded_actions(question) == ["a", "c"]


def test_the_years_its_header_prints_are_held_but_not_those_between() -> None:
    library = LibraryText([_chunk("a", "The shelter opened.")])  # years "2015-2017"
    assert library.grounded_actions(analyse("What happened in 2016?", "en")) == []
    assert library.grounded_actions(analyse("What happened in 2015?", "en")) == ["a"]


def test_an_action_holding_half_the_names_or_their_cognates_is_grounded() -> None:
    library = LibraryText(
        [
            _chunk("a", "Dar Karamah runs the shelter."),
            _chunk("b", "The Karamah shelter and the Tamkeen centre.", language="fr"),
            _chunk("c", "No shelter here."),
        ]
    )
    question = analyse("Did Dar Karamah and Tamkeen work together?", "en")
    assert library.grounded_actions(question) == ["a", "b"]


def test_a_city_is_held_by_the_actions_of_its_country() -> None:
    library = LibraryText([_chunk("a", "A study visit took place.", "Belgium"), _chunk("b", "A visit.")])
    question = analyse("What happened in Brussels?", "en")
    assert library.grounded_actions(question, places={"brussels": "BE"}) == ["a"]


def test_an_acronym_is_not_asked_of_actions_in_another_language() -> None:
    library = LibraryText(
        [_chunk("a", "Le HCR a compté les réfugiés.", language="fr"), _chunk("b", "Nothing.")]
    )
    question = analyse("What did UNHCR count?", "en")
    assert library.grounded_actions(question) == ["a"]
