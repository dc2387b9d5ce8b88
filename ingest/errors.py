"""Exceptions raised by ingest: a file that cannot be read, or read but holding no case study."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """Base class for everything ingest raises on purpose."""


class UnreadableFileError(IngestError):
    """The file cannot be turned into text; `reason` says why in one human sentence."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


class NoCaseStudyError(IngestError):
    """The file was read but holds no `Country (YYYY-YYYY)` line, so no case study."""

    def __init__(
        self, path: Path | str, reason: str = "no case study found (no 'Country (YYYY-YYYY)' line)"
    ) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")
