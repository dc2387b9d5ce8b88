"""Tests of sentence splitting."""

from __future__ import annotations

from ingest.sentences import split_sentences


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
