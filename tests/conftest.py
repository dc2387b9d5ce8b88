"""Fixtures shared by the whole suite: one real Chroma server for every server-mode test, and
`store_env`, which runs a module's tests once on the embedded store and once on that server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.chroma_server import CHROMA, ChromaServer, StoreEnv, free_port


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    if not CHROMA.exists():
        pytest.skip("the chroma CLI is not installed in this environment")
    folder = tmp_path_factory.mktemp("chroma_server")
    server = ChromaServer(folder / "data", free_port(), folder / "server.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["embedded", "server"])
def store_env(request: pytest.FixtureRequest) -> StoreEnv:
    """No variables (the embedded store), or the server's URL and a collection of its own."""
    if request.param == "embedded":
        return {}
    server: ChromaServer = request.getfixturevalue("chroma_server")
    return {"CASEBOOK_CHROMA_URL": server.url, "CASEBOOK_COLLECTION": f"c{uuid.uuid4().hex[:12]}"}
