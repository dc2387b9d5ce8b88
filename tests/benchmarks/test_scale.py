"""benchmarks/scale.py on the smallest size: one JSON row per system, in the documented shape.

The figures themselves are measurements (the benchmark carries the targets); this checks that a
run gives both systems' rows with every field, of the right type, and positive where measured.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.paths import ROOT

# Two fresh processes ingest and query a generated library: about two minutes on a busy machine.
pytestmark = pytest.mark.slow

FIELDS = {
    "system": str,
    "embedding": str,
    "size": int,
    "files": int,
    "chunks": int,
    "ingest_s": float,
    "ingest_cpu_s": float,
    "peak_mb": int,
    "search_p50_ms": float,
    "search_p95_ms": float,
    "ask_p50_ms": float,
    "ask_p95_ms": float,
}
MEASURED = ("files", "chunks", "ingest_s", "ingest_cpu_s", "peak_mb", "search_p50_ms", "search_p95_ms")


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    out = tmp_path_factory.mktemp("scale") / "rows.json"
    command = [sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--sizes", "1", "--baseline"]
    command += ["--embedding", "use-multilingual", "--rounds", "1", "--json", str(out)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.read_text(encoding="utf-8"))


def test_one_row_per_system_for_the_size_and_embedding_asked(rows: list[dict]) -> None:
    assert [(r["system"], r["embedding"], r["size"]) for r in rows] == [
        ("casebook", "use-multilingual", 1),
        ("baseline", "use-multilingual", 1),
    ]


def test_rows_have_exactly_the_documented_fields_and_types(rows: list[dict]) -> None:
    for row in rows:
        assert set(row) == set(FIELDS)
        for field, kind in FIELDS.items():
            if row[field] is not None:
                assert isinstance(row[field], kind), (row["system"], field, row[field])


def test_measured_figures_are_positive(rows: list[dict]) -> None:
    for row in rows:
        assert all(row[field] > 0 for field in MEASURED), row


def test_only_casebook_asks(rows: list[dict]) -> None:
    casebook, baseline = rows
    assert casebook["ask_p50_ms"] > 0 and casebook["ask_p95_ms"] >= casebook["ask_p50_ms"]
    assert baseline["ask_p50_ms"] is None and baseline["ask_p95_ms"] is None


def test_both_systems_read_the_same_files(rows: list[dict]) -> None:
    assert rows[0]["files"] == rows[1]["files"] == 1
