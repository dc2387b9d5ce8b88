"""IngestRecords: files marked pending while their chunks are written, and read back cheaply."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.library.records import IngestRecords


def test_a_file_is_pending_from_its_mark_until_its_commit(tmp_path: Path) -> None:
    records = IngestRecords(tmp_path / "records.sqlite3")
    records.mark_pending("/a.txt", "a.txt", ["a-1", "a-2"])
    records.commit_file("/b.txt", "b.txt", "sha-b", ["b-1"], [])
    assert [(r.path, r.chunk_ids) for r in records.pending()] == [("/a.txt", ("a-1", "a-2"))]
    records.commit_file("/a.txt", "a.txt", "sha-a", ["a-1", "a-2"], [])
    assert records.pending() == []


def test_reading_the_pending_files_does_not_pass_over_every_file(tmp_path: Path) -> None:
    path = tmp_path / "records.sqlite3"
    IngestRecords(path)
    plan = sqlite3.connect(path).execute("EXPLAIN QUERY PLAN SELECT path FROM files WHERE sha256 IS NULL")
    assert "USING INDEX pending_files" in " ".join(str(row[-1]) for row in plan)
