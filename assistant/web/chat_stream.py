"""A chat turn as a stream for the web app: growing answer texts, then the finished `Answer`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from assistant.answering.answers import Answer


class _Streams(Protocol):
    """The part of `Casebook` a chat turn uses."""

    def ask_stream(
        self, question: str, *, history: Sequence[Sequence[str]] | None = ...
    ) -> Iterator[str | Answer]: ...


def stream_turn(
    casebook: _Streams, question: str, history: Sequence[Sequence[str]] = ()
) -> Iterator[str | Answer]:
    """Yield growing answer texts, then the final `Answer` (always last)."""
    text = ""
    for part in casebook.ask_stream(question, history=[list(pair) for pair in history]):
        if isinstance(part, Answer):
            yield part
            return
        text += part
        yield text
    raise RuntimeError("the answer stream ended without an Answer")
