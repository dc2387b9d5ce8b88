"""Tests of sentence splitting."""

from __future__ import annotations

import pysbd
import pytest

from ingest import sentences
from ingest.sentences import _segments, split_sentences


def test_french_sentences_are_split_and_numbers_kept() -> None:
    text = "En 2019, l’UNHCR dénombrait plus de 655 000 réfugiés. Cet afflux augmente la traite."
    assert split_sentences(text, "fr") == [
        "En 2019, l’UNHCR dénombrait plus de 655 000 réfugiés.",
        "Cet afflux augmente la traite.",
    ]


def test_unknown_language_falls_back_to_english_rules() -> None:
    assert split_sentences("One. Two.", "xx") == ["One.", "Two."]


def test_an_ordinal_sign_after_an_abbreviation_does_not_start_a_sentence() -> None:
    text = "Aprobación mediante el Acuerdo Ministerial n.º 0087 de 16 de marzo de 2020. Otra frase."
    assert split_sentences(text, "es") == [
        "Aprobación mediante el Acuerdo Ministerial n.º 0087 de 16 de marzo de 2020.",
        "Otra frase.",
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Dr. Smith went to St. Louis. He paid $3.50 for it.\nNew line here.  Yes. Yes.", "en"),
        ("« Oui. » Non… peut-être.\n\n• Un point. Deux points ! Oui.", "fr"),
        ("Sr. García llegó el 3 de ene. de 2020. Firmó el convenio. Firmó el convenio.", "es"),
    ],
)
def test_sentences_are_where_pysbd_finds_them(text: str, language: str) -> None:
    segmented = pysbd.Segmenter(language=language, clean=False).segment(text)
    assert _segments(text, language) == segmented


def test_a_text_split_again_is_not_segmented_again(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Le refuge a ouvert en 2017. Il accueille des victimes de la traite. Trente lits."
    first = split_sentences(text, "fr")
    segmented: list[str] = []

    def recording(text: str, language: str) -> list[str]:
        segmented.append(text)
        return _segments(text, language)

    monkeypatch.setattr(sentences, "_segments", recording)
    assert split_sentences(text, "fr") == first
    assert split_sentences(f"{text} Un autre.", "fr")[-1] == "Un autre."
    assert segmented == [f"{text} Un autre."]


def test_changing_the_sentences_returned_does_not_change_the_next_split() -> None:
    text = "The shelter opened in 2017. It has thirty beds."
    split_sentences(text, "en").append("Not a sentence of the text.")
    assert split_sentences(text, "en") == ["The shelter opened in 2017.", "It has thirty beds."]
