"""Warm query latency on the bundled library: `search` and extractive `ask`, p50 and p95.

The process is warm (models loaded, one question asked); each question is timed the first time
it is asked ("new questions": nothing cached for it) and again in later rounds ("repeated").

Run: .venv/bin/python benchmarks/query_latency.py [--home DIR] [--rounds N]
Writes benchmarks/results/query_latency.md and prints it.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from assistant.service import Casebook
from assistant.settings import Settings

WARM_UP = "Quel rapport a identifié la Jordanie comme destination majeure de la traite ?"
QUESTIONS = [
    "How many Syrian refugees did UNHCR count in Jordan in 2019?",
    "Quelle organisation gère le second refuge pour victimes de la traite ?",
    "¿Qué país visitó la delegación jordana?",
    "Quels enseignements sur la volonté politique ?",
    "What did the Action learn about existing documents?",
    "Which criteria does the Jordan Action illustrate?",
]
SEARCHES = [  # what a programme designer types in the lessons search
    "volonté politique",
    "study visit shelters",
    "procedimientos operativos estándar",
    "refuges gérés par des ONG",
    "victim-centred approach",
    "formation du personnel des refuges",
]
RESULTS = Path(__file__).with_name("results")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(call, rounds: int, questions: list[str] = QUESTIONS) -> list[float]:
    timings = []
    for _ in range(rounds):
        for question in questions:
            start = time.perf_counter()
            call(question)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, help="index folder (default: a fresh temporary one)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    casebook = Casebook(Settings(home=home))
    casebook.ensure_library()
    casebook.ask(WARM_UP)  # warm: models loaded, lexical index read
    first_ask, first_search = measure(casebook.ask, 1), measure(casebook.search, 1, SEARCHES)
    rows = {
        "search, new queries": first_search,
        "ask (extractive), new questions": first_ask,
        "search, repeated": measure(casebook.search, args.rounds, SEARCHES),
        "ask (extractive), repeated": measure(casebook.ask, args.rounds),
    }
    lines = [
        f"Warm latency on the bundled library ({casebook.stats().chunks} passages, "
        f"embeddings {casebook.settings.embedding_model}), {len(QUESTIONS)} questions and "
        f"{len(SEARCHES)} searches in FR/EN/ES, each new once, then {args.rounds} more rounds:",
        "",
        "| call | p50 ms | p95 ms | mean ms |",
        "|---|---|---|---|",
    ]
    for name, timings in rows.items():
        lines.append(
            f"| {name} | {percentile(timings, 0.5):.0f} | {percentile(timings, 0.95):.0f} | "
            f"{statistics.mean(timings):.0f} |"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "query_latency.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
