"""What one ask carries down: the question as asked, bounded, with its options (`k`, filters,
history): one `AskRequest` instead of the same parameters at every step."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.conversation import Turn, parse_history
from ingest.language import detect_language
from vectorstore.filters import SearchFilters

log = logging.getLogger(__name__)

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


@dataclass(frozen=True)
class AskRequest:
    """A question as the caller asked it, bounded (`bounded_question`), with its options."""

    question: str
    asked_length: int  # characters as asked, before any cut
    k: int | None = None
    filters: SearchFilters | None = None
    history: tuple[Turn, ...] = ()

    @classmethod
    def of(
        cls,
        question: str,
        max_chars: int,
        k: int | None = None,
        filters: SearchFilters | None = None,
        history: Sequence[Sequence[str]] | None = None,
    ) -> AskRequest:
        """`history` as [user, assistant] pairs (`HistoryError` on any other shape)."""
        turns = parse_history(list(history) if history else None)
        return cls(bounded_question(question, max_chars), len(question), k, filters, tuple(turns))

    @property
    def shortened(self) -> bool:
        return len(self.question) < self.asked_length

    def pasted_language(self) -> str | None:
        """The language of the question at the end of a shortened text (the pasted text is in
        its own); None for a question kept whole, whose analysis detects its language."""
        if not self.shortened:
            return None
        return detect_language(_SENTENCE_END.split(self.question.strip())[-1], default="en")


def bounded_question(text: str, max_chars: int) -> str:
    """`text` without control characters; a text longer than `max_chars` keeps its end (where a
    pasted text's question is), from a word boundary (logged when cut)."""
    text = _CONTROL_CHARACTERS.sub(" ", text)
    if len(text) > max_chars:
        log.warning("question of %d characters cut to its last %d", len(text), max_chars)
        tail = text[-max_chars:]
        text = tail.split(None, 1)[-1] if " " in tail[:100] else tail
    return text
