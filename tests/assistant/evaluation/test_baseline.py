"""The plain LangChain pipeline `casebook eval` and benchmarks/scale.py measure Casebook against."""

from __future__ import annotations

from pathlib import Path

from langchain_core.embeddings import DeterministicFakeEmbedding

from assistant.evaluation.baseline import WRITE_BATCH, LangChainBaseline


def test_a_library_larger_than_one_chroma_write_is_indexed_whole(tmp_path: Path) -> None:
    paragraph = "Les refuges accueillent les victimes de la traite et forment leur personnel. " * 12
    files = []
    for n in range(6):
        path = tmp_path / f"case_{n}.txt"
        path.write_text("\n\n".join(f"{n}.{i} {paragraph}" for i in range(1200)), encoding="utf-8")
        files.append(path)
    with LangChainBaseline(DeterministicFakeEmbedding(size=8), files) as baseline:
        assert baseline.chunks > 5461 > WRITE_BATCH  # more than Chroma takes in one write
        assert len(baseline._store.get(include=[])["ids"]) == baseline.chunks
        assert len(baseline.ask("refuges").citations) == baseline.config.k
