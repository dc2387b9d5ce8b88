"""A chat turn as a stream: partial answer texts, then the finished `Answer`.

Uses the engine's own streaming (`Casebook.ask_stream`) and follow-up support (`history`) when
the engine offers them; otherwise asks once and releases the finished text a few words at a
time, so the web app shows the same progressive answer either way.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from assistant.answering.answers import Answer

History = list[list[str]]  # [user, assistant] pairs, oldest first
_WORD_GROUP = re.compile(r"\S+\s*")
WORDS_PER_STEP = 4


def progressive(text: str, words_per_step: int = WORDS_PER_STEP) -> Iterator[str]:
    """Growing prefixes of `text`, a few words more each time, ending with the whole text."""
    pieces = _WORD_GROUP.findall(text)
    for end in range(words_per_step, len(pieces), words_per_step):
        yield "".join(pieces[:end])
    yield text


def _accepts(method: Callable[..., Any], name: str) -> bool:
    return name in inspect.signature(method).parameters


def stream_turn(
    casebook: Any, question: str, history: Sequence[Sequence[str]] = ()
) -> Iterator[str | Answer]:
    """Yield growing answer texts, then the final `Answer` (always last)."""
    kwargs: dict[str, Any] = {}
    ask_stream = getattr(casebook, "ask_stream", None)
    method = ask_stream or casebook.ask
    if history and _accepts(method, "history"):
        kwargs["history"] = [list(pair) for pair in history]
    if ask_stream is not None:
        text = ""
        for part in ask_stream(question, **kwargs):
            if isinstance(part, Answer):
                yield part
                return
            text += str(part)
            yield text
        raise RuntimeError("the answer stream ended without an Answer")
    answer = casebook.ask(question, **kwargs)
    yield from progressive(answer.answer)
    yield answer
