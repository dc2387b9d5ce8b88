"""The lower layers' errors reach the app and the CLI as Casebook's own, with the cause kept."""

from __future__ import annotations

import pytest

from assistant.errors import CasebookError, EmbeddingModelError, StoreUnavailableError, translated
from vectorstore import chroma_store, embeddings


def test_a_store_error_becomes_casebooks_with_the_same_message() -> None:
    original = chroma_store.StoreUnavailableError("http://127.0.0.1:1", "connection refused")
    with (
        pytest.raises(StoreUnavailableError, match="is not reachable: connection refused") as info,
        translated(),
    ):
        raise original
    assert info.value.__cause__ is original and isinstance(info.value, CasebookError)


def test_an_embedding_model_error_becomes_casebooks() -> None:
    with pytest.raises(EmbeddingModelError, match="no model"), translated():
        raise embeddings.EmbeddingModelError("no model")


def test_other_errors_pass_unchanged() -> None:
    with pytest.raises(KeyError), translated():
        raise KeyError("a bug stays a bug")
