"""The lower layers' names the app and the CLI use, re-exported so they import only `assistant`:
the section keys, the languages, search filters and a scored passage."""

from ingest.language import LANGUAGES
from ingest.models import SECTION_KEYS
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import ScoredChunk

__all__ = ["LANGUAGES", "SECTION_KEYS", "ScoredChunk", "SearchFilters"]
