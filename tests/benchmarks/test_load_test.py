"""benchmarks/load_test.py for a few seconds: the JSON names every endpoint's latency over the
run and while the upload ingested, the in-process times beside them, the CPU split and the load,
and a clean index afterwards.

The figures are measurements (the README quotes a full run); this checks the JSON's shape.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS = {"/ask", "/search"}

pytestmark = pytest.mark.slow  # starts the app (index and model) and loads it: about a minute


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict:
    command = [sys.executable, str(ROOT / "benchmarks" / "load_test.py"), "--users", "2", "--seconds", "4"]
    command += ["--work", str(tmp_path_factory.mktemp("load"))]
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def test_every_endpoint_is_timed_over_the_run_and_in_process(result: dict) -> None:
    assert result["errors"] == 0
    assert set(result["p50_s"]) == set(result["p95_s"]) == ENDPOINTS
    assert set(result["in_process"]["p50_s"]) == set(result["web_over_in_process_p50"]) == ENDPOINTS
    assert all(result["in_process"]["p50_s"][e] > 0 for e in ENDPOINTS)


def test_the_run_reports_latency_while_ingesting_the_cpu_split_and_the_load(result: dict) -> None:
    assert "seconds" in result["ingest"]
    assert set(result["while_ingesting"]) == {"requests", "p95_s"}
    assert result["cpu_s"]["app"] > 0 and result["cpu_s"]["load_generator"] > 0
    assert set(result["load_average_1min"]) == {"before", "after"}


def test_the_index_is_clean_after_the_load(result: dict) -> None:
    assert result["index_check"]["ok"] is True
