"""An ingest killed (SIGKILL) at random moments is repaired by the next ingest, on the embedded
store and on a real Chroma server: the bounded version of `benchmarks/fault_ingest.py` (3 kills
instead of 20)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.chroma_server import ChromaServer
from tests.paths import ROOT

pytestmark = pytest.mark.slow  # kills and repairs real ingests: about a minute

BENCHMARK = ROOT / "benchmarks" / "fault_ingest.py"


def _fault_ingest():  # the benchmark is a script, not a package module
    spec = importlib.util.spec_from_file_location("fault_ingest", BENCHMARK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_ingests_killed_at_three_random_moments_are_repaired(tmp_path: Path) -> None:
    results = _fault_ingest().run_fault_test(runs=3, work=tmp_path, seed=11, max_delay=20.0)
    failures = [r for r in results if not (r.get("ok") and r["repair_exit"] == 0)]
    assert failures == []


def test_ingests_killed_while_writing_to_a_chroma_server_are_repaired(
    tmp_path: Path, chroma_server: ChromaServer
) -> None:
    # A file is pending only while its embedded chunks are written (embedding comes before):
    # the kill comes within 50 ms of the pending mark, or it would land after the commit.
    results = _fault_ingest().run_fault_test(
        runs=3, work=tmp_path, seed=12, max_delay=0.05, chroma_url=chroma_server.url, mid_write=True
    )
    failures = [r for r in results if not (r.get("ok") and r["repair_exit"] == 0)]
    assert failures == []
    assert any(r["pending_after_kill"] for r in results)  # at least one kill left a file half-written
