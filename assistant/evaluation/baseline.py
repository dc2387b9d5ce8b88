"""A plain LangChain pipeline to measure Casebook against, side by side, in `casebook eval`.

The textbook recipe: the files' raw text (pages joined, no cleaning, no sections), cut by
`RecursiveCharacterTextSplitter` (1,000 characters, 200 overlap), embedded with the same model
as the library, stored in a throwaway Chroma collection; the "answer" is the top-4 passages by
similarity. It never abstains. Its answers are `Answer`s, scored by the same `evaluation.score`.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.answering.answers import Answer, AnswerMode, Citation
from assistant.library.index import Library
from ingest.models import Chunk
from ingest.readers import read_document

log = logging.getLogger(__name__)

COMPARED = ("fact_in_citation", "doc_cited", "abstained")  # totals shown as Casebook / baseline
WRITE_BATCH = 1000  # chunks per write: Chroma refuses a write larger than its max batch size (5,461)


@dataclass(frozen=True)
class BaselineConfig:
    chunk_size: int = 1000
    chunk_overlap: int = 200
    k: int = 4

    def describe(self) -> str:
        return (
            f"LangChain RecursiveCharacterTextSplitter({self.chunk_size}, overlap {self.chunk_overlap}) "
            f"+ Chroma similarity top-{self.k}, raw text, same embeddings"
        )


class LangChainBaseline:
    """Top-k similar raw-text chunks from a temporary Chroma index; use as a context manager."""

    def __init__(
        self, embeddings: Embeddings, files: Iterable[Path], config: BaselineConfig | None = None
    ) -> None:
        self.config = config or BaselineConfig()
        self._folder = tempfile.TemporaryDirectory(prefix="casebook-baseline-")
        self._store = Chroma(
            collection_name=f"baseline-{uuid.uuid4().hex[:8]}",
            embedding_function=embeddings,
            persist_directory=self._folder.name,
        )
        documents = split_files(files, self.config)
        for start in range(0, len(documents), WRITE_BATCH):
            self._store.add_documents(documents[start : start + WRITE_BATCH])
        self.chunks = len(documents)
        log.info("baseline indexed %d chunks", self.chunks)

    @classmethod
    def from_library(cls, library: Library, config: BaselineConfig | None = None) -> LangChainBaseline:
        """The baseline over the files `library` has indexed, with its embedding model."""
        paths = [Path(record.path) for record in library.records.files() if not record.pending]
        return cls(library.embeddings, paths, config)

    def ask(self, question: str) -> Answer:
        hits = self._store.similarity_search(question, k=self.config.k)
        citations = [Citation(n, _as_chunk(doc), "") for n, doc in enumerate(hits, start=1)]
        return Answer(
            question=question,
            answer="\n\n".join(doc.page_content for doc in hits),
            abstained=False,
            mode=AnswerMode.BASELINE,
            language="",
            citations=citations,
        )

    def close(self) -> None:
        self._folder.cleanup()

    def __enter__(self) -> LangChainBaseline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def split_files(files: Iterable[Path], config: BaselineConfig) -> list[Document]:
    """Each readable file's pages, joined and split; a file that cannot be read is logged and left out."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=config.chunk_size, chunk_overlap=config.chunk_overlap
    )
    documents: list[Document] = []
    for path in files:
        if not path.exists():
            log.warning("baseline: %s is indexed but no longer exists; left out", path)
            continue
        raw = read_document(path)
        pieces = splitter.split_text("\n".join(raw.pages))
        documents.extend(
            Document(page_content=text, metadata={"source": raw.source, "position": i})
            for i, text in enumerate(pieces)
        )
    return documents


def ratios(
    casebook: dict[str, dict[str, float | int]], baseline: dict[str, dict[str, float | int]]
) -> dict[str, dict[str, float | None]]:
    """Casebook's total over the baseline's, per group, for `COMPARED`; None where the baseline has 0."""
    return {
        group: {metric: _ratio(totals[metric], baseline.get(group, {}).get(metric, 0)) for metric in COMPARED}
        for group, totals in casebook.items()
    }


def _ratio(ours: float, theirs: float) -> float | None:
    return round(ours / theirs, 2) if theirs else None


def _as_chunk(doc: Document) -> Chunk:
    source = str(doc.metadata.get("source", ""))
    position = int(doc.metadata.get("position", 0))
    return Chunk(
        id=f"baseline:{source}:{position}",
        case_study_id=source,
        action="",
        country="",
        years="",
        theme=None,
        criteria=(),
        section="",  # the baseline knows no sections
        language="",
        source=source,
        page=0,
        position=position,
        text=doc.page_content,
    )
