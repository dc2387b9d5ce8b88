"""Who may use the web app: the optional login from `CASEBOOK_AUTH` and/or `CASEBOOK_AUTH_FILE`."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import CasebookError
from assistant.settings import WebSettings


class AuthConfigError(CasebookError):
    """A login setting that cannot be read as user:password."""


def parse_credential(line: str, where: str) -> tuple[str, str]:
    user, sep, password = line.strip().partition(":")
    if not sep or not user or not password:
        raise AuthConfigError(f"{where}: expected user:password")
    return user, password


def credentials(settings: WebSettings) -> list[tuple[str, str]] | None:
    """The (user, password) pairs allowed in, or None when the app is open (no login set)."""
    pairs: list[tuple[str, str]] = []
    if settings.auth:
        pairs.append(parse_credential(settings.auth, "CASEBOOK_AUTH"))
    if settings.auth_file:
        pairs += _read_file(settings.auth_file)
    return pairs or None


def _read_file(path: Path) -> list[tuple[str, str]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise AuthConfigError(f"CASEBOOK_AUTH_FILE {path}: {error.strerror}") from error
    return [
        parse_credential(line, f"{path} line {i}")
        for i, line in enumerate(lines, 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
