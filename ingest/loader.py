"""The one entry point other layers call: a file path becomes a parsed `Publication`."""

from __future__ import annotations

import logging
from pathlib import Path

from ingest.models import Publication
from ingest.parser import parse_document
from ingest.readers import SUPPORTED_SUFFIXES, read_document
from ingest.taxonomy import Taxonomy

__all__ = ["SUPPORTED_SUFFIXES", "load_file"]

log = logging.getLogger(__name__)


def load_file(path: Path, taxonomy: Taxonomy, max_bytes: int | None = None) -> Publication:
    """Read and parse one file.

    Raises UnreadableFileError (cannot be read: reason given) or NoCaseStudyError (read, but
    no `Country (YYYY-YYYY)` line); both name the file.
    """
    raw = read_document(Path(path), max_bytes=max_bytes)
    publication = parse_document(raw, taxonomy)
    log.info("loaded %s: %d case stud(ies)", raw.source, len(publication.case_studies))
    return publication
