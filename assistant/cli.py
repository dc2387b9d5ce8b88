"""The `casebook` command: ingest case studies, list Actions, search passages, ask questions.

A one-shot command should cost little more than the search it runs, so the stacks only some
commands need (the baseline and its LangChain vector store, the quiz, the evaluation, progress
bars) are imported inside those commands, not here.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answering.answers import Answer, passage_json
from assistant.answering.conversation import Turn, load_history, parse_history
from assistant.errors import CasebookError, InputFileError, UsageError, translated
from assistant.library.index import IngestReport
from assistant.quiz.formats import QUIZ_FORMATS
from assistant.service import Casebook
from assistant.settings import Settings
from assistant.types import LANGUAGES, SECTION_KEYS, ScoredChunk, SearchFilters

# A failed input or a store that cannot be used exits 1, like a bug (whose traceback -v shows);
# only a request that cannot be read exits 2.

if TYPE_CHECKING:
    from tqdm import tqdm

    from assistant.evaluation.scoring import EvalQuestion

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Casebook answers questions about a library of programme case studies (MIEUX Actions) with
citations that name the Action, its country and years, the section and the good-practice
criteria. Everything runs offline. The index lives in CASEBOOK_HOME (default ./.casebook) and
is filled from the bundled case studies on first use.

examples:
  casebook ask "How many Syrian refugees did UNHCR count in Jordan in 2019?"
  casebook search "leçons sur la volonté politique" --section lessons --json
  casebook ingest ./new_case_studies/
  casebook actions
  casebook quiz --action ACTION_ID --n 10 --format gift -o quiz.gift
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casebook", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest", help="add or update case studies (PDF, DOCX, TXT, MD files or folders)"
    )
    ingest.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="files or folders (searched recursively)"
    )
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")

    actions = commands.add_parser("actions", help="list the indexed Actions (case studies)")
    actions.add_argument("--json", action="store_true", help="print JSON")

    search = commands.add_parser("search", help="ranked passages for a query, with filters")
    search.add_argument("query")
    _add_retrieval_options(search)

    ask = commands.add_parser("ask", help="answer a question with numbered citations")
    ask.add_argument("question", nargs="?", help="the question (or use --batch)")
    ask.add_argument(
        "--batch",
        type=Path,
        metavar="FILE.jsonl",
        help='one {"id", "question", "history"?} object per line; one answer per line out',
    )
    ask.add_argument(
        "--history",
        type=Path,
        metavar="FILE.json",
        help="earlier turns as a JSON list of [question, answer] pairs: the question is read as a follow-up",
    )
    _add_retrieval_options(ask)

    remove = commands.add_parser("remove", help="remove an Action (by id) or a file (by path) from the index")
    remove.add_argument("target", help="an Action id from `casebook actions` or a file path")

    stats = commands.add_parser("stats", help="counts, embedding model and index location")
    stats.add_argument("--json", action="store_true", help="print JSON")

    commands.add_parser("chat", help="ask questions interactively in the terminal")

    evaluate = commands.add_parser(
        "eval", help="score answers against a question set (dev_questions.jsonl format)"
    )
    evaluate.add_argument("questions", type=Path, nargs="+", metavar="QUESTIONS.jsonl")
    evaluate.add_argument(
        "--library",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="case studies to index before scoring (repeatable; default: the bundled library)",
    )
    evaluate.add_argument("--k", type=int, default=None, help="passages to retrieve (default 5)")
    evaluate.add_argument("--json", action="store_true", help="totals and per-question rows as JSON")
    evaluate.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the plain LangChain pipeline (raw text, 1,000-character chunks, Chroma top-4) "
        "that is otherwise scored alongside, with Casebook/baseline ratios",
    )
    _add_quiz_parser(commands)
    return parser


def _add_quiz_parser(commands: Any) -> None:
    quiz = commands.add_parser(
        "quiz",
        help="training questions (multiple choice, true/false, short answer) with answers and citations",
        description="Build N questions from the facts the case studies state, each with its answer, "
        "a one-line explanation and its citation. Export for Moodle (GIFT, XML), print (Markdown), "
        "CSV or JSON. Offline; --seed makes a run repeatable.",
    )
    quiz.add_argument("--action", action="append", default=[], metavar="ID", help="Action id; repeatable")
    quiz.add_argument(
        "--criterion", type=int, action="append", default=[], metavar="N", help="criterion N; repeatable"
    )
    quiz.add_argument("--theme", metavar="T", help="thematic area, by key or label in any language")
    quiz.add_argument(
        "--section", action="append", default=[], choices=[*SECTION_KEYS, "criteria"], help="repeatable"
    )
    quiz.add_argument("--n", type=int, default=10, help="number of questions (default 10)")
    quiz.add_argument("--kinds", default="mcq,tf,short", help="comma-separated: mcq,tf,short (default all)")
    quiz.add_argument(
        "--lang", choices=list(LANGUAGES), help="language of the questions (default: the source's)"
    )
    quiz.add_argument("--seed", type=int, default=None, help="make selection and shuffling repeatable")
    quiz.add_argument(
        "--format",
        choices=list(QUIZ_FORMATS),
        default=None,
        help="output format (default md, or -o's suffix)",
    )
    quiz.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")


def _add_retrieval_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--k", type=int, default=None, help="passages to retrieve (default 5)")
    parser.add_argument(
        "--criterion",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help="only Actions illustrating criterion N (1-10); repeat for several",
    )
    parser.add_argument("--theme", help="thematic area, by key or label in any language")
    parser.add_argument("--country", action="append", default=[], help="country, in any language; repeatable")
    parser.add_argument(
        "--section",
        action="append",
        default=[],
        choices=[*SECTION_KEYS, "notes", "criteria"],
        help="section; repeatable",
    )
    parser.add_argument("--lang", choices=list(LANGUAGES), help="only passages in this language")
    parser.add_argument(
        "--years", metavar="START-END", help="only Actions overlapping these years, e.g. 2015-2018"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(message)s")
    try:
        with translated():
            return _run(args, parser)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        return _report(error, verbose=args.verbose)


def _report(error: Exception, verbose: bool) -> int:
    """One line on stderr and the exit code; a bug's traceback too under -v."""
    if isinstance(error, CasebookError):
        print(f"casebook: {error}", file=sys.stderr)
        return EXIT_USAGE if isinstance(error, UsageError) else EXIT_SOME_FAILED
    if verbose:
        traceback.print_exception(error)
    else:
        print(f"casebook: internal error ({type(error).__name__}: {error}); -v shows where", file=sys.stderr)
    return EXIT_SOME_FAILED


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.command == "ask" and not (args.question or args.batch):
        parser.error("ask needs a QUESTION or --batch FILE")
    casebook = Casebook(Settings.load())
    if args.command == "ingest":
        return _ingest(casebook, args)
    if not (args.command == "eval" and args.library):  # eval --library brings its own case studies
        casebook.ensure_library(_progress_bar("indexing the bundled library"))
    handler = {
        "actions": _actions,
        "search": _search,
        "ask": _ask,
        "stats": _stats,
        "chat": _chat,
        "remove": _remove,
        "eval": _eval,
        "quiz": _quiz,
    }[args.command]
    return handler(casebook, args)


# ---- commands ------------------------------------------------------------------------------


def _ingest(casebook: Casebook, args: argparse.Namespace) -> int:
    report = casebook.ingest(args.paths, _progress_bar("ingesting"))
    if args.json:
        _print_json(report.to_json())
    else:
        _print_report(report)
    return EXIT_SOME_FAILED if report.failed else EXIT_OK


def _actions(casebook: Casebook, args: argparse.Namespace) -> int:
    actions = casebook.actions()
    if args.json:
        _print_json([a.to_json() for a in actions])
        return EXIT_OK
    for a in actions:
        criteria = ",".join(map(str, a.criteria)) or "-"
        print(
            f"{a.id}\n  {a.title} — {a.country} ({a.years}) · {a.language} · theme {a.theme or '-'} · "
            f"criteria {criteria} · {a.chunks} passages · {a.source}"
        )
    return EXIT_OK


def _search(casebook: Casebook, args: argparse.Namespace) -> int:
    results = casebook.search(args.query, k=args.k, filters=_filters(casebook, args))
    if args.json:
        _print_json({"results": [_result_json(rank, r) for rank, r in enumerate(results, 1)]})
        return EXIT_OK
    for rank, r in enumerate(results, 1):
        c = r.chunk
        print(f"{rank}. [{r.score:.3f}] {c.action} — {c.country} ({c.years}) · {c.section} · p.{c.page}")
        print(f"   {c.text}\n")
    return EXIT_OK


def _ask(casebook: Casebook, args: argparse.Namespace) -> int:
    filters = _filters(casebook, args)
    if args.batch:
        for item in _json_lines(args.batch):
            history = parse_history(item.get("history"))
            answer = casebook.ask(item["question"], k=args.k, filters=filters, history=history)
            print(json.dumps({"id": item.get("id"), **answer.to_json()}, ensure_ascii=False), flush=True)
        return EXIT_OK
    history = load_history(args.history) if args.history else []
    answer = casebook.ask(args.question, k=args.k, filters=filters, history=history)
    if args.json:
        _print_json(answer.to_json())
    else:
        _print_answer(answer)
    return EXIT_OK


def _json_lines(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON-lines file; `InputFileError` when it cannot be read as one."""
    try:
        items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as error:
        raise InputFileError(f"{path}: {error}") from error
    if not all(isinstance(item, dict) and isinstance(item.get("question"), str) for item in items):
        raise InputFileError(f'{path}: every line must be an object with a "question" string')
    return items


def _remove(casebook: Casebook, args: argparse.Namespace) -> int:
    if casebook.library.remove(args.target):
        print(f"removed {args.target}")
        return EXIT_OK
    print(f"casebook: nothing indexed under {args.target!r}", file=sys.stderr)
    return EXIT_SOME_FAILED


def _stats(casebook: Casebook, args: argparse.Namespace) -> int:
    stats = casebook.stats().to_json()
    if args.json:
        _print_json(stats)
    else:
        for key, value in stats.items():
            print(f"{key:20} {value}")
    return EXIT_OK


def _chat(casebook: Casebook, args: argparse.Namespace) -> int:
    print("Casebook — ask about the case studies, follow-ups included (empty line or Ctrl-D to quit).")
    turns: list[Turn] = []
    while True:
        try:
            question = input("\n? ").strip()
        except EOFError:
            return EXIT_OK
        if not question:
            return EXIT_OK
        answer: Answer | None = None
        for part in casebook.ask_stream(question, history=turns):
            if isinstance(part, Answer):
                answer = part
            else:
                print(part, end="", flush=True)  # the answer as it comes (checked sentence by sentence)
        assert answer is not None
        print()
        _print_sources(answer)
        turns.append((question, answer.answer))


def _eval(casebook: Casebook, args: argparse.Namespace) -> int:
    from assistant.evaluation.scoring import evaluate, load_questions, rows_to_json, summarise

    questions = load_questions(*args.questions)
    if args.library:
        report = casebook.ingest(args.library, _progress_bar("indexing the library"))
        for failed in report.failed:  # e.g. a README beside the case studies: reported, not fatal
            print(f"not indexed: {failed.file}: {failed.error}", file=sys.stderr)
    doc_languages = {a.source: a.language for a in casebook.actions()}
    rows = evaluate(questions, lambda q: casebook.ask(q.question, k=args.k, history=q.history), doc_languages)
    totals = summarise(rows)
    baseline = None if args.no_baseline else _eval_baseline(casebook, questions, doc_languages, totals)
    if args.json:
        _print_json({"totals": totals, "baseline": baseline, "rows": rows_to_json(rows)})
        return EXIT_OK
    columns = [
        "questions",
        "fact_in_citation",
        "fact_in_answer",
        "doc_cited",
        "doc_cited_first",
        "section_cited",
        "false_abstentions",
        "abstained",
    ]
    print(f"{'group':18}" + "".join(f"{c:>18}" for c in columns))
    for group, t in totals.items():
        cells = [f"{t['questions']}"] + [
            f"{t[c]}/{t['unanswerable' if c == 'abstained' else 'answerable']}" for c in columns[1:]
        ]
        print(f"{group:18}" + "".join(f"{cell:>18}" for cell in cells))
    if baseline:
        _print_baseline(totals["all"], baseline)
    return EXIT_OK


def _eval_baseline(
    casebook: Casebook,
    questions: list[EvalQuestion],
    doc_languages: dict[str, str],
    totals: dict[str, dict[str, float | int]],
) -> dict[str, Any]:
    """The same questions through a plain LangChain pipeline: its totals, rows and our ratios."""
    from assistant.evaluation.baseline import LangChainBaseline, ratios
    from assistant.evaluation.scoring import evaluate, rows_to_json, summarise

    with LangChainBaseline.from_library(casebook.library) as baseline:
        rows = evaluate(questions, lambda q: baseline.ask(q.question), doc_languages)
        described = baseline.config.describe()
    baseline_totals = summarise(rows)
    return {
        "pipeline": described,
        "totals": baseline_totals,
        "ratios": ratios(totals, baseline_totals),
        "rows": rows_to_json(rows),
    }


def _print_baseline(ours: dict[str, float | int], baseline: dict[str, Any]) -> None:
    from assistant.evaluation.baseline import COMPARED

    print(f"\nall questions vs. baseline: {baseline['pipeline']}")
    print(f"{'':18}{'Casebook':>18}{'baseline':>18}{'ratio':>18}")
    for metric in COMPARED:
        of = "unanswerable" if metric == "abstained" else "answerable"
        ratio = baseline["ratios"]["all"][metric]
        cells = [f"{ours[metric]}/{ours[of]}", f"{baseline['totals']['all'][metric]}/{ours[of]}"]
        cells.append("n/a" if ratio is None else f"{ratio:.2f}x")
        print(f"{metric:18}" + "".join(f"{cell:>18}" for cell in cells))


def _quiz(casebook: Casebook, args: argparse.Namespace) -> int:
    from assistant.quiz import QuizRequest, build_quiz, export_quiz

    request = QuizRequest(
        action_ids=tuple(args.action),
        criteria=tuple(args.criterion),
        theme=args.theme,
        sections=tuple(args.section),
        n=args.n,
        kinds=tuple(k.strip() for k in args.kinds.split(",") if k.strip()),
        language=args.lang,
        seed=args.seed,
    )
    fmt = args.format or _format_from_suffix(args.output) or "md"
    text = export_quiz(build_quiz(casebook, request), fmt)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _format_from_suffix(path: Path | None) -> str | None:
    if path is None:
        return None
    return next((fmt for fmt, suffix in QUIZ_FORMATS.items() if path.name.endswith(suffix)), None)


# ---- helpers -------------------------------------------------------------------------------


def _filters(casebook: Casebook, args: argparse.Namespace) -> SearchFilters:
    theme = None
    if args.theme:
        theme = casebook.library.taxonomy.match_theme(args.theme)
        if theme is None:
            raise UsageError(f"--theme: unknown thematic area {args.theme!r}")
    years = None
    if args.years:
        try:
            start, end = (int(y) for y in args.years.split("-"))
        except ValueError as error:
            raise UsageError(f"--years: expected START-END such as 2015-2018, got {args.years!r}") from error
        years = (start, end)
    return SearchFilters(
        criteria=tuple(args.criterion),
        theme=theme,
        countries=tuple(args.country),
        sections=tuple(args.section),
        language=args.lang,
        years=years,
    )


def _result_json(rank: int, result: ScoredChunk) -> dict[str, Any]:
    c = result.chunk
    return {
        "rank": rank,
        "score": round(result.score, 6),
        **passage_json(c),
        "case_study_id": c.case_study_id,
        "language": c.language,
    }


def _print_answer(answer: Answer) -> None:
    print(answer.answer)
    _print_sources(answer)


def _print_sources(answer: Answer) -> None:
    if answer.notice:
        print(f"note: {answer.notice}", file=sys.stderr)
    cited = answer.citations or answer.nearest
    if cited:
        print()
    for citation in cited:
        c = citation.chunk
        print(
            f"[{citation.n}] {c.action} — {c.country} ({c.years}) · {c.section} · "
            f"criteria {','.join(map(str, c.criteria)) or '-'} · {c.source} p.{c.page}"
        )
        print(f"    {citation.quote or c.text}")


def _print_report(report: IngestReport) -> None:
    print(
        f"added {report.added} · updated {report.updated} · unchanged {report.unchanged} · "
        f"removed {report.removed} · failed {len(report.failed)}"
    )
    for failed in report.failed:
        print(f"  failed: {failed.file}: {failed.error}")
    print(f"library: {report.case_studies} case studies, {report.chunks} passages")


def _progress_bar(description: str):
    bar: dict[str, tqdm] = {}

    def update(done: int, total: int, name: str) -> None:
        if "bar" not in bar:
            from tqdm import tqdm

            bar["bar"] = tqdm(total=total, desc=description, unit="file", disable=None, file=sys.stderr)
        bar["bar"].n = done
        bar["bar"].set_postfix_str(name)
        if done >= total:
            bar["bar"].close()

    return update


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


if __name__ == "__main__":  # `python -m assistant.cli`, as the `casebook` script
    sys.exit(main())
