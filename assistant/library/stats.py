"""What `casebook stats` reports about the index: its size, languages, model and location."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Stats:
    case_studies: int
    chunks: int
    files: int
    languages: tuple[str, ...]
    embedding_backend: str  # the CASEBOOK_EMBEDDING_MODEL setting
    embedding_model: str  # the model id the vectors were made with
    index_location: str  # the Chroma server's URL, or the CASEBOOK_HOME folder
    store: Literal["chroma-server", "chroma-embedded"]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["languages"] = list(self.languages)
        return data
