"""`Casebook`: the one service the CLI and the web app call — search, ask, list, ingest, stats."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from assistant.answers import Answer, Citation
from assistant.extractive import ExtractiveAnswerer, ExtractiveConfig, ScoredSentence, compose_answer
from assistant.library import IngestReport, Library, ProgressCallback
from assistant.messages import message
from assistant.metadata_answers import MetadataAnswerer
from assistant.questions import Question, analyse
from assistant.records import ActionRecord
from assistant.scope import Scope, resolve_scope
from assistant.settings import Settings
from ingest.countries import country_code
from ingest.models import Chunk
from ingest.text import fold
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import ScoredChunk

log = logging.getLogger(__name__)

CANDIDATE_PASSAGES = 8  # passages whose sentences the extractive engine weighs
MAX_LISTED_ACTIONS = 4


class Casebook:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.settings.apply_environment()
        self.library = Library(self.settings)
        self._library_text_generation = -1
        self._library_text = ""

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

    def stats(self) -> dict:
        s = self.settings
        actions = self.actions()
        return {
            "case_studies": len(actions),
            "chunks": self.library.store.count(),
            "files": len(self.library.records.files()),
            "languages": sorted({a.language for a in actions}),
            "embedding_backend": s.embedding_model,
            "embedding_model": self.library.embeddings.model_id,
            "index_location": s.chroma_url or str(s.home.resolve()),
            "store": "chroma-server" if s.chroma_url else "chroma-embedded",
        }

    # ---- search --------------------------------------------------------------------------

    def resolve_countries(self, names: Iterable[str]) -> tuple[str, ...]:
        """User spellings (Jordan, jordanie) -> the spellings stored in the library (Jordanie)."""
        stored = {a.country for a in self.actions()}
        resolved: list[str] = []
        for name in names:
            code = country_code(name)
            matches = [c for c in stored if fold(c) == fold(name) or (code and country_code(c) == code)]
            resolved.extend(matches or [name])
        return tuple(dict.fromkeys(resolved))

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        language: str | None = None,
    ) -> list[ScoredChunk]:
        filters = self._resolved(filters)
        language = language or analyse(query).language
        return self.library.searcher().search(
            query, k=k or self.settings.k, filters=filters, language=language
        )

    def _resolved(self, filters: SearchFilters | None) -> SearchFilters | None:
        if filters and filters.countries:
            return replace(filters, countries=self.resolve_countries(filters.countries))
        return filters

    # ---- ask -----------------------------------------------------------------------------

    def ask(self, question: str, k: int | None = None, filters: SearchFilters | None = None) -> Answer:
        q = analyse(question)
        actions = self.actions()
        scope = resolve_scope(question, actions, self.library.taxonomy, self.library_text())
        filters = self._resolved(filters) or SearchFilters()
        k = k or self.settings.k
        if scope.unknown_countries and not scope.actions:
            return self._unknown_country(q, scope, filters, k)
        answer = self.metadata.answer(q, scope, actions)
        if answer is not None:
            return answer
        if q.wants("actions") and not scope.actions:
            return self._across_actions(q, filters)
        if len(scope.actions) > 1:
            return self._per_action(q, scope, filters)
        if scope.actions and not filters.case_study_ids:
            filters = replace(filters, case_study_ids=(scope.actions[0].id,))
        passages = self.search(question, k=max(k, CANDIDATE_PASSAGES), filters=filters, language=q.language)
        return self.extractive.answer(q, passages)

    def _unknown_country(self, q: Question, scope: Scope, filters: SearchFilters, k: int) -> Answer:
        nearest = self.search(q.text, k=3, filters=filters, language=q.language)
        return Answer(
            question=q.text,
            answer=message("unknown_country", q.language, country=", ".join(scope.unknown_countries).title()),
            abstained=True,
            mode="extractive",
            language=q.language,
            nearest=[Citation(i + 1, hit.chunk, "") for i, hit in enumerate(nearest)],
        )

    def _across_actions(self, q: Question, filters: SearchFilters) -> Answer:
        """'Which Actions deal with X?': the best sentence of each Action that qualifies."""
        passages = self.search(q.text, k=CANDIDATE_PASSAGES * 2, filters=filters, language=q.language)
        ranked = self.extractive.rank_sentences(q, passages)
        best: dict[str, ScoredSentence] = {}
        for sentence in ranked:
            if sentence.score >= self.extractive.config.threshold:
                best.setdefault(sentence.chunk.case_study_id, sentence)
        if not best:
            return self.extractive.abstain(q, passages)
        return compose_answer(q, list(best.values())[:MAX_LISTED_ACTIONS], mode="extractive")

    def _per_action(self, q: Question, scope: Scope, filters: SearchFilters) -> Answer:
        """A question naming several Actions: the best evidence from each of them."""
        chosen: list[ScoredSentence] = []
        for action in scope.actions[:MAX_LISTED_ACTIONS]:
            scoped = replace(filters, case_study_ids=(action.id,))
            passages = self.search(q.text, k=CANDIDATE_PASSAGES, filters=scoped, language=q.language)
            ranked = self.extractive.rank_sentences(q, passages)
            if ranked and ranked[0].score >= self.extractive.config.threshold:
                chosen.append(ranked[0])
        if not chosen:
            return self.extractive.abstain(q, self.search(q.text, filters=filters, language=q.language))
        return compose_answer(q, chosen, mode="extractive")

    # ---- parts ---------------------------------------------------------------------------

    @cached_property
    def extractive(self) -> ExtractiveAnswerer:
        s = self.settings
        config = ExtractiveConfig(threshold=s.abstain_threshold, max_sentences=s.max_answer_sentences)
        return ExtractiveAnswerer(self.library.embeddings, config)

    @cached_property
    def metadata(self) -> MetadataAnswerer:
        return MetadataAnswerer(self.library.taxonomy, self.passage_of)

    def passage_of(self, action_id: str, section: str) -> Chunk | None:
        """The first passage of an Action's section (for metadata answers' citations)."""
        chunks = [
            c for c in self.library.lexical().chunks if c.case_study_id == action_id and c.section == section
        ]
        return min(chunks, key=lambda c: c.position, default=None)

    def library_text(self) -> str:
        """All passages, folded: to tell whether the library mentions a name at all."""
        generation = self.library.records.generation()
        if generation != self._library_text_generation:
            self._library_text = fold(" ".join(c.text for c in self.library.lexical().chunks))
            self._library_text_generation = generation
        return self._library_text
