"""One-shot `casebook ask` against the bare minimum it cannot avoid, timed in the same run.

The bare minimum, in a fresh process: open the Chroma store, load the embedding model, embed the
question, one query (Chroma and Casebook's embedding backend, nothing else). The CLI is started
as the `casebook` console script starts it. Both read the same index (the bundled library, built
by the CLI on first use in a temporary CASEBOOK_HOME unless --home is given). Casebook's cache
folder (ingest/cache.py) is a temporary one per source tree, empty at first as after an install
(two trees whose cache keys differ would each remove the other's files): the first run of each
command fills or warms what it needs and is reported apart; then the runs alternate and
their medians and fastest runs are compared. Python's bytecode of each tree is written on its
first run and reused after, as an installed `casebook`'s is (pip compiles it at install), even
where PYTHONDONTWRITEBYTECODE is set: else every run would compile each project module again.
With --before DIR, the CLI of another source tree (e.g. an older commit's, from `git archive`)
is timed in the same rounds and its output compared with this tree's.

Run: .venv/bin/python benchmarks/cli_startup.py [--repeat N] [--home DIR] [--before DIR]
Writes benchmarks/results/cli_startup.md and prints it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results")
QUESTION = "How many Syrian refugees did UNHCR count in Jordan in 2019?"
CONSOLE_SCRIPT = "import sys; from assistant.cli import main; sys.exit(main())"  # as pip's launcher


def bare_minimum(home: Path, collection: str, backend: str, question: str) -> None:
    """Open the store, load the model, embed the question, one query: what any answer needs."""
    import chromadb
    from chromadb.config import Settings

    from vectorstore.embeddings import make_embeddings

    client = chromadb.PersistentClient(
        path=str(home / "chroma"), settings=Settings(anonymized_telemetry=False)
    )
    passages = client.get_collection(collection)
    vector = make_embeddings(backend).embed_query(question)
    hits = passages.query(query_embeddings=[vector], n_results=5, include=["documents", "distances"])  # type: ignore[arg-type]
    print(len(hits["ids"][0]))


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall time of `command` from process start to exit, its CPU time (user + system), its output."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, _children_cpu() - cpu_before, done.stdout


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_seconds(tree: Path, env: dict[str, str]) -> float:
    """Seconds `import assistant.cli` takes in a fresh process (from -X importtime)."""
    command = [sys.executable, "-X", "importtime", "-c", "import assistant.cli"]
    done = subprocess.run(command, cwd=tree, env=env, check=True, capture_output=True, text=True)
    line = next(line for line in reversed(done.stderr.splitlines()) if line.endswith("| assistant.cli"))
    return int(line.split("|")[1]) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--home", type=Path, help="an indexed CASEBOOK_HOME (default: a fresh temporary one)")
    parser.add_argument(
        "--before", type=Path, metavar="DIR", help="another source tree whose CLI to time too"
    )
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--bare", nargs=3, metavar=("HOME", "COLLECTION", "BACKEND"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        sys.path.insert(0, str(ROOT))
        bare_minimum(Path(args.bare[0]), args.bare[1], args.bare[2], args.question)
        return
    with tempfile.TemporaryDirectory(prefix="casebook-cli-") as tmp:
        table = run(
            args.home or Path(tmp) / "home", Path(tmp) / "cache", args.repeat, args.before, args.question
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cli_startup.md").write_text(table, encoding="utf-8")
    print(table)


@dataclass
class Timings:
    first: float  # the first run: Casebook's cache folder is still empty
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    output: str = ""


def run(home: Path, cache: Path, repeat: int, before: Path | None, question: str) -> str:
    """Time the commands in alternation; the Markdown table."""
    sys.path.insert(0, str(ROOT))
    from assistant.settings import Settings

    # Casebook's cache folder starts empty here, as after an install: the first run fills it.
    env = {**os.environ, "CASEBOOK_HOME": str(home.resolve()), "XDG_CACHE_HOME": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode reused, as installed (see the docstring)
    settings = Settings(home=home)
    trees = {"casebook ask (this tree)": ROOT} | (
        {"casebook ask (--before)": before.resolve()} if before else {}
    )
    envs = {name: {**env, "XDG_CACHE_HOME": f"{cache}-{number}"} for number, name in enumerate(trees)}
    commands = {
        name: ([sys.executable, "-c", CONSOLE_SCRIPT, "ask", question], tree, envs[name])
        for name, tree in trees.items()
    }
    bare = [sys.executable, __file__, "--question", question, "--bare", str(home.resolve())]
    commands["bare minimum"] = ([*bare, settings.collection, settings.embedding_model], ROOT, env)
    index = [sys.executable, "-c", CONSOLE_SCRIPT, "stats"]  # the CLI indexes the library on first use
    subprocess.run(
        index, cwd=ROOT, env={**env, "XDG_CACHE_HOME": f"{cache}-indexing"}, check=True, capture_output=True
    )
    load_before = os.getloadavg()
    timings: dict[str, Timings] = {}
    for name, (command, cwd, command_env) in commands.items():
        wall, _, output = timed(command, cwd, command_env)
        timings[name] = Timings(first=wall, output=output)
    for _ in range(repeat):
        for name, (command, cwd, command_env) in commands.items():
            wall, used, _ = timed(command, cwd, command_env)
            timings[name].wall.append(wall)
            timings[name].cpu.append(used)
    imports = {name: import_seconds(tree, envs[name]) for name, tree in trees.items()}
    header = (
        f'`casebook ask "{question}"` on the indexed bundled library (embeddings {settings.embedding_model}), '
        "against the bare minimum (open the store, load the model, embed the question, one query) in a "
        f"fresh process, {repeat} alternating rounds after a first run of each (`benchmarks/cli_startup.py`). "
        "Bytecode written on the first run and reused, as an installed casebook's. "
        "Wall time from process start to exit; the fastest run is the one least disturbed by other work on "
        "a shared machine. CPU time: user + system, all threads. Load average (1, 5, 15 min) before "
        f"{_load(load_before)}, after {_load(os.getloadavg())}; {os.cpu_count()} cores."
    )
    return header + "\n\n" + _table(timings, imports, compare_outputs=before is not None)


def _table(timings: dict[str, Timings], imports: dict[str, float], compare_outputs: bool) -> str:
    floor = timings["bare minimum"]
    median, fastest, cpu = statistics.median(floor.wall), min(floor.wall), statistics.median(floor.cpu)
    lines = [
        "| process | median s | × bare minimum | fastest s | × bare minimum's fastest | slowest s "
        "| median CPU s | × bare minimum's CPU | `import assistant.cli` s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, t in timings.items():
        imported = f"{imports[name]:.2f}" if name in imports else "-"
        lines.append(
            f"| {name} | {statistics.median(t.wall):.2f} | {statistics.median(t.wall) / median:.2f}× "
            f"| {min(t.wall):.2f} | {min(t.wall) / fastest:.2f}× | {max(t.wall):.2f} "
            f"| {statistics.median(t.cpu):.2f} | {statistics.median(t.cpu) / cpu:.2f}× | {imported} |"
        )
    this = timings["casebook ask (this tree)"]
    lines += [
        "",
        f"First run of this tree's CLI, its cache folder empty (as after an install): {this.first:.2f} s.",
    ]
    if compare_outputs:
        same = this.output == timings["casebook ask (--before)"].output
        lines.append(f"Output of both CLIs identical: {'yes' if same else 'NO'}.")
    return "\n".join(lines) + "\n"


def _load(load: tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.2f}" for value in load)


if __name__ == "__main__":
    main()
