"""Language identification: the model read from the cache folder classifies as py3langid's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from ingest import language
from ingest.language import LANGUAGES, detect_language
from tests.ingest.conftest import CORPUS


def test_questions_in_each_language_are_told_apart() -> None:
    assert detect_language("Quels enseignements sur la volonté politique ?") == "fr"
    assert detect_language("What did the Action learn about existing documents?") == "en"
    assert detect_language("¿Qué país visitó la delegación jordana?") == "es"


def test_the_cached_model_classifies_every_corpus_line_as_py3langid_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    language._identifier.cache_clear()
    language._identifier(LANGUAGES)  # unpacked from py3langid and saved
    language._identifier.cache_clear()
    cached = language._identifier(LANGUAGES)  # read back from the cache folder
    language._identifier.cache_clear()
    reference = LanguageIdentifier.from_model_file(MODEL_FILE)
    reference.set_languages(list(LANGUAGES))
    lines = [line for path in sorted(CORPUS.rglob("*.txt")) for line in path.read_text().splitlines()]
    assert list(tmp_path.glob("casebook/langid-tables-*.npz")) and list(
        tmp_path.glob("casebook/langid-automaton.*.npy")
    )
    assert [cached.classify(line) for line in lines if line.strip()] == [
        reference.classify(line) for line in lines if line.strip()
    ]
