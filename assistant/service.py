"""`Casebook`: the one service the CLI and the web app call — search, ask, list, ingest, stats.

A facade: the library (`assistant.library`) indexes and lists, the ask pipeline
(`assistant.answering.pipeline`) searches and answers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from assistant.answering.answers import Answer
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.pipeline import AskPipeline
from assistant.answering.request import AskRequest
from assistant.answering.short_answers import load_formats
from assistant.library.index import IngestReport, Library, ProgressCallback
from assistant.library.records import ActionRecord
from assistant.library.stats import Stats
from assistant.settings import Settings
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import ScoredChunk

log = logging.getLogger(__name__)
WARM_UP_QUESTION = "Quelle organisation gère le refuge ?"  # any question: it loads the model and indexes


class Casebook:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.settings.apply_environment()
        self.library = Library(self.settings)
        self.pipeline = AskPipeline(self.library, self.settings)

    def warm_up(self) -> None:
        """Load now what the first questions would wait for: the embedding model and the
        in-memory indexes (one question answered), and the number and date formats of every
        language the library answers in."""
        self.ask(WARM_UP_QUESTION)
        load_formats(self.library.taxonomy.languages)

    # ---- library -------------------------------------------------------------------------

    def ensure_library(self, progress: ProgressCallback | None = None) -> IngestReport | None:
        """Fill an empty index from the bundled library (first run)."""
        if self.library.is_empty() and self.settings.library.exists():
            log.info("indexing the bundled library in %s", self.settings.library)
            return self.library.ingest([self.settings.library], progress)
        return None

    def ingest(self, paths: Iterable[Path], progress: ProgressCallback | None = None) -> IngestReport:
        return self.library.ingest(paths, progress)

    def actions(self) -> list[ActionRecord]:
        return self.library.actions()

    def stats(self) -> Stats:
        s = self.settings
        actions = self.actions()
        return Stats(
            case_studies=len(actions),
            chunks=self.library.store.count(),
            files=len(self.library.records.files()),
            languages=tuple(sorted({a.language for a in actions})),
            embedding_backend=s.embedding_model,
            embedding_model=self.library.embeddings.model_id,
            index_location=s.chroma_url or str(s.home.resolve()),
            store="chroma-server" if s.chroma_url else "chroma-embedded",
        )

    # ---- search and ask ------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        language: str | None = None,
    ) -> list[ScoredChunk]:
        """Ranked passages; those of the Actions the query names (by country) come first."""
        return self.pipeline.search(query, k, filters, language)

    def ask(
        self,
        question: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        history: Sequence[Sequence[str]] | None = None,
    ) -> Answer:
        """The answer to `question`, read in the light of `history` ([user, assistant] pairs)."""
        final: Answer | None = None
        for part in self.ask_stream(question, k, filters, history):
            if isinstance(part, Answer):
                final = part
        assert final is not None, "ask_stream always ends with an Answer"
        return final

    def ask_stream(
        self,
        question: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        history: Sequence[Sequence[str]] | None = None,
    ) -> Iterator[str | Answer]:
        """Answer text in pieces as it comes, then the checked `Answer` (always last).

        Joined, the pieces are the final answer's text: a language model's sentences reach the
        caller only once their citations are checked."""
        limit = self.settings.answering.max_question_chars
        yield from self.pipeline.stream(AskRequest.of(question, limit, k, filters, history))

    @property
    def extractive(self) -> ExtractiveAnswerer:
        """The extractive engine (the lessons search ranks sentences with it)."""
        return self.pipeline.extractive
