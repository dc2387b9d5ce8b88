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
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from assistant.settings import LanguageModelSettings, Settings

CHROMA = Path(sys.executable).with_name("chroma")
STARTUP_SECONDS = 60
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "upgrade", "proxy-authorization"}

StoreEnv = dict[str, str]  # the CASEBOOK_* variables that choose the store


def store_settings(store: StoreEnv, home: Path, **kwargs: object) -> Settings:
    """The settings a `casebook` process started with `store`'s variables would read."""
    return Settings(
        home=home,
        language_model=LanguageModelSettings(model=None),
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


class TokenGateway:
    """A loopback gateway in front of a Chroma server that lets through only requests carrying
    `Authorization: Bearer <token>` (answering 401 to the rest): how a team guards `chroma run`,
    whose open-source server checks no token itself."""

    def __init__(self, upstream: str, token: str) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                if self.headers.get("Authorization") != f"Bearer {token}":
                    gateway.refused += 1
                    self.send_error(401, "missing or wrong token")
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                reply = httpx.request(self.command, upstream + self.path, headers=headers, content=body)
                self.send_response(reply.status_code)
                for key, value in reply.headers.items():
                    if key.lower() not in HOP_BY_HOP | {"content-length", "content-encoding"}:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(reply.content)))
                self.end_headers()
                self.wfile.write(reply.content)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

        self.refused = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
