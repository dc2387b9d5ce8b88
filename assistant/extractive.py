"""The offline answer engine: pick the sentences that answer the question from retrieved passages.

Each candidate sentence is scored by its meaning (embedding similarity to the question, which
works across languages), the question's terms it contains, and whether it holds the kind of
answer asked for (a figure for "how many", a date for "when"...). The best sentences, 1 to 4,
become the answer, each followed by the number of its passage. Below the evidence threshold
the engine abstains instead of answering from unrelated text. It never writes text of its own
beyond a short lead naming the Action.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.answers import Answer, Citation
from assistant.messages import message
from assistant.questions import Question, term_overlap
from ingest.models import SECTION_KEYS, Chunk
from vectorstore.hybrid import ScoredChunk

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|novembre|"
    "décembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
    "noviembre|diciembre"
)
ANSWER_SHAPES: dict[str, re.Pattern[str]] = {
    "count": re.compile(
        r"\b\d[\d  .,]*\b(?!\s*[-–]\s*\d{4})|\b(one|two|three|four|five|six|seven|eight|nine|ten|"
        r"un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|dos|tres|cuatro|cinco|seis|siete|"
        r"ocho|nueve|diez)\b",
        re.IGNORECASE,
    ),
    "when": re.compile(rf"\b(19|20)\d{{2}}\b|\b({MONTHS})\b", re.IGNORECASE),
    "who": re.compile(
        r"\b[A-Z][A-Za-z]{1,}[A-Z]+\b|\b[A-Z]{2,}\b|\b(ministère|ministry|ministerio|"
        r"organisation|organization|organización|union|office|agence|agency)\b",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class ScoredSentence:
    text: str
    chunk: Chunk
    score: float
    similarity: float


@dataclass(frozen=True)
class ExtractiveConfig:
    threshold: float
    max_sentences: int = 4
    weight_overlap: float = 0.15
    weight_shape: float = 0.05
    weight_passage: float = 0.25
    margin: float = 0.06  # a further sentence must score within this of the best one
    min_words: int = 4


SentenceSource = Callable[[Sequence[str]], dict[str, list[tuple[str, list[float]]]]]


class ExtractiveAnswerer:
    """`sentences` gives, for chunk ids, each chunk's sentences with the vectors stored at ingest."""

    def __init__(self, embeddings: Embeddings, sentences: SentenceSource, config: ExtractiveConfig) -> None:
        self._embeddings = embeddings
        self._sentences = sentences
        self.config = config

    def answer(self, question: Question, passages: Sequence[ScoredChunk]) -> Answer:
        ranked = self.rank_sentences(question, passages)
        if not ranked or ranked[0].score < self.config.threshold:
            return self.abstain(question, passages)
        chosen = self._choose(ranked)
        return compose_answer(question, chosen, mode="extractive")

    def rank_sentences(self, question: Question, passages: Sequence[ScoredChunk]) -> list[ScoredSentence]:
        # Notes, criteria lists and back covers are cited by other paths; they answer nothing.
        hits = [hit for hit in passages if hit.chunk.section in SECTION_KEYS]
        stored = self._sentences([hit.chunk.id for hit in hits])
        candidates = [
            (sentence, np.asarray(vector), hit)
            for hit in hits
            for sentence, vector in stored.get(hit.chunk.id, [])
            if len(sentence.split()) >= self.config.min_words
        ]
        if not candidates:
            return []
        query = np.asarray(self._embeddings.embed_query(question.text))
        scored = [
            ScoredSentence(sentence, hit.chunk, self._score(question, sentence, hit, sim), sim)
            for sentence, vector, hit in candidates
            for sim in [float(vector @ query)]
        ]
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def abstain(self, question: Question, passages: Sequence[ScoredChunk]) -> Answer:
        nearest = [Citation(i + 1, hit.chunk, "") for i, hit in enumerate(passages[:3])]
        return Answer(
            question=question.text,
            answer=message("abstain", question.language),
            abstained=True,
            mode="extractive",
            language=question.language,
            nearest=nearest,
        )

    def _score(self, question: Question, sentence: str, hit: ScoredChunk, similarity: float) -> float:
        c = self.config
        shape = sum(
            1.0
            for kind, pattern in ANSWER_SHAPES.items()
            if question.wants(kind) and pattern.search(sentence)
        )
        passage = hit.dense if hit.dense is not None else similarity
        score = (
            (1 - c.weight_passage) * similarity
            + c.weight_passage * passage
            + c.weight_overlap * term_overlap(question, sentence)
            + c.weight_shape * min(shape, 1.0)
        )
        missing_years = [y for y in question.years if y not in hit.chunk.text and y not in hit.chunk.years]
        return score - 0.1 * len(missing_years)

    def _choose(self, ranked: list[ScoredSentence]) -> list[ScoredSentence]:
        best = ranked[0].score
        chosen: list[ScoredSentence] = []
        for sentence in ranked:
            if len(chosen) == self.config.max_sentences or sentence.score < best - self.config.margin:
                break
            if all(sentence.text != c.text for c in chosen):
                chosen.append(sentence)
        return chosen


def compose_answer(question: Question, sentences: Sequence[ScoredSentence], mode: str) -> Answer:
    """Sentences in passage order, each followed by its citation number; one citation per passage."""
    numbers: dict[str, int] = {}
    quotes: dict[str, list[str]] = {}
    chunks: dict[str, Chunk] = {}
    parts: list[str] = []
    for sentence in sentences:
        chunk_id = sentence.chunk.id
        numbers.setdefault(chunk_id, len(numbers) + 1)
        quotes.setdefault(chunk_id, []).append(sentence.text.strip())
        chunks[chunk_id] = sentence.chunk
        parts.append(f"{sentence.text.strip()} [{numbers[chunk_id]}]")
    citations = [Citation(n, chunks[cid], " ".join(quotes[cid])) for cid, n in numbers.items()]
    return Answer(
        question=question.text,
        answer=" ".join(parts),
        abstained=False,
        mode=mode,
        language=question.language,
        citations=citations,
    )
