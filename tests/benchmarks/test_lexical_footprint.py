"""benchmarks/lexical_footprint.py on a small size: one row per size with every measured field,
positive, and as many passages as asked.

The figures are measurements (the README quotes a full run); this checks the JSON's shape.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEASURED = (
    "build_s",
    "build_peak_mb",
    "passages_in_build_mb",
    "index_in_build_mb",
    "save_s",
    "disk_mb",
    "load_s",
    "worker_mb",
    "search_p50_ms",
    "filtered_search_p50_ms",
)

pytestmark = pytest.mark.slow  # builds synthetic passages from the corpora: about half a minute


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("footprint") / "result.json"
    command = [sys.executable, str(ROOT / "benchmarks" / "lexical_footprint.py"), "--sizes", "300,600"]
    subprocess.run([*command, "--json", str(out)], cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.read_text(encoding="utf-8"))


def test_one_row_per_size_with_as_many_passages_as_asked(result: dict) -> None:
    assert [row["passages"] for row in result["rows"]] == [300, 600]


def test_rows_have_every_measured_field_as_a_non_negative_number(result: dict) -> None:
    for row in result["rows"]:
        assert set(MEASURED) <= set(row)
        assert all(isinstance(row[f], int | float) and row[f] >= 0 for f in MEASURED), row
        assert row["build_s"] > 0 and row["search_p50_ms"] > 0


def test_the_run_notes_the_machine_s_load_and_cores(result: dict) -> None:
    assert set(result["load_average_1min"]) == {"before", "after"} and result["cores"] >= 1
