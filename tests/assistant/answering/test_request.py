"""A request is bounded once, where it enters: control characters out, a pasted text cut to
its end, the history checked."""

from __future__ import annotations

import pytest

from assistant.answering.conversation import HistoryError
from assistant.answering.request import AskRequest, bounded_question


def test_control_characters_become_spaces() -> None:
    assert bounded_question("What\x00 did\x1b they learn?", 100) == "What  did  they learn?"


def test_a_long_text_keeps_its_end_from_a_word_boundary() -> None:
    text = "filler " * 50 + "How many refugees?"
    kept = bounded_question(text, 60)
    assert kept.endswith("How many refugees?") and len(kept) <= 60 and not kept.startswith("iller")


def test_a_shortened_request_reads_its_language_from_the_question_at_its_end() -> None:
    pasted = "Le programme a renforcé la coopération entre les ministères. " * 40
    request = AskRequest.of(pasted + "How many officials were trained?", max_chars=300)
    assert request.shortened and request.asked_length > len(request.question)
    assert request.pasted_language() == "en"


def test_a_question_kept_whole_leaves_its_language_to_the_analysis() -> None:
    request = AskRequest.of("Combien de réfugiés ?", max_chars=300)
    assert not request.shortened and request.pasted_language() is None


def test_a_history_of_another_shape_is_refused() -> None:
    with pytest.raises(HistoryError):
        AskRequest.of("And then?", max_chars=300, history=[["only the question"]])
