"""Answer quality on the shared dev questions, with the issue's bars (measured, not timed)."""

from __future__ import annotations

import pytest

from assistant.evaluation.scoring import evaluate, load_questions, summarise
from assistant.service import Casebook
from tests.paths import DEV_QUESTIONS


@pytest.mark.slow  # 40 questions through the whole answer path: about half a minute
def test_dev_questions_are_answered_from_cited_passages_and_unanswerable_ones_abstain(
    corpus_casebook: Casebook,
) -> None:
    questions = load_questions(DEV_QUESTIONS)
    languages = {a.source: a.language for a in corpus_casebook.actions()}
    rows = evaluate(
        questions, lambda q: corpus_casebook.ask(q.question, history=q.history or None), languages
    )
    totals = summarise(rows)
    overall, cross = totals["all"], totals["crosslingual"]
    assert overall["fact_in_citation"] >= 0.9 * overall["answerable"], totals
    assert cross["fact_in_citation"] >= 0.8 * cross["answerable"], totals
    assert overall["abstained"] >= 5, totals
