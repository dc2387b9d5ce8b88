"""Load test of the web API: concurrent users on `/ask` and `/search` while an ingest runs.

Starts `app.py` on a free loopback port with a fresh CASEBOOK_HOME (a small library), then
`--users` threads each call `/ask` and `/search` (gradio_client) in a loop for `--seconds`, while
one more client uploads files through `/ingest`. Reports errors and p50/p95 latency per endpoint
(over the whole run and while the upload was ingesting), the CPU seconds the app and the load
generator spent, and the machine's load average; afterwards stops the app, checks the index
(every passage its records own is in the store, no passage is orphaned or duplicated, the
lexical index matches the store) and times the same asks and searches in one process on the same
index, so the web layer's share shows beside them.

The users talk plain HTTP to loopback, so their clients skip TLS verification: with it on,
gradio_client builds a certificate store for every HTTP request (two per call, about 23 ms of
CPU each), and on a 2-core machine the load generator then took three quarters of the CPU.

    python benchmarks/load_test.py --users 20 --seconds 60
    python benchmarks/load_test.py --in-process CASEBOOK_HOME   # the in-process timing alone
    CASEBOOK_CHROMA_URL=http://127.0.0.1:8000 CASEBOOK_COLLECTION=load \
        python benchmarks/load_test.py --users 20 --seconds 60   # the same against a Chroma server
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
sys.path.insert(0, str(PROJECT))  # this checkout's packages, whatever the install points at
SYNTHETIC = PROJECT.parent / "shared" / "corpus" / "synthetic"
LIBRARY = ("en_nepal_2012-2014_migration_and_development_policy.txt",)
UPLOADED = ("fr_senegal_2015-2017_donnees_migration_de_travail.txt",)
QUESTIONS = (
    "Which ministry did MIEUX assist in Nepal?",
    "Quelles données sur la migration de travail au Sénégal ?",
    "What were the lessons learned?",
)
STARTUP_SECONDS = 600
IN_PROCESS_ROUNDS = 20  # each question asked and searched this many times in process


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


def client(url: str) -> Client:
    """A gradio_client for the app on loopback (plain HTTP: no certificate store to build)."""
    return Client(url, verbose=False, ssl_verify=False)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a running process has spent so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def user(url: str, until: float, index: int, latencies: dict, errors: list, lock: threading.Lock) -> None:
    """Ask and search in a loop until `until`; latencies are (start, seconds) pairs."""
    client_ = client(url)
    i = index
    while time.monotonic() < until:
        question = QUESTIONS[i % len(QUESTIONS)]
        for endpoint, call in (
            ("/ask", lambda q=question: client_.predict(q, [], api_name="/ask")),
            ("/search", lambda q=question: client_.predict(q, api_name="/search")),
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
                latencies[endpoint].append((started, time.monotonic() - started))
        i += 1


def percentile(values: list[float], q: float) -> float | None:
    """In seconds, to 10 µs: a repeated search in process takes well under a millisecond."""
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 5)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 5)


def run(users: int, seconds: float, work: Path) -> dict:
    library, uploads, home = work / "library", work / "uploads", work / "home"
    for folder, names in ((library, LIBRARY), (uploads, UPLOADED)):
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copy(SYNTHETIC / name, folder / name)
    port = free_port()
    app = start_app(home, library, port, work / "app.log")
    url = f"http://127.0.0.1:{port}/"
    latencies: dict[str, list[tuple[float, float]]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    ingest_result: dict = {}
    ingest_window: list[float] = []
    load_before = os.getloadavg()
    try:
        app_cpu, own_cpu = cpu_seconds(app.pid), own_cpu_seconds()
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
                client(url).predict(files, api_name="/ingest")
                ingest_result["seconds"] = round(time.monotonic() - started, 1)
            except Exception as error:
                ingest_result["error"] = str(error)[:300]
            ingest_window.extend((started, time.monotonic()))

        ingester = threading.Thread(target=ingest)
        ingester.start()
        for thread in threads:
            thread.join()
        ingester.join()
        app_cpu, own_cpu = cpu_seconds(app.pid) - app_cpu, own_cpu_seconds() - own_cpu
    finally:
        app.terminate()
        app.wait(timeout=60)
    load_after = os.getloadavg()
    check = subprocess.run(
        [sys.executable, str(PROJECT / "benchmarks" / "fault_ingest.py"), "--check", str(home)],
        capture_output=True,
        text=True,
        check=False,
    )
    in_process = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--in-process", str(home)],
        capture_output=True,
        text=True,
        check=True,
    )
    durations = {e: [d for _, d in v] for e, v in latencies.items()}
    begun, ended = ingest_window
    while_ingesting = {e: [d for t, d in v if begun <= t <= ended] for e, v in latencies.items()}
    timed = json.loads(in_process.stdout)
    web_p50 = {e: percentile(v, 50) for e, v in durations.items()}
    return {
        "users": users,
        "seconds": seconds,
        "requests": {e: len(v) for e, v in durations.items()},
        "errors": len(errors),
        "first_errors": errors[:5],
        "p50_s": web_p50,
        "p95_s": {e: percentile(v, 95) for e, v in durations.items()},
        "while_ingesting": {
            "requests": {e: len(v) for e, v in while_ingesting.items()},
            "p95_s": {e: percentile(v, 95) for e, v in while_ingesting.items()},
        },
        "in_process": timed,
        "web_over_in_process_p50": {
            e: round(web / timed["p50_s"][e], 1)
            for e, web in web_p50.items()
            if web and timed["p50_s"].get(e)
        },
        "cpu_s": {"app": round(app_cpu, 1), "load_generator": round(own_cpu, 1)},
        "load_average_1min": {"before": round(load_before[0], 2), "after": round(load_after[0], 2)},
        "ingest": ingest_result,
        "index_check": json.loads(check.stdout) if check.stdout else check.stderr[-800:],
    }


def in_process(home: Path) -> dict:
    """The same asks and searches as the users', timed in one process on the index at `home`."""
    os.environ["CASEBOOK_HOME"] = str(home)
    from assistant.service import Casebook
    from assistant.settings import Settings

    casebook = Casebook(Settings.load())
    calls = {
        "/ask": lambda q: casebook.ask(q, history=[]),
        "/search": lambda q: casebook.search(q),
    }
    for question in QUESTIONS:  # warm: the model, the lexical index, the query vectors
        for call in calls.values():
            call(question)
    times: dict[str, list[float]] = defaultdict(list)
    for i in range(IN_PROCESS_ROUNDS * len(QUESTIONS)):
        for endpoint, call in calls.items():
            started = time.perf_counter()
            call(QUESTIONS[i % len(QUESTIONS)])
            times[endpoint].append(time.perf_counter() - started)
    return {
        "calls": {e: len(v) for e, v in times.items()},
        "p50_s": {e: percentile(v, 50) for e, v in times.items()},
        "p95_s": {e: percentile(v, 95) for e, v in times.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--work", type=Path, help="folder for the library and index (default: a temp dir)")
    parser.add_argument("--in-process", type=Path, metavar="CASEBOOK_HOME", help="time asks in process only")
    args = parser.parse_args()
    if args.in_process:
        print(json.dumps(in_process(args.in_process)))
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="casebook-load-"))
    result = run(args.users, args.seconds, work)
    print(json.dumps(result, indent=2))
    check = result["index_check"]
    return 0 if not result["errors"] and isinstance(check, dict) and check.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
