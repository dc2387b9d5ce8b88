"""The answer and citation records that the engines return and the CLI/app render."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from ingest.models import Chunk


@dataclass(frozen=True)
class Citation:
    """A numbered pointer from the answer to one passage, with the sentence(s) that support it."""

    n: int
    chunk: Chunk
    quote: str

    def to_json(self) -> dict:
        return {"n": self.n, **passage_json(self.chunk), "quote": self.quote}


@dataclass(frozen=True)
class ResolvedAction:
    """An Action the question was resolved to, and the words of the question that named it."""

    action_id: str
    matched: tuple[str, ...]

    def to_json(self) -> dict:
        return {"action_id": self.action_id, "matched": list(self.matched)}


class AnswerMode(StrEnum):
    """How an answer was made; its value is what the JSON output says."""

    EXTRACTIVE = "extractive"  # sentences chosen from the passages
    METADATA = "metadata"  # from an Action's criteria or thematic area
    LLM = "llm"  # written by the language model, citations checked
    EXTRACTIVE_FALLBACK = "extractive-fallback"  # the model failed or was not supported: extractive
    BASELINE = "baseline"  # the plain LangChain pipeline `casebook eval` compares against


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    mode: AnswerMode
    language: str
    citations: list[Citation] = field(default_factory=list)
    nearest: list[Citation] = field(default_factory=list)  # shown when abstaining
    notice: str | None = None  # e.g. why the language model's answer was replaced
    unsupported: list[str] = field(default_factory=list)  # model sentences dropped by the check
    scope: list[ResolvedAction] = field(default_factory=list)  # the Actions the question named
    unanswered_parts: list[str] = field(default_factory=list)  # parts of the question no passage answers
    short_answer: str | None = None  # the fact asked for, in the question's language (None: an explanation)

    def to_json(self) -> dict:
        data = {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "mode": self.mode,
            "language": self.language,
            "citations": [c.to_json() for c in self.citations],
            "scope": [r.to_json() for r in self.scope],
            "unanswered_parts": self.unanswered_parts,
            "short_answer": self.short_answer,
        }
        if self.nearest:
            data["nearest"] = [c.to_json() for c in self.nearest]
        if self.notice:
            data["notice"] = self.notice
        if self.unsupported:
            data["unsupported_sentences"] = self.unsupported
        return data


def passage_json(chunk: Chunk) -> dict:
    """A passage as the CLI and API show it: where it comes from, and its text."""
    return {
        "chunk_id": chunk.id,
        "action": chunk.action,
        "country": chunk.country,
        "years": chunk.years,
        "section": chunk.section,
        "criteria": list(chunk.criteria),
        "source": chunk.source,
        "page": chunk.page,
        "text": chunk.text,
    }


def pieces(text: str) -> Iterator[str]:
    """An answer's text in sentence-sized pieces (cut after each citation marker) that join back
    into `text`: what a stream shows of an answer that was not written piece by piece."""
    yield from (p for p in re.split(r"(?<=\])(?=\s)", text) if p)
