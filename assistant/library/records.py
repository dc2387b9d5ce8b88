"""Ingest records: which file was indexed with which content hash, its chunk ids and case studies.

Kept in SQLite beside the index so that each change is one transaction. A file is first marked
*pending* (its hash unset) before its chunks are written, and committed after: an ingest killed
half-way leaves a pending row that the next ingest repairs, never a file recorded as indexed
whose chunks are missing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from ingest.models import CaseStudy

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sha256 TEXT,
    chunk_ids TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS case_studies (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    data TEXT NOT NULL,
    chunks INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Searches read the pending files twice each (several times per question): the index holds
-- just them, so the read does not pass over every file's row (and its chunk ids).
CREATE INDEX IF NOT EXISTS pending_files ON files (path) WHERE sha256 IS NULL;
"""


@dataclass(frozen=True)
class FileRecord:
    path: str
    name: str
    sha256: str | None  # None while the file's chunks are being written
    chunk_ids: tuple[str, ...]

    @property
    def pending(self) -> bool:
        return self.sha256 is None


@dataclass(frozen=True)
class ActionRecord:
    """A case study's metadata as listed by `casebook actions`."""

    id: str
    title: str
    country: str
    years: str
    theme: str | None
    criteria: list[int]
    language: str
    source: str
    sections: list[str]
    chunks: int

    @classmethod
    def from_case_study(cls, case: CaseStudy, chunks: int) -> ActionRecord:
        return cls(
            id=case.id,
            title=case.title,
            country=case.country,
            years=case.years,
            theme=case.theme,
            criteria=sorted(case.criteria),
            language=case.language,
            source=case.source,
            sections=case.sections,
            chunks=chunks,
        )

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("chunks")
        return data


class IngestRecords:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._db:
            yield self._db

    def files(self) -> list[FileRecord]:
        return self._select("ORDER BY path")

    def pending(self) -> list[FileRecord]:
        """Files whose chunks are being written, or were when an ingest was killed."""
        return self._select("WHERE sha256 IS NULL")

    def get(self, path: str) -> FileRecord | None:
        return next(iter(self._select("WHERE path = ?", (path,))), None)

    def _select(self, clause: str, parameters: tuple[str, ...] = ()) -> list[FileRecord]:
        rows = self._db.execute(f"SELECT path, name, sha256, chunk_ids FROM files {clause}", parameters)
        return [FileRecord(p, n, s, tuple(json.loads(ids))) for p, n, s, ids in rows]

    def mark_pending(self, path: str, name: str, chunk_ids: list[str]) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO files (path, name, sha256, chunk_ids) VALUES (?, ?, NULL, ?)",
                (path, name, json.dumps(chunk_ids)),
            )

    def commit_file(
        self, path: str, name: str, sha256: str, chunk_ids: list[str], actions: list[ActionRecord]
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO files (path, name, sha256, chunk_ids) VALUES (?, ?, ?, ?)",
                (path, name, sha256, json.dumps(chunk_ids)),
            )
            db.execute("DELETE FROM case_studies WHERE path = ?", (path,))
            db.executemany(
                "INSERT OR REPLACE INTO case_studies (id, path, data, chunks) VALUES (?, ?, ?, ?)",
                [(a.id, path, json.dumps(asdict(a)), a.chunks) for a in actions],
            )
            self._bump_generation(db)

    def forget(self, path: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM files WHERE path = ?", (path,))
            db.execute("DELETE FROM case_studies WHERE path = ?", (path,))
            self._bump_generation(db)

    def forget_all(self) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM files")
            db.execute("DELETE FROM case_studies")
            self._bump_generation(db)

    def actions(self) -> list[ActionRecord]:
        rows = self._db.execute("SELECT data FROM case_studies ORDER BY id")
        return [ActionRecord(**json.loads(data)) for (data,) in rows]

    def action_path(self, action_id: str) -> str | None:
        row = self._db.execute("SELECT path FROM case_studies WHERE id = ?", (action_id,)).fetchone()
        return row[0] if row else None

    def generation(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _bump_generation(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT(key) "
            "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )
