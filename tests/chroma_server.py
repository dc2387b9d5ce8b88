"""A real `chroma run` server on loopback for the tests that cover server mode, and the
settings that point Casebook at it.

`ChromaServer` runs the Chroma CLI installed beside this Python on a free 127.0.0.1 port in a
temporary folder, waits for its heartbeat, and can be stopped and started again (to test a
server that goes down mid-session).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from assistant.settings import Settings

CHROMA = Path(sys.executable).with_name("chroma")
STARTUP_SECONDS = 60

StoreEnv = dict[str, str]  # the CASEBOOK_* variables that choose the store


def store_settings(store: StoreEnv, home: Path, **kwargs: object) -> Settings:
    """The settings a `casebook` process started with `store`'s variables would read."""
    return Settings(
        home=home,
        llm=None,
        chroma_url=store.get("CASEBOOK_CHROMA_URL"),
        collection=store.get("CASEBOOK_COLLECTION", Settings.model_fields["collection"].default),
        **kwargs,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ChromaServer:
    """A `chroma run` subprocess on 127.0.0.1 that can be stopped and started again."""

    path: Path
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(CHROMA),
                    "run",
                    "--path",
                    str(self.path),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"chroma run did not answer within {STARTUP_SECONDS} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
