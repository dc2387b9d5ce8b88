"""The web app's uploads ingested in a thread of lower CPU priority, so answers go first.

An ingest spends its time in the embedding engine's native threads, outside the GIL, and on a
small server they would take the cores the questions of every other user need. Run in a thread
of its own with a higher nice value, the ingest gets the CPU the answers leave. On Linux the nice
value belongs to each thread and the threads it starts inherit it, so the engine's worker
threads, started from this thread, run at its priority too. Elsewhere the ingest runs at normal
priority (the call there would set the priority of the whole process).
"""

from __future__ import annotations

import contextvars
import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

log = logging.getLogger(__name__)

INGEST_NICENESS = 10  # a tenth of the CPU share of a normal thread when both want the same core
T = TypeVar("T")


class LowPriorityWorker:
    """One thread, `niceness` below the rest of the process, that runs one call at a time."""

    def __init__(self, niceness: int = INGEST_NICENESS) -> None:
        """`niceness` is added to the process's nice value (19 at most)."""
        self._pool = ThreadPoolExecutor(
            max_workers=1,
            thread_name_prefix="casebook-ingest",
            initializer=_lower_priority,
            initargs=(niceness,),
        )

    def run(self, call: Callable[[], T]) -> T:
        """`call()` in the worker thread, with the caller's context variables (the web event its
        progress reports belong to); its result or its exception comes back to the caller."""
        context = contextvars.copy_context()
        return self._pool.submit(context.run, call).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def _lower_priority(niceness: int) -> None:
    if sys.platform != "linux":
        return
    thread = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + niceness))
    except OSError as error:  # a container may forbid it: the ingest then runs at normal priority
        log.warning("ingest runs at normal CPU priority: %s", error)
