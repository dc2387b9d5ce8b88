"""`CasebookRetriever`: the hybrid search (`vectorstore.hybrid`) as a LangChain retriever.

Each Document carries the chunk's text, its fields and its scores.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from vectorstore import metadata as md
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import HybridSearcher, ScoredChunk


class CasebookRetriever(BaseRetriever):
    """LangChain retriever over a `HybridSearcher`; each Document carries the chunk's fields and scores."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: HybridSearcher
    k: int = 5
    filters: SearchFilters | None = None
    language: str | None = None

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: SearchFilters | None = None,
        language: str | None = None,
    ) -> list[Document]:
        """`k`, `filters` and `language` given to `invoke` win over the retriever's own."""
        results = self.searcher.search(
            query, k or self.k, filters if filters is not None else self.filters, language or self.language
        )
        return [to_document(result) for result in results]


def to_document(result: ScoredChunk) -> Document:
    """A LangChain Document: the chunk's text, its fields (criteria as a list) and its scores."""
    metadata: dict[str, Any] = md.chunk_to_json(result.chunk)
    del metadata["text"]
    metadata.update(
        criteria=list(result.chunk.criteria),
        score=result.score,
        dense_score=result.dense,
        lexical_score=result.lexical,
    )
    return Document(page_content=result.chunk.text, id=result.chunk.id, metadata=metadata)
