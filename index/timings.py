"""Seconds spent per build stage, summed across threads, for ``BuildReport.timings``.

A build records into one ``StageTimes``; code deep in a stage (``clean_text`` inside a reader,
``prepare``) marks its time with ``timed(stage)`` without being handed the timer. Outside a
recording build (a Ray worker, a test) ``timed`` costs one context-variable lookup.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

STAGES = ("load", "read", "clean", "chunk", "date", "quotes", "embed", "store")


class StageTimes:
    def __init__(self) -> None:
        self._seconds = dict.fromkeys(STAGES, 0.0)
        self._lock = threading.Lock()

    def add(self, stage: str, seconds: float) -> None:
        with self._lock:
            self._seconds[stage] = self._seconds.get(stage, 0.0) + seconds

    def get(self, stage: str) -> float:
        with self._lock:
            return self._seconds.get(stage, 0.0)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def as_dict(self) -> dict[str, float]:
        with self._lock:
            return {k: round(v, 4) for k, v in self._seconds.items()}


_current: ContextVar[StageTimes | None] = ContextVar("build_stage_times", default=None)


@contextmanager
def recording(times: StageTimes) -> Iterator[None]:
    """Make ``times`` the target of ``timed`` in this thread (and threads started from a copy
    of its context)."""
    token = _current.set(times)
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def timed(stage: str) -> Iterator[None]:
    times = _current.get()
    if times is None:
        yield
        return
    with times.stage(stage):
        yield
