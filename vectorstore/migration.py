"""Bring a collection written by an earlier Casebook up to date, in place: nothing is re-embedded.

Schema 1 (before `metadata_schema` was recorded) stored criteria as the text "4,10" plus a
`crit_N: True` flag per criterion, "" for a missing action, country, years or theme, 0 for
unreadable years, and no country code; its collections recorded no embedding function. `migrate`
rewrites each record's metadata to the current schema (`metadata.py`) and marks the collection;
ids, documents and vectors stay as they are. Running it again, or in two processes at once,
changes nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chromadb.api.models.Collection import Collection

from vectorstore import metadata as md
from vectorstore.chroma_embedding import CasebookEmbeddingFunction

BATCH = 500
_LEGACY_FLAG = re.compile(r"crit_\d+")
_LEGACY_NO_YEAR = 0


def schema_of(collection: Collection) -> int:
    """The metadata schema the collection's records follow (1 when it is not recorded)."""
    return int(str((collection.metadata or {}).get(md.SCHEMA_KEY, 1)))


def upgrade_patch(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """What to write over a record's metadata to bring it to the current schema: new and changed
    values, and None for each key to delete. Empty when the record already follows the schema."""
    readable = {key: value for key, value in metadata.items() if not _is_legacy(key, value)}
    if isinstance(readable.get(md.CRITERIA), str):
        readable[md.CRITERIA] = [int(c) for c in readable[md.CRITERIA].split(",")]
    # the id and text are not part of the metadata: the chunk is rebuilt only to write it again
    current = md.chunk_to_metadata(md.chunk_from_metadata("", "", readable))
    patch: dict[str, Any] = {key: None for key in metadata if key not in readable}
    patch.update({key: value for key, value in current.items() if metadata.get(key) != value})
    return patch


def migrate(collection: Collection) -> int:
    """Rewrite every record's metadata to the current schema and record the schema on the
    collection; returns the number of records changed."""
    ids = collection.get(include=[])["ids"]
    changed = 0
    for start in range(0, len(ids), BATCH):
        records = collection.get(ids=ids[start : start + BATCH], include=["metadatas"])
        patches = [
            (record_id, patch)
            for record_id, metadata in zip(records["ids"], records["metadatas"] or [], strict=True)
            if (patch := upgrade_patch(metadata))
        ]
        if patches:
            collection.update(
                ids=[record_id for record_id, _ in patches],
                metadatas=[patch for _, patch in patches],
            )
        changed += len(patches)
    collection.modify(metadata={**(collection.metadata or {}), md.SCHEMA_KEY: md.SCHEMA_VERSION})
    return changed


def record_embedding_function(collection: Collection, function: CasebookEmbeddingFunction) -> bool:
    """Record `function` in the configuration of a collection that records none; True if it did."""
    recorded = collection.configuration_json.get("embedding_function") or {}
    if recorded.get("type") == "known":
        return False
    collection.modify(configuration={"embedding_function": function})
    return True


def _is_legacy(key: str, value: Any) -> bool:
    """A schema-1 entry the current schema drops: a criterion flag, or "" or a 0 year for "none"."""
    return (
        bool(_LEGACY_FLAG.fullmatch(key))
        or value == ""
        or (key in (md.YEAR_START, md.YEAR_END) and value == _LEGACY_NO_YEAR)
    )
