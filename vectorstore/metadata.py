"""How a `Chunk` is flattened into Chroma metadata (scalars only) and JSON, and rebuilt.

This is the one place that knows the stored keys; `filters.py` builds Chroma `where`
clauses from the same names.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from ingest.models import Chunk

Metadata = dict[str, str | int | float | bool]

# Keys of the stored metadata (the text itself is Chroma's document).
CASE_STUDY_ID = "case_study_id"
ACTION = "action"
COUNTRY = "country"
YEARS = "years"
YEAR_START = "year_start"
YEAR_END = "year_end"
THEME = "theme"
CRITERIA = "criteria"  # "4,10": rebuilds the tuple
SECTION = "section"
LANGUAGE = "language"
SOURCE = "source"
PAGE = "page"
POSITION = "position"
NO_THEME = ""  # Chroma metadata cannot hold None
UNKNOWN_YEAR = 0  # years that cannot be read never overlap a requested range

_YEAR = re.compile(r"\d{4}")


def criterion_flag(number: int) -> str:
    """Metadata key of the boolean flag set on chunks that illustrate criterion `number`."""
    return f"crit_{number}"


def year_span(years: str) -> tuple[int, int]:
    """First and last year of a "2016-2019" (or "2019") string; `UNKNOWN_YEAR` twice when unreadable."""
    found = [int(y) for y in _YEAR.findall(years)]
    if not found:
        return UNKNOWN_YEAR, UNKNOWN_YEAR
    return min(found), max(found)


def chunk_to_metadata(chunk: Chunk) -> Metadata:
    start, end = year_span(chunk.years)
    metadata: Metadata = {
        CASE_STUDY_ID: chunk.case_study_id,
        ACTION: chunk.action,
        COUNTRY: chunk.country,
        YEARS: chunk.years,
        YEAR_START: start,
        YEAR_END: end,
        THEME: chunk.theme if chunk.theme is not None else NO_THEME,
        CRITERIA: ",".join(str(c) for c in chunk.criteria),
        SECTION: chunk.section,
        LANGUAGE: chunk.language,
        SOURCE: chunk.source,
        PAGE: chunk.page,
        POSITION: chunk.position,
    }
    metadata.update({criterion_flag(c): True for c in chunk.criteria})
    return metadata


def chunk_from_metadata(chunk_id: str, text: str, metadata: Any) -> Chunk:
    """Rebuild the `Chunk` stored under `chunk_id` from its document text and metadata."""
    criteria = str(metadata[CRITERIA])
    theme = str(metadata[THEME])
    return Chunk(
        id=chunk_id,
        case_study_id=str(metadata[CASE_STUDY_ID]),
        action=str(metadata[ACTION]),
        country=str(metadata[COUNTRY]),
        years=str(metadata[YEARS]),
        theme=theme if theme != NO_THEME else None,
        criteria=tuple(int(c) for c in criteria.split(",")) if criteria else (),
        section=str(metadata[SECTION]),
        language=str(metadata[LANGUAGE]),
        source=str(metadata[SOURCE]),
        page=int(metadata[PAGE]),
        position=int(metadata[POSITION]),
        text=text,
    )


def chunk_to_json(chunk: Chunk) -> dict[str, Any]:
    return asdict(chunk)


def chunk_from_json(data: dict[str, Any]) -> Chunk:
    return Chunk(**{**data, "criteria": tuple(data["criteria"])})
