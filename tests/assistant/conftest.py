"""Shared fixtures for the assistant tests: the real corpus (Jordan + the synthetic library)
indexed once per session in a temporary CASEBOOK_HOME, with the default embedding model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.service import Casebook
from assistant.settings import LanguageModelSettings, Settings

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
JORDAN = "jordanie-2016-2019-nouvelles-mesures-protection"


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("corpus_home")
    Casebook(Settings(home=home, library=CORPUS)).ensure_library()
    return home


@pytest.fixture(scope="session")
def corpus_casebook(corpus_home: Path) -> Casebook:
    """The indexed corpus, extractive mode. Tests that change its settings use monkeypatch."""
    return Casebook(
        Settings(home=corpus_home, library=CORPUS, language_model=LanguageModelSettings(model=None))
    )
