"""Out-of-fold quality: the abstention thresholds fitted by leave-one-case-study-out cross-validation.

The only constants of the answer engine fitted on questions are the two evidence thresholds
(`CASEBOOK_ABSTAIN_THRESHOLD`, same language, and `CASEBOOK_ABSTAIN_THRESHOLD_CROSS`, across
languages). Every question is answered once per point of a threshold grid. Each fold holds out
the questions about one case study (an unanswerable question, which names none, goes to a fold
by a stable hash of its id); the thresholds that answer the other folds best (fact in a cited
passage, or abstained when unanswerable) are applied to the held-out fold. The out-of-fold rows
are scored like `casebook eval`, beside the in-sample figures (the one best grid point for all
questions) and the shipped defaults.

Run: .venv/bin/python benchmarks/cross_validation.py Q1.jsonl [Q2.jsonl ...] --library DIR [--library DIR ...]
     [--home INDEX_DIR] [--embedding NAME] [--same-grid A,B,...] [--cross-grid A,B,...] [--json FILE]
(another embedding backend's similarities lie on another scale: give it a grid around them).
Writes benchmarks/results/cross_validation.json and .md (cross_validation_NAME.* with --embedding)
unless --json is given.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import tempfile
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))  # this checkout's packages, whatever the install points at

from assistant.evaluation.scoring import EvalQuestion, EvalRow, load_questions, score, summarise  # noqa: E402
from assistant.service import Casebook  # noqa: E402
from assistant.settings import Settings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
SAME_GRID = (0.85, 0.88, 0.91, 0.945, 0.97, 1.0)
CROSS_GRID = (0.74, 0.78, 0.82, 0.86, 0.9)
REPORTED = (
    "fact_in_citation",
    "doc_cited_first",
    "false_abstentions",
    "abstained",
)
Point = tuple[float, float]


def fold_of(question: EvalQuestion, folds: list[str]) -> str:
    if question.doc:
        return question.doc[0]
    digest = int(hashlib.sha1(question.id.encode()).hexdigest(), 16)
    return folds[digest % len(folds)]


def answer_grid(
    casebook: Casebook,
    questions: list[EvalQuestion],
    same_grid: tuple[float, ...] = SAME_GRID,
    cross_grid: tuple[float, ...] = CROSS_GRID,
) -> dict[Point, list[EvalRow]]:
    """Every question scored at every grid point (the engine's thresholds swapped in place)."""
    doc_languages = {a.source: a.language for a in casebook.actions()}
    base = casebook.extractive.config
    grid: dict[Point, list[EvalRow]] = {}
    for same, cross in itertools.product(same_grid, cross_grid):
        casebook.extractive.config = base.model_copy(update={"threshold": same, "threshold_cross": cross})
        grid[(same, cross)] = [
            score(q, casebook.ask(q.question, history=q.history), doc_languages) for q in questions
        ]
    casebook.extractive.config = base
    return grid


def best_point(grid: dict[Point, list[EvalRow]], keep: list[int], default: Point) -> Point:
    """The grid point with the most correct rows among `keep`; ties go to the one nearest the default."""

    def merit(point: Point) -> tuple[int, float]:
        correct = sum(grid[point][i].correct for i in keep)
        return correct, -abs(point[0] - default[0]) - abs(point[1] - default[1])

    return max(grid, key=merit)


def cross_validate(
    grid: dict[Point, list[EvalRow]], questions: list[EvalQuestion], default: Point
) -> tuple[list[EvalRow], dict[str, Point]]:
    folds = sorted({q.doc[0] for q in questions if q.doc})
    members: dict[str, list[int]] = defaultdict(list)
    for i, q in enumerate(questions):
        members[fold_of(q, folds)].append(i)
    out_of_fold: dict[int, EvalRow] = {}
    fitted: dict[str, Point] = {}
    for fold, held_out in members.items():
        training = [i for i in range(len(questions)) if i not in set(held_out)]
        fitted[fold] = best_point(grid, training, default)
        out_of_fold.update({i: grid[fitted[fold]][i] for i in held_out})
    return [out_of_fold[i] for i in range(len(questions))], fitted


def report(questions: list[EvalQuestion], grid: dict[Point, list[EvalRow]], default: Point) -> dict:
    oof_rows, fitted = cross_validate(grid, questions, default)
    in_sample = best_point(grid, list(range(len(questions))), default)
    nearest_default = min(grid, key=lambda p: abs(p[0] - default[0]) + abs(p[1] - default[1]))
    return {
        "questions": len(questions),
        "grid": {
            "threshold": sorted({p[0] for p in grid}),
            "threshold_cross": sorted({p[1] for p in grid}),
        },
        "default": nearest_default,
        "in_sample_point": in_sample,
        "fitted_per_fold": fitted,
        "out_of_fold": summarise(oof_rows),
        "in_sample": summarise(grid[in_sample]),
        "at_default": summarise(grid[nearest_default]),
        "rows": [asdict(r) for r in oof_rows],
    }


def markdown(result: dict) -> str:
    groups = sorted(result["out_of_fold"], key=lambda g: (g != "all", g))
    header = "| group | questions | " + " | ".join(f"{m} (out-of-fold / in-sample)" for m in REPORTED) + " |"
    lines = [header, "|---|---|" + "---|" * len(REPORTED)]
    for group in groups:
        oof, ins = result["out_of_fold"][group], result["in_sample"][group]
        cells = []
        for metric in REPORTED:
            of = "unanswerable" if metric == "abstained" else "answerable"
            cells.append(f"{oof[metric]}/{oof[of]} · {ins[metric]}/{ins[of]}")
        lines.append(f"| {group} | {oof['questions']} | " + " | ".join(cells) + " |")
    fitted = sorted({tuple(p) for p in result["fitted_per_fold"].values()})
    lines += [
        "",
        f"In-sample best thresholds {tuple(result['in_sample_point'])}; thresholds fitted per fold: {fitted}.",
    ]
    return "\n".join(lines) + "\n"


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(value) for value in text.split(","))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--library", type=Path, action="append", required=True)
    parser.add_argument("--home", type=Path, help="index folder (default: a fresh temporary one)")
    parser.add_argument("--embedding", help="embedding backend (default: the settings' own)")
    parser.add_argument(
        "--same-grid", type=_floats, default=SAME_GRID, help="same-language thresholds to try"
    )
    parser.add_argument(
        "--cross-grid", type=_floats, default=CROSS_GRID, help="cross-language thresholds to try"
    )
    parser.add_argument("--json", type=Path, help="write the result here instead of benchmarks/results/")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casebook-cv-") as scratch:
        chosen = {"embedding_model": args.embedding} if args.embedding else {}
        settings = Settings(home=args.home or Path(scratch), **chosen)
        casebook = Casebook(settings)
        casebook.ingest(args.library)
        questions = load_questions(*args.questions)
        default = (settings.answering.extractive.threshold, settings.answering.extractive.threshold_cross)
        grid = answer_grid(casebook, questions, args.same_grid, args.cross_grid)
        result = report(questions, grid, default)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
        return
    RESULTS.mkdir(exist_ok=True)
    name = f"cross_validation_{args.embedding}" if args.embedding else "cross_validation"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    (RESULTS / f"{name}.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
