"""The web app, end to end: the real `python app.py` on loopback, called through gradio_client
(the API endpoints) and driven in Chromium by tests/e2e/app.spec.mjs (the three tabs).

The app is started once for this module with a temporary CASEBOOK_HOME on the bundled library.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.chroma_server import ChromaServer, free_port
from tests.paths import E2E, ROOT, SYNTHETIC

SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
STARTUP_TIMEOUT_S = 420

pytestmark = pytest.mark.slow


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"the app did not answer within {STARTUP_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


@contextmanager
def running_app(home: Path, **env_vars: str) -> Iterator[str]:
    """`python app.py` on a free loopback port with CASEBOOK_HOME=home; yields its URL."""
    port = free_port()
    env = {
        **os.environ,
        "CASEBOOK_HOME": str(home),
        "CASEBOOK_HOST": "127.0.0.1",
        "CASEBOOK_PORT": str(port),
        "CASEBOOK_MAX_UPLOAD_MB": "2",
        "HF_HUB_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        **env_vars,
    }
    env.pop("CASEBOOK_AUTH", None)
    env.pop("CASEBOOK_AUTH_FILE", None)
    home.mkdir(parents=True, exist_ok=True)
    log = home / "app.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(tmp_path_factory.mktemp("casebook-home")) as url:
        yield url


@pytest.fixture(scope="module")
def client(app_url: str):
    from gradio_client import Client

    return Client(app_url, verbose=False)


def synthetic_case(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copyfile(SYNTHETIC / name, target)
    return target


# ---- API (gradio_client) ---------------------------------------------------------------------


def test_api_lists_the_bundled_jordan_action(client) -> None:
    actions = client.predict(api_name="/actions")
    assert [a["country"] for a in actions] == ["Jordanie"]
    assert actions[0]["chunks"] > 0


def test_api_ask_answers_with_a_jordan_citation(client) -> None:
    answer = client.predict(
        "Quelle organisation gère le refuge pour les victimes de la traite ?", None, api_name="/ask"
    )
    assert not answer["abstained"]
    assert answer["language"] == "fr"
    assert "[1]" in answer["answer"]
    assert answer["citations"][0]["country"] == "Jordanie"
    assert answer["citations"][0]["quote"]


def test_api_ask_accepts_a_follow_up_with_history(client) -> None:
    first = client.predict(
        "Quelle organisation gère le refuge pour les victimes de la traite ?", None, api_name="/ask"
    )
    follow_up = client.predict(
        "Et qui gère l'autre refuge ?", [[first["question"], first["answer"]]], api_name="/ask"
    )
    assert follow_up["answer"]


def test_api_search_filters_by_criterion(client) -> None:
    hits = client.predict("formation", [10], None, None, None, None, 5, api_name="/search")
    assert hits
    assert all(10 in hit["criteria"] for hit in hits)


def test_api_lessons_returns_grouped_html_and_exports(client) -> None:
    html, csv_path, md_path = client.predict(
        "formation", [10], None, [], None, None, ["lessons", "practices"], "", api_name="/lessons"
    )
    assert "lesson-group" in html
    assert Path(csv_path).read_text(encoding="utf-8").startswith("action,country,years")
    assert Path(md_path).read_text(encoding="utf-8").startswith("# Lessons learnt: formation")


def test_api_lessons_takes_years_as_typed_and_refuses_a_word(client) -> None:
    from gradio_client.exceptions import AppError

    html, _, _ = client.predict(
        "formation", [], None, [], "2016", "2019", ["lessons"], "", api_name="/lessons"
    )
    assert "Jordanie (2016-2019)" in html
    numbers, _, _ = client.predict(
        "formation", [], None, [], 2016, 2019, ["lessons"], "", api_name="/lessons"
    )
    assert numbers == html  # a client that sends numbers, as before, gets the same
    with pytest.raises(AppError, match="not a year"):
        client.predict("formation", [], None, [], "soon", None, ["lessons"], "", api_name="/lessons")


def test_a_file_elsewhere_in_the_temp_folder_is_refused(client, app_url: str) -> None:
    client.predict("formation", [10], None, [], None, None, ["lessons"], "", api_name="/lessons")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as secret:
        secret.write("not for the web")
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{app_url}gradio_api/file={secret.name}", timeout=10)
        assert refused.value.code in {403, 404}
    finally:
        os.unlink(secret.name)


def test_api_ingest_rejects_a_disallowed_type_and_keeps_the_library(client, tmp_path: Path) -> None:
    from gradio_client import handle_file

    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n")
    rows, *_ = client.predict([handle_file(str(bad))], api_name="/ingest")
    assert rows["data"] == [["notes.csv", "failed", rows["data"][0][2]]]
    assert "not accepted" in rows["data"][0][2]
    assert "Jordanie" in str(client.predict(api_name="/actions"))


def test_api_ingest_adds_then_skips_an_unchanged_txt(client, tmp_path: Path) -> None:
    from gradio_client import handle_file

    case = synthetic_case("en_nepal_2012-2014_migration_and_development_policy.txt", tmp_path)
    rows, *_ = client.predict([handle_file(str(case))], api_name="/ingest")
    assert rows["data"][0][:2] == [case.name, "added"]
    rows, *_ = client.predict([handle_file(str(case))], api_name="/ingest")
    assert rows["data"][0][:2] == [case.name, "unchanged"]
    assert "Nepal" in [a["country"] for a in client.predict(api_name="/actions")]


def test_api_remove_takes_an_action_out_of_the_library(client, tmp_path: Path) -> None:
    from gradio_client import handle_file

    case = synthetic_case("fr_senegal_2015-2017_donnees_migration_de_travail.txt", tmp_path)
    client.predict([handle_file(str(case))], api_name="/ingest")
    senegal = next(a for a in client.predict(api_name="/actions") if a["country"] == "Sénégal")
    summary, *_ = client.predict(senegal["id"], api_name="/remove")
    assert "Removed" in summary
    assert "Sénégal" not in [a["country"] for a in client.predict(api_name="/actions")]


def test_fresh_clients_quiz_on_and_remove_an_action_ingested_after_start(
    client, app_url: str, tmp_path: Path
) -> None:
    from gradio_client import Client, handle_file

    case = synthetic_case("en_jamaica_2016-2018_reintegration_of_returnees.txt", tmp_path)
    client.predict([handle_file(str(case))], api_name="/ingest")
    jamaica = next(a for a in client.predict(api_name="/actions") if a["country"] == "Jamaica")
    fresh = Client(app_url, verbose=False)  # never loaded the page: its choices were never refreshed
    preview, path = fresh.predict(action_ids=[jamaica["id"]], n=3, api_name="/quiz")  # the rest by default
    assert preview.strip() and "A case management model for returning nationals" in Path(path).read_text(
        encoding="utf-8"
    )
    html, _, _ = fresh.predict(query="returnees", country=["Jamaica"], api_name="/lessons")
    assert "Jamaica" in html
    summary, *_ = Client(app_url, verbose=False).predict(jamaica["id"], api_name="/remove")
    assert "Removed" in summary
    assert "Jamaica" not in [a["country"] for a in client.predict(api_name="/actions")]


def test_api_quiz_previews_and_exports_gift(client) -> None:
    preview, path = client.predict(
        [], [], None, [], 3, ["mcq", "tf", "short"], "", 1, "gift", api_name="/quiz"
    )
    assert preview.strip()
    assert Path(path).read_text(encoding="utf-8").strip()


# ---- browser (Chromium + playwright-core) ---------------------------------------------------


def browser_ready() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return "Debian's chromium is not installed (bash scripts/install --test installs it)"
    if not (E2E / "node_modules" / "playwright-core").exists():
        return "playwright-core is not installed (npm install in tests/e2e)"
    if shutil.which("node") is None:
        return "node is not installed"
    return None


def test_browser_chat_lessons_and_library_tabs(app_url: str, tmp_path: Path) -> None:
    missing = browser_ready()
    if missing and not os.environ.get("CI"):
        pytest.skip(missing)
    txt = synthetic_case("fr_liban_2017-2019_identification_victimes_traite_inspection_travail.txt", tmp_path)
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n this is not a PDF body \x00\x01\x02 %%EOF")
    env = {
        **os.environ,
        "CASEBOOK_URL": app_url,
        "SCREENSHOTS": str(SCREENSHOTS),
        "UPLOAD_TXT": str(txt),
        "UPLOAD_TXT_COUNTRY": "Liban",
        "CORRUPT_PDF": str(corrupt),
    }
    run = subprocess.run(
        ["node", "app.spec.mjs"], cwd=E2E, env=env, capture_output=True, text=True, timeout=900
    )
    print(run.stdout, run.stderr)
    assert run.returncode == 0, run.stdout + run.stderr
    for name in ("chat", "lessons", "library", "library-error"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000
    (ROOT / "docs").mkdir(exist_ok=True)
    shutil.copyfile(SCREENSHOTS / "chat.png", ROOT / "docs" / "screenshot-chat.png")


# ---- server mode -----------------------------------------------------------------------------


def test_app_on_a_chroma_server_answers_from_memory_while_it_is_down_and_ingests_once_it_is_back(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    """Questions need only the indexes in memory; an upload needs the server: it is refused
    while the server is down, saying so, and goes in once it is back, in the same app process."""
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    collection = f"app{os.getpid()}"
    case = synthetic_case("fr_senegal_2015-2017_donnees_migration_de_travail.txt", tmp_path)
    with running_app(
        tmp_path / "home", CASEBOOK_CHROMA_URL=chroma_server.url, CASEBOOK_COLLECTION=collection
    ) as url:
        client = Client(url, verbose=False)
        assert client.predict("refuge", api_name="/search")  # the bundled library, on the server
        chroma_server.stop()
        try:
            answer = client.predict("Qui gère le refuge ?", None, api_name="/ask")
            assert answer["citations"] and not answer["abstained"]
            with pytest.raises(AppError, match=r"Chroma server at http://127\.0\.0\.1:\d+ is not reachable"):
                client.predict([handle_file(str(case))], api_name="/ingest")
        finally:
            chroma_server.start()
        rows, *_ = client.predict([handle_file(str(case))], api_name="/ingest")
        assert rows["data"][0][:2] == [case.name, "added"]
