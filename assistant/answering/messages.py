"""User-facing sentences in each language, kept as data in `messages.json`."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

MESSAGES_FILE = Path(__file__).with_name("messages.json")


@lru_cache(maxsize=1)
def _messages() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(MESSAGES_FILE.read_text(encoding="utf-8"))
    return data


def message(key: str, language: str, **values: object) -> str:
    """The message `key` in `language` (English when missing), with `values` filled in."""
    texts = _messages()[key]
    return texts.get(language, texts["en"]).format(**values)


def join_list(items: list[str], language: str) -> str:
    """'a, b and c' in the given language."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {message('and', language)} {items[-1]}"
