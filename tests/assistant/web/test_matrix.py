from assistant.library.records import ActionRecord
from assistant.web.matrix import criteria_matrix, matrix_png
from ingest.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()


def _action(country: str, criteria: list[int]) -> ActionRecord:
    return ActionRecord(
        id=country.lower(),
        title=f"Action in {country}",
        country=country,
        years="2016-2019",
        theme=None,
        criteria=criteria,
        language="fr",
        source=f"{country}.txt",
        sections=["lessons"],
        chunks=3,
    )


def test_matrix_marks_the_criteria_each_action_illustrates() -> None:
    grid = criteria_matrix([_action("Jordanie", [4, 10]), _action("Liban", [1])], TAXONOMY)
    assert len(grid) == 10
    assert grid[3] == [True, False]
    assert grid[9] == [True, False]
    assert grid[0] == [False, True]


def test_matrix_picture_is_a_png_even_for_an_empty_library() -> None:
    for actions in ([], [_action("Jordanie", [4, 10])]):
        assert matrix_png(actions, TAXONOMY).startswith(b"\x89PNG")
