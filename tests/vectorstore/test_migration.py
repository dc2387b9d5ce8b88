"""An index written by an earlier Casebook (metadata schema 1, 2 or 3) is migrated in place on
first open, embedded and on a real `chroma run` server: nothing lost, nothing duplicated, nothing
re-embedded (a text chunk takes the vector made from its stored sentences'), and every filter
works on it.

The fixture writes the old formats with plain chromadb, as the earlier `ChunkStore`s did. Both
kept each sentence of a text chunk as a row of a `<name>_sentences` collection. Schema 1 also
stored criteria as the text "4,10" plus `crit_N` flags, "" for a missing theme, action, country
or years, 0 for unreadable years, no country code, and no embedding function in the configuration.
Schemas 1 to 3 embedded each chunk's whole text for its vector.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
import pytest
from chromadb.api import ClientAPI
from chromadb.config import Settings

from ingest.models import SECTION_KEYS, Chunk
from ingest.sentences import split_sentences
from tests.chroma_server import ChromaServer
from tests.vectorstore.conftest import stored_sentences
from vectorstore import metadata as md
from vectorstore import migration, passage_vectors
from vectorstore.chroma_embedding import CasebookEmbeddingFunction
from vectorstore.chroma_store import DEFAULT_COLLECTION, ChunkStore
from vectorstore.embeddings import CasebookEmbeddings, UseEmbeddings
from vectorstore.filters import SearchFilters

_SETTINGS = Settings(anonymized_telemetry=False)


def schema_1_metadata(chunk: Chunk) -> dict[str, Any]:
    """The metadata the previous Casebook stored for `chunk` (vectorstore/metadata.py at c34658b)."""
    years = [int(y) for y in re.findall(r"\d{4}", chunk.years)]
    return {
        "case_study_id": chunk.case_study_id,
        "action": chunk.action,
        "country": chunk.country,
        "years": chunk.years,
        "year_start": min(years, default=0),
        "year_end": max(years, default=0),
        "theme": chunk.theme or "",
        "criteria": ",".join(str(c) for c in chunk.criteria),
        "section": chunk.section,
        "language": chunk.language,
        "source": chunk.source,
        "page": chunk.page,
        "position": chunk.position,
        **{f"crit_{c}": True for c in chunk.criteria},
    }


ORPHAN = "chunk-deleted-0"  # a sentence row whose chunk is no longer stored


def write_old_index(
    client: ClientAPI, name: str, embeddings: CasebookEmbeddings, chunks: list[Chunk], schema: int
) -> None:
    """Both collections as the `ChunkStore` of metadata schema 1 or 2 created and filled them."""
    configuration: Any = {"hnsw": {"space": "cosine"}}
    model: dict[str, Any] = {"embedding_model_id": embeddings.model_id}
    if schema == 2:
        configuration["embedding_function"] = CasebookEmbeddingFunction(embeddings)
        model["metadata_schema"] = 2
    old: Any = {"configuration": configuration, "embedding_function": None}
    to_metadata = schema_1_metadata if schema == 1 else md.chunk_to_metadata
    texts = [chunk.text for chunk in chunks]
    client.create_collection(name, metadata=model, **old).add(
        ids=[chunk.id for chunk in chunks],
        embeddings=embeddings.embed_documents(texts),  # type: ignore[arg-type]
        documents=texts,
        metadatas=[to_metadata(chunk) for chunk in chunks],  # type: ignore[misc]
    )
    rows = [
        (f"{chunk_id}#{i}", sentence, {"chunk_id": chunk_id, "order": i})
        for chunk_id, chunk in [*((c.id, c) for c in chunks), (ORPHAN, chunks[0])]
        if chunk.section in SECTION_KEYS
        for i, sentence in enumerate(split_sentences(chunk.text, chunk.language) or [chunk.text])
    ]
    rows.reverse()  # not in the order of the sentences
    client.create_collection(name + migration.SENTENCES_SUFFIX, metadata=model, **old).add(
        ids=[row[0] for row in rows],
        embeddings=embeddings.embed_documents([row[1] for row in rows]),  # type: ignore[arg-type]
        documents=[row[1] for row in rows],
        metadatas=[row[2] for row in rows],  # type: ignore[misc]
    )


@dataclass
class Legacy:
    """An index of an earlier schema, what it held before, and the new code's store opened on it."""

    chunks: list[Chunk]
    client: ClientAPI
    name: str
    before: Any  # the chunks' records (ids, documents, metadatas, vectors) as the old code wrote them
    sentences_before: dict[str, list[tuple[str, np.ndarray]]]  # each chunk's sentence rows, in order
    reopen: Callable[[], ChunkStore]
    store: ChunkStore

    def records(self) -> Any:
        collection = self.client.get_collection(self.name, embedding_function=None)
        return collection.get(include=["documents", "metadatas", "embeddings"])

    def ids_where(self, where: Any) -> set[str]:
        return set(self.client.get_collection(self.name).get(where=where, include=[])["ids"])


def read_sentence_rows(collection: Any) -> dict[str, list[tuple[str, np.ndarray]]]:
    """Each chunk's sentences with their vectors, as the old sentences' collection holds them
    (float32: a server sends each number in its shortest decimal form, which reads back as
    another float64 than the embedded client returns)."""
    rows = collection.get(include=["documents", "metadatas", "embeddings"])
    found: dict[str, list[tuple[int, str, np.ndarray]]] = {}
    for text, metadata, vector in zip(rows["documents"], rows["metadatas"], rows["embeddings"], strict=True):
        found.setdefault(metadata["chunk_id"], []).append(
            (metadata["order"], text, np.asarray(vector, dtype=np.float32))
        )
    return {chunk_id: [(text, vector) for _, text, vector in sorted(found[chunk_id])] for chunk_id in found}


@pytest.fixture(
    scope="module", params=[("embedded", 1), ("server", 1), ("embedded", 2), ("server", 2)], ids=str
)
def legacy(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    use: UseEmbeddings,
    corpus_chunks: list[Chunk],
    back_cover: Chunk,
) -> Legacy:
    # the Jordan case study prints its country in French, as the real one does
    chunks = [
        replace(c, country="Jordanie") if c.country == "Jordan" else c
        for c in corpus_chunks
        if c.country in ("Jordan", "Paraguay")
    ] + [back_cover]
    reopen: Callable[[], ChunkStore]
    where, schema = request.param
    if where == "embedded":
        folder: Path = tmp_path_factory.mktemp("schema-1")
        client: ClientAPI = chromadb.PersistentClient(path=str(folder), settings=_SETTINGS)
        name = DEFAULT_COLLECTION
        reopen = lambda: ChunkStore.persistent(folder, use)  # noqa: E731
    else:
        server: ChromaServer = request.getfixturevalue("chroma_server")
        client = chromadb.HttpClient(
            host="127.0.0.1", port=server.port, settings=Settings(anonymized_telemetry=False)
        )
        name = f"schema{schema}-{uuid.uuid4().hex[:8]}"
        reopen = lambda: ChunkStore.from_url(server.url, use, collection=name)  # noqa: E731
    write_old_index(client, name, use, chunks, schema)
    before = client.get_collection(name).get(include=["documents", "metadatas", "embeddings"])
    sentences_before = read_sentence_rows(client.get_collection(name + migration.SENTENCES_SUFFIX))
    store = reopen()
    store.count()  # a server store connects (and migrates) on first use
    return Legacy(chunks, client, name, before, sentences_before, reopen, store)


def _by_id(records: Any, field: str) -> dict[str, Any]:
    return dict(zip(records["ids"], list(records[field]), strict=True))


def test_a_migrated_index_keeps_every_chunk_once_under_its_id(legacy: Legacy) -> None:
    assert legacy.store.count() == len(legacy.chunks) == len(legacy.before["ids"])
    assert sorted(legacy.records()["ids"]) == sorted(legacy.before["ids"])
    assert sorted(legacy.store.all_chunks(), key=lambda c: c.id) == sorted(legacy.chunks, key=lambda c: c.id)


def test_a_migrated_index_is_not_re_embedded(legacy: Legacy) -> None:
    after = legacy.records()
    assert _by_id(after, "documents") == _by_id(legacy.before, "documents")
    before_vectors = _by_id(legacy.before, "embeddings")
    expected = {
        chunk_id: passage_vectors.from_sentences([vector for _, vector in legacy.sentences_before[chunk_id]])
        if chunk_id in legacy.sentences_before
        else before_vectors[chunk_id]
        for chunk_id in before_vectors
    }
    assert all(
        np.allclose(vector, expected[i], atol=1e-6) for i, vector in _by_id(after, "embeddings").items()
    )


def test_a_text_chunk_of_several_sentences_gets_their_mean_vector(legacy: Legacy) -> None:
    before_vectors = _by_id(legacy.before, "embeddings")
    several = [i for i, rows in legacy.sentences_before.items() if len(rows) > 1 and i != ORPHAN]
    assert several
    after = _by_id(legacy.records(), "embeddings")
    assert not any(np.array_equal(after[i], before_vectors[i]) for i in several)


def test_a_schema_3_index_s_text_chunks_get_vectors_made_from_their_sentences(
    tmp_path: Path, use: UseEmbeddings, corpus_chunks: list[Chunk], back_cover: Chunk
) -> None:
    chunks = [c for c in corpus_chunks if c.country == "Paraguay"] + [back_cover]
    ChunkStore.persistent(tmp_path, use).add(chunks)
    client = chromadb.PersistentClient(path=str(tmp_path), settings=_SETTINGS)
    old = client.get_collection(DEFAULT_COLLECTION)
    whole = dict(zip([c.id for c in chunks], use.embed_documents([c.text for c in chunks]), strict=True))
    old.update(ids=list(whole), embeddings=list(whole.values()))  # type: ignore[arg-type]
    old.modify(metadata={**(old.metadata or {}), md.SCHEMA_KEY: 3})
    store = ChunkStore.persistent(tmp_path, use)
    sentences = stored_sentences(store)
    records = client.get_collection(DEFAULT_COLLECTION).get(include=["embeddings"])
    for chunk_id, vector in zip(records["ids"], list(records["embeddings"]), strict=True):
        if chunk_id in sentences:
            derived = passage_vectors.from_sentences([v for _, v in sentences[chunk_id]])
            assert np.allclose(vector, derived, atol=1e-6)
        else:
            assert np.allclose(vector, whole[chunk_id], atol=1e-6)
    assert sentences and back_cover.id not in sentences
    assert client.get_collection(DEFAULT_COLLECTION).metadata[md.SCHEMA_KEY] == md.SCHEMA_VERSION == 4


def test_a_migrated_index_keeps_each_chunk_s_sentences_in_order_with_the_same_vectors(
    legacy: Legacy,
) -> None:
    stored = stored_sentences(legacy.store)
    expected = {i: rows for i, rows in legacy.sentences_before.items() if i != ORPHAN}
    assert expected and sorted(stored) == sorted(expected)
    for chunk_id, rows in expected.items():
        assert [text for text, _ in stored[chunk_id]] == [text for text, _ in rows]
        assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(stored[chunk_id], rows, strict=True))


def test_a_migrated_index_has_no_sentences_collection_left(legacy: Legacy) -> None:
    names = {collection.name for collection in legacy.client.list_collections()}
    assert legacy.name in names and legacy.name + migration.SENTENCES_SUFFIX not in names


def test_sentences_of_a_chunk_no_longer_stored_are_dropped(legacy: Legacy) -> None:
    assert ORPHAN in legacy.sentences_before
    assert ORPHAN not in legacy.records()["ids"]
    assert ORPHAN not in stored_sentences(legacy.store)


def test_migrated_metadata_is_what_a_new_index_stores(legacy: Legacy) -> None:
    expected = {
        chunk.id: {
            **md.chunk_to_metadata(chunk),
            **md.sentences_to_metadata(legacy.sentences_before.get(chunk.id, [])),
        }
        for chunk in legacy.chunks
    }
    stored = _by_id(legacy.records(), "metadatas")
    assert stored == {i: {k: v for k, v in m.items() if v is not None} for i, m in expected.items()}


def test_criterion_and_country_filters_work_on_a_migrated_index(legacy: Legacy) -> None:
    jordan = {c.id for c in legacy.chunks if c.country == "Jordanie"}
    paraguay = {c.id for c in legacy.chunks if c.country == "Paraguay"}
    for filters in (SearchFilters(criteria=(4, 10)), SearchFilters(countries=("Jordan",))):
        assert {c.id for c, _ in legacy.store.query("refuge", len(legacy.chunks), filters)} == jordan
    assert legacy.ids_where({"country_code": "JO"}) == jordan
    assert legacy.ids_where({"criteria": {"$contains": 3}}) == paraguay


def test_a_migrated_index_records_its_schema_and_embedding_function(legacy: Legacy) -> None:
    recorded = legacy.client.get_collection(legacy.name).configuration_json["embedding_function"]
    assert recorded == {"type": "known", "name": "casebook", "config": {"backend": "use-multilingual"}}
    assert legacy.client.get_collection(legacy.name).metadata[md.SCHEMA_KEY] == md.SCHEMA_VERSION


def test_opening_a_migrated_index_again_changes_nothing(legacy: Legacy) -> None:
    migrated = legacy.records()
    assert legacy.reopen().count() == len(legacy.chunks)
    assert migration.migrate(legacy.client, legacy.client.get_collection(legacy.name)) == 0  # forced
    assert _by_id(legacy.records(), "metadatas") == _by_id(migrated, "metadatas")


def test_keys_that_are_not_casebook_s_survive_the_upgrade(corpus_chunks: list[Chunk]) -> None:
    old = {**schema_1_metadata(corpus_chunks[0]), "reviewed_by": "ana"}
    assert "reviewed_by" not in migration.upgrade_patch(old)
    assert migration.upgrade_patch(md.chunk_to_metadata(corpus_chunks[0])) == {}


def test_two_stores_migrating_one_server_index_at_once_both_open_it(
    chroma_server: ChromaServer, use: UseEmbeddings, corpus_chunks: list[Chunk]
) -> None:
    chunks = [c for c in corpus_chunks if c.country == "Paraguay"]
    client = chromadb.HttpClient(host="127.0.0.1", port=chroma_server.port, settings=_SETTINGS)
    name = f"race-{uuid.uuid4().hex[:8]}"
    write_old_index(client, name, use, chunks, schema=2)
    stores = [ChunkStore.from_url(chroma_server.url, use, collection=name) for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:
        counts = list(pool.map(lambda store: store.count(), stores))
    assert counts == [len(chunks), len(chunks)]
    assert {c.name for c in client.list_collections()} >= {name}
    assert name + migration.SENTENCES_SUFFIX not in {c.name for c in client.list_collections()}
    assert set(stored_sentences(stores[0])) == {c.id for c in chunks if c.section in SECTION_KEYS}
