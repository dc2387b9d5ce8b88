"""Cleaning tests: hyphenation, footnote calls, page furniture, with hypothesis properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ingest.cleaning import Lexicon, continues, is_page_furniture, join_lines, strip_footnote_calls


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())


def test_hyphenated_line_breaks_are_joined() -> None:
    assert join_lines(["une meilleure pro-", "tection aux VdT"]) == "une meilleure protection aux VdT"


def test_hyphen_is_kept_for_compounds_the_document_writes_hyphenated() -> None:
    lexicon = Lexicon.from_text("originaires de la sous-région voisine")
    assert join_lines(["de la sous-", "région"], lexicon) == "de la sous-région"


def test_hyphen_is_kept_inside_urls() -> None:
    joined = join_lines(["Accessible via : https://www.unhcr.org/be/wp-", "content/uploads/file.pdf."])
    assert "https://www.unhcr.org/be/wp-content/uploads/file.pdf." in joined


def test_url_broken_after_a_dot_is_rejoined() -> None:
    assert join_lines(["https://www.", "state.gov/reports/"]) == "https://www.state.gov/reports/"


def test_hyphen_before_a_capital_is_kept() -> None:
    assert (
        join_lines(["le rapport conjoint ICMPD-", "MoSD a conduit"])
        == "le rapport conjoint ICMPD-MoSD a conduit"
    )


def test_glued_footnote_calls_are_stripped() -> None:
    text = "nationale. 1 Cet afflux des VdT,4 le ministère poursuites.5 Dans (SIMT).3 en 2016.1 Fin travail.2"
    cleaned = strip_footnote_calls(text, {1, 2, 3, 4, 5})
    assert (
        cleaned
        == "nationale. Cet afflux des VdT, le ministère poursuites. Dans (SIMT). en 2016. Fin travail."
    )


def test_numbers_that_are_not_footnote_calls_stay() -> None:
    text = "plus de 655 000 réfugiés, soit 10,2% en 2016-2019 avec 15 représentants, 2,340 responses, 2.4 mesure."
    assert strip_footnote_calls(text, {1, 2, 3, 4, 5, 15}) == text


def test_calls_to_unknown_footnotes_stay() -> None:
    assert strip_footnote_calls("poursuites.5 Dans", {1, 2}) == "poursuites.5 Dans"


def test_running_footer_and_page_numbers_are_furniture() -> None:
    assert is_page_furniture(
        "Sénégal (2015-2017)   ·   Domaine thématique : Migration légale et mobilité   ·   2"
    )
    assert is_page_furniture("www.mieux-initiative.eu")
    assert is_page_furniture("  12 ")
    assert not is_page_furniture("Jordanie (2016-2019)")
    assert not is_page_furniture("12 formateurs ont été certifiés.")


def test_lowercase_start_after_unfinished_sentence_continues() -> None:
    assert continues("la signature d’un protocole d’entente", "entre les deux refuges")
    assert not continues("Fin de la phrase.", "entre les deux refuges")
    assert not continues("un protocole d’entente", "Entre les deux")


@given(st.lists(st.text(), max_size=8))
def test_join_lines_never_crashes(lines: list[str]) -> None:
    join_lines(lines)


@given(st.lists(st.text(alphabet=st.characters(exclude_categories=["Cs"])), max_size=8))
def test_join_lines_keeps_every_letter(lines: list[str]) -> None:
    assert _letters(join_lines(lines)) == _letters("".join(lines))


@given(st.text(), st.sets(st.integers(min_value=1, max_value=99), max_size=5))
def test_strip_footnote_calls_keeps_every_letter(text: str, numbers: set[int]) -> None:
    assert _letters(strip_footnote_calls(text, numbers)) == _letters(text)


@given(st.text())
def test_is_page_furniture_never_crashes(line: str) -> None:
    is_page_furniture(line)
