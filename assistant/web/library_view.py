"""The Library tab's tables: the indexed case studies, and the per-file report of an upload."""

from __future__ import annotations

from assistant.library.index import IngestReport
from assistant.library.records import ActionRecord
from ingest.taxonomy import Taxonomy

ACTION_COLUMNS = ["title", "country", "years", "theme", "criteria", "language", "chunks"]
REPORT_COLUMNS = ["file", "status", "reason"]
# The engine's word for a changed file is "updated"; users asked to see it as "replaced".
STATUS_WORDS = {"updated": "replaced"}


def action_rows(actions: list[ActionRecord], taxonomy: Taxonomy, lang: str = "en") -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    for a in actions:
        theme = taxonomy.theme_label(a.theme, lang) if a.theme else ""
        criteria = ", ".join(str(n) for n in a.criteria)
        rows.append([a.title, a.country, a.years, theme, criteria, a.language, a.chunks])
    return rows


def report_rows(report: IngestReport, rejected: dict[str, str] | None = None) -> list[list[str]]:
    """One row per file: added / unchanged / replaced / failed, with the reason of a failure."""
    reasons = {f.file: f.error for f in report.failed}
    rows = [
        [name, STATUS_WORDS.get(status, status), reasons.get(name, "")]
        for name, status in report.files.items()
    ]
    rows += [[name, "failed", reason] for name, reason in (rejected or {}).items()]
    return rows
