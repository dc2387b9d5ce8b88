"""`benchmarks/cross_validation.py`: thresholds are fitted without the held-out fold, and the
out-of-fold rows are those of the fitted point (checked on rows made up for the purpose)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from assistant.evaluation.scoring import EvalQuestion, EvalRow
from tests.paths import ROOT

BENCHMARK = ROOT / "benchmarks" / "cross_validation.py"


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cross_validation", BENCHMARK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["cross_validation"] = module
    spec.loader.exec_module(module)
    return module


def _question(i: int, doc: str) -> EvalQuestion:
    return EvalQuestion(str(i), "en", "q", True, [doc], None, [])


def _row(i: int, correct: bool) -> EvalRow:
    return EvalRow(str(i), "en", None, True, False, False, fact_in_citation=correct, correct=correct)


def test_each_fold_is_scored_at_the_point_fitted_on_the_other_folds() -> None:
    cv = _benchmark()
    questions = [_question(0, "a"), _question(1, "a"), _question(2, "b"), _question(3, "b")]
    # Point p answers fold a, point r answers fold b: each fold is then scored at the other's
    # best point, so nothing is right out of fold, although each point is right in sample.
    p, r = (0.9, 0.8), (1.0, 0.8)
    grid = {
        p: [_row(0, True), _row(1, True), _row(2, False), _row(3, False)],
        r: [_row(0, False), _row(1, False), _row(2, True), _row(3, True)],
    }
    rows, fitted = cv.cross_validate(grid, questions, default=p)
    assert fitted == {"a": r, "b": p}
    assert [row.correct for row in rows] == [False, False, False, False]
    result = cv.report(questions, grid, default=p)
    assert result["in_sample"]["all"]["fact_in_citation"] == 2
    assert result["out_of_fold"]["all"]["fact_in_citation"] == 0
    assert "out-of-fold" in cv.markdown(result)
