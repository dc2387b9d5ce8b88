"""The ask pipeline behind `Casebook.ask`: the question analysed once, resolved against the
conversation (a language model, when configured, first condenses a follow-up), answered by the
router, then told when it was shortened; the Actions each answer cited are remembered, so that
its text coming back as history carries them over."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.answering.analysis import AnalysedQuestion, QuestionAnalyser
from assistant.answering.answers import Answer, AnswerMode
from assistant.answering.citation_check import SupportMeter
from assistant.answering.conversation import ConversationResolver, FollowUp, Turn
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.grounding import LibraryText
from assistant.answering.messages import message
from assistant.answering.passages import PassageSearch
from assistant.answering.request import AskRequest, bounded_question
from assistant.answering.router import AnswerRouter
from assistant.library.index import Library
from assistant.settings import Settings
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import ScoredChunk

if TYPE_CHECKING:  # the language-model stack is imported only when CASEBOOK_LLM is set
    from assistant.answering.generative import GenerativeAnswerer
    from assistant.answering.model_answers import ModelAnswers

log = logging.getLogger(__name__)

REMEMBERED_ANSWERS = 256


class AskPipeline:
    """Answers and searches over `library`. The language model is read from `settings` at each
    ask (`CASEBOOK_LLM`), and built on first use."""

    def __init__(self, library: Library, settings: Settings) -> None:
        self._library = library
        self._settings = settings
        self._grounding_generation = -1
        self._grounding = LibraryText(())
        self._cited: dict[str, tuple[str, ...]] = {}  # answer text -> Actions it cited
        self.passages = PassageSearch(library, settings.retrieval.k)
        self.extractive = ExtractiveAnswerer(
            library.embeddings, library.sentence_vectors, settings.answering.extractive
        )
        self.router = AnswerRouter(library, self.extractive, self.passages, self.grounding)

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        language: str | None = None,
    ) -> list[ScoredChunk]:
        """Ranked passages; those of the Actions the query names (by country) come first."""
        asked = self.analyser().analysed(
            bounded_question(query, self._settings.answering.max_question_chars), language
        )
        return self.passages.search(
            asked.text, asked.language, asked.named_ids, k, self.passages.resolved(filters)
        )

    def stream(self, request: AskRequest) -> Iterator[str | Answer]:
        """Answer text in pieces as it comes, then the checked `Answer` (always last)."""
        analyser = self.analyser()
        asked = analyser.analysed(request.question, request.pasted_language())
        follow, query, notice = self._follow_up(asked, request.history, analyser)
        filters = self.passages.resolved(_carried_filters(request.filters, follow))
        model = self._model_answers() if self._settings.language_model.model and notice is None else None
        answer = yield from self.router.answer(request, query, filters, model)
        if notice:
            answer = replace(answer, mode=AnswerMode.EXTRACTIVE_FALLBACK, notice=notice)
        if request.shortened:
            shortened = message(
                "question_shortened", asked.language, length=request.asked_length, kept=len(request.question)
            )
            answer = replace(answer, notice=" ".join(filter(None, [shortened, answer.notice])))
        self._remember_citations(answer)
        yield answer

    def analyser(self) -> QuestionAnalyser:
        """Analyses questions against the library as it is now."""
        library = self._library
        return QuestionAnalyser(library.actions(), library.taxonomy, self.grounding().countries)

    def grounding(self) -> LibraryText:
        """What each Action's text mentions, rebuilt when the library changed."""
        generation = self._library.records.generation()
        if generation != self._grounding_generation:
            self._grounding = LibraryText(self._library.lexical().chunks)
            self._grounding_generation = generation
        return self._grounding

    # ---- follow-ups ------------------------------------------------------------------------

    def _follow_up(
        self, asked: AnalysedQuestion, turns: Sequence[Turn], analyser: QuestionAnalyser
    ) -> tuple[FollowUp, AnalysedQuestion, str | None]:
        """The question resolved against the conversation, the query it resolved to (analysed),
        and a notice if the language model failed to condense it."""
        resolver = ConversationResolver(analyser, lambda text: self._cited.get(text.strip(), ()))
        resolved, notice = asked, None
        if turns and self._settings.language_model.model and resolver.looks_like_follow_up(asked):
            from assistant.answering.llm import LLMError

            try:
                condensed = self.generative.condense(asked.text, turns, asked.language)
            except LLMError as error:
                log.warning("language model unavailable: %s", error)
                notice = message("llm_unavailable", asked.language, error=error)
            else:
                if condensed != asked.text:
                    resolved = analyser.analysed(condensed, asked.language)
        follow = replace(resolver.resolve(resolved, turns), question=asked.text)
        if follow.query != resolved.text:  # the topic of the previous turn added
            resolved = analyser.analysed(follow.query, asked.language)
        return follow, resolved, notice

    def _remember_citations(self, answer: Answer) -> None:
        """Which Actions an answer cited, found again when its text comes back as history."""
        cited = tuple(dict.fromkeys(c.chunk.case_study_id for c in answer.citations))
        if cited:
            self._cited[answer.answer.strip()] = cited
            while len(self._cited) > REMEMBERED_ANSWERS:
                self._cited.pop(next(iter(self._cited)))

    # ---- the language model ------------------------------------------------------------------

    @cached_property
    def generative(self) -> GenerativeAnswerer:
        """The language model of `CASEBOOK_LLM` (LLMError if it cannot be built)."""
        from assistant.answering.generative import GenerativeAnswerer
        from assistant.answering.llm import build_chat_model

        llm = self._settings.language_model
        return GenerativeAnswerer(build_chat_model(llm), llm.timeout)

    @cached_property
    def support_meter(self) -> SupportMeter:
        return SupportMeter(self._library.embeddings, self._settings.answering.support)

    def _model_answers(self) -> ModelAnswers:
        from assistant.answering.model_answers import ModelAnswers

        return ModelAnswers(lambda: self.generative, self.support_meter)


def _carried_filters(filters: SearchFilters | None, follow: FollowUp) -> SearchFilters | None:
    if follow.action_ids and not (filters and filters.case_study_ids):
        return replace(filters or SearchFilters(), case_study_ids=follow.action_ids)
    return filters
