"""`SentenceVectors`: each passage's sentences and their vectors in memory, for the answer engine.

Rows follow the `LexicalIndex` and the `DenseIndex` built from the same read of the store
(`ChunkStore.all_passages`): row `i` holds the sentences of the lexical index's chunk `i`, in
order, each with the vector stored for it at ingest (`metadata.py`). Every sentence's vector is a
row of one float32 matrix and its text an item of one list; `offsets[i]:offsets[i + 1]` are row
`i`'s sentences (none for notes, criteria lists and back covers). An answer reads its passages'
sentences here, not from Chroma; the copy is saved beside the lexical index and rebuilt with it
whenever the store changes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

_TEXTS_FILE = "sentences.json"
_VECTORS_FILE = "sentence_vectors.npy"
_OFFSETS_FILE = "sentence_offsets.npy"


class SentenceVectors:
    """The sentences of a fixed list of passages (one row each), with their vectors."""

    def __init__(self, texts: Sequence[str], vectors: np.ndarray, offsets: np.ndarray) -> None:
        if len(texts) != len(vectors) or not len(offsets) or offsets[0] != 0 or offsets[-1] != len(texts):
            raise ValueError(f"{len(texts)} sentences and {len(vectors)} vectors do not match their offsets")
        self.texts = list(texts)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.vectors.flags.writeable = False
        self.offsets = np.asarray(offsets, dtype=np.int64)

    @classmethod
    def build(cls, passages: Sequence[Sequence[tuple[str, ArrayLike]]]) -> SentenceVectors:
        """From each passage's sentences with their vectors, in row order ([] for a passage without)."""
        texts = [text for sentences in passages for text, _ in sentences]
        rows = [vector for sentences in passages for _, vector in sentences]
        vectors = np.asarray(rows, dtype=np.float32) if rows else np.empty((0, 0), dtype=np.float32)
        offsets = np.zeros(len(passages) + 1, dtype=np.int64)
        np.cumsum([len(sentences) for sentences in passages], out=offsets[1:])
        return cls(texts, vectors, offsets)

    @classmethod
    def load(cls, path: str | Path) -> SentenceVectors:
        """The sentences saved at `path` with `save`; FileNotFoundError when there are none."""
        folder = Path(path)
        texts = json.loads((folder / _TEXTS_FILE).read_text(encoding="utf-8"))
        return cls(texts, np.load(folder / _VECTORS_FILE), np.load(folder / _OFFSETS_FILE))

    def save(self, path: str | Path) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / _VECTORS_FILE, self.vectors)
        np.save(folder / _OFFSETS_FILE, self.offsets)
        (folder / _TEXTS_FILE).write_text(json.dumps(self.texts, ensure_ascii=False), encoding="utf-8")

    def __len__(self) -> int:
        """The number of passages (rows), not of sentences."""
        return len(self.offsets) - 1

    def of_row(self, row: int) -> list[tuple[str, np.ndarray]]:
        """Row `row`'s sentences in order, each with its vector (a read-only float32 row)."""
        start, end = int(self.offsets[row]), int(self.offsets[row + 1])
        return list(zip(self.texts[start:end], self.vectors[start:end], strict=True))
