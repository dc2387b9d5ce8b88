"""Derived data kept between processes, in the user's cache folder ($XDG_CACHE_HOME/casebook).

Some of what ingest and question analysis read is slow to derive from its source and the same
every time: the city gazetteer folded for matching, the language model unpacked. A one-shot
command would pay for it on every run, so it is derived once and kept here, under a name that
carries a key of everything it was derived from (a new key is a new file; the older one goes).
Anything here can be deleted at any time; it is made again when next needed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


def cache_folder() -> Path:
    """$XDG_CACHE_HOME/casebook, else ~/.cache/casebook."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "casebook"


def cache_path(kind: str, suffix: str, sources: Iterable[Path | str | bytes]) -> Path:
    """Where the `kind` derived from `sources` (files, or words and bytes that shape it) is kept."""
    digest = hashlib.sha256()
    for source in sources:
        if isinstance(source, Path):
            digest.update(source.read_bytes())
        else:
            digest.update(source.encode() if isinstance(source, str) else source)
        digest.update(b"\0")
    return cache_folder() / f"{kind}.{digest.hexdigest()[:16]}{suffix}"


def cached(
    path: Path, read: Callable[[Path], T], derive: Callable[[], T], write: Callable[[Path, T], object]
) -> T:
    """`read(path)`; if there is no such file, or it cannot be read, `derive()` and `write` it."""
    try:
        return read(path)
    except FileNotFoundError:
        log.debug("no %s yet: deriving it", path)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        log.warning("deriving %s again: it is unreadable (%s)", path, error)
    value = derive()
    save(path, lambda partial: write(partial, value))
    return value


def cached_json(kind: str, sources: Iterable[Path | str | bytes], derive: Callable[[], Any]) -> Any:
    """What `derive()` returns (JSON data), kept under a key of `sources`."""
    return cached(
        cache_path(kind, ".json", sources),
        lambda path: json.loads(path.read_text(encoding="utf-8")),
        derive,
        lambda path, value: path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8"),
    )


def save(path: Path, write: Callable[[Path], object]) -> None:
    """`write` the file whole under another name, then rename it to `path` (so a reader never sees
    half of it) and remove the older versions of the same kind. A cache that cannot be written (a
    read-only home) is logged: each process then derives its own, as without a cache."""
    kind = path.name.split(".")[0]
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(partial)
        os.replace(partial, path)
        for older in path.parent.glob(f"{kind}.*{path.suffix}"):
            if older != path:
                older.unlink(missing_ok=True)
    except OSError as error:
        log.info("not cached: %s (%s)", path, error)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
