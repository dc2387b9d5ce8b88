"""Server mode: with CASEBOOK_CHROMA_URL the chunks live on a real `chroma run` server.

The `chroma_server` fixture (tests/conftest.py) runs the server on a free loopback port; tests
stop and restart it to check that Casebook reports an unreachable server in one clear line,
answers from what it holds in memory meanwhile, and recovers by itself when the server is back. Concurrency and crash safety against the server are
in test_concurrency.py and test_crash_safety.py.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant import cli
from assistant.service import Casebook
from assistant.settings import LanguageModelSettings, Settings
from tests.chroma_server import ChromaServer, TokenGateway, free_port
from tests.paths import SYNTHETIC
from vectorstore.chroma_store import StoreUnavailableError
from vectorstore.filters import SearchFilters

NEPAL = "en_nepal_2012-2014_migration_and_development_policy.txt"
ARMENIA = "fr_armenie_2018-2020_enregistrement_demandes_asile.txt"
TOKEN = "team-token-3f9a"


@pytest.fixture(scope="module")
def library_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("server_library")
    shutil.copy(SYNTHETIC / NEPAL, folder / NEPAL)
    return folder


@pytest.fixture(scope="module")
def server_casebook(chroma_server: ChromaServer, library_folder: Path, tmp_path_factory) -> Casebook:
    home = tmp_path_factory.mktemp("server_home")
    casebook = Casebook(
        Settings(
            home=home,
            library=library_folder,
            chroma_url=chroma_server.url,
            language_model=LanguageModelSettings(model=None),
        )
    )
    report = casebook.ingest([library_folder])
    assert report.added == 1 and not report.failed
    return casebook


def test_ingest_stores_the_chunks_on_the_server(
    server_casebook: Casebook, chroma_server: ChromaServer
) -> None:
    client = chromadb.HttpClient(host="127.0.0.1", port=chroma_server.port)
    on_server = client.get_collection(server_casebook.settings.collection).count()
    assert on_server == server_casebook.stats().chunks > 0
    assert server_casebook.stats().store == "chroma-server"
    assert not (server_casebook.settings.home / "chroma").exists()  # nothing embedded


def test_ask_answers_from_the_server(server_casebook: Casebook) -> None:
    answer = server_casebook.ask("Which ministry did MIEUX assist in Nepal?")
    cited = {c.chunk.case_study_id for c in answer.citations} | {
        c.chunk.case_study_id for c in answer.nearest
    }
    assert cited and all("nepal" in action.lower() for action in cited)


def test_a_down_server_leaves_search_and_ask_working_from_memory_and_recovers_when_back(
    server_casebook: Casebook, chroma_server: ChromaServer
) -> None:
    assert server_casebook.ask("Which ministry did MIEUX assist in Nepal?").citations
    chroma_server.stop()
    try:
        # the passages, their vectors and their sentences are held in memory: nothing is read
        answer = server_casebook.ask("How many Nepalis were working abroad in 2011?")
        assert answer.citations and all("nepal" in c.chunk.case_study_id.lower() for c in answer.citations)
        assert server_casebook.search("migration and development", k=3)
        with pytest.raises(
            StoreUnavailableError, match=r"Chroma server at http://127\.0\.0\.1:\d+ is not reachable"
        ):
            server_casebook.stats()  # counts the passages on the server
    finally:
        chroma_server.start()
    assert server_casebook.stats().chunks > 0  # same object, no restart


def test_cli_reports_an_unreachable_server_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("CASEBOOK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CASEBOOK_CHROMA_URL", url)
    monkeypatch.setenv("CASEBOOK_CHROMA_TOKEN", "secret-token")
    code = cli.main(["search", "migration"])
    err = capsys.readouterr().err.strip()
    assert code == cli.EXIT_SOME_FAILED
    assert err.startswith(f"casebook: the Chroma server at {url} is not reachable: ")
    assert len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.fixture(scope="module")
def gateway(chroma_server: ChromaServer) -> Iterator[TokenGateway]:
    guard = TokenGateway(chroma_server.url, TOKEN)
    yield guard
    guard.close()


def test_the_token_setting_opens_a_server_that_requires_one(
    gateway: TokenGateway, library_folder: Path, tmp_path: Path
) -> None:
    settings = Settings(
        home=tmp_path / "home",
        library=library_folder,
        chroma_url=gateway.url,
        chroma_token=TOKEN,
        collection=f"c{uuid.uuid4().hex[:12]}",
        language_model=LanguageModelSettings(model=None),
    )
    casebook = Casebook(settings)
    assert casebook.ingest([library_folder]).added == 1
    assert casebook.search("Nepal ministry", k=3)
    assert gateway.refused == 0


def test_a_wrong_token_is_reported_in_one_line(
    gateway: TokenGateway,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CASEBOOK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CASEBOOK_CHROMA_URL", gateway.url)
    monkeypatch.setenv("CASEBOOK_CHROMA_TOKEN", "not-the-token")
    code = cli.main(["search", "migration"])
    err = capsys.readouterr().err.strip()
    assert code == cli.EXIT_SOME_FAILED
    assert err == f"casebook: the Chroma server at {gateway.url} refused the token: HTTP 401"
    assert gateway.refused > 0


def test_what_another_process_writes_to_the_server_is_searched_by_both_sides(
    chroma_server: ChromaServer, library_folder: Path, tmp_path: Path
) -> None:
    """Two hosts share CASEBOOK_HOME and the server: the one that did not ingest searches the
    new file's passages by vector and by word once the records changed, and stops when removed."""
    settings = Settings(
        home=tmp_path / "home",
        chroma_url=chroma_server.url,
        collection=f"c{uuid.uuid4().hex[:12]}",
        embedding_model="use-multilingual",
        language_model=LanguageModelSettings(model=None),
    )
    reader, writer = Casebook(settings), Casebook(settings)
    writer.ingest([library_folder])
    armenia = SearchFilters(sources=(ARMENIA,))
    assert reader.search("migration and development", k=3)  # the reader's indexes are built
    shutil.copy(SYNTHETIC / ARMENIA, tmp_path / ARMENIA)
    writer.ingest([tmp_path / ARMENIA])
    found = reader.search("enregistrement des demandes d'asile", k=3, filters=armenia)
    assert len(found) == 3 and all(r.dense is not None and r.lexical is not None for r in found)
    writer.library.remove(str(tmp_path / ARMENIA))
    assert reader.search("enregistrement des demandes d'asile", k=3, filters=armenia) == []
