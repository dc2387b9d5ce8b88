"""`Casebook`: the one service the CLI and the web app call — search, ask, list, ingest, stats."""

from __future__ import annotations

import logging
import re
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answers import Answer, Citation, ResolvedAction
from assistant.citation_check import CitationCheck, SupportMeter, checked_stream
from assistant.conversation import ConversationResolver, FollowUp, Turn, parse_history
from assistant.extractive import ExtractiveAnswerer, ExtractiveConfig, ScoredSentence, compose_answer
from assistant.grounding import LibraryText
from assistant.library import IngestReport, Library, ProgressCallback
from assistant.messages import message
from assistant.metadata_answers import MetadataAnswerer
from assistant.questions import Question, analyse, listing_topic
from assistant.records import ActionRecord
from assistant.scope import Scope, resolve_scope
from assistant.settings import Settings
from assistant.short_answers import lead_with_fact
from ingest.countries import cities_in, country_code
from ingest.models import Chunk
from ingest.text import fold
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import ScoredChunk

if TYPE_CHECKING:  # the language-model stack is imported only when CASEBOOK_LLM is set
    from assistant.generative import GenerativeAnswerer

log = logging.getLogger(__name__)

CANDIDATE_PASSAGES = 8  # passages whose sentences the extractive engine weighs
MAX_LISTED_ACTIONS = 4
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
        scope = resolve_scope(query, self.actions(), self.library.taxonomy, self.library_text())
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
            if answer.mode == "extractive-fallback":  # nothing of the model's was shown
                yield from _pieces(answer.answer)
        else:
            answer = replace(self._answer_standalone(follow.query, k, filters, language), question=question)
            if notice:
                answer = replace(answer, mode="extractive-fallback", notice=notice)
            yield from _pieces(answer.answer)
        if asked_length > MAX_QUESTION_CHARS:
            shortened = message("question_shortened", language, length=asked_length, kept=len(question))
            answer = replace(answer, notice=" ".join(filter(None, [shortened, answer.notice])))
        self._remember_citations(answer)
        yield answer

    def _answer_standalone(
        self,
        question: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        language: str | None = None,
    ) -> Answer:
        """The extractive (or metadata) answer to a question that needs no conversation."""
        q = analyse(question, language)
        scope = self._scope(q, filters)
        answer = self._answer_in_scope(q, scope, k, filters)
        if answer.mode == "extractive":
            answer = lead_with_fact(q, answer, self.library.taxonomy)
        resolved = [ResolvedAction(a.id, scope.matched.get(a.id, ())) for a in scope.actions]
        return replace(answer, scope=resolved)

    def _answer_in_scope(
        self, q: Question, scope: Scope, k: int | None, filters: SearchFilters | None
    ) -> Answer:
        question = q.text
        actions = self.actions()
        filters = self._resolved(filters) or SearchFilters()
        k = k or self.settings.k
        if scope.unknown_countries and not scope.actions:
            return self._unknown_country(q, scope, filters, k)
        answer = self.metadata.answer(q, scope, actions)
        if answer is not None:
            return answer
        grounded = self.grounding().grounded_actions(q, self._glossary_acronyms, self._cities_named(q))
        if grounded is not None:
            named = tuple(a for a in scope.actions if a.id in grounded)
            if not grounded or (scope.actions and not named):
                return self.extractive.abstain(
                    q, self.search(question, k=3, filters=filters, language=q.language)
                )
            scope = replace(scope, actions=named)
            if not named and not filters.case_study_ids and len(grounded) < len(actions):
                filters = replace(filters, case_study_ids=tuple(grounded))
        if q.wants("actions") and not scope.actions:
            return self._across_actions(q, filters)
        if len(scope.actions) > 1:
            return self._per_action(q, scope, filters)
        if scope.actions and not filters.case_study_ids:
            filters = replace(filters, case_study_ids=(scope.actions[0].id,))
        if q.sections and not filters.sections:  # "what did they learn": the lessons section first
            in_section = replace(filters, sections=tuple(sorted(q.sections)))
            passages = self.search(
                question, k=max(k, CANDIDATE_PASSAGES), filters=in_section, language=q.language
            )
            answer = self.extractive.answer(q, passages)
            if not answer.abstained:
                return answer
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
        """'Which Actions deal with X?': the best sentence about X of each Action that qualifies."""
        topic = listing_topic(q)
        passages = self.search(topic.text, k=CANDIDATE_PASSAGES * 2, filters=filters, language=q.language)
        ranked = self.extractive.rank_sentences(topic, passages)
        best: dict[str, ScoredSentence] = {}
        for sentence in ranked:
            if self.extractive.is_evidence(topic, sentence):
                best.setdefault(sentence.chunk.case_study_id, sentence)
        if not best:
            return self.extractive.abstain(q, passages)
        return compose_answer(q, list(best.values())[:MAX_LISTED_ACTIONS], mode="extractive")

    def _per_action(self, q: Question, scope: Scope, filters: SearchFilters) -> Answer:
        """A question naming several Actions: the best evidence from each of them. Once one of
        them answers clearly, the others (named by the question) need only the lower bar."""
        best: list[ScoredSentence] = []
        for action in scope.actions[:MAX_LISTED_ACTIONS]:
            scoped = replace(filters, case_study_ids=(action.id,))
            passages = self.search(q.text, k=CANDIDATE_PASSAGES, filters=scoped, language=q.language)
            best.extend(self.extractive.rank_sentences(q, passages)[:1])
        if not any(self.extractive.is_evidence(q, s) for s in best):
            return self.extractive.abstain(q, self.search(q.text, filters=filters, language=q.language))
        chosen = [s for s in best if self.extractive.is_evidence(q, s, relaxed=True)]
        return compose_answer(q, chosen, mode="extractive")

    # ---- follow-ups and the language model ------------------------------------------------

    def _follow_up(self, question: str, turns: list[Turn], language: str) -> tuple[FollowUp, str | None]:
        """The question resolved against the conversation; a notice if the model failed."""
        resolver = self.conversation()
        if not (turns and self.settings.llm and resolver.looks_like_follow_up(question)):
            return resolver.resolve(question, turns), None
        from assistant.llm import LLMError

        try:
            condensed = self.generative.condense(question, turns, language)
        except LLMError as error:
            log.warning("language model unavailable: %s", error)
            return resolver.resolve(question, turns), message("llm_unavailable", language, error=error)
        follow = resolver.resolve(condensed, turns)
        return replace(follow, question=question), None

    def _scope(self, q: Question, filters: SearchFilters | None) -> Scope:
        """What the question names; a follow-up's carried Actions (a case_study_ids filter) count as named."""
        actions = self.actions()
        scope = resolve_scope(q.text, actions, self.library.taxonomy, self.library_text())
        if not scope.actions and filters and filters.case_study_ids:
            carried = tuple(a for a in actions if a.id in filters.case_study_ids)
            scope = replace(scope, actions=carried, matched={a.id: () for a in carried})
        return self._one_per_country(q, scope)

    def _one_per_country(self, q: Question, scope: Scope) -> Scope:
        """Of several Actions in one country that the question does not tell apart (by years,
        see `resolve_scope`), the one whose passages come closest to the question, unless the
        question asks about several Actions ("both", "which Actions")."""
        countries = [a.country for a in scope.actions]
        if len(set(countries)) == len(countries) or q.wants("actions") or q.wants("several"):
            return scope
        searcher = self.library.searcher()
        closeness: dict[str, float] = {}
        for action in scope.actions:
            only = SearchFilters(case_study_ids=(action.id,))
            hits = searcher.search(q.text, k=1, filters=only, language=q.language)
            closeness[action.id] = max((hit.dense or 0.0 for hit in hits), default=0.0)
        kept: dict[str, ActionRecord] = {}
        for action in scope.actions:
            rival = kept.get(action.country)
            if rival is None or closeness[action.id] > closeness[rival.id]:
                kept[action.country] = action
        chosen = tuple(a for a in scope.actions if kept[a.country] is a)
        return replace(scope, actions=chosen, matched={a.id: scope.matched.get(a.id, ()) for a in chosen})

    @staticmethod
    def _cities_named(q: Question) -> dict[str, str]:
        """The question's names that are cities, with their country's code (Batoumi -> GE)."""
        return {name: code for name in q.names for code in cities_in(name.title()).values()}

    @cached_property
    def _glossary_acronyms(self) -> frozenset[str]:
        """Acronyms that say nothing about which Action holds the answer: written differently in
        each language (PON, SOP, POS), they are never asked of an Action's text."""
        return frozenset(fold(a) for entry in self.library.taxonomy.acronyms for a in entry.all_acronyms())

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
        from assistant.llm import LLMError

        q = analyse(query, language)
        scope = self._scope(q, filters)
        if (scope.unknown_countries and not scope.actions) or self.metadata.answer(q, scope, self.actions()):
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
            answer.unsupported = check.unsupported
            return answer
        return self._llm_answer(question, language, check)

    def _llm_answer(self, question: str, language: str, check: CitationCheck) -> Answer:
        return Answer(
            question=question,
            answer=check.answer_text(),
            abstained=False,
            mode="llm",
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
        return replace(answer, question=question, mode="extractive-fallback", notice=notice)

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
            self.actions(), taxonomy, self.library_text(), lambda t: remembered.get(t.strip(), ())
        )

    @cached_property
    def generative(self) -> GenerativeAnswerer:
        """The language model of `CASEBOOK_LLM` (LLMError if it cannot be built)."""
        from assistant.generative import GenerativeAnswerer
        from assistant.llm import build_chat_model

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
        return self.grounding().text

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
