"""`BM25Weights`: every term's BM25 weight in every chunk, as bm25s computes and saves them; and
bm25s's stop words (`bm25s_stopwords`), the other thing Casebook takes from bm25s.

bm25s (its default, Lucene's BM25) weighs each (term, chunk) pair once, at indexing, and keeps
the weights as a sparse matrix with a column per term; a query's scores are then sums of stored
weights. Only building needs bm25s: loading the saved matrix and scoring need numpy alone. That
matters to a one-shot command, since importing bm25s imports scipy (a tenth of a second or more),
so bm25s is imported only when an index is built (`_bm25s`), not here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

# The names bm25s's `BM25.save` gives these files (an index it saved loads here as it is).
_ARRAY_FILES = {
    "data": "data.csc.index.npy",
    "indices": "indices.csc.index.npy",
    "indptr": "indptr.csc.index.npy",
}
_VOCAB_FILE = "vocab.index.json"
_PARAMS_FILE = "params.index.json"


@dataclass(frozen=True)
class BM25Weights:
    """Term t's weights are `data[indptr[t]:indptr[t + 1]]`, in the chunks (rows) `indices[...]`."""

    vocab: dict[str, int]  # term -> its column
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    num_docs: int

    @classmethod
    def build(cls, corpus: Sequence[list[str]]) -> BM25Weights:
        """Weights of the terms of `corpus` (one list of terms per chunk)."""
        if not corpus:
            empty = np.zeros(0, dtype=np.float32)
            return cls({}, empty, np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64), 0)
        bm25 = _bm25s().BM25()
        bm25.index(list(corpus), show_progress=False)
        s = bm25.scores
        return cls(
            _weighted(bm25.vocab_dict, s["indptr"]), s["data"], s["indices"], s["indptr"], s["num_docs"]
        )

    def scores(self, terms: Iterable[str]) -> np.ndarray:
        """Each chunk's BM25 score for `terms` (terms outside the vocabulary add nothing).

        The weights are added term by term in float32, as bm25s's `get_scores` adds them, so the
        scores are the very numbers bm25s gives."""
        scores = np.zeros(self.num_docs, dtype=self.data.dtype)
        for term in terms:
            column = self.vocab.get(term)
            if column is not None:
                start, end = self.indptr[column], self.indptr[column + 1]
                np.add.at(scores, self.indices[start:end], self.data[start:end])
        return scores

    def save(self, folder: Path) -> None:
        for name, file in _ARRAY_FILES.items():
            np.save(folder / file, getattr(self, name), allow_pickle=False)
        (folder / _VOCAB_FILE).write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        (folder / _PARAMS_FILE).write_text(json.dumps({"num_docs": self.num_docs}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> BM25Weights:
        """The weights saved in `folder`; FileNotFoundError when a file is missing."""
        arrays = {name: np.load(folder / file, allow_pickle=False) for name, file in _ARRAY_FILES.items()}
        vocab = json.loads((folder / _VOCAB_FILE).read_text(encoding="utf-8"))
        params = json.loads((folder / _PARAMS_FILE).read_text(encoding="utf-8"))
        return cls(_weighted(vocab, arrays["indptr"]), num_docs=params["num_docs"], **arrays)


def _weighted(vocab: dict[str, int], indptr: np.ndarray) -> dict[str, int]:
    """`vocab` without the terms that have no column (bm25s adds an empty term, with none)."""
    return {term: column for term, column in vocab.items() if column < len(indptr) - 1}


def bm25s_stopwords() -> dict[str, list[str]]:
    """bm25s's stop words for French, English and Spanish (what a new index is built with)."""
    stopwords = _bm25s().stopwords
    return {"fr": stopwords.STOPWORDS_FRENCH, "en": stopwords.STOPWORDS_EN, "es": stopwords.STOPWORDS_SPANISH}


def _bm25s() -> ModuleType:
    """bm25s, imported on first use; its logger (which it sets to DEBUG) left to the application."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.NOTSET)
    return bm25s
