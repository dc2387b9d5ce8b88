"""A built wheel works on its own: installed (not editable) into a fresh virtual environment,
`casebook actions` run from another folder finds the bundled case study and the prompts in the
installed package, not in the source tree.

Offline: the wheel is built without build isolation, installed without dependencies, and the
fresh environment sees the dependencies of the running one through a `.pth` line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.paths import ROOT

pytestmark = pytest.mark.slow  # builds a wheel, indexes the bundled library with the default model

# What the wheel is built from: the package sources and the project files, nothing else.
SOURCES = ("pyproject.toml", "README.md", "app.py", "ingest", "vectorstore", "assistant", "prompts")


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh virtual environment with the wheel installed in it."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check")
    _run(
        *pip,
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        work / "dist",
        source,
        cwd=work,
    )
    (wheel,) = (work / "dist").glob("casebook-*.whl")

    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    python = venv / "bin" / "python"
    site = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=work).strip()
    )
    # A plain path line: the running environment's packages, without processing its own .pth
    # files (so its editable install of this project stays out).
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run(*pip, "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=work)
    return venv / "bin"


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEBOOK_", "PYTHON"))}
    return {**env, "CASEBOOK_HOME": str(home), "HF_HUB_OFFLINE": "1"}


def test_the_installed_package_is_imported_from_the_environment_not_the_source(
    installed: Path, tmp_path: Path
) -> None:
    code = "import assistant, prompts; print(assistant.__file__); print(prompts.__file__)"
    paths = _run(installed / "python", "-c", code, cwd=tmp_path, env=_clean_env(tmp_path)).split()
    venv = installed.parent.resolve()
    assert all(Path(p).resolve().is_relative_to(venv) for p in paths), paths


def test_casebook_actions_from_another_folder_indexes_the_bundled_jordan_action(
    installed: Path, tmp_path: Path
) -> None:
    out = _run(installed / "casebook", "actions", "--json", cwd=tmp_path, env=_clean_env(tmp_path / "home"))
    assert any("jordanie" in action["id"] for action in json.loads(out))


def test_the_installed_prompts_are_read_from_the_package(installed: Path, tmp_path: Path) -> None:
    code = "from assistant.answering.generative import load_prompt; print(load_prompt('answer', 'fr'))"
    assert "{question}" in _run(installed / "python", "-c", code, cwd=tmp_path, env=_clean_env(tmp_path))
