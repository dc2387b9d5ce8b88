"""`DenseIndex`: the passage vectors in memory, searched exactly by cosine similarity.

One float32 row per chunk, in the order of the `LexicalIndex` built from the same read of the
store (`ChunkStore.all_passages`), so the lexical index's filter masks (`LexicalIndex.kept`) say
which rows a filtered search may return. A search is one matrix-vector product over all the
passages (about 2 ms for 20,000 passages of 512 dimensions), kept for the query's next searches:
a question is searched several times with other filters but the same vector. A search kept to a
few rows (a resolved Action's passages, `FEW_ROWS`) computes those rows only. Exact, so it finds
what Chroma's filtered query finds without its cost (a filtered Chroma query passes over the whole
collection) and without the recall an approximate (HNSW) index loses. Chroma stays the persistent
store; the index is saved beside the lexical one and rebuilt with it whenever the store changes.

The product is computed with einsum, not BLAS: a multi-threaded BLAS matrix-vector product is ten
times slower when the machine's cores are busy with other work.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from vectorstore.ranking import best_rows

_VECTORS_FILE = "passage_vectors.npy"
_MODEL_FILE = "passage_vectors.json"
RECENT_QUERIES = 16  # query vectors whose similarities are kept (one question, several searches)
# A search kept to fewer than one row in FEW_ROWS (one Action's passages) computes its rows only,
# GATHERED at a time: at 20,044 rows of 512 dimensions, 0.01 ms for one Action's 20 rows against
# 1.8 ms for a scan of all. Past that share the scan is cheaper: it is kept for the next searches,
# and one section's 2,809 rows take 1.4 ms to gather.
FEW_ROWS = 16
GATHERED = 256


class StaleVectorsError(ValueError):
    """Saved vectors come from another embedding model than the one queries are embedded with."""


class DenseIndex:
    """Unit-length passage vectors (one row per chunk) and the model that made them."""

    def __init__(self, vectors: np.ndarray, model_id: str) -> None:
        array = np.ascontiguousarray(vectors, dtype=np.float32)
        self.vectors = array.reshape(len(array), -1) if array.size else array.reshape(len(array), 0)
        self.vectors.flags.writeable = False
        self.model_id = model_id
        self._similarities = lru_cache(maxsize=RECENT_QUERIES)(self._all_similarities)

    @classmethod
    def load(cls, path: str | Path, model_id: str) -> DenseIndex:
        """The vectors saved at `path` with `save`; FileNotFoundError when there are none,
        StaleVectorsError when another model made them."""
        folder = Path(path)
        saved = json.loads((folder / _MODEL_FILE).read_text(encoding="utf-8"))["model_id"]
        if saved != model_id:
            raise StaleVectorsError(f"{folder} holds vectors of {saved}, not {model_id}")
        return cls(np.load(folder / _VECTORS_FILE), model_id)

    def save(self, path: str | Path) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / _VECTORS_FILE, self.vectors)
        (folder / _MODEL_FILE).write_text(json.dumps({"model_id": self.model_id}), encoding="utf-8")

    def __len__(self) -> int:
        return len(self.vectors)

    def search(
        self, query: Sequence[float], k: int, kept: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The `k` rows most similar to the unit-length `query`, best first, with their cosine
        similarity clamped to [0, 1] (as `ChunkStore.query` reports it); only the rows `kept`
        keeps (a mask over the rows) when it is given. Ties keep row order."""
        if not len(self) or k <= 0:
            return []
        vector = np.asarray(query, dtype=np.float32)
        rows = np.flatnonzero(kept) if kept is not None else np.arange(len(self))
        if len(rows) * FEW_ROWS < len(self):  # a scoped search: only its rows, not the whole scan
            similarities = self._some_similarities(vector, rows)
            best = best_rows(similarities, np.arange(len(rows)), k)
            found, scores = rows[best], similarities[best]
        else:
            similarities = self._similarities(vector.tobytes())
            found = best_rows(similarities, rows, k)
            scores = similarities[found]
        return [(int(row), min(1.0, max(0.0, float(s)))) for row, s in zip(found, scores, strict=True)]

    def _some_similarities(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The cosine similarity of each of `rows` to the query, gathered `GATHERED` rows at a time:
        one gather of thousands of rows allocates megabytes afresh, which costs more than the product."""
        similarities = np.empty(len(rows), dtype=np.float32)
        for start in range(0, len(rows), GATHERED):
            part = rows[start : start + GATHERED]
            similarities[start : start + len(part)] = np.einsum("ij,j->i", self.vectors[part], query)
        return similarities

    def _all_similarities(self, query: bytes) -> np.ndarray:
        """Every row's cosine similarity to the query (its float32 bytes), read-only (kept)."""
        similarities = np.einsum("ij,j->i", self.vectors, np.frombuffer(query, dtype=np.float32))
        similarities.flags.writeable = False
        return similarities
