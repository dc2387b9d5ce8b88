"""Files uploaded through the web app: checked (type, size), renamed safely, copied into the home.

The browser's file name is never trusted: only its last component survives, stripped to a
conservative alphabet, so `../../x.txt` lands as `CASEBOOK_HOME/uploads/x.txt`.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from assistant.errors import InputFileError
from ingest.units import MB

UPLOADS_FOLDER = "uploads"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadRejected(InputFileError):
    """An uploaded file refused before ingest; `reason` is the one line shown to the user."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class UploadRules:
    allowed_suffixes: tuple[str, ...]
    max_bytes: int


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder: last path component, ASCII letters, digits, . _ -."""
    last = PureWindowsPath(PurePosixPath(name).name).name
    ascii_name = unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("_", ascii_name).strip("._")
    return cleaned or "upload"


def check_upload(path: Path, original_name: str, rules: UploadRules) -> None:
    """Raise `UploadRejected` unless the file has an allowed suffix and fits the size limit."""
    suffix = Path(safe_name(original_name)).suffix.lower()
    if suffix not in rules.allowed_suffixes:
        allowed = ", ".join(rules.allowed_suffixes)
        raise UploadRejected(original_name, f"type {suffix or '(none)'} is not accepted (allowed: {allowed})")
    size = path.stat().st_size
    if size > rules.max_bytes:
        raise UploadRejected(
            original_name, f"{size / MB:.1f} MB is over the {rules.max_bytes / MB:g} MB limit"
        )


def store_upload(path: Path, original_name: str, home: Path, rules: UploadRules) -> Path:
    """Check an uploaded file and copy it to `home/uploads/<safe name>`; returns the copy."""
    check_upload(path, original_name, rules)
    folder = (home / UPLOADS_FOLDER).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    target = (folder / safe_name(original_name)).resolve()
    if target.parent != folder:  # belt and braces: safe_name already prevents this
        raise UploadRejected(original_name, "unsafe file name")
    shutil.copyfile(path, target)
    return target
