"""Casebook against the naive LangChain pipeline on the same generated library, size by size.

Sizes are multiples of the bundled library (data/case_studies: one case study, so size N is N
files); the libraries are made by benchmarks/generate_library.py, once per size, and both
systems read the same files. The naive pipeline is the one `casebook eval` scores alongside
(assistant/baseline.py: RecursiveCharacterTextSplitter 1000/200 + Chroma + the same embedding
model); its query is its similarity search, so it has no ask figures.

Each size and system runs in its own process, so its peak memory (ru_maxrss) is its own. Ingest
is timed with the embedding model already loaded, in wall time and in the process's CPU time
(user + system, `ingest_cpu_s`: steadier than wall time on a shared machine); queries are warm
(`WARM_UPS` asked first), the questions of benchmarks/query_latency.py asked `--rounds` times each.
Casebook's asks are timed before its searches, so that each question's first encode falls in an
ask, as it falls in the naive pipeline's first round of searches; Casebook's searches come after,
on questions already encoded (its search figures are flattered, its ask figures are not).

Run: .venv/bin/python benchmarks/scale.py --sizes 30,100,1000 --baseline --embedding use-multilingual
With --home DIR, each size's library and Casebook's index of it are kept in DIR and reused by
the next run (its Casebook rows then have no ingest time: the ingest found nothing to do), so
query latency can be measured again without ingesting again.
Without --json, rows are merged into benchmarks/results/scale.json (by system, embedding and
size, so runs with other embeddings add rows) and scale.md and scale.png are written from them;
with --json FILE, this run's rows go to FILE only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

from generate_library import generate  # noqa: E402
from query_latency import QUESTIONS, measure, percentile  # noqa: E402

# Asked before the timed rounds, one in each language of QUESTIONS and none of them: a warm
# process has loaded what each language needs (its locale data, its stemmer), while every timed
# question is still new in its first round (its first encode is timed, in both systems).
WARM_UPS = (
    "Which shelters did the delegation visit in Belgium?",
    "Quel rapport a identifié la Jordanie comme destination majeure de la traite ?",
    "¿Cuántos refugiados sirios acogía Jordania?",
)

from assistant.settings import BUNDLED_LIBRARY, LanguageModelSettings, Settings  # noqa: E402

RESULTS = Path(__file__).with_name("results")
SYSTEMS = ("casebook", "baseline")
ROW_FIELDS = (
    "system",
    "embedding",
    "size",
    "files",
    "chunks",
    "ingest_s",
    "ingest_cpu_s",
    "peak_mb",
    "search_p50_ms",
    "search_p95_ms",
    "ask_p50_ms",
    "ask_p95_ms",
)
Row = dict[str, Any]


# ---- one system, one size, in this process -------------------------------------------------


def measure_casebook(library: Path, size: int, embedding: str, rounds: int, kept: Path | None) -> Row:
    """Casebook ingests `library` into a fresh home (or the one kept in `kept`), then answers
    warm searches and questions."""
    from assistant.service import Casebook

    files = sorted(library.glob("*.txt"))
    with _casebook_home(kept, size, embedding) as home:
        settings = Settings(
            home=home,
            library=library,
            embedding_model=embedding,
            language_model=LanguageModelSettings(model=None),
        )
        casebook = Casebook(settings)
        casebook.library.embeddings.embed_query("warm up")  # model loading is not ingest
        fresh = casebook.library.is_empty()
        start, cpu_start = time.perf_counter(), _cpu_seconds()
        casebook.ingest([library])
        seconds = (time.perf_counter() - start, _cpu_seconds() - cpu_start) if fresh else None
        chunks = casebook.stats().chunks
        casebook.warm_up()  # as the web app does before serving: model, indexes, number formats
        for question in WARM_UPS:  # warm: each language's data
            casebook.ask(question)
        ask = measure(casebook.ask, rounds)  # first: each question's first encode falls in an ask
        search = measure(casebook.search, rounds)
    return _row("casebook", embedding, size, len(files), chunks, seconds, search, ask)


def measure_baseline(library: Path, size: int, embedding: str, rounds: int, _kept: Path | None) -> Row:
    """The naive pipeline splits and indexes `library`, then runs warm similarity searches."""
    from assistant.evaluation.baseline import LangChainBaseline
    from vectorstore.embeddings import make_embeddings

    files = sorted(library.glob("*.txt"))
    embeddings = make_embeddings(embedding)
    embeddings.embed_query("warm up")  # model loading is not ingest
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    with LangChainBaseline(embeddings, files) as baseline:
        seconds = (time.perf_counter() - start, _cpu_seconds() - cpu_start)
        for question in WARM_UPS:  # warm, as Casebook is
            baseline.ask(question)
        search = measure(baseline.ask, rounds)  # its "answer" is the top-k similarity search
        chunks = baseline.chunks
    return _row("baseline", embedding, size, len(files), chunks, seconds, search, None)


@contextmanager
def _casebook_home(kept: Path | None, size: int, embedding: str) -> Iterator[Path]:
    """Casebook's home for one size and embedding: kept in `kept` (reused across runs) or temporary."""
    if kept is not None:
        yield kept / f"{size}x" / f"casebook-{embedding}"
        return
    with tempfile.TemporaryDirectory(prefix="casebook-scale-") as home:
        yield Path(home)


MEASURE: dict[str, Callable[[Path, int, str, int, Path | None], Row]] = {
    "casebook": measure_casebook,
    "baseline": measure_baseline,
}


def _cpu_seconds() -> float:
    """CPU time (user + system) this process has used, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _row(
    system: str,
    embedding: str,
    size: int,
    files: int,
    chunks: int,
    seconds: tuple[float, float] | None,
    search: list[float],
    ask: list[float] | None,
) -> Row:
    return {
        "system": system,
        "embedding": embedding,
        "size": size,
        "files": files,
        "chunks": chunks,
        "ingest_s": round(seconds[0], 2) if seconds is not None else None,
        "ingest_cpu_s": round(seconds[1], 2) if seconds is not None else None,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "search_p50_ms": round(percentile(search, 0.5), 1),
        "search_p95_ms": round(percentile(search, 0.95), 1),
        "ask_p50_ms": round(percentile(ask, 0.5), 1) if ask else None,
        "ask_p95_ms": round(percentile(ask, 0.95), 1) if ask else None,
    }


# ---- the run: one process per size and system ----------------------------------------------


def run_in_subprocess(
    system: str, library: Path, size: int, embedding: str, rounds: int, kept: Path | None
) -> Row:
    command = [sys.executable, __file__, "--one", system, "--library", str(library)]
    command += ["--sizes", str(size), "--embedding", embedding, "--rounds", str(rounds)]
    command += ["--home", str(kept)] if kept is not None else []
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(
    sizes: list[int],
    embeddings: list[str],
    systems: list[str],
    rounds: int,
    keep: Callable[[list[Row], dict[str, dict[str, Any]]], object],
    kept: Path | None = None,
) -> None:
    """Every (embedding, size, system) measured in its own process; after each, `keep` gets the rows
    so far and the load beside each (a failure later loses nothing measured). With `kept`, the
    libraries and Casebook's indexes are kept there and reused."""
    rows: list[Row] = []
    loads: dict[str, dict[str, Any]] = {}
    for embedding in embeddings:
        for size in sizes:
            with _library(kept, size) as library:
                for system in systems:
                    before = os.getloadavg()[0]
                    row = run_in_subprocess(system, library, size, embedding, rounds, kept)
                    loads[_key(row)] = {
                        "date": datetime.date.today().isoformat(),
                        "load_1min": [round(before, 2), round(os.getloadavg()[0], 2)],
                        "cores": os.cpu_count(),
                        "rounds": rounds,
                    }
                    rows.append(row)
                    print(json.dumps(row), file=sys.stderr, flush=True)
                    keep(rows, loads)


@contextmanager
def _library(kept: Path | None, size: int) -> Iterator[Path]:
    """The generated library of `size`: in `kept` (made once, reused) or in a temporary folder."""
    files = size * len(list(BUNDLED_LIBRARY.glob("*.txt")))
    if kept is not None:
        library = kept / f"{size}x" / "library"
        if len(list(library.glob("*.txt"))) != files:
            generate(library, files)
        yield library
        return
    with tempfile.TemporaryDirectory(prefix="casebook-scale-library-") as tmp:
        library = Path(tmp) / "library"
        generate(library, files)
        yield library


def _key(row: Row) -> str:
    return f"{row['system']}/{row['embedding']}/{row['size']}"


# ---- results: JSON rows, Markdown table and plot of the ratios -----------------------------


def write_results(rows: list[Row], loads: dict[str, dict[str, Any]]) -> str:
    """Merge `rows` into results/scale.json (and their loads into scale_runs.json); write the table and plot."""
    RESULTS.mkdir(exist_ok=True)
    merged = {_key(r): r for r in _read(RESULTS / "scale.json", []) + rows}
    all_rows = sorted(merged.values(), key=lambda r: (r["embedding"], r["size"], SYSTEMS.index(r["system"])))
    all_loads = {**_read(RESULTS / "scale_runs.json", {}), **loads}
    (RESULTS / "scale.json").write_text(json.dumps(all_rows, indent=1) + "\n", encoding="utf-8")
    (RESULTS / "scale_runs.json").write_text(json.dumps(all_loads, indent=1) + "\n", encoding="utf-8")
    table = markdown(all_rows, all_loads)
    (RESULTS / "scale.md").write_text(table, encoding="utf-8")
    plot(all_rows, RESULTS / "scale.png")
    return table


def _read(path: Path, default: Any) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def pairs(rows: list[Row]) -> list[tuple[Row, Row | None]]:
    """Each Casebook row with the baseline row of the same embedding and size (None if not measured)."""
    baseline = {(r["embedding"], r["size"]): r for r in rows if r["system"] == "baseline"}
    return [(r, baseline.get((r["embedding"], r["size"]))) for r in rows if r["system"] == "casebook"]


def ratio(ours: float | None, theirs: float | None) -> float | None:
    return round(ours / theirs, 2) if ours is not None and theirs else None


def markdown(rows: list[Row], loads: dict[str, dict[str, Any]]) -> str:
    header = [
        "embedding",
        "size",
        "files",
        "passages CB / BL",
        "ingest s CB / BL",
        "ingest ratio",
        "ingest CPU ratio",
        "peak MB CB / BL",
        "search p50 ms CB / BL",
        "search p95 ms CB / BL",
        "search p95 ratio",
        "ask p50 / p95 ms CB",
        "ask p95 / BL search p95",
        "load 1-min CB; BL",
    ]
    lines = [
        "Casebook (CB) against the naive LangChain pipeline (BL: RecursiveCharacterTextSplitter 1000/200 "
        "+ Chroma, same embeddings; its query is its similarity search, top-4) on the same generated "
        "library (`benchmarks/scale.py`). Size: multiple of the bundled library (1 case study); each "
        "size and system in its own process. Ingest: model loaded beforehand; its CPU ratio compares "
        "the processes' CPU time (user + system). Latency: warm, "
        f"{len(QUESTIONS)} questions × {_rounds(rows, loads)} rounds. Peak memory: ru_maxrss of the process. "
        "Ratios: CB / BL. Load: the machine's 1-minute load average before and after each process "
        "(2 cores, shared); run conditions per row in scale_runs.json.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for ours, theirs in pairs(rows):
        lines.append("| " + " | ".join(_cells(ours, theirs, loads)) + " |")
    return "\n".join(lines) + "\n"


def _rounds(rows: list[Row], loads: dict[str, dict[str, Any]]) -> str:
    counts = sorted({loads[_key(r)].get("rounds", "?") for r in rows if _key(r) in loads}, key=str)
    return "/".join(map(str, counts)) or "?"


def _cells(ours: Row, theirs: Row | None, loads: dict[str, dict[str, Any]]) -> list[str]:
    def both(field: str) -> str:
        return f"{ours[field]} / {theirs[field] if theirs else '-'}"

    def times(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}×"

    other = theirs or {}
    load = "; ".join(
        "→".join(map(str, loads[_key(r)]["load_1min"])) if _key(r) in loads else "-"
        for r in (ours, theirs)
        if r
    )
    return [
        ours["embedding"],
        f"{ours['size']}×",
        str(ours["files"]),
        both("chunks"),
        both("ingest_s"),
        times(ratio(ours["ingest_s"], other.get("ingest_s"))),
        times(ratio(ours.get("ingest_cpu_s"), other.get("ingest_cpu_s"))),
        both("peak_mb"),
        both("search_p50_ms"),
        both("search_p95_ms"),
        times(ratio(ours["search_p95_ms"], other.get("search_p95_ms"))),
        f"{ours['ask_p50_ms']} / {ours['ask_p95_ms']}",
        times(ratio(ours["ask_p95_ms"], other.get("search_p95_ms"))),
        load,
    ]


def plot(rows: list[Row], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("ingest time, Casebook / baseline", "ingest_s", "ingest_s"),
        ("peak memory, Casebook / baseline", "peak_mb", "peak_mb"),
        ("search p95, Casebook / baseline", "search_p95_ms", "search_p95_ms"),
        ("Casebook ask p95 / baseline search p95", "ask_p95_ms", "search_p95_ms"),
    ]
    figure, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 3.5))
    compared = pairs(rows)
    for axis, (title, ours_field, their_field) in zip(axes, panels, strict=True):
        for embedding in sorted({r["embedding"] for r, _ in compared}):
            points = [
                (r["size"], ratio(r[ours_field], b[their_field]))
                for r, b in compared
                if b and r["embedding"] == embedding
            ]
            points = [(x, y) for x, y in points if y is not None]
            if points:
                axis.plot([x for x, _ in points], [y for _, y in points], marker="o", label=embedding)
        axis.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
        if axis.lines[:-1]:  # a log scale needs points (a run's first row has no baseline yet)
            axis.set_xscale("log")
        axis.set_xlabel("library size (× bundled)")
        axis.set_title(title, fontsize=9)
    if axes[0].lines[:-1]:
        axes[0].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


# ---- command line --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="30,100,1000", help="multiples of the bundled library, e.g. 30,100"
    )
    parser.add_argument(
        "--embedding",
        default=Settings().embedding_model,
        help="embedding backend, or several separated by commas (default: the settings' default)",
    )
    parser.add_argument("--baseline", action="store_true", help="also measure the naive LangChain pipeline")
    parser.add_argument("--rounds", type=int, default=10, help="passes over the questions (default 10)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write this run's rows to FILE only")
    parser.add_argument(
        "--home",
        type=Path,
        metavar="DIR",
        help="keep each size's library and Casebook's index in DIR and reuse them in later runs",
    )
    parser.add_argument("--one", choices=SYSTEMS, help=argparse.SUPPRESS)  # internal: one measurement here
    parser.add_argument("--library", type=Path, help=argparse.SUPPRESS)  # internal: with --one
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.one:
        print(json.dumps(MEASURE[args.one](args.library, sizes[0], args.embedding, args.rounds, args.home)))
        return
    embeddings = [e.strip() for e in args.embedding.split(",") if e.strip()]
    systems = list(SYSTEMS) if args.baseline else ["casebook"]
    if args.json:
        out: Path = args.json
        run(sizes, embeddings, systems, args.rounds, lambda rows, _: _write_rows(out, rows), args.home)
        return
    tables: list[str] = []
    run(
        sizes,
        embeddings,
        systems,
        args.rounds,
        lambda rows, loads: tables.append(write_results(rows, loads)),
        args.home,
    )
    print(tables[-1])


def _write_rows(path: Path, rows: list[Row]) -> None:
    path.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
