"""Checks a language model's answer against the passages it was given, sentence by sentence.

Markers `[n]` that point at no passage are removed. Each sentence's support is measured, not
trusted: the passage sentence most similar to it (embedding similarity plus shared words) is
its quote, and a cited passage that does not support the sentence loses the citation. A
sentence left with no supporting passage is dropped (and reported); an unmarked sentence that a
passage does support gets that passage's citation. Kept citations are renumbered 1, 2, ... in
order of appearance. An answer with no kept citation is not an answer: the caller falls back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.answering.answers import Citation
from assistant.answering.questions import analyse, content_tokens, term_overlap
from assistant.settings import SupportConfig
from ingest.models import Chunk
from ingest.sentences import split_sentences

FIGURE = re.compile(r"\d+(?:[\s\u00a0\u202f.,]\d{3})*(?:[.,]\d+)?")
MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
# A sentence ends at . ! ? or a line break, optionally followed by its markers, before the next
# sentence's capital, digit or opening mark ("e.g. the" does not end a sentence).
BOUNDARY = re.compile(r"(?<=[.!?…])(?:\s*\[[\d,;\s]+\])*\s+(?=[A-ZÀ-ÖØ-Þ0-9¿¡«\"“(*-])|\n+")


@dataclass(frozen=True)
class Support:
    passage: int  # 0-based index into the passages
    quote: str  # the passage sentence that best supports the answer sentence
    score: float


class SupportMeter:
    """How well each passage supports a sentence: its best passage sentence and the score."""

    def __init__(self, embeddings: Embeddings, config: SupportConfig) -> None:
        self._embeddings = embeddings
        self.config = config
        self._cache: dict[str, np.ndarray] = {}

    def supports(self, sentence: str, passages: Sequence[Chunk], indices: Iterable[int]) -> list[Support]:
        """Best support from each passage in `indices`, best first."""
        found = []
        for i in indices:
            quotes = [s for s in split_sentences(passages[i].text, passages[i].language) if content_tokens(s)]
            if not quotes:
                continue
            if not _figures_in(sentence) <= _figures_in(f"{passages[i].text} {passages[i].years}"):
                continue  # a figure the passage does not state: that passage cannot support the sentence
            scores = self._similarities(sentence, quotes)
            scores = scores + self.config.weight_overlap * np.array([_overlap(sentence, q) for q in quotes])
            best = int(np.argmax(scores))
            found.append(Support(i, quotes[best], float(scores[best])))
        return sorted(found, key=lambda s: s.score, reverse=True)

    def supportable(self, sentence: str) -> bool:
        return len(content_tokens(sentence)) >= self.config.min_words

    def _similarities(self, sentence: str, quotes: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys([sentence, *quotes]) if t not in self._cache]
        if missing:
            vectors = self._embeddings.embed_documents(missing)
            for text, vector in zip(missing, vectors, strict=True):
                v = np.asarray(vector, dtype=np.float32)
                self._cache[text] = v / (np.linalg.norm(v) or 1.0)
        return np.stack([self._cache[q] for q in quotes]) @ self._cache[sentence]


@dataclass
class CitationCheck:
    """One answer's check, fed sentence by sentence (so a stream can be checked as it comes)."""

    passages: Sequence[Chunk]
    meter: SupportMeter
    kept: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # sentences dropped for lack of support
    invalid_markers: list[int] = field(default_factory=list)  # numbers that point at no passage
    _numbers: dict[int, int] = field(default_factory=dict)  # passage index -> citation number
    _quotes: dict[int, list[str]] = field(default_factory=dict)

    def add(self, sentence: str) -> str | None:
        """The sentence as it may reach the user (markers checked and renumbered), or None."""
        bare = _without_markers(sentence)
        if not bare:
            return None
        marked = self._valid_markers(sentence)
        if not self.meter.supportable(bare):
            self.unsupported.append(bare)
            return None
        threshold = self.meter.config.threshold
        supported = [s for s in self.meter.supports(bare, self.passages, marked) if s.score >= threshold]
        if not supported:  # uncited, or cited wrongly: the passage that does support it, if any
            everything = self.meter.supports(bare, self.passages, range(len(self.passages)))
            supported = [s for s in everything[:1] if s.score >= threshold]
        if not supported:
            self.unsupported.append(bare)
            return None
        numbers = [self._cite(s) for s in supported]
        text = f"{bare} {''.join(f'[{n}]' for n in dict.fromkeys(numbers))}"
        self.kept.append(text)
        return text

    @property
    def valid(self) -> bool:
        return bool(self._numbers)

    def answer_text(self) -> str:
        return " ".join(self.kept)

    def citations(self) -> list[Citation]:
        return [
            Citation(n, self.passages[i], " … ".join(dict.fromkeys(self._quotes[i])))
            for i, n in sorted(self._numbers.items(), key=lambda item: item[1])
        ]

    def _valid_markers(self, sentence: str) -> list[int]:
        valid = []
        for match in MARKER.finditer(sentence):
            for number in map(int, re.split(r"[,;]", match.group(1))):
                if 1 <= number <= len(self.passages):
                    valid.append(number - 1)
                else:
                    self.invalid_markers.append(number)
        return list(dict.fromkeys(valid))

    def _cite(self, support: Support) -> int:
        number = self._numbers.setdefault(support.passage, len(self._numbers) + 1)
        self._quotes.setdefault(support.passage, []).append(support.quote)
        return number


class SentenceBuffer:
    """Cuts streamed text into complete sentences (their markers attached) as pieces arrive."""

    def __init__(self) -> None:
        self._text = ""

    def feed(self, piece: str) -> list[str]:
        self._text += piece
        ends = [m.end() for m in BOUNDARY.finditer(self._text)]
        if not ends:
            return []
        done, self._text = self._text[: ends[-1]], self._text[ends[-1] :]
        return split_answer(done)

    def flush(self) -> list[str]:
        rest, self._text = self._text, ""
        return split_answer(rest)


def split_answer(text: str) -> list[str]:
    sentences, start = [], 0
    for match in BOUNDARY.finditer(text):
        sentences.append(text[start : match.end()])
        start = match.end()
    sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]


def checked_stream(pieces: Iterable[str], check: CitationCheck) -> Iterator[str]:
    """Checked sentences from a stream of model text, each as soon as it is complete."""
    buffer = SentenceBuffer()
    first = True
    for piece in pieces:
        for sentence in buffer.feed(piece):
            kept = check.add(sentence)
            if kept:
                yield kept if first else f" {kept}"
                first = False
    for sentence in buffer.flush():
        kept = check.add(sentence)
        if kept:
            yield kept if first else f" {kept}"
            first = False


def _without_markers(sentence: str) -> str:
    text = MARKER.sub(" ", sentence)
    text = re.sub(r"\s+([.,;:!?…])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _figures_in(text: str) -> set[str]:
    """Numbers as digit strings: "655 000", "655,000" and "655000" are one figure."""
    return {re.sub(r"\D", "", m) for m in FIGURE.findall(text)}


def _overlap(sentence: str, quote: str) -> float:
    """Share of the sentence's content words found in the quote (cognates count)."""
    return term_overlap(analyse(sentence, language="en"), quote)
