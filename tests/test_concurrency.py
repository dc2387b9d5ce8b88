"""Many readers while one ingest runs, and two ingests at once, on the real embedded store and
on a real Chroma server (every test runs once per store).

Readers share one `Casebook` with the ingesting thread (as the web app does): they must never
crash, never get a chunk twice, and never see a chunk of a file whose ingest is under way. Two
`casebook ingest` processes at once are serialised by the ingest lock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.library.index import Library
from assistant.service import Casebook
from tests.chroma_server import StoreEnv, store_settings
from tests.paths import SYNTHETIC

pytestmark = pytest.mark.slow  # several processes ingesting on both stores: about a minute

FILES = (
    "en_nepal_2012-2014_migration_and_development_policy.txt",
    "fr_senegal_2015-2017_donnees_migration_de_travail.txt",
)
QUERIES = ("migration and development", "données sur la migration de travail", "Nepal ministry", "Sénégal")
READERS = 3


@dataclass
class ReadLog:
    searches: int = 0
    errors: list[BaseException] = field(default_factory=list)
    duplicates: list[list[str]] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)


def index_state(library: Library) -> tuple[int, int, int, set[str]]:
    """(store count, lexical count, chunk ids owned by records, ids owned) after an ingest."""
    owned = {i for record in library.records.files() for i in record.chunk_ids}
    return library.store.count(), len(library.lexical()), len(owned), owned


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("concurrency_library")
    for name in FILES:
        shutil.copy(SYNTHETIC / name, target / name)
    return target


@pytest.fixture(scope="module")
def ingest_under_readers(
    folder: Path, store_env: StoreEnv, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Casebook, ReadLog]:
    casebook = Casebook(store_settings(store_env, tmp_path_factory.mktemp("concurrent_home"), library=folder))
    casebook.search("warm-up")  # load the model before the clock starts
    done = threading.Event()
    log = ReadLog()
    lock = threading.Lock()

    def read() -> None:
        i = 0
        while not done.is_set():
            try:
                ids = [hit.chunk.id for hit in casebook.search(QUERIES[i % len(QUERIES)], k=8)]
            except BaseException as error:
                with lock:
                    log.errors.append(error)
                return
            with lock:
                log.searches += 1
                log.seen_ids.update(ids)
                if len(ids) != len(set(ids)):
                    log.duplicates.append(ids)
            i += 1
            time.sleep(0.01)

    readers = [threading.Thread(target=read) for _ in range(READERS)]
    for reader in readers:
        reader.start()
    try:
        report = casebook.ingest([folder])
    finally:
        done.set()
        for reader in readers:
            reader.join(timeout=120)
    assert report.added == len(FILES) and not report.failed
    return casebook, log


def test_readers_during_an_ingest_never_fail(ingest_under_readers: tuple[Casebook, ReadLog]) -> None:
    _, log = ingest_under_readers
    assert log.searches > 0
    assert log.errors == []


def test_readers_during_an_ingest_never_get_a_chunk_twice(
    ingest_under_readers: tuple[Casebook, ReadLog],
) -> None:
    assert ingest_under_readers[1].duplicates == []


def test_readers_only_see_chunks_of_committed_files(ingest_under_readers: tuple[Casebook, ReadLog]) -> None:
    casebook, log = ingest_under_readers
    *_, owned = index_state(casebook.library)
    assert log.seen_ids <= owned


def test_search_hides_the_chunks_of_a_pending_file(ingest_under_readers: tuple[Casebook, ReadLog]) -> None:
    library = ingest_under_readers[0].library
    record = next(r for r in library.records.files() if "nepal" in r.name)
    library.records.mark_pending(record.path, record.name, list(record.chunk_ids))
    try:
        hits = library.searcher().search("Nepal Ministry of Labour and Employment", k=10)
        assert hits and not {h.chunk.id for h in hits} & set(record.chunk_ids)
    finally:
        library.records.commit_file(record.path, record.name, record.sha256 or "", list(record.chunk_ids), [])


def test_two_ingest_processes_at_once_are_serialised(
    folder: Path, tmp_path: Path, store_env: StoreEnv, ingest_under_readers: tuple[Casebook, ReadLog]
) -> None:
    if store_env:  # a collection of its own on the server, beside the one the readers used
        store_env = {**store_env, "CASEBOOK_COLLECTION": f"c{uuid.uuid4().hex[:12]}"}
    env = {**os.environ, **store_env, "CASEBOOK_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}
    command = [str(Path(sys.executable).with_name("casebook")), "ingest", str(folder), "--json"]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
    ]
    outputs = [p.communicate(timeout=540) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [err.decode()[-500:] for _, err in outputs]

    both = Casebook(store_settings(store_env, tmp_path / "home"))
    store, lexical, owned_count, owned = index_state(both.library)
    assert store == lexical == owned_count  # no duplicates, nothing orphaned
    clean = index_state(ingest_under_readers[0].library)
    assert (store, owned) == (clean[0], clean[3])  # the same index as the ingest under readers
