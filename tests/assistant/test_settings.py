"""Sizes have one unit: a limit set as N MB is enforced and reported as N MB."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.library.uploads import UploadRejected, UploadRules, check_upload
from assistant.settings import RetrievalSettings, WebSettings
from ingest.errors import UnreadableFileError
from ingest.readers import read_document


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)  # takes no disk space
    return path


def test_the_ingest_size_limit_is_reported_in_the_megabytes_it_was_set_in(tmp_path: Path) -> None:
    limit = RetrievalSettings(max_file_mb=50).max_file_bytes
    with pytest.raises(UnreadableFileError, match=r"larger than the 50 MB limit"):
        read_document(_sparse(tmp_path / "big.txt", limit + 1), max_bytes=limit)


def test_the_upload_size_limit_is_reported_in_the_megabytes_it_was_set_in(tmp_path: Path) -> None:
    rules = UploadRules((".txt",), WebSettings(max_upload_mb=20).max_upload_bytes)
    with pytest.raises(UploadRejected, match=r"21\.0 MB is over the 20 MB limit"):
        check_upload(_sparse(tmp_path / "big.txt", 21_000_000), "big.txt", rules)
