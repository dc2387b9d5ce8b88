"""Hybrid retrieval: dense (passage vectors) and lexical (BM25) results fused by a weighted sum of their
scores, each scaled to [0, 1] over the query's candidates.

BM25 rarely matches across languages, so its vote counts fully for chunks in the query's
language and is down-weighted for chunks in another language. `vectorstore.retriever` exposes
the same search as a LangChain retriever (apart, so that searching does not import LangChain's
retriever and tracing stack).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingest.models import Chunk
from vectorstore.dense import DenseIndex
from vectorstore.embeddings import CasebookEmbeddings
from vectorstore.filters import SearchFilters
from vectorstore.lexical import LexicalIndex


@dataclass
class ScoredChunk:
    """A retrieved chunk: fused score, and each side's own score when that side found it."""

    chunk: Chunk
    score: float
    dense: float | None = None  # cosine similarity in [0, 1]
    lexical: float | None = None  # BM25 score


@dataclass
class FusionWeights:
    """Weights of each side's normalised score in the fused score (set in `CASEBOOK_*` settings)."""

    dense: float
    lexical_same: float  # lexical vote for a chunk in the query's language (or unknown)
    lexical_cross: float  # lexical vote for a chunk in another language


@dataclass
class HybridSearcher:
    """Searches a `DenseIndex` and a `LexicalIndex` over the same chunks (row for row) and fuses
    the results.

    `expand_query` rewrites the lexical query only (e.g. spelling out acronyms); the dense side
    gets the question as asked, embedded by `embeddings`. A filter is applied to both sides with
    the lexical index's mask of the chunks it keeps, so a filtered search costs what an unfiltered
    one costs, and the store (Chroma) is not queried at all.
    """

    embeddings: CasebookEmbeddings
    lexical: LexicalIndex
    dense: DenseIndex
    weights: FusionWeights
    expand_query: Callable[[str], str] | None = None

    def search(
        self, query: str, k: int = 5, filters: SearchFilters | None = None, language: str | None = None
    ) -> list[ScoredChunk]:
        """The `k` best chunks for `query`, best first; `language` is the query's ("fr", "en"…)."""
        candidates = max(k * 4, 20)
        lexical_query = self.expand_query(query) if self.expand_query else query
        dense = self._dense(query, candidates, filters)
        lexical = self.lexical.search(lexical_query, candidates, filters, language)
        return self._fuse(dense, lexical, language)[:k]

    def _dense(self, query: str, k: int, filters: SearchFilters | None) -> list[tuple[Chunk, float]]:
        """The `k` chunks `filters` keeps that are most similar to `query`, with their cosine similarity."""
        kept = self.lexical.kept(filters) if filters is not None and not filters.is_empty() else None
        found = self.dense.search(self.embeddings.embed_query(query), k, kept)
        return [(self.lexical.chunks[row], similarity) for row, similarity in found]

    def _fuse(
        self,
        dense: list[tuple[Chunk, float]],
        lexical: list[tuple[Chunk, float]],
        language: str | None,
    ) -> list[ScoredChunk]:
        """Weighted sum of each side's score scaled to [0, 1] over this query's candidates.

        Scores, not ranks: a weak lexical match in the query's language must not outrank a strong
        dense match in another language, which rank fusion lets happen."""
        results: dict[str, ScoredChunk] = {}
        for chunk, similarity in dense:
            results.setdefault(chunk.id, ScoredChunk(chunk, 0.0)).dense = similarity
        for chunk, bm25 in lexical:
            results.setdefault(chunk.id, ScoredChunk(chunk, 0.0)).lexical = bm25
        similarities = [s for _, s in dense]
        floor, top = (min(similarities), max(similarities)) if similarities else (0.0, 1.0)
        best_bm25 = max((b for _, b in lexical), default=0.0) or 1.0
        for found in results.values():
            dense_part = (
                (found.dense - floor) / (top - floor) if found.dense is not None and top > floor else 0.0
            )
            lexical_part = (found.lexical or 0.0) / best_bm25
            found.score = (
                self.weights.dense * dense_part + self._lexical_weight(found.chunk, language) * lexical_part
            )
        return sorted(results.values(), key=lambda r: r.score, reverse=True)

    def _lexical_weight(self, chunk: Chunk, language: str | None) -> float:
        if language is None or chunk.language == language:
            return self.weights.lexical_same
        return self.weights.lexical_cross
