"""`ChunkStore`: the chunks and their vectors in a Chroma collection (embedded or server).

Casebook computes vectors with its own `CasebookEmbeddings` and hands them to Chroma, so
Chroma never loads (or downloads) its default embedding model. The collection records which
model made its vectors; `ensure_model` resets it when the model changes, and adding or querying
with another model raises `ModelMismatchError`, so vectors of two models are never mixed. Its
configuration records the backend as a Chroma embedding function (`chroma_embedding.py`), so
other Chroma clients query it by text with the same model. A collection written by an earlier
Casebook is brought up to date when it is opened (`migration.py`).

Each chunk of a text section carries its sentences and their vectors in its metadata
(`metadata.py`), not as rows of their own: nothing searches sentences by vector, so they need
no place in Chroma's vector index, and a chunk and its sentences are written (and deleted) as one
record. Such a chunk's own vector is made from its sentences' (`passage_vectors.py`). They are
read back with every passage (`all_passages`), for the indexes held in memory.

On a server (`from_url`) the connection is opened lazily and retried on each call: a server that
is down raises `StoreUnavailableError` (never a raw HTTP error), and the same store works again
once the server is back, without being rebuilt.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlparse

import chromadb
import httpx
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings
from chromadb.errors import AuthorizationError, ChromaAuthError
from filelock import FileLock

from ingest.models import SECTION_KEYS, Chunk
from ingest.sentences import split_sentences
from vectorstore import metadata as md
from vectorstore import migration, passage_vectors
from vectorstore.chroma_embedding import CasebookEmbeddingFunction
from vectorstore.dense import DenseIndex
from vectorstore.embeddings import CasebookEmbeddings
from vectorstore.filters import SearchFilters

logger = logging.getLogger(__name__)

DEFAULT_COLLECTION = "casebook"
MODEL_KEY = "embedding_model_id"
READ_PAGE = 5000  # chunks per read of the whole collection
# Chunks per upsert: one call for each group an ingest writes (`Library` writes about 256 at a
# time), since Chroma's cost per call is large (612 chunks took a third less CPU in calls of 1,000
# than of 64), and well under the largest batch Chroma accepts (5,461).
WRITE_BATCH = 1000
_HNSW: Any = {"space": "cosine"}
_SETTINGS = Settings(anonymized_telemetry=False)


class ModelMismatchError(RuntimeError):
    """The collection holds vectors of another embedding model; call `ensure_model()` first."""


class StoreUnavailableError(RuntimeError):
    """The Chroma server cannot be used now: it cannot be reached, or it refused the token.

    `url` names it. Retrying later may succeed (once it is back, or the token is fixed).
    """

    def __init__(self, url: str, reason: str, refused: bool = False) -> None:
        problem = "refused the token" if refused else "is not reachable"
        super().__init__(f"the Chroma server at {url} {problem}: {reason}")
        self.url = url
        self.reason = reason
        self.refused = refused


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _is_connection_error(error: Exception) -> bool:
    if isinstance(error, (httpx.TransportError, ConnectionError)):
        return True
    # chromadb's HttpClient wraps a refused connection in a ValueError with this wording
    return isinstance(error, ValueError) and str(error).startswith("Could not connect to")


def _refused_status(error: BaseException) -> int | None:
    """401 or 403 when the server (or a gateway before it) refused the credentials."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, httpx.HTTPStatusError) and seen.response.status_code in (401, 403):
            return seen.response.status_code
        if isinstance(seen, (ChromaAuthError, AuthorizationError)):
            return seen.code()
        seen = seen.__cause__ or seen.__context__
    return None


def _reachable(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn a lost connection to, or a refusal by, a Chroma server into `StoreUnavailableError`."""

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except StoreUnavailableError:
            raise
        except Exception as error:
            store = args[0]
            if not isinstance(store, ChunkStore):
                raise
            status = _refused_status(error)
            if status is not None:
                raise StoreUnavailableError(store.location, f"HTTP {status}", refused=True) from error
            if not _is_connection_error(error):
                raise
            raise StoreUnavailableError(store.location, _first_line(error)) from error

    return wrapper


class ChunkStore:
    """Chunks with their vectors, searchable by cosine similarity and filterable by metadata."""

    def __init__(
        self,
        client: ClientAPI | None,
        embeddings: CasebookEmbeddings,
        collection: str = DEFAULT_COLLECTION,
        connect: Callable[[], ClientAPI] | None = None,
        location: str = "embedded",
    ) -> None:
        """`client` now, or `connect` to make one on first use (and again after a failure)."""
        self._client = client
        self._connect = connect
        self.location = location
        self.embeddings = embeddings
        self.collection_name = collection
        self._opened: dict[str, Collection] = {}
        if client is not None:
            self._open()

    @property
    def client(self) -> ClientAPI:
        if self._client is None:
            assert self._connect is not None, "a ChunkStore needs a client or a way to connect"
            self._client = self._connect()
        return self._client

    def _open(self) -> None:
        try:
            chunks = self._open_collection()
            stored = (chunks.metadata or {}).get(MODEL_KEY)
            if stored is not None:  # a collection Casebook wrote
                self._bring_up_to_date(chunks, str(stored))
        except Exception:
            if self._connect is not None:
                self._client = None  # reconnect on the next call
            raise
        self._opened = {"chunks": chunks}

    def _bring_up_to_date(self, chunks: Collection, stored_model: str) -> None:
        """Migrate an earlier Casebook's metadata; record the embedding function if it is ours."""
        schema = migration.schema_of(chunks)
        if schema < md.SCHEMA_VERSION:
            changed = migration.migrate(self.client, chunks)
            logger.info(
                "Collection %s: metadata of %d chunks brought from schema %d to %d",
                self.collection_name,
                changed,
                schema,
                md.SCHEMA_VERSION,
            )
        if stored_model == self.embeddings.model_id:
            migration.record_embedding_function(chunks, self._embedding_function)

    @property
    def _embedding_function(self) -> CasebookEmbeddingFunction:
        return CasebookEmbeddingFunction(self.embeddings)

    @property
    def _collection(self) -> Collection:
        if not self._opened:
            self._open()
        return self._opened["chunks"]

    @_collection.setter
    def _collection(self, value: Collection) -> None:
        self._opened["chunks"] = value

    @classmethod
    def persistent(
        cls, path: str | Path, embeddings: CasebookEmbeddings, collection: str = DEFAULT_COLLECTION
    ) -> ChunkStore:
        """A store kept in a local folder (Chroma embedded in this process).

        Processes that open a fresh folder at the same moment would race on Chroma's schema
        ("table collections already exists"): opening is serialised by a lock in the folder.
        """
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(folder / "open.lock")):
            client = chromadb.PersistentClient(path=str(folder), settings=_SETTINGS)
            return cls(client, embeddings, collection)

    @classmethod
    def from_url(
        cls,
        url: str,
        embeddings: CasebookEmbeddings,
        token: str | None = None,
        collection: str = DEFAULT_COLLECTION,
    ) -> ChunkStore:
        """A store on a Chroma server, e.g. "http://localhost:8000"; `token` is sent as a Bearer token."""
        parsed = urlparse(url)
        secure = parsed.scheme == "https"
        headers = {"Authorization": f"Bearer {token}"} if token else None

        def connect() -> ClientAPI:
            return chromadb.HttpClient(
                host=parsed.hostname or "localhost",
                port=parsed.port or (443 if secure else 8000),
                ssl=secure,
                headers=headers,
                # a fresh Settings each time: HttpClient writes the port into the object it gets
                settings=Settings(anonymized_telemetry=False),
            )

        return cls(None, embeddings, collection, connect=connect, location=url)

    @property
    @_reachable
    def stored_model_id(self) -> str | None:
        """The model that made the collection's vectors (None for a collection made elsewhere)."""
        metadata = self._collection.metadata or {}
        model_id = metadata.get(MODEL_KEY)
        return str(model_id) if model_id is not None else None

    @_reachable
    def ensure_model(self, model_id: str | None = None) -> bool:
        """Reset the collection when its vectors come from another model; True when it was reset.

        `model_id` defaults to this store's embeddings. After a reset the caller must re-add
        every chunk (and rebuild the lexical index from them).
        """
        wanted = model_id or self.embeddings.model_id
        if self.stored_model_id == wanted:
            return False
        logger.warning(
            "Collection %s holds vectors of %s, not %s: resetting it",
            self.collection_name,
            self.stored_model_id,
            wanted,
        )
        self.client.delete_collection(self.collection_name)
        self._collection = self._open_collection(wanted)
        return True

    def embed(self, chunks: Sequence[Chunk]) -> ChunkVectors:
        """The vectors `add` writes for `chunks`, made in one `embed_documents` call (the backend
        packs short texts many to an engine call, so chunks of several files are best embedded
        together). Each sentence of the chunks of a text section (`SECTION_KEYS`, the only ones the
        answer engine weighs) is embedded, and such a chunk's vector is the normalised mean of its
        sentences' (`passage_vectors.py`), so no text is embedded twice: a text that recurs in
        several chunks (each file's back cover about the programme) is embedded once. A chunk
        that is one sentence is embedded once and lends that vector to its sentence; notes,
        criteria lists and back covers have no sentence rows and are embedded whole."""
        sentences = _sentence_rows(chunks)
        derived = {s.chunk_id for s in sentences if s.embedded}
        whole = [c for c in chunks if c.id not in derived]
        texts = list(dict.fromkeys([c.text for c in whole] + [s.text for s in sentences if s.embedded]))
        vector_of = dict(zip(texts, self.embeddings.embed_documents(texts), strict=True))
        passages = {c.id: vector_of[c.text] for c in whole}
        rows: dict[str, list[tuple[_SentenceRow, list[float]]]] = {}
        for s in sentences:  # a sentence that is not embedded is its chunk's whole text
            rows.setdefault(s.chunk_id, []).append((s, vector_of[s.text]))
        for chunk_id in derived:
            passages[chunk_id] = passage_vectors.from_sentences([v for _, v in rows[chunk_id]])
        return ChunkVectors(passages, rows)

    @_reachable
    def add(
        self, chunks: Sequence[Chunk], vectors: ChunkVectors | None = None, batch_size: int = WRITE_BATCH
    ) -> None:
        """Add or replace `chunks` by id: adding the same chunk twice keeps one copy.

        `vectors` are those `embed` made for these chunks (or more); without them they are made
        here. The sentences of each chunk, with their vectors, are part of its record, so a
        chunk that is present always has its sentences (and a replaced one only its new ones)."""
        self._check_model()
        if vectors is None:
            vectors = self.embed(chunks)
        for start in range(0, len(chunks), batch_size):
            batch = chunks[start : start + batch_size]
            self._collection.upsert(
                ids=[chunk.id for chunk in batch],
                embeddings=[vectors.passages[chunk.id] for chunk in batch],  # type: ignore[arg-type]
                documents=[chunk.text for chunk in batch],
                metadatas=[_record_metadata(chunk, vectors) for chunk in batch],  # type: ignore[misc]
            )
        logger.info("Stored %d chunks in %s", len(chunks), self.collection_name)

    @_reachable
    def delete_ids(self, ids: Sequence[str]) -> None:
        """Delete these chunks (their sentences with them)."""
        if ids:
            self._collection.delete(ids=list(ids))

    @_reachable
    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk, ordered by source, case study and position."""
        return self._read_all(with_vectors=False).chunks

    @_reachable
    def all_passages(self) -> StoredPassages:
        """Every stored chunk, ordered as `all_chunks`, with its passage vector and its sentences
        with theirs, read in the same pages (what the in-memory indexes are built from)."""
        return self._read_all(with_vectors=True)

    def _read_all(self, with_vectors: bool) -> StoredPassages:
        """Every chunk, sorted, and (with `with_vectors`) their vectors and sentences in the same
        order. Read in pages: a Chroma server refuses one read of some 50,000 chunks ("too many
        SQL variables")."""
        include: Any = ["documents", "metadatas", *(["embeddings"] if with_vectors else [])]
        chunks: list[Chunk] = []
        sentences: list[list[tuple[str, np.ndarray]]] = []
        pages: list[np.ndarray] = []
        while True:
            records = self._collection.get(include=include, limit=READ_PAGE, offset=len(chunks))
            chunks.extend(_stored_chunks(records["ids"], records["documents"], records["metadatas"]))
            if with_vectors and records["ids"]:
                pages.append(np.asarray(records["embeddings"], dtype=np.float32))
                sentences.extend(md.sentences_from_metadata(m) for m in records["metadatas"] or [])
            if len(records["ids"]) < READ_PAGE:
                break
        order = sorted(
            range(len(chunks)), key=lambda i: (chunks[i].source, chunks[i].case_study_id, chunks[i].position)
        )
        vectors = np.concatenate(pages)[order] if pages else np.empty((0, 0), dtype=np.float32)
        return StoredPassages(
            [chunks[i] for i in order], vectors, [sentences[i] for i in order] if sentences else []
        )

    @_reachable
    def count(self) -> int:
        return self._collection.count()

    @_reachable
    def query(self, text: str, k: int, filters: SearchFilters | None = None) -> list[tuple[Chunk, float]]:
        """The `k` chunks most similar to `text`, best first, with cosine similarity (1 - distance),
        by Chroma's own (approximate) vector index. Casebook searches its `DenseIndex` instead
        (`dense.py`); this is the collection as any Chroma client queries it. A Chroma server
        asked to query a collection whose first passages are being written can fail ("Error
        creating hnsw segment reader: Nothing found on disk") before its vector index is on
        disk, so a failed query counts the collection: an empty one returns nothing, and one of
        at most `READ_PAGE` passages is searched by reading its vectors and comparing them here."""
        self._check_model()
        if k <= 0:
            return []
        where = filters.to_chroma_where() if filters else None
        try:
            result = self._collection.query(
                query_embeddings=[self.embeddings.embed_query(text)],  # type: ignore[arg-type]
                n_results=k,
                where=where,
                include=["documents", "metadatas", "distances"],
            )
        except Exception:
            count = self.count()
            if count == 0:
                return []
            if count > READ_PAGE:
                raise
            return self._nearest(text, k, where)
        ids = result["ids"][0]
        similarities = [_similarity(d) for d in (result["distances"] or [[]])[0]]
        chunks = _stored_chunks(ids, (result["documents"] or [[]])[0], (result["metadatas"] or [[]])[0])
        return list(zip(chunks, similarities, strict=True))

    def _nearest(self, text: str, k: int, where: Any) -> list[tuple[Chunk, float]]:
        """The `k` chunks `where` keeps most similar to `text`, their vectors read and compared here."""
        records = self._collection.get(where=where, include=["documents", "metadatas", "embeddings"])
        if not records["ids"]:
            return []
        chunks = _stored_chunks(records["ids"], records["documents"], records["metadatas"])
        dense = DenseIndex(np.asarray(records["embeddings"]), self.embeddings.model_id)
        return [
            (chunks[row], similarity)
            for row, similarity in dense.search(self.embeddings.embed_query(text), k)
        ]

    def _open_collection(self, model_id: str | None = None) -> Collection:
        """The chunks' collection, created when missing for vectors of `model_id`, recording the
        metadata schema its records follow."""
        model_id = model_id or self.embeddings.model_id
        configuration: Any = {"hnsw": _HNSW}
        if model_id == self.embeddings.model_id:
            configuration["embedding_function"] = self._embedding_function
        metadata: dict[str, str | int] = {MODEL_KEY: model_id, md.SCHEMA_KEY: md.SCHEMA_VERSION}
        return self.client.get_or_create_collection(
            self.collection_name,
            configuration=configuration,
            metadata=metadata,
            embedding_function=None,
        )

    def _check_model(self) -> None:
        if self.stored_model_id != self.embeddings.model_id:
            raise ModelMismatchError(
                f"Collection {self.collection_name!r} holds vectors of {self.stored_model_id!r}, "
                f"not {self.embeddings.model_id!r}: call ensure_model() and re-add the chunks."
            )


@dataclass(frozen=True)
class StoredPassages:
    """What `ChunkStore.all_passages` read: the chunks, sorted; their passage vectors (a float32
    matrix, one row per chunk, in the same order); and each chunk's sentences, in order, with
    their vectors ([] for a chunk without; the whole list is empty when only chunks were read)."""

    chunks: list[Chunk]
    vectors: np.ndarray
    sentences: list[list[tuple[str, np.ndarray]]]


@dataclass(frozen=True)
class _SentenceRow:
    """One sentence of a chunk as stored; `embedded` is False when it is the whole chunk."""

    chunk_id: str
    order: int
    text: str
    embedded: bool

    @property
    def id(self) -> str:
        return f"{self.chunk_id}#{self.order}"


@dataclass(frozen=True)
class ChunkVectors:
    """Vectors of chunks, by chunk id: each passage's, and its stored sentences with theirs."""

    passages: Mapping[str, list[float]]
    sentences: Mapping[str, list[tuple[_SentenceRow, list[float]]]]


def _record_metadata(chunk: Chunk, vectors: ChunkVectors) -> dict[str, Any]:
    """The metadata stored with `chunk`: its own, and its sentences with their vectors."""
    sentences = [(row.text, vector) for row, vector in vectors.sentences.get(chunk.id, [])]
    return {**md.chunk_to_record(chunk), **md.sentences_to_metadata(sentences)}


def _sentence_rows(chunks: Sequence[Chunk]) -> list[_SentenceRow]:
    """The sentences to store for `chunks`: those of the text sections' chunks, in order."""
    return [
        _SentenceRow(chunk.id, i, sentence, embedded=sentence != chunk.text)
        for chunk in chunks
        if chunk.section in SECTION_KEYS
        for i, sentence in enumerate(split_sentences(chunk.text, chunk.language) or [chunk.text])
    ]


def _first_line(error: BaseException) -> str:
    cause = error.__cause__ or error.__context__
    text = str(error).strip() or type(error).__name__
    if cause is not None and str(cause).strip():
        text = f"{text} ({str(cause).strip()})"
    return text.splitlines()[0]


def _similarity(distance: float) -> float:
    """Cosine distance in [0, 2] to a similarity in [0, 1] (opposite vectors score 0)."""
    return min(1.0, max(0.0, 1.0 - distance))


def _stored_chunks(
    ids: Sequence[str], documents: Sequence[Any] | None, metadatas: Sequence[Any] | None
) -> list[Chunk]:
    """The chunks of one Chroma read: its ids with their documents and metadata, in order."""
    return [
        md.chunk_from_metadata(chunk_id, text, metadata)
        for chunk_id, text, metadata in zip(ids, documents or [], metadatas or [], strict=True)
    ]
