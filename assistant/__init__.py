"""Casebook: question a library of programme case studies (`from assistant import Casebook`).

`Casebook` is imported on first use, so that `import assistant.settings` (or any sub-package)
does not load the models and the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.service import Casebook

__all__ = ["Casebook"]


def __getattr__(name: str) -> Any:
    if name == "Casebook":
        from assistant.service import Casebook

        return Casebook
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
