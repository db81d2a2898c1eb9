"""Named points where crash tests kill a build on purpose (bench/crash.py, tests).

``TIMELINE_FAULT=<point>`` with ``TIMELINE_FAULT_AFTER=<n>`` sends SIGKILL to this process the
n-th time (default 1st) the point is reached. Unset, a point costs one dict lookup.
"""

from __future__ import annotations

import os
import signal

from index.settings import load_settings

POINTS = ("embedding", "faiss-write", "sqlite-commit", "manifest-write")
_hits: dict[str, int] = {}


def fault_point(name: str) -> None:
    settings = load_settings()
    if settings.fault != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] >= settings.fault_after:
        os.kill(os.getpid(), signal.SIGKILL)
