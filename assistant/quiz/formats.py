"""The quiz file formats `export_quiz` writes, each with its usual file suffix.

Apart from the exporters, so that the CLI lists them among its options without importing them.
"""

from __future__ import annotations

QUIZ_FORMATS: dict[str, str] = {
    "gift": ".gift",
    "moodle-xml": ".xml",
    "md": ".md",
    "csv": ".csv",
    "json": ".json",
}
