from collections.abc import Iterator, Sequence

import pytest

from assistant.answering.answers import Answer
from assistant.web.chat_stream import stream_turn


def _answer(text: str) -> Answer:
    return Answer(question="q", answer=text, abstained=False, mode="extractive", language="en")


class Streaming:
    def __init__(self, pieces: Sequence[str | Answer]) -> None:
        self.pieces = pieces
        self.history: Sequence[Sequence[str]] | None = None

    def ask_stream(
        self, question: str, *, history: Sequence[Sequence[str]] | None = None
    ) -> Iterator[str | Answer]:
        self.history = history
        yield from self.pieces


def test_the_engine_stream_is_accumulated_and_the_answer_comes_last() -> None:
    parts = list(stream_turn(Streaming(["Hello ", "world [1]", _answer("Hello world [1]")]), "q"))
    assert parts[:2] == ["Hello ", "Hello world [1]"]
    assert isinstance(parts[-1], Answer)


def test_the_history_reaches_the_engine_as_lists_of_pairs() -> None:
    engine = Streaming([_answer("short")])
    list(stream_turn(engine, "q", [("a", "b")]))
    assert engine.history == [["a", "b"]]


def test_a_stream_that_ends_without_an_answer_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="without an Answer"):
        list(stream_turn(Streaming(["Hello"]), "q"))
