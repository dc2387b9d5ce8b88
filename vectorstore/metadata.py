"""How a `Chunk` is flattened into Chroma metadata and JSON, and rebuilt.

This is the one place that knows the stored keys (schema `SCHEMA_VERSION`); `filters.py` builds
Chroma `where` clauses from the same names. A key whose value is missing is left out, never stored
as "" or 0: a passage of the collection's back cover has no `action`, `country`, `country_code`,
`years`, `year_start`, `year_end`, `theme` or `criteria`. `criteria` is an integer array
(`{"criteria": {"$contains": 4}}`), and `country_code` is the ISO 3166 alpha-2 code of the country
as printed (`country`), when the name is a known country.

A chunk of a text section also carries its sentences, in order, with their vectors (the answer
engine ranks them): `sentences` holds their texts as a JSON list, `sentence_vectors` their
float32 vectors, one after the other, in base64 (exact, and one value rather than a row and an
index entry per number). `chunk_from_metadata` leaves both out of the `Chunk`;
`sentences_from_metadata` reads them.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ingest.countries import country_code
from ingest.models import Chunk

Metadata = dict[str, str | int | float | bool | list[int]]

SCHEMA_VERSION = 4
# 1: criteria as "4,10" plus crit_N flags, "" and 0 for missing values
# 2: each sentence a row (with its vector in the vector index) of a `<name>_sentences` collection
# 3: a text chunk's vector embedded from its whole text, not made from its sentences'
SCHEMA_KEY = "metadata_schema"  # collection metadata: the schema its records (and vectors) follow

# Keys of the stored metadata (the text itself is Chroma's document).
CASE_STUDY_ID = "case_study_id"
ACTION = "action"
COUNTRY = "country"  # as printed: "Jordanie"
COUNTRY_CODE = "country_code"  # "JO"
YEARS = "years"
YEAR_START = "year_start"
YEAR_END = "year_end"
THEME = "theme"
CRITERIA = "criteria"  # [4, 10]
SECTION = "section"
LANGUAGE = "language"
SOURCE = "source"
PAGE = "page"
POSITION = "position"
SENTENCES = "sentences"  # '["First sentence.", "Second one."]'
SENTENCE_VECTORS = "sentence_vectors"  # base64 of the float32 vectors, row after row

_VECTOR_TYPE = np.dtype("<f4")

_YEAR = re.compile(r"\d{4}")


def year_span(years: str) -> tuple[int, int] | None:
    """First and last year of a "2016-2019" (or "2019") string; None when it holds no year."""
    found = [int(y) for y in _YEAR.findall(years)]
    if not found:
        return None
    return min(found), max(found)


def chunk_to_metadata(chunk: Chunk) -> Metadata:
    return {key: value for key, value in chunk_to_record(chunk).items() if value is not None}


def chunk_to_record(chunk: Chunk) -> dict[str, str | int | list[int] | None]:
    """`chunk_to_metadata` for an upsert, which merges into the record stored under the same id
    (ids hash the text, not the Action's details): a key the chunk leaves out is written as None,
    which removes the value an earlier version had (a theme since taken out of the header)."""
    span = year_span(chunk.years)
    values: dict[str, str | int | list[int] | None] = {
        CASE_STUDY_ID: chunk.case_study_id,
        ACTION: chunk.action,
        COUNTRY: chunk.country,
        COUNTRY_CODE: country_code(chunk.country) if chunk.country else None,
        YEARS: chunk.years,
        YEAR_START: span[0] if span else None,
        YEAR_END: span[1] if span else None,
        THEME: chunk.theme,
        CRITERIA: list(chunk.criteria),
        SECTION: chunk.section,
        LANGUAGE: chunk.language,
        SOURCE: chunk.source,
        PAGE: chunk.page,
        POSITION: chunk.position,
    }
    return {key: None if value in ("", []) else value for key, value in values.items()}


def chunk_from_metadata(chunk_id: str, text: str, metadata: Any) -> Chunk:
    """Rebuild the `Chunk` stored under `chunk_id` from its document text and metadata."""
    theme = metadata.get(THEME)
    return Chunk(
        id=chunk_id,
        case_study_id=str(metadata[CASE_STUDY_ID]),
        action=str(metadata.get(ACTION, "")),
        country=str(metadata.get(COUNTRY, "")),
        years=str(metadata.get(YEARS, "")),
        theme=str(theme) if theme is not None else None,
        criteria=tuple(int(c) for c in metadata.get(CRITERIA, ())),
        section=str(metadata[SECTION]),
        language=str(metadata[LANGUAGE]),
        source=str(metadata[SOURCE]),
        page=int(metadata[PAGE]),
        position=int(metadata[POSITION]),
        text=text,
    )


def sentences_to_metadata(sentences: Sequence[tuple[str, ArrayLike]]) -> dict[str, str | None]:
    """The metadata values holding a chunk's sentences with their vectors; None for both when it
    has none (written over a chunk that had some, None removes them)."""
    if not sentences:
        return {SENTENCES: None, SENTENCE_VECTORS: None}
    vectors = np.asarray([vector for _, vector in sentences], dtype=_VECTOR_TYPE)
    return {
        SENTENCES: json.dumps([text for text, _ in sentences], ensure_ascii=False),
        SENTENCE_VECTORS: base64.b64encode(vectors.tobytes()).decode("ascii"),
    }


def sentences_from_metadata(metadata: Any) -> list[tuple[str, np.ndarray]]:
    """A chunk's sentences in order, each with its vector (float32); [] when it has none."""
    texts = metadata.get(SENTENCES)
    if texts is None:
        return []
    sentences: list[str] = json.loads(texts)
    packed = base64.b64decode(metadata[SENTENCE_VECTORS])
    vectors = np.frombuffer(packed, dtype=_VECTOR_TYPE).reshape(len(sentences), -1)
    return list(zip(sentences, vectors, strict=True))


def chunk_to_json(chunk: Chunk) -> dict[str, Any]:
    return asdict(chunk)


def chunk_from_json(data: dict[str, Any]) -> Chunk:
    return Chunk(**{**data, "criteria": tuple(data["criteria"])})
