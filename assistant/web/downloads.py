"""Files the web app writes for its users (lessons exports, quizzes): one folder per session
inside one download folder, the only folder the app serves files from. A session's new export
replaces its previous one, and a session's folder goes when the session ends."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

_SAFE = re.compile(r"[^A-Za-z0-9_-]")


class Downloads:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or Path(tempfile.mkdtemp(prefix="casebook-downloads-"))
        self.root.mkdir(parents=True, exist_ok=True)

    def fresh_folder(self, session: str | None, kind: str) -> Path:
        """An empty folder for this session's `kind` of export (lessons, quiz); what the session
        exported there before is removed."""
        folder = self._session(session) / kind
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    def end_session(self, session: str | None) -> None:
        shutil.rmtree(self._session(session), ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _session(self, session: str | None) -> Path:
        return self.root / (_SAFE.sub("", session or "") or "anonymous")
