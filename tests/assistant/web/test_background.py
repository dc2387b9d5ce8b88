"""The web app's low-priority ingest thread: nicer than the rest of the process (and the threads it
starts too), with the caller's context, its result and its errors coming back to the caller."""

from __future__ import annotations

import contextvars
import os
import sys
import threading

import pytest

from assistant.web.background import LowPriorityWorker

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice values are Linux's")
EVENT = contextvars.ContextVar("event", default="none")


def nice_value() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.fixture
def worker():
    worker = LowPriorityWorker(niceness=5)
    yield worker
    worker.close()


@linux_only
def test_the_call_runs_nicer_than_the_caller_and_the_caller_keeps_its_priority(worker) -> None:
    caller = nice_value()
    assert worker.run(nice_value) == min(19, caller + 5)
    assert nice_value() == caller


@linux_only
def test_a_thread_the_call_starts_inherits_its_priority(worker) -> None:
    def started_thread_nice() -> int:
        seen: list[int] = []
        thread = threading.Thread(target=lambda: seen.append(nice_value()))
        thread.start()
        thread.join()
        return seen[0]

    assert worker.run(started_thread_nice) == worker.run(nice_value) > nice_value()


def test_the_call_sees_the_caller_s_context_variables(worker) -> None:
    EVENT.set("event-1")
    assert worker.run(EVENT.get) == "event-1"


def test_the_call_s_exception_reaches_the_caller(worker) -> None:
    def fail() -> None:
        raise ValueError("unreadable upload")

    with pytest.raises(ValueError, match="unreadable upload"):
        worker.run(fail)
