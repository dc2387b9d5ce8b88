"""Load test of the web API: concurrent users on `/ask` and `/search` while an ingest runs.

Starts `app.py` on a free loopback port with a fresh CASEBOOK_HOME (a small library), then
`--users` threads each call `/ask` and `/search` (gradio_client) in a loop for `--seconds`, while
one more client uploads files through `/ingest`. Reports errors and p50/p95 latency per endpoint;
afterwards stops the app and checks the index: every passage its records own is in the store,
no passage is orphaned or duplicated, and the lexical index matches the store.

    python benchmarks/load_test.py --users 20 --seconds 60
    CASEBOOK_CHROMA_URL=http://127.0.0.1:8000 CASEBOOK_COLLECTION=load \
        python benchmarks/load_test.py --users 20 --seconds 60   # the same against a Chroma server
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from gradio_client import Client, handle_file

PROJECT = Path(__file__).resolve().parents[1]
SYNTHETIC = PROJECT.parent / "shared" / "corpus" / "synthetic"
LIBRARY = ("en_nepal_2012-2014_migration_and_development_policy.txt",)
UPLOADED = ("fr_senegal_2015-2017_donnees_migration_de_travail.txt",)
QUESTIONS = (
    "Which ministry did MIEUX assist in Nepal?",
    "Quelles données sur la migration de travail au Sénégal ?",
    "What were the lessons learned?",
)
STARTUP_SECONDS = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_app(home: Path, library: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CASEBOOK_HOME": str(home),
        "CASEBOOK_LIBRARY": str(library),
        "CASEBOOK_PORT": str(port),
        "CASEBOOK_HOST": "127.0.0.1",
        "HF_HUB_OFFLINE": "1",
    }
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, str(PROJECT / "app.py")], env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app.py exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return process
        except OSError:
            time.sleep(1)
    process.terminate()
    raise RuntimeError("app.py did not start in time")


def user(url: str, until: float, index: int, latencies: dict, errors: list, lock: threading.Lock) -> None:
    client = Client(url, verbose=False)
    i = index
    while time.monotonic() < until:
        question = QUESTIONS[i % len(QUESTIONS)]
        for endpoint, call in (
            ("/ask", lambda q=question: client.predict(q, [], api_name="/ask")),
            ("/search", lambda q=question: client.predict(q, api_name="/search")),
        ):
            started = time.monotonic()
            try:
                result = call()
                if endpoint == "/search":
                    ids = [hit["chunk_id"] for hit in result]
                    if len(ids) != len(set(ids)):
                        raise AssertionError(f"duplicate passages in {ids}")
            except Exception as error:
                with lock:
                    errors.append(f"{endpoint}: {type(error).__name__}: {str(error)[:200]}")
                continue
            with lock:
                latencies[endpoint].append(time.monotonic() - started)
        i += 1


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 3)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 3)


def run(users: int, seconds: float, work: Path) -> dict:
    library, uploads, home = work / "library", work / "uploads", work / "home"
    for folder, names in ((library, LIBRARY), (uploads, UPLOADED)):
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copy(SYNTHETIC / name, folder / name)
    port = free_port()
    app = start_app(home, library, port, work / "app.log")
    url = f"http://127.0.0.1:{port}/"
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    ingest_result: dict = {}
    try:
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(target=user, args=(url, until, i, latencies, errors, lock)) for i in range(users)
        ]
        for thread in threads:
            thread.start()

        def ingest() -> None:
            started = time.monotonic()
            files = [handle_file(str(uploads / name)) for name in UPLOADED]
            try:
                Client(url, verbose=False).predict(files, api_name="/ingest")
                ingest_result["seconds"] = round(time.monotonic() - started, 1)
            except Exception as error:
                ingest_result["error"] = str(error)[:300]

        ingester = threading.Thread(target=ingest)
        ingester.start()
        for thread in threads:
            thread.join()
        ingester.join()
    finally:
        app.terminate()
        app.wait(timeout=60)
    check = subprocess.run(
        [sys.executable, str(PROJECT / "benchmarks" / "fault_ingest.py"), "--check", str(home)],
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        "users": users,
        "seconds": seconds,
        "requests": {e: len(v) for e, v in latencies.items()},
        "errors": len(errors),
        "first_errors": errors[:5],
        "p50_s": {e: percentile(v, 50) for e, v in latencies.items()},
        "p95_s": {e: percentile(v, 95) for e, v in latencies.items()},
        "ingest": ingest_result,
        "index_check": json.loads(check.stdout) if check.stdout else check.stderr[-800:],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--work", type=Path, help="folder for the library and index (default: a temp dir)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="casebook-load-"))
    result = run(args.users, args.seconds, work)
    print(json.dumps(result, indent=2))
    check = result["index_check"]
    return 0 if not result["errors"] and isinstance(check, dict) and check.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
