"""Where the tests find the repository and the read-only shared data beside it (/work/shared)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"  # the Jordan case study and the synthetic library
SYNTHETIC = CORPUS / "synthetic"
CORPUS_2 = SHARED / "corpus-2"  # the second synthetic set
DEV_QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"
E2E = ROOT / "tests" / "e2e"
