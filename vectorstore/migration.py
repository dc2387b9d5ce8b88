"""Bring a collection written by an earlier Casebook up to date, in place: nothing is re-embedded.

Schema 1 (before `metadata_schema` was recorded) stored criteria as the text "4,10" plus a
`crit_N: True` flag per criterion, "" for a missing action, country, years or theme, 0 for
unreadable years, and no country code; its collections recorded no embedding function. Schemas
1 and 2 kept each sentence of a text chunk as a row of a sibling collection `<name>_sentences`
(its document the sentence, its metadata the `chunk_id` and `order`), with its vector in that
collection's vector index. Schemas 1 to 3 embedded a text chunk's whole text for its vector;
schema 4 makes it from the chunk's sentence vectors (`passage_vectors.py`). `migrate` rewrites
each record's metadata to the current schema (`metadata.py`), packs each chunk's sentence rows,
vectors unchanged, into its metadata, gives each chunk with sentences the vector made from
theirs, marks the collection and then deletes the sentences' collection; ids, documents and
the vectors of chunks without sentences stay as they are. Running it again, or in two processes
at once, changes nothing more.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.errors import NotFoundError

from vectorstore import metadata as md
from vectorstore import passage_vectors
from vectorstore.chroma_embedding import CasebookEmbeddingFunction

logger = logging.getLogger(__name__)

BATCH = 500
SAME_VECTOR = 1e-6  # Chroma gives back a stored vector within a float32 step or so, not bit for bit
SENTENCES_SUFFIX = "_sentences"  # schema 1 and 2: the sibling collection of the sentence rows
_LEGACY_FLAG = re.compile(r"crit_\d+")
_LEGACY_NO_YEAR = 0


def schema_of(collection: Collection) -> int:
    """The metadata schema the collection's records follow (1 when it is not recorded)."""
    return int(str((collection.metadata or {}).get(md.SCHEMA_KEY, 1)))


def upgrade_patch(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """What to write over a record's metadata to bring it to the current schema: new and changed
    values, and None for each key to delete. Empty when the record already follows the schema."""
    readable = {key: value for key, value in metadata.items() if not _is_legacy(key, value)}
    if isinstance(readable.get(md.CRITERIA), str):
        readable[md.CRITERIA] = [int(c) for c in readable[md.CRITERIA].split(",")]
    # the id and text are not part of the metadata: the chunk is rebuilt only to write it again
    current = md.chunk_to_metadata(md.chunk_from_metadata("", "", readable))
    patch: dict[str, Any] = {key: None for key in metadata if key not in readable}
    patch.update({key: value for key, value in current.items() if metadata.get(key) != value})
    return patch


def migrate(client: ClientAPI, collection: Collection) -> int:
    """Rewrite every record's metadata to the current schema, with its sentences moved in from
    the sentences' collection (then deleted), make each text chunk's vector from its sentences',
    and record the schema on the collection; returns the number of records changed."""
    changed = _upgrade_metadata(collection)
    sentences = _sentences_collection(client, collection)
    if sentences is not None:
        try:
            changed |= _move_sentences(sentences, collection)
        except NotFoundError:  # another process moved them (the same values) and deleted it
            logger.info("Collection %s: sentences moved by another process", collection.name)
    changed |= _derive_passage_vectors(collection)
    collection.modify(metadata={**(collection.metadata or {}), md.SCHEMA_KEY: md.SCHEMA_VERSION})
    if sentences is not None:
        try:
            client.delete_collection(sentences.name)
        except NotFoundError:
            logger.info("Collection %s: deleted by another process", sentences.name)
    return len(changed)


def _move_sentences(sentences: Collection, chunks: Collection) -> set[str]:
    """Write each chunk's sentence rows of `sentences`, in order and with their vectors, into the
    chunk's metadata (rows of chunks no longer stored are left out); returns the ids written."""
    rows = sentences.get(include=["metadatas"])
    of_chunk: dict[str, list[tuple[int, str]]] = {}
    for row_id, metadata in zip(rows["ids"], rows["metadatas"] or [], strict=True):
        of_chunk.setdefault(str(metadata["chunk_id"]), []).append((int(str(metadata["order"])), row_id))
    chunk_ids = sorted(of_chunk)
    moved: set[str] = set()
    for start in range(0, len(chunk_ids), BATCH):
        present = chunks.get(ids=chunk_ids[start : start + BATCH], include=[])["ids"]
        if not present:
            continue
        ordered = {chunk_id: [row_id for _, row_id in sorted(of_chunk[chunk_id])] for chunk_id in present}
        read = sentences.get(
            ids=[row_id for row_ids in ordered.values() for row_id in row_ids],
            include=["documents", "embeddings"],
        )
        vectors: Any = read["embeddings"]
        by_id = dict(zip(read["ids"], zip(read["documents"] or [], vectors, strict=True), strict=True))
        chunks.update(
            ids=list(ordered),
            metadatas=[  # type: ignore[arg-type]
                md.sentences_to_metadata([_as_sentence(by_id[row_id]) for row_id in row_ids])
                for row_ids in ordered.values()
            ],
        )
        moved.update(ordered)
    return moved


def _derive_passage_vectors(collection: Collection) -> set[str]:
    """Give each chunk that has sentences the vector made from theirs (nothing is embedded);
    returns the ids whose vector changed."""
    ids = collection.get(include=[])["ids"]
    changed: set[str] = set()
    for start in range(0, len(ids), BATCH):
        records = collection.get(ids=ids[start : start + BATCH], include=["metadatas", "embeddings"])
        stored: Any = records["embeddings"]
        derived: dict[str, list[float]] = {}
        for record_id, metadata, old in zip(records["ids"], records["metadatas"] or [], stored, strict=True):
            vector = _vector_from_sentences(metadata)
            if vector is not None and not np.allclose(vector, old, rtol=0, atol=SAME_VECTOR):
                derived[record_id] = vector
        if derived:
            collection.update(ids=list(derived), embeddings=list(derived.values()))  # type: ignore[arg-type]
        changed.update(derived)
    return changed


def _vector_from_sentences(metadata: Mapping[str, Any]) -> list[float] | None:
    """The vector of a record's stored sentences (`passage_vectors.py`); None when it has none."""
    sentences = md.sentences_from_metadata(metadata)
    return passage_vectors.from_sentences([vector for _, vector in sentences]) if sentences else None


def _as_sentence(row: tuple[Any, Any]) -> tuple[str, np.ndarray]:
    return str(row[0]), np.asarray(row[1], dtype=np.float32)


def _sentences_collection(client: ClientAPI, collection: Collection) -> Collection | None:
    """The sentences' collection of a schema-1 or 2 `collection`, None when there is none."""
    try:
        return client.get_collection(collection.name + SENTENCES_SUFFIX, embedding_function=None)
    except NotFoundError:
        return None


def _upgrade_metadata(collection: Collection) -> set[str]:
    """Rewrite every record's metadata to the current schema; the ids of the records changed."""
    ids = collection.get(include=[])["ids"]
    changed: set[str] = set()
    for start in range(0, len(ids), BATCH):
        records = collection.get(ids=ids[start : start + BATCH], include=["metadatas"])
        patches = [
            (record_id, patch)
            for record_id, metadata in zip(records["ids"], records["metadatas"] or [], strict=True)
            if (patch := upgrade_patch(metadata))
        ]
        if patches:
            collection.update(
                ids=[record_id for record_id, _ in patches],
                metadatas=[patch for _, patch in patches],
            )
        changed.update(record_id for record_id, _ in patches)
    return changed


def record_embedding_function(collection: Collection, function: CasebookEmbeddingFunction) -> bool:
    """Record `function` in the configuration of a collection that records none; True if it did."""
    recorded = collection.configuration_json.get("embedding_function") or {}
    if recorded.get("type") == "known":
        return False
    collection.modify(configuration={"embedding_function": function})
    return True


def _is_legacy(key: str, value: Any) -> bool:
    """A schema-1 entry the current schema drops: a criterion flag, or "" or a 0 year for "none"."""
    return (
        bool(_LEGACY_FLAG.fullmatch(key))
        or value == ""
        or (key in (md.YEAR_START, md.YEAR_END) and value == _LEGACY_NO_YEAR)
    )
