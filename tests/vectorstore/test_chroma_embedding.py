"""Casebook's collection opened by other tools: plain `langchain_chroma.Chroma` with Casebook's
embeddings (the README's lines), and a plain Chroma client querying by text with the embedding
function the collection records, in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from chromadb.config import Settings
from langchain_chroma import Chroma

from ingest.models import Chunk
from tests.paths import ROOT
from vectorstore.chroma_embedding import CasebookEmbeddingFunction
from vectorstore.chroma_store import DEFAULT_COLLECTION, ChunkStore
from vectorstore.embeddings import UseEmbeddings
from vectorstore.filters import SearchFilters

QUERY = "refuges pour les victimes de la traite"
QUERY_BY_TEXT = """
import json, sys
import chromadb
{register}
collection = chromadb.PersistentClient(sys.argv[1]).get_collection("casebook")
found = collection.query(query_texts=[sys.argv[2]], n_results=3, where={{"country_code": "JO"}})
print(json.dumps(found["ids"][0]))
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, use: UseEmbeddings, corpus_chunks: list[Chunk]) -> Path:
    """A Casebook index of three Actions, as `ChunkStore` writes it."""
    folder = tmp_path_factory.mktemp("casebook-index")
    chunks = [c for c in corpus_chunks if c.country in ("Jordan", "Paraguay", "Tunisia")]
    ChunkStore.persistent(folder, use).add(chunks)
    return folder


def _query_in_a_fresh_process(index: Path, register: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", QUERY_BY_TEXT.format(register=register), str(index), QUERY],
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_langchain_chroma_opens_the_collection_and_finds_passages_by_text(
    index: Path, use: UseEmbeddings
) -> None:
    store = Chroma(
        collection_name="casebook",
        embedding_function=use,  # make_embeddings(settings.embedding_model) in the README
        persist_directory=str(index),
        client_settings=Settings(anonymized_telemetry=False),
        create_collection_if_not_exists=False,
    )
    jordan = store.similarity_search(QUERY, k=3, filter={"country_code": "JO"})
    both: Any = {"$and": [{"country_code": "PY"}, {"criteria": {"$contains": 7}}]}
    paraguay = store.similarity_search("formación de formadores", k=2, filter=both)
    assert len(jordan) == 3 and all(d.metadata["country"] == "Jordan" for d in jordan)
    assert jordan[0].metadata["criteria"] == [4, 10]
    assert len(paraguay) == 2 and all(7 in d.metadata["criteria"] for d in paraguay)


def test_plain_chroma_queries_by_text_with_the_recorded_embedding_function(
    index: Path, use: UseEmbeddings
) -> None:
    done = _query_in_a_fresh_process(index, register="import vectorstore.chroma_embedding")
    assert done.returncode == 0, done.stderr[-2000:]
    expected = ChunkStore.persistent(index, use).query(QUERY, 3, SearchFilters(countries=("JO",)))
    assert json.loads(done.stdout) == [chunk.id for chunk, _ in expected]


def test_without_casebook_chroma_refuses_text_queries_rather_than_use_another_model(index: Path) -> None:
    done = _query_in_a_fresh_process(index, register="")
    assert done.returncode != 0
    assert "Embedding function casebook not found" in done.stderr


def test_the_recorded_configuration_rebuilds_the_same_backend(use: UseEmbeddings) -> None:
    function = CasebookEmbeddingFunction(use)
    rebuilt = CasebookEmbeddingFunction.build_from_config(function.get_config())
    assert rebuilt.embeddings.model_id == use.model_id
    assert np.allclose(rebuilt.embed_query([QUERY])[0], use.embed_query(QUERY), atol=1e-6)


def test_the_collection_records_casebook_s_embedding_function(index: Path, use: UseEmbeddings) -> None:
    store = ChunkStore.persistent(index, use)
    recorded = store.client.get_collection(DEFAULT_COLLECTION).configuration_json["embedding_function"]
    assert recorded == {"type": "known", "name": "casebook", "config": {"backend": "use-multilingual"}}
