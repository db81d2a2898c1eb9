"""Which files are articles, by name: the suffixes a build reads, each optionally gzipped."""

from __future__ import annotations

import os

KINDS: dict[str, str] = {
    ".txt": "text",
    ".md": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".json": "json",
    ".csv": "csv",
}
SUPPORTED_SUFFIXES: tuple[str, ...] = (*KINDS, *(s + ".gz" for s in KINDS))


def format_of(name: str) -> tuple[str, bool] | None:
    """(kind, gzipped) for a file name, or None when it is not an article file."""
    name = name.lower()
    gz = name.endswith(".gz")
    kind = KINDS.get(os.path.splitext(name[:-3] if gz else name)[1])
    return (kind, gz) if kind else None


def suffix_of(name: str) -> str | None:
    """The accepted suffix a name ends with (".jsonl.gz"), or None."""
    low = name.lower()
    return next((s for s in sorted(SUPPORTED_SUFFIXES, key=len, reverse=True) if low.endswith(s)),
                None)
