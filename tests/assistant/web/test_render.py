from assistant.answering.answers import Answer, Citation
from assistant.web.render import answer_markdown, citations_panel, highlight, passage_card
from ingest.models import Chunk
from ingest.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()


def _chunk(
    text: str = "Le refuge est géré par la JWU. Il accueille les victimes.", action: str = "Refuges"
) -> Chunk:
    return Chunk(
        id="c1",
        case_study_id="jordanie",
        action=action,
        country="Jordanie",
        years="2016-2019",
        theme=None,
        criteria=(4, 10),
        section="concept",
        language="fr",
        source="mieux_jordanie.txt",
        page=3,
        position=0,
        text=text,
    )


def _answer(text: str, citations: list[Citation], **kw) -> Answer:
    return Answer(
        question="q",
        answer=text,
        abstained=False,
        mode="extractive",
        language="fr",
        citations=citations,
        **kw,
    )


def test_the_supporting_sentence_is_marked_across_line_breaks() -> None:
    marked = highlight("Avant. Le refuge est\ngéré par la JWU. Après.", "Le refuge est géré par la JWU.")
    assert marked == "Avant. <mark>Le refuge est\ngéré par la JWU.</mark> Après."


def test_document_text_cannot_inject_html() -> None:
    card = passage_card(
        _chunk("<script>alert(1)</script> texte", action="<img src=x onerror=alert(1)>"), "", TAXONOMY, "fr"
    )
    assert "<script>" not in card
    assert "<img" not in card
    assert "&lt;script&gt;" in card


def test_a_quote_with_markup_is_escaped_inside_the_mark() -> None:
    assert highlight("a <b> c", "<b>") == "a <mark>&lt;b&gt;</mark> c"


def test_card_shows_action_country_years_section_criteria_page_and_source() -> None:
    card = passage_card(_chunk(), "", TAXONOMY, "fr")
    for expected in (
        "Refuges",
        "Jordanie (2016-2019)",
        "concept",
        "Page 3",
        "mieux_jordanie.txt",
        "10. Catalyseur",
    ):
        assert expected in card


def test_markers_of_known_citations_become_links_to_their_cards() -> None:
    answer = _answer("Le refuge est géré par la JWU. [1] Autre [7]", [Citation(1, _chunk(), "Le refuge")])
    text = answer_markdown(answer, turn=2)
    assert "[[1]](#cite-2-1)" in text
    assert "[7]" in text and "#cite-2-7" not in text


def test_question_text_in_an_answer_is_escaped() -> None:
    answer = _answer("<script>x</script> [1]", [Citation(1, _chunk(), "")])
    assert "<script>" not in answer_markdown(answer, 0)


def test_an_abstention_links_to_the_nearest_passages() -> None:
    answer = Answer(
        question="q",
        answer="The library does not say.",
        abstained=True,
        mode="extractive",
        language="en",
        nearest=[Citation(1, _chunk(), ""), Citation(2, _chunk(), "")],
    )
    text = answer_markdown(answer, 0)
    assert "Nearest passages:" in text and "(#cite-0-2)" in text
    assert citations_panel([answer], TAXONOMY).count('class="cite-slot') == 2


def test_only_the_latest_turns_first_card_is_selected() -> None:
    first = _answer("a [1]", [Citation(1, _chunk(), "")])
    second = _answer("b [1] [2]", [Citation(1, _chunk(), ""), Citation(2, _chunk(), "")])
    panel = citations_panel([first, second], TAXONOMY)
    assert panel.count("cite-slot selected") == 1
    assert 'class="cite-slot selected" data-anchor="cite-1-1"' in panel
