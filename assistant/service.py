"""`Casebook`: the one service the CLI and the web app call — search, ask, list, ingest, stats."""

from __future__ import annotations

import logging
import re
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answering.answers import Answer, AnswerMode
from assistant.answering.citation_check import CitationCheck, SupportMeter, checked_stream
from assistant.answering.conversation import ConversationResolver, FollowUp, Turn, parse_history
from assistant.answering.extractive import (
    ExtractiveAnswerer,
    ExtractiveConfig,
)
from assistant.answering.grounding import LibraryText
from assistant.answering.messages import message
from assistant.answering.questions import analyse
from assistant.answering.router import AnswerRouter
from assistant.answering.scope import resolve_scope
from assistant.library.index import IngestReport, Library, ProgressCallback
from assistant.library.records import ActionRecord
from assistant.library.stats import Stats
from assistant.settings import Settings
from ingest.countries import country_code
from ingest.text import fold
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import ScoredChunk

if TYPE_CHECKING:  # the language-model stack is imported only when CASEBOOK_LLM is set
    from assistant.answering.generative import GenerativeAnswerer

log = logging.getLogger(__name__)

REMEMBERED_ANSWERS = 256
# Questions and queries longer than this are cut to their end, where a pasted text's question is:
# retrieval and sentence scoring grow with the question's length, so a pasted document must not
# stall a worker.
MAX_QUESTION_CHARS = 2000
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class Casebook:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.settings.apply_environment()
        self.library = Library(self.settings)
        self._grounding_generation = -1
        self._grounding = LibraryText(())
        self._cited: dict[str, tuple[str, ...]] = {}  # answer text -> Actions it cited

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
        """Ranked passages; those of the Actions the query names (by country) come first."""
        query = bounded_question(query)
        filters = self._resolved(filters) or SearchFilters()
        language = language or analyse(query).language
        k = k or self.settings.k
        searcher = self.library.searcher()
        named = () if filters.case_study_ids else self._named_action_ids(query)
        if not named:
            return searcher.search(query, k=k, filters=filters, language=language)
        scoped = searcher.search(
            query, k=k, filters=replace(filters, case_study_ids=named), language=language
        )
        if len(scoped) >= k:  # the named Actions fill the page: no need to search the rest
            return scoped[:k]
        results = searcher.search(query, k=k, filters=filters, language=language)
        return (scoped + [r for r in results if r.chunk.case_study_id not in named])[:k]

    def _named_action_ids(self, query: str) -> tuple[str, ...]:
        scope = resolve_scope(query, self.actions(), self.library.taxonomy, self.grounding().countries)
        return tuple(a.id for a in scope.actions)

    def _resolved(self, filters: SearchFilters | None) -> SearchFilters | None:
        if filters and filters.countries:
            return replace(filters, countries=self.resolve_countries(filters.countries))
        return filters

    # ---- ask -----------------------------------------------------------------------------

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
        asked_length = len(question)
        question = bounded_question(question)
        turns = parse_history(list(history) if history else None)
        # A long pasted text is in its own language; the question at its end is the user's.
        language = analyse(
            question if asked_length <= MAX_QUESTION_CHARS else _last_sentence(question)
        ).language
        follow, notice = self._follow_up(question, turns, language)
        filters = self._carried_filters(filters, follow)
        if self.settings.llm and notice is None:
            answer = yield from self._generative_stream(question, follow.query, k, filters, language, turns)
            if answer.mode is AnswerMode.EXTRACTIVE_FALLBACK:  # nothing of the model's was shown
                yield from _pieces(answer.answer)
        else:
            answer = replace(self._answer_standalone(follow.query, k, filters, language), question=question)
            if notice:
                answer = replace(answer, mode=AnswerMode.EXTRACTIVE_FALLBACK, notice=notice)
            yield from _pieces(answer.answer)
        if asked_length > MAX_QUESTION_CHARS:
            shortened = message("question_shortened", language, length=asked_length, kept=len(question))
            answer = replace(answer, notice=" ".join(filter(None, [shortened, answer.notice])))
        self._remember_citations(answer)
        yield answer

    def _answer_standalone(
        self, question: str, k: int | None, filters: SearchFilters | None, language: str | None
    ) -> Answer:
        return self.router.answer(analyse(question, language), k, filters)

    def _follow_up(self, question: str, turns: list[Turn], language: str) -> tuple[FollowUp, str | None]:
        """The question resolved against the conversation; a notice if the model failed."""
        resolver = self.conversation()
        if not (turns and self.settings.llm and resolver.looks_like_follow_up(question)):
            return resolver.resolve(question, turns), None
        from assistant.answering.llm import LLMError

        try:
            condensed = self.generative.condense(question, turns, language)
        except LLMError as error:
            log.warning("language model unavailable: %s", error)
            return resolver.resolve(question, turns), message("llm_unavailable", language, error=error)
        follow = resolver.resolve(condensed, turns)
        return replace(follow, question=question), None

    def _carried_filters(self, filters: SearchFilters | None, follow: FollowUp) -> SearchFilters | None:
        if follow.action_ids and not (filters and filters.case_study_ids):
            return replace(filters or SearchFilters(), case_study_ids=follow.action_ids)
        return filters

    def _generative_stream(
        self,
        question: str,
        query: str,
        k: int | None,
        filters: SearchFilters | None,
        language: str,
        turns: list[Turn],
    ) -> Generator[str, None, Answer]:
        """Checked sentences from the model as they come; returns the final Answer."""
        from assistant.answering.llm import LLMError

        q = analyse(query, language)
        scope = self.router.scope(q, filters)
        if (scope.unknown_countries and not scope.actions) or self.router.metadata.answer(
            q, scope, self.actions()
        ):
            answer = replace(self._answer_standalone(query, k, filters, language), question=question)
            yield from _pieces(answer.answer)
            return answer
        if scope.actions and not (filters and filters.case_study_ids):
            filters = replace(filters or SearchFilters(), case_study_ids=tuple(a.id for a in scope.actions))
        passages = [hit.chunk for hit in self.search(query, k=k, filters=filters, language=language)]
        check = CitationCheck(passages, self.support_meter)
        try:
            model_text = self.generative.stream(question, passages, language, turns)
            yield from checked_stream(model_text, check)
        except LLMError as error:
            log.warning("language model unavailable: %s", error)
            notice = message("llm_unavailable", language, error=error)
            if check.kept:  # sentences already shown stay, checked
                return replace(self._llm_answer(question, language, check), notice=notice)
            return self._fallback(question, query, k, filters, language, notice)
        log.info(
            "model answer checked: %d sentences kept, %d dropped, invalid markers %s",
            len(check.kept),
            len(check.unsupported),
            check.invalid_markers,
        )
        if not check.valid:
            notice = message("llm_unsupported", language)
            answer = self._fallback(question, query, k, filters, language, notice)
            return replace(answer, unsupported=check.unsupported)
        return self._llm_answer(question, language, check)

    def _llm_answer(self, question: str, language: str, check: CitationCheck) -> Answer:
        return Answer(
            question=question,
            answer=check.answer_text(),
            abstained=False,
            mode=AnswerMode.LLM,
            language=language,
            citations=check.citations(),
            unsupported=check.unsupported,
        )

    def _fallback(
        self,
        question: str,
        query: str,
        k: int | None,
        filters: SearchFilters | None,
        language: str,
        notice: str,
    ) -> Answer:
        answer = self._answer_standalone(query, k, filters, language)
        return replace(answer, question=question, mode=AnswerMode.EXTRACTIVE_FALLBACK, notice=notice)

    def _remember_citations(self, answer: Answer) -> None:
        """Which Actions an answer cited, found again when its text comes back as history."""
        cited = tuple(dict.fromkeys(c.chunk.case_study_id for c in answer.citations))
        if cited:
            self._cited[answer.answer.strip()] = cited
            while len(self._cited) > REMEMBERED_ANSWERS:
                self._cited.pop(next(iter(self._cited)))

    def conversation(self) -> ConversationResolver:
        remembered = self._cited
        taxonomy = self.library.taxonomy
        return ConversationResolver(
            self.actions(), taxonomy, self.grounding().countries, lambda t: remembered.get(t.strip(), ())
        )

    @cached_property
    def generative(self) -> GenerativeAnswerer:
        """The language model of `CASEBOOK_LLM` (LLMError if it cannot be built)."""
        from assistant.answering.generative import GenerativeAnswerer
        from assistant.answering.llm import build_chat_model

        return GenerativeAnswerer(build_chat_model(self.settings), self.settings.llm_timeout)

    @cached_property
    def support_meter(self) -> SupportMeter:
        return SupportMeter(self.library.embeddings)

    # ---- parts ---------------------------------------------------------------------------

    @cached_property
    def extractive(self) -> ExtractiveAnswerer:
        s = self.settings
        config = ExtractiveConfig(
            threshold=s.abstain_threshold,
            threshold_cross=s.abstain_threshold_cross,
            max_sentences=s.max_answer_sentences,
        )
        return ExtractiveAnswerer(self.library.embeddings, self.library.store.sentence_vectors, config)

    @cached_property
    def router(self) -> AnswerRouter:
        return AnswerRouter(
            self.library, self.extractive, self.search, self.grounding, self._resolved, self.settings.k
        )

    def grounding(self) -> LibraryText:
        """What each Action's text mentions, rebuilt when the library changed."""
        generation = self.library.records.generation()
        if generation != self._grounding_generation:
            self._grounding = LibraryText(self.library.lexical().chunks)
            self._grounding_generation = generation
        return self._grounding


def bounded_question(text: str) -> str:
    """`text` without control characters; a longer text than `MAX_QUESTION_CHARS` keeps its end
    (where a pasted text's question is), from a word boundary (logged when cut)."""
    text = _CONTROL_CHARACTERS.sub(" ", text)
    if len(text) > MAX_QUESTION_CHARS:
        log.warning("question of %d characters cut to its last %d", len(text), MAX_QUESTION_CHARS)
        tail = text[-MAX_QUESTION_CHARS:]
        text = tail.split(None, 1)[-1] if " " in tail[:100] else tail
    return text


def _last_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=\S)", text.strip())[-1]


def _pieces(text: str) -> Iterator[str]:
    """An extractive answer in sentence-sized pieces that join back into `text`."""
    parts = re.split(r"(?<=\])(?=\s)", text)
    yield from (p for p in parts if p)
