"""`LexicalIndex`: BM25 over chunk texts, stemmed in each chunk's language and accent-insensitive.

Terms come from `TermAnalyzer` (see `analysis.py`), weights from `BM25Weights` (`bm25.py`). The
index keeps its chunks, and their `FilterColumns`, so it filters with `SearchFilters.mask` (no
pass over the chunks per query) and can be saved and loaded without the Chroma store; rebuild it
from the store's chunks (`ChunkStore.all_passages`, read with the `DenseIndex`'s vectors and the
`SentenceVectors`, which follow its rows) whenever the store changes or the saved copy is
missing. Loading a saved index and searching it need neither bm25s nor scipy (only building does).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.models import Chunk
from vectorstore import metadata as md
from vectorstore.analysis import STEMMER_NAMES, TermAnalyzer
from vectorstore.bm25 import BM25Weights
from vectorstore.filters import FilterColumns, SearchFilters
from vectorstore.ranking import best_rows

logger = logging.getLogger(__name__)

_CHUNKS_FILE = "chunks.json"
_TERMS_FILE = "known_terms.json"
_STOPWORDS_FILE = "stopwords.json"
_STEMMERS_FILE = "stemmers.json"
# Queries whose scores are kept: a question is searched several times (the Actions it names one
# by one, its section, its answer), each time with other filters but the same scores.
RECENT_QUERIES = 16
# Filters whose masks are kept: a search reads its filter's mask twice (dense side, lexical side).
RECENT_FILTERS = 64


class StaleIndexError(ValueError):
    """A saved index was built with other stemmers than this version's: its terms would not
    match a query's."""


class LexicalIndex:
    """BM25 over a fixed set of chunks; build a new one when the chunks change."""

    def __init__(self, chunks: Sequence[Chunk], weights: BM25Weights, analyzer: TermAnalyzer) -> None:
        self.chunks = list(chunks)
        self._rows = {chunk.id: row for row, chunk in enumerate(self.chunks)}
        self._columns = FilterColumns(self.chunks)
        self._weights = weights
        self._analyzer = analyzer
        self._scores = lru_cache(maxsize=RECENT_QUERIES)(self._query_scores)
        self._masks = lru_cache(maxsize=RECENT_FILTERS)(self._mask)

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> LexicalIndex:
        analyzer = TermAnalyzer()
        weights = BM25Weights.build([analyzer.document_terms(chunk.text, chunk.language) for chunk in chunks])
        logger.info("Built the lexical index over %d chunks", len(chunks))
        return cls(chunks, weights, analyzer)

    @classmethod
    def load(cls, path: str | Path) -> LexicalIndex:
        """Load an index saved with `save`; FileNotFoundError when there is none (or it predates
        the stemmers' file), StaleIndexError when it stemmed other languages."""
        folder = Path(path)
        stemmers = json.loads((folder / _STEMMERS_FILE).read_text(encoding="utf-8"))
        if stemmers != STEMMER_NAMES:
            raise StaleIndexError(f"{folder} was stemmed with {stemmers}, not {STEMMER_NAMES}")
        data = json.loads((folder / _CHUNKS_FILE).read_text(encoding="utf-8"))
        chunks = [md.chunk_from_json(item) for item in data]
        analyzer = TermAnalyzer(
            json.loads((folder / _TERMS_FILE).read_text(encoding="utf-8")),
            json.loads((folder / _STOPWORDS_FILE).read_text(encoding="utf-8")),
        )
        return cls(chunks, BM25Weights.load(folder), analyzer)

    def save(self, path: str | Path) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        self._weights.save(folder)
        data = [md.chunk_to_json(chunk) for chunk in self.chunks]
        (folder / _TERMS_FILE).write_text(json.dumps(self._analyzer.known), encoding="utf-8")
        (folder / _STOPWORDS_FILE).write_text(json.dumps(self._analyzer.stopwords), encoding="utf-8")
        (folder / _CHUNKS_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        (folder / _STEMMERS_FILE).write_text(json.dumps(STEMMER_NAMES), encoding="utf-8")

    def __len__(self) -> int:
        return len(self.chunks)

    def kept(self, filters: SearchFilters) -> np.ndarray:
        """Whether `filters` keeps each chunk, in the order of `chunks` (`SearchFilters.mask`);
        read-only (the array is kept for the filter's next search)."""
        return self._masks(filters)

    def row(self, chunk_id: str) -> int | None:
        """The row of the chunk `chunk_id` (its place in `chunks`); None when it is not one of them."""
        return self._rows.get(chunk_id)

    def search(
        self, query: str, k: int, filters: SearchFilters | None = None, language: str | None = None
    ) -> list[tuple[Chunk, float]]:
        """The `k` best chunks for `query` with their BM25 scores, best first; only positive scores."""
        if not self.chunks or k <= 0:
            return []
        scores = self._scores(query, language)
        found = scores > 0
        if filters is not None and not filters.is_empty():
            found &= self.kept(filters)
        return [(self.chunks[i], float(scores[i])) for i in best_rows(scores, np.flatnonzero(found), k)]

    def _query_scores(self, query: str, language: str | None) -> np.ndarray:
        """Every chunk's BM25 score for `query`, read-only (the array is kept for its next search)."""
        scores = self._weights.scores(self._analyzer.query_terms(query, language))
        scores.flags.writeable = False
        return scores

    def _mask(self, filters: SearchFilters) -> np.ndarray:
        kept = filters.mask(self._columns)
        kept.flags.writeable = False
        return kept
