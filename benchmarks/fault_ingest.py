"""Fault injection: `casebook ingest` killed (SIGKILL) at random moments, then repaired.

Each run changes a file of a small library (so the ingest has work to do), starts
`casebook ingest`, kills it after a random delay, runs `casebook ingest` again to completion (the
repair) and checks the index in a fresh process:

- no record is left pending;
- every chunk id a record owns is in the store (no file recorded as indexed with chunks missing);
- the store holds no chunk that no record owns (no duplicates, no orphans), and every chunk of a
  text section has its sentences;
- the lexical index holds exactly the store's chunks.

    python benchmarks/fault_ingest.py --runs 20            # the README's numbers
    python benchmarks/fault_ingest.py --runs 20 --chroma-url http://127.0.0.1:8000  # on a server
    python benchmarks/fault_ingest.py --check CASEBOOK_HOME  # the checks alone, as JSON

With `--mid-write` each kill comes a random delay after the changed file is marked pending (its
chunks are being written), instead of a random delay after the start.

With `--chroma-url` the chunks go to that Chroma server, in a collection of their own
(`--collection`, default a fresh `fault-...` name); CASEBOOK_HOME keeps the records and the lock.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT.parent / "shared" / "corpus" / "synthetic"
FILES = (
    "en_nepal_2012-2014_migration_and_development_policy.txt",
    "fr_senegal_2015-2017_donnees_migration_de_travail.txt",
)
CASEBOOK = Path(sys.executable).with_name("casebook")


@dataclass
class Check:
    records: int
    pending: int
    store_chunks: int
    missing_chunks: int  # owned by a committed record, absent from the store
    orphan_chunks: int  # in the store, owned by no record
    without_sentences: int  # a text section's chunk stored without its sentences
    lexical_chunks: int

    @property
    def ok(self) -> bool:
        return (
            self.pending == 0
            and self.missing_chunks == 0
            and self.orphan_chunks == 0
            and self.without_sentences == 0
            and self.lexical_chunks == self.store_chunks
        )


def check_index(home: Path) -> Check:
    """The invariants above, read straight from the records, the Chroma store and the Library.

    The store (embedded folder or server) is the one the CASEBOOK_* variables choose.
    """
    from assistant.library.index import Library
    from assistant.settings import Settings
    from ingest.models import SECTION_KEYS
    from vectorstore import metadata as md

    settings = Settings(home=home)
    library = Library(settings)
    records = library.records.files()
    owned = {i for r in records if not r.pending for i in r.chunk_ids}
    client = library.store.client
    read = client.get_collection(settings.collection).get(include=["metadatas"])
    stored = set(read["ids"])
    text_chunks = [m for m in read["metadatas"] or [] if m[md.SECTION] in SECTION_KEYS]
    return Check(
        records=len(records),
        pending=sum(r.pending for r in records),
        store_chunks=len(stored),
        missing_chunks=len(owned - stored),
        orphan_chunks=len(stored - owned),
        without_sentences=sum(not md.sentences_from_metadata(m) for m in text_chunks),
        lexical_chunks=len(library.lexical()),
    )


def pending_after_kill(home: Path) -> int:
    from assistant.library.records import IngestRecords

    path = home / "records.sqlite3"
    if not path.exists():
        return 0
    records = IngestRecords(path)
    try:
        return sum(r.pending for r in records.files())
    finally:
        records.close()


def wait_for_pending(home: Path, process: subprocess.Popen[bytes], timeout: float = 600.0) -> None:
    """Return once the ingest has marked a file pending (or has ended)."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if pending_after_kill(home):
            return
        time.sleep(0.05)


def change_a_file(folder: Path, rng: random.Random, run: int) -> None:
    """Append a paragraph to one file, so its chunks are replaced by the next ingest."""
    target = folder / rng.choice(FILES)
    with target.open("a", encoding="utf-8") as handle:
        handle.write(f"\n\nRun {run} added this paragraph about migration data and labour ministries.\n")


def store_env(chroma_url: str | None, collection: str | None) -> dict[str, str]:
    """The CASEBOOK_* variables that point every process of a run at the same store."""
    if not chroma_url:
        return {}
    return {
        "CASEBOOK_CHROMA_URL": chroma_url,
        "CASEBOOK_COLLECTION": collection or f"fault-{uuid.uuid4().hex[:12]}",
    }


def ingest(home: Path, folder: Path, store: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, **store, "CASEBOOK_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(
        [str(CASEBOOK), "ingest", str(folder), "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def run_fault_test(
    runs: int,
    work: Path,
    seed: int,
    max_delay: float,
    chroma_url: str | None = None,
    collection: str | None = None,
    mid_write: bool = False,
) -> list[dict]:
    store = store_env(chroma_url, collection)
    rng = random.Random(seed)
    folder, home = work / "library", work / "home"
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copy(CORPUS / name, folder / name)
    results = []
    for run in range(runs):
        change_a_file(folder, rng, run)
        delay = rng.uniform(0.0 if mid_write else 1.0, max_delay)
        process = ingest(home, folder, store)
        if mid_write:
            wait_for_pending(home, process)
        time.sleep(delay)
        finished_before_kill = process.poll() is not None
        if not finished_before_kill:
            process.send_signal(signal.SIGKILL)
        process.wait()
        pending = pending_after_kill(home)
        started = time.monotonic()
        repair = ingest(home, folder, store)
        _, err = repair.communicate()
        repair_seconds = time.monotonic() - started
        check = subprocess.run(
            [sys.executable, __file__, "--check", str(home)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **store},
        )
        verdict = (
            json.loads(check.stdout)
            if check.returncode in (0, 1) and check.stdout
            else {"error": check.stderr[-800:]}
        )
        row = {
            "run": run,
            "kill_after_s": round(delay, 2),
            "finished_before_kill": finished_before_kill,
            "pending_after_kill": pending,
            "repair_exit": repair.returncode,
            "repair_s": round(repair_seconds, 1),
            **verdict,
        }
        if repair.returncode != 0:
            row["repair_error"] = err.decode(errors="replace")[-800:]
        results.append(row)
        print(json.dumps(row), flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-delay", type=float, default=30.0, help="latest kill, seconds after start")
    parser.add_argument(
        "--mid-write", action="store_true", help="count the delay from the moment a file is marked pending"
    )
    parser.add_argument(
        "--work", type=Path, help="folder for the library and the index (default: a temp dir)"
    )
    parser.add_argument("--check", type=Path, metavar="HOME", help="only check the index in HOME")
    parser.add_argument("--chroma-url", help="run against this Chroma server (http://host:port)")
    parser.add_argument("--collection", help="the server collection to use (default: a fresh one)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.check:
        check = check_index(args.check)
        print(json.dumps({**asdict(check), "ok": check.ok}))
        return 0 if check.ok else 1
    work = args.work or Path(tempfile.mkdtemp(prefix="casebook-fault-"))
    results = run_fault_test(
        args.runs, work, args.seed, args.max_delay, args.chroma_url, args.collection, args.mid_write
    )
    good = sum(bool(r.get("ok")) and r["repair_exit"] == 0 for r in results)
    interrupted = sum(r["pending_after_kill"] > 0 for r in results)
    print(
        json.dumps(
            {"runs": len(results), "ok": good, "killed_mid_write": interrupted, "work": str(work)}, indent=2
        )
    )
    return 0 if good == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
