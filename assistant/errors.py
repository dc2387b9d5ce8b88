"""The errors the app and the CLI handle, re-exported from the layers that raise them."""

from vectorstore.chroma_store import StoreUnavailableError
from vectorstore.embeddings import EmbeddingModelError

__all__ = ["EmbeddingModelError", "StoreUnavailableError"]
