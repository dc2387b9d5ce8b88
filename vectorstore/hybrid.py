"""Hybrid retrieval: dense (Chroma) and lexical (BM25) results fused by a weighted sum of their
scores, each scaled to [0, 1] over the query's candidates.

BM25 rarely matches across languages, so its vote counts fully for chunks in the query's
language and is down-weighted for chunks in another language. `vectorstore.retriever` exposes
the same search as a LangChain retriever (apart, so that searching does not import LangChain's
retriever and tracing stack).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ingest.models import Chunk
from vectorstore.chroma_store import ChunkStore
from vectorstore.filters import SearchFilters
from vectorstore.lexical import LexicalIndex

READ_BY_ID = 96  # a filter keeping at most this many chunks: their vectors are read and compared here
OVERFETCH = 2  # an unfiltered dense query asks for this many times the share of chunks a filter drops
MAX_UNFILTERED = 1000  # more than this, and the filter goes to Chroma after all


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
    """Searches a `ChunkStore` and a `LexicalIndex` over the same chunks and fuses the results.

    `expand_query` rewrites the lexical query only (e.g. spelling out acronyms); the dense side
    gets the question as asked. Both hold the same chunks, so the dense side takes only ids and
    distances from Chroma and the chunks themselves from the lexical index, and a filtered
    search finds which chunks the filter keeps in the lexical index's columns rather than ask
    Chroma to filter (a filtered Chroma query passes over the whole collection: see `_dense`).
    """

    store: ChunkStore
    lexical: LexicalIndex
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
        """The `k` chunks `filters` keeps that are most similar to `query`, without a filtered
        Chroma query where a cheaper one finds the same: a filter that keeps a few chunks has
        their vectors compared here (`ChunkStore.query_among`); one that keeps many has an
        unfiltered query ask for enough more chunks that `k` of them pass. Its cost depends on
        the share of chunks the filter keeps, not on the size of the collection."""
        known = self.lexical.by_id
        if filters is None or filters.is_empty():
            return self.store.query(query, k, known=known)
        kept = self.lexical.kept(filters)
        count = int(np.count_nonzero(kept))
        if count <= READ_BY_ID:
            ids = [self.lexical.chunks[row].id for row in np.flatnonzero(kept)]
            return self.store.query_among(query, k, ids, known)
        wanted = math.ceil(k * len(kept) / count * OVERFETCH)
        if wanted <= MAX_UNFILTERED:
            found = self.store.query(query, wanted, known=known)
            passing = [(chunk, s) for chunk, s in found if self.lexical.is_kept(kept, chunk.id)]
            if len(passing) >= k or len(found) < wanted:  # k passed, or the collection is all read
                return passing[:k]
        return self.store.query(query, k, filters, known=known)

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
