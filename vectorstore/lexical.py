"""`LexicalIndex`: BM25 over chunk texts, accent-folded and stemmed in each chunk's language.

Tokens are folded first ("réfugiés" -> "refugies") and then stemmed, so a query typed with or
without accents meets the same stems. A query in an unknown language is stemmed with every
supported stemmer and the stems are merged. The index keeps its chunks, so it filters with
`SearchFilters.matches` and can be saved and loaded without the Chroma store; rebuild it from
`ChunkStore.all_chunks()` whenever the store changes or the saved copy is missing.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import bm25s
import numpy as np
import snowballstemmer
from bm25s import stopwords as bm25_stopwords

from ingest.models import Chunk
from vectorstore import metadata as md
from vectorstore.filters import SearchFilters
from vectorstore.text import fold

logger = logging.getLogger(__name__)

_STEMMER_NAMES = {"fr": "french", "en": "english", "es": "spanish"}
_STOPWORDS: dict[str, frozenset[str]] = {
    language: frozenset(fold(word) for word in words)
    for language, words in (
        ("fr", bm25_stopwords.STOPWORDS_FRENCH),
        ("en", bm25_stopwords.STOPWORDS_EN),
        ("es", bm25_stopwords.STOPWORDS_SPANISH),
    )
}
_WORD = re.compile(r"\w+")
_CHUNKS_FILE = "chunks.json"
_local = threading.local()  # Snowball stemmers keep state while stemming: one set per thread


class LexicalIndex:
    """BM25 over a fixed set of chunks; build a new one when the chunks change."""

    def __init__(self, chunks: Sequence[Chunk], bm25: bm25s.BM25) -> None:
        self.chunks = list(chunks)
        self._bm25 = bm25

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> LexicalIndex:
        bm25 = bm25s.BM25()
        corpus = [tokenize(chunk.text, chunk.language) for chunk in chunks]
        if chunks:
            bm25.index(corpus, show_progress=False)
        logger.info("Built the lexical index over %d chunks", len(chunks))
        return cls(chunks, bm25)

    @classmethod
    def load(cls, path: str | Path) -> LexicalIndex:
        """Load an index saved with `save`; FileNotFoundError when there is none."""
        folder = Path(path)
        data = json.loads((folder / _CHUNKS_FILE).read_text(encoding="utf-8"))
        chunks = [md.chunk_from_json(item) for item in data]
        if not chunks:
            return cls.build(chunks)
        return cls(chunks, bm25s.BM25.load(str(folder), show_progress=False))

    @classmethod
    def load_or_build(cls, path: str | Path, all_chunks: Callable[[], Sequence[Chunk]]) -> LexicalIndex:
        """The index saved at `path`, else one built from `all_chunks()` and saved there."""
        try:
            return cls.load(path)
        except FileNotFoundError:
            logger.info("No lexical index at %s: rebuilding it", path)
            index = cls.build(all_chunks())
            index.save(path)
            return index

    def save(self, path: str | Path) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        if self.chunks:
            self._bm25.save(str(folder), show_progress=False)
        data = [md.chunk_to_json(chunk) for chunk in self.chunks]
        (folder / _CHUNKS_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def __len__(self) -> int:
        return len(self.chunks)

    def search(
        self, query: str, k: int, filters: SearchFilters | None = None, language: str | None = None
    ) -> list[tuple[Chunk, float]]:
        """The `k` best chunks for `query` with their BM25 scores, best first; only positive scores."""
        tokens = [t for t in query_tokens(query, language) if t in self._bm25.vocab_dict]
        if not tokens or k <= 0:
            return []
        scores = self._bm25.get_scores(tokens) * self._mask(filters)
        best = np.argsort(-scores, kind="stable")[:k]
        return [(self.chunks[i], float(scores[i])) for i in best if scores[i] > 0]

    def _mask(self, filters: SearchFilters | None) -> np.ndarray:
        if filters is None or filters.is_empty():
            return np.ones(len(self.chunks))
        return np.array([filters.matches(chunk) for chunk in self.chunks], dtype=float)


def tokenize(text: str, language: str) -> list[str]:
    """Folded, stop-word-free, stemmed tokens of `text` read as `language` (unknown: folded only)."""
    words = _words(text, _STOPWORDS.get(language, frozenset()))
    if language not in _STEMMER_NAMES:
        return words
    return _stemmer(language).stemWords(words)


def query_tokens(query: str, language: str | None) -> list[str]:
    """Distinct tokens of `query`; in an unknown language, the stems of every supported language."""
    if language is not None:
        return list(dict.fromkeys(tokenize(query, language)))
    words = _words(query, frozenset().union(*_STOPWORDS.values()))
    stems = [stem for lang in _STEMMER_NAMES for stem in _stemmer(lang).stemWords(words)]
    return list(dict.fromkeys(stems))


def _words(text: str, stopwords: frozenset[str]) -> list[str]:
    return [word for word in _WORD.findall(fold(text)) if word not in stopwords]


def _stemmer(language: str) -> snowballstemmer.Stemmer:
    stemmers: dict[str, snowballstemmer.Stemmer] = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(_STEMMER_NAMES[language])
    return stemmers[language]
