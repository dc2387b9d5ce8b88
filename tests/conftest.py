"""Fixtures shared by the whole suite: the corpus indexed once per session (every test that reads
the indexed corpus shares it, read only), one real Chroma server for every server-mode test, and
`store_env`, which runs a module's tests once on the embedded store and once on that server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.service import Casebook
from assistant.settings import LanguageModelSettings, Settings
from tests.chroma_server import CHROMA, ChromaServer, StoreEnv, free_port
from tests.paths import CORPUS


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CASEBOOK_HOME holding the real corpus (Jordan + the synthetic library), indexed with the
    default embedding model: the session's one index of it."""
    home = tmp_path_factory.mktemp("corpus_home")
    Casebook(Settings(home=home, library=CORPUS)).ensure_library()
    return home


@pytest.fixture(scope="session")
def corpus_casebook(corpus_home: Path) -> Casebook:
    """The indexed corpus, extractive mode. Tests that change its settings use monkeypatch."""
    return Casebook(
        Settings(home=corpus_home, library=CORPUS, language_model=LanguageModelSettings(model=None))
    )


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
