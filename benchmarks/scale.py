"""How ingest speed, memory, query latency and index size grow with the size of the library.

Sizes are multiples of the bundled library (data/case_studies: one case study); the larger
libraries are made by benchmarks/generate_library.py. Each size runs in its own process, so
its peak memory (ru_maxrss) is its own. Ingest is timed with the embedding model already loaded.

Run: .venv/bin/python benchmarks/scale.py --sizes 1,10,100 --embedding use-multilingual
Writes benchmarks/results/scale.md and scale.png (appending rows for other embeddings).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

from generate_library import generate  # noqa: E402
from query_latency import QUESTIONS, measure, percentile  # noqa: E402

from assistant.service import Casebook  # noqa: E402
from assistant.settings import BUNDLED_LIBRARY, Settings  # noqa: E402
from ingest.readers import read_document  # noqa: E402

RESULTS = Path(__file__).with_name("results")
FIELDS = [
    ("files", "files"),
    ("chunks", "chunks"),
    ("chunks_per_s", "ingest chunks/s"),
    ("pages_per_s", "ingest pages/s"),
    ("peak_mb", "peak memory MB"),
    ("search_p50", "search p50 ms"),
    ("search_p95", "search p95 ms"),
    ("ask_p50", "ask p50 ms"),
    ("ask_p95", "ask p95 ms"),
    ("index_mb", "index MB"),
]


def measure_size(size: int, embedding: str, rounds: int) -> dict[str, float | int | str]:
    """One size, in this process: generate, ingest, query; the figures as a dict."""
    bundled = len(list(BUNDLED_LIBRARY.glob("*.txt")))
    with tempfile.TemporaryDirectory(prefix="casebook-scale-") as tmp:
        library, home = Path(tmp) / "library", Path(tmp) / "home"
        files = generate(library, size * bundled)
        pages = sum(len(read_document(p).pages) for p in files)
        casebook = Casebook(Settings(home=home, library=library, embedding_model=embedding, llm=None))
        casebook.library.embeddings.embed_query("warm up")  # model loading is not ingest
        start = time.perf_counter()
        casebook.ingest([library])
        seconds = time.perf_counter() - start
        chunks = casebook.stats().chunks
        casebook.ask(QUESTIONS[0])  # warm: lexical index, sentence vectors
        search = measure(casebook.search, rounds)
        ask = measure(casebook.ask, rounds)
        index_bytes = sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
    return {
        "size": size,
        "embedding": embedding,
        "files": len(files),
        "chunks": chunks,
        "ingest_s": round(seconds, 1),
        "chunks_per_s": round(chunks / seconds, 1),
        "pages_per_s": round(pages / seconds, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "search_p50": round(percentile(search, 0.5)),
        "search_p95": round(percentile(search, 0.95)),
        "ask_p50": round(percentile(ask, 0.5)),
        "ask_p95": round(percentile(ask, 0.95)),
        "index_mb": round(index_bytes / 1e6, 1),
    }


def run_in_subprocess(size: int, embedding: str, rounds: int) -> dict:
    command = [
        sys.executable,
        __file__,
        "--one",
        str(size),
        "--embedding",
        embedding,
        "--rounds",
        str(rounds),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def write_results(rows: list[dict]) -> None:
    RESULTS.mkdir(exist_ok=True)
    known = RESULTS / "scale.json"
    previous = json.loads(known.read_text()) if known.exists() else []
    keyed = {(r["embedding"], r["size"]): r for r in previous + rows}
    rows = sorted(keyed.values(), key=lambda r: (r["embedding"], r["size"]))
    known.write_text(json.dumps(rows, indent=1) + "\n")
    header = "| embedding | size |" + "".join(f" {label} |" for _, label in FIELDS)
    lines = [
        "Library size as a multiple of the bundled library (1 case study); measured on a shared 2-core machine.",
        "Larger sizes are generated copies (benchmarks/generate_library.py). Latency: warm, "
        f"{len(QUESTIONS)} questions × rounds. Peak memory: ru_maxrss of the process (ingest + queries).",
        "",
        header,
        "|" + "---|" * (len(FIELDS) + 2),
    ]
    lines += [f"| {r['embedding']} | {r['size']}× |" + "".join(f" {r[k]} |" for k, _ in FIELDS) for r in rows]
    (RESULTS / "scale.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    plot(rows, RESULTS / "scale.png")
    print("\n".join(lines))


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("chunks_per_s", "ingest chunks/s"),
        ("peak_mb", "peak memory MB"),
        ("search_p95", "search p95 ms"),
        ("ask_p95", "ask p95 ms"),
        ("index_mb", "index MB"),
    ]
    figure, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 3.5))
    for axis, (key, label) in zip(axes, panels, strict=True):
        for embedding in sorted({r["embedding"] for r in rows}):
            mine = [r for r in rows if r["embedding"] == embedding]
            axis.plot([r["size"] for r in mine], [r[key] for r in mine], marker="o", label=embedding)
        axis.set_xscale("log")
        axis.set_xlabel("library size (× bundled)")
        axis.set_title(label)
    axes[0].legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1,100,1000", help="multiples of the bundled library")
    parser.add_argument("--embedding", default=Settings().embedding_model, help="embedding backend")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions per call")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size here
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_size(args.one, args.embedding, args.rounds)))
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows.append(run_in_subprocess(size, args.embedding, args.rounds))
        print(json.dumps(rows[-1]), file=sys.stderr)
    write_results(rows)


if __name__ == "__main__":
    main()
