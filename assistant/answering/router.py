"""The answer router: what an analysed question names (its scope), then the one way it is
answered, chosen once: "no Action in X", the metadata (criteria, thematic area), the language
model (when one is configured), a list across Actions, the best evidence of each named Action,
or the extractive answer from the passages of its Action and section."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import replace
from functools import cached_property, partial
from typing import TYPE_CHECKING

from assistant.answering.analysis import AnalysedQuestion
from assistant.answering.answers import Answer, AnswerMode, Citation, ResolvedAction, pieces
from assistant.answering.extractive import ExtractiveAnswerer, ScoredSentence, compose_answer
from assistant.answering.grounding import LibraryText
from assistant.answering.messages import message
from assistant.answering.metadata_answers import MetadataAnswerer
from assistant.answering.passages import PassageSearch
from assistant.answering.questions import Question, listing_topic, term_overlap
from assistant.answering.request import AskRequest
from assistant.answering.scope import Scope
from assistant.answering.short_answers import lead_with_fact
from assistant.library.index import Library
from assistant.library.records import ActionRecord
from ingest.countries import cities_in
from ingest.models import CRITERIA_SECTION, SECTION_KEYS, Chunk
from ingest.text import fold
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import ScoredChunk

if TYPE_CHECKING:  # the language-model stack is imported only when CASEBOOK_LLM is set
    from assistant.answering.model_answers import ModelAnswers

CANDIDATE_PASSAGES = 8  # passages whose sentences the extractive engine weighs
MAX_LISTED_ACTIONS = 4
PASSAGES_PER_ACTION = 3  # content passages of one Action weighed for a list across Actions
MAX_PLACE_PASSAGES = 64  # passages weighed for "which Actions … in Spain?" among those naming Spain
# Of several Actions in one country, the one with the passage closest in meaning among its best few
# found (found by the fused search, whose first is not always the closest by meaning).
CLOSEST_OF = 3

# `PassageSearch.search` bound to the question's language and named Actions: (query, k=, filters=)
Search = Callable[..., list[ScoredChunk]]


class AnswerRouter:
    """`grounding` gives what each Action's text mentions, current with the library."""

    def __init__(
        self,
        library: Library,
        extractive: ExtractiveAnswerer,
        passages: PassageSearch,
        grounding: Callable[[], LibraryText],
    ) -> None:
        self._library = library
        self.extractive = extractive
        self._passages = passages
        self._grounding = grounding
        self.metadata = MetadataAnswerer(library.taxonomy, library.first_passage)

    def answer(
        self,
        request: AskRequest,
        asked: AnalysedQuestion,
        filters: SearchFilters,
        model: ModelAnswers | None = None,
    ) -> Generator[str, None, Answer]:
        """The answer to `asked` (the request's question, or the query a follow-up resolved it
        to): its text in pieces as it comes, then (returned) the `Answer`. `filters` is resolved
        (`PassageSearch.resolved`); `model`, when given, answers what the metadata does not."""
        k = request.k or self._passages.k
        scope = self.scope(asked, filters)
        q = replace(asked.question, places=scope.places)
        search: Search = partial(self._passages.search, language=q.language, named=asked.named_ids)

        def extractive() -> Answer:
            answer = self._extractive(q, scope, filters, k, search)
            return replace(self._finished(asked.question, scope, answer), question=request.question)

        direct = self._direct(q, scope, filters, search)
        if direct is None and model is not None:
            within = filters
            if scope.actions and not filters.case_study_ids:
                within = replace(filters, case_study_ids=tuple(a.id for a in scope.actions))
            passages = [hit.chunk for hit in search(asked.text, k=k, filters=within)]
            return (yield from model.answer(request, q.language, passages, extractive))
        if direct is None:
            answer = extractive()
        else:
            answer = replace(self._finished(asked.question, scope, direct), question=request.question)
        yield from pieces(answer.answer)
        return answer

    def _finished(self, q: Question, scope: Scope, answer: Answer) -> Answer:
        if answer.mode is AnswerMode.EXTRACTIVE:
            answer = lead_with_fact(q, answer, self._library.taxonomy)
        resolved = [ResolvedAction(a.id, scope.matched.get(a.id, ())) for a in scope.actions]
        return replace(answer, scope=resolved)

    def _direct(self, q: Question, scope: Scope, filters: SearchFilters, search: Search) -> Answer | None:
        """The answer no passage ranking makes: "no Action in X", or the metadata's; None when
        the passages must answer."""
        if scope.unknown_countries and not scope.actions:
            return self._unknown_country(q, scope, filters, search)
        return self.metadata.answer(q, scope, self._library.actions())

    def _extractive(
        self, q: Question, scope: Scope, filters: SearchFilters, k: int, search: Search
    ) -> Answer:
        actions = self._library.actions()
        grounded = self._grounding().grounded_actions(
            q,
            self._glossary_acronyms | _resolving_names(q, scope) | frozenset(q.known),
            self._cities_named(q),
        )
        if grounded is not None:
            named = tuple(a for a in scope.actions if a.id in grounded)
            if not grounded or (scope.actions and not named):
                return self.extractive.abstain(q, search(q.text, k=3, filters=filters))
            scope = replace(scope, actions=named)
            if not named and not filters.case_study_ids and len(grounded) < len(actions):
                filters = replace(filters, case_study_ids=tuple(grounded))
        if q.wants("actions") and not scope.actions:
            return self._across_actions(q, filters, search)
        if len(scope.actions) > 1:
            return self._per_action(q, scope, filters, search)
        if scope.actions and not filters.case_study_ids:
            filters = replace(filters, case_study_ids=(scope.actions[0].id,))
        if q.sections and not filters.sections:  # "what did they learn": the lessons section first
            in_section = replace(filters, sections=tuple(sorted(q.sections)))
            passages = search(q.text, k=max(k, CANDIDATE_PASSAGES), filters=in_section)
            answer = self.extractive.answer(q, passages, relaxed=len(scope.actions) == 1)
            if not answer.abstained:
                return answer
        passages = search(q.text, k=self._candidates(k, filters), filters=filters)
        return self.extractive.answer(q, passages)

    def _candidates(self, k: int, filters: SearchFilters) -> int:
        """How many passages the extractive engine weighs: within one Action, all of them (its
        sentences are few, and across languages the answer's passage may rank low); otherwise
        the best `CANDIDATE_PASSAGES`."""
        if len(filters.case_study_ids) == 1:
            return max(k, self._grounding().passage_count(filters.case_study_ids[0]))
        return max(k, CANDIDATE_PASSAGES)

    def _unknown_country(self, q: Question, scope: Scope, filters: SearchFilters, search: Search) -> Answer:
        nearest = search(q.text, k=3, filters=filters)
        return Answer(
            question=q.text,
            answer=message("unknown_country", q.language, country=", ".join(scope.unknown_countries).title()),
            abstained=True,
            mode=AnswerMode.EXTRACTIVE,
            language=q.language,
            nearest=[Citation(i + 1, hit.chunk, "") for i, hit in enumerate(nearest)],
        )

    def _across_actions(self, q: Question, filters: SearchFilters, search: Search) -> Answer:
        """'Which Actions deal with X?': the best sentence about X of each Action that qualifies."""
        topic = listing_topic(q)
        k = CANDIDATE_PASSAGES * 2
        if q.places and not filters.case_study_ids:  # "a study visit to Spain": the Actions naming Spain
            naming = self._grounding().actions_naming(q.places)
            if not naming:
                return self.extractive.abstain(q, search(topic.text, k=3, filters=filters))
            filters = replace(filters, case_study_ids=naming)
            k = min(MAX_PLACE_PASSAGES, CANDIDATE_PASSAGES * len(naming))
        passages = _few_per_action(search(topic.text, k=k * 2, filters=filters), k)
        ranked = self.extractive.rank_sentences(topic, passages)
        best: dict[str, ScoredSentence] = {}
        for sentence in ranked:
            # naming the place asked about (holds_answer) and a word of the topic ("visit") is
            # evidence enough for the lower bar
            relaxed = bool(q.places) and term_overlap(topic, sentence.text) > 0
            if self.extractive.is_evidence(topic, sentence, relaxed=relaxed):
                best.setdefault(sentence.chunk.case_study_id, sentence)
        if not best:
            return self.extractive.abstain(q, passages)
        # Each Action listed is named by its header (title, country, years), cited beside its sentence.
        listed = list(best.values())[:MAX_LISTED_ACTIONS]
        listed = [s for sentence in listed for s in (sentence, *self._header_of(sentence.chunk))]
        return compose_answer(q, listed, mode=AnswerMode.EXTRACTIVE)

    def _header_of(self, chunk: Chunk) -> list[ScoredSentence]:
        """The line of an Action's case study that names it, its country and years ("Title —
        Country (2015-2017)", atop its criteria box), as a sentence to cite."""
        box = self._library.first_passage(chunk.case_study_id, CRITERIA_SECTION)
        if box is None or chunk.country not in (line := box.text.split("\n", 1)[0]):
            return []
        return [ScoredSentence(line, box, 0.0, 0.0)]

    def _per_action(self, q: Question, scope: Scope, filters: SearchFilters, search: Search) -> Answer:
        """A question naming several Actions: the best evidence from each of them. Once one of
        them answers clearly, the others (named by the question) need only the lower bar."""
        best: list[ScoredSentence] = []
        for action in scope.actions[:MAX_LISTED_ACTIONS]:
            scoped = replace(filters, case_study_ids=(action.id,))
            passages = search(q.text, k=CANDIDATE_PASSAGES, filters=scoped)
            best.extend(self.extractive.rank_sentences(q, passages)[:1])
        if not any(self.extractive.is_evidence(q, s) for s in best):
            return self.extractive.abstain(q, search(q.text, filters=filters))
        chosen = [s for s in best if self.extractive.is_evidence(q, s, relaxed=True)]
        return compose_answer(q, chosen, mode=AnswerMode.EXTRACTIVE)

    # ---- scope -----------------------------------------------------------------------------

    def scope(self, asked: AnalysedQuestion, filters: SearchFilters) -> Scope:
        """What the question names; a follow-up's carried Actions (a case_study_ids filter) count as named."""
        scope = asked.scope
        if not scope.actions and filters.case_study_ids:
            carried = tuple(a for a in self._library.actions() if a.id in filters.case_study_ids)
            scope = replace(scope, actions=carried, matched={a.id: () for a in carried})
        return self._one_per_country(asked.question, scope)

    def _one_per_country(self, q: Question, scope: Scope) -> Scope:
        """Of several Actions in one country that the question does not tell apart (by years,
        see `resolve_scope`), the one whose passages come closest to the question (`CLOSEST_OF`),
        unless the question asks about several Actions ("both", "which Actions")."""
        countries = [a.country for a in scope.actions]
        if len(set(countries)) == len(countries) or q.wants("actions") or q.wants("several"):
            return scope
        searcher = self._library.searcher()
        closeness: dict[str, float] = {}
        for action in scope.actions:
            only = SearchFilters(case_study_ids=(action.id,))
            hits = searcher.search(q.text, k=CLOSEST_OF, filters=only, language=q.language)
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
        return frozenset(fold(a) for entry in self._library.taxonomy.acronyms for a in entry.all_acronyms())


def _few_per_action(passages: list[ScoredChunk], k: int) -> list[ScoredChunk]:
    """The best `k` passages with at most `PASSAGES_PER_ACTION` of each Action's content, so that
    a list across Actions is not filled by the one whose text is in the question's language."""
    taken: dict[str, int] = {}
    kept: list[ScoredChunk] = []
    for hit in passages:
        action = hit.chunk.case_study_id
        if hit.chunk.section in SECTION_KEYS and taken.get(action, 0) < PASSAGES_PER_ACTION:
            taken[action] = taken.get(action, 0) + 1
            kept.append(hit)
    return kept[:k]


def _resolving_names(q: Question, scope: Scope) -> frozenset[str]:
    """The question's names that resolved its Actions ("Georiga", "Costa … Marfil"): they
    name the Action itself, not something its text must mention."""
    words = {word for matched in scope.matched.values() for name in matched for word in fold(name).split()}
    return frozenset(name for name in q.names if set(name.split()) <= words)
