"""The ask pipeline analyses each question once: the raw question is analysed (and its scope
resolved) a single time per ask, whatever route its answer takes; only genuinely different
strings (a follow-up's query, a listing's topic) are analysed again, once each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

import assistant.answering.analysis as analysis
import assistant.answering.citation_check as citation_check
import assistant.answering.lessons as lessons
import assistant.answering.questions as questions
from assistant.service import Casebook


@pytest.fixture
def analysed_texts(monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[str], Counter[str]]:
    """Counts of the texts given to `analyse` and to `resolve_scope`, wherever they are called."""
    analysed: Counter[str] = Counter()
    scoped: Counter[str] = Counter()

    def counting(function: Callable[..., Any], seen: Counter[str]) -> Callable[..., Any]:
        def counted(text: str, *args: Any, **kwargs: Any) -> Any:
            seen[text] += 1
            return function(text, *args, **kwargs)

        return counted

    analyse = counting(questions.analyse, analysed)
    for module in (questions, analysis, citation_check, lessons):
        monkeypatch.setattr(module, "analyse", analyse)
    monkeypatch.setattr(analysis, "resolve_scope", counting(analysis.resolve_scope, scoped))
    return analysed, scoped


@pytest.mark.parametrize(
    "question",
    [
        "How many Syrian refugees did UNHCR count in Jordan in 2019?",  # one named Action
        "Which Actions deal with trafficking?",  # across Actions (its topic is analysed too)
        "Which criteria does the Jordan Action illustrate?",  # the metadata answers
        "What did the Action in Narnia achieve?",  # no such country
        "When did the Senegal Action start, and how many indicators were agreed?",  # two parts
    ],
)
def test_the_question_is_analysed_once_per_ask(
    corpus_casebook: Casebook, analysed_texts: tuple[Counter[str], Counter[str]], question: str
) -> None:
    analysed, scoped = analysed_texts
    corpus_casebook.ask(question)
    assert analysed[question] == 1 and scoped[question] == 1
    assert all(count == 1 for count in analysed.values()), analysed


def test_a_follow_up_and_the_query_it_resolves_to_are_analysed_once_each(
    corpus_casebook: Casebook, analysed_texts: tuple[Counter[str], Counter[str]]
) -> None:
    analysed, scoped = analysed_texts
    history = [["What lessons were learnt in Jordan?", "Political will matters."]]
    answer = corpus_casebook.ask("And in Senegal?", history=history)
    assert analysed["And in Senegal?"] == 1 and scoped["And in Senegal?"] == 1
    queries = [text for text in analysed if text.startswith("And in Senegal? ")]
    assert len(queries) == 1 and analysed[queries[0]] == 1  # the topic of the previous turn added
    assert answer.question == "And in Senegal?"


def test_a_search_analyses_its_query_once(
    corpus_casebook: Casebook, analysed_texts: tuple[Counter[str], Counter[str]]
) -> None:
    analysed, scoped = analysed_texts
    corpus_casebook.search("refugee shelters in Jordan")
    assert (
        analysed == Counter({"refugee shelters in Jordan": 1}) and scoped["refugee shelters in Jordan"] == 1
    )
