"""Walk files and folders into ``Article`` records, or ``Skipped`` with a reason.

The first step of a build: walk (this module: folders in sorted order, each file once) → read
(``index.read``: one module per format family, gzip and encodings in one place) → ``Article``.
The "is this an article file" check for uploads is ``index.read.check_article_file``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from index.models import Article, Skipped
from index.read import read_file

__all__ = ["read_file", "read_paths", "walk_folder", "walk_paths"]  # read_file: index.read's


def read_paths(paths: Iterable[str | Path]) -> Iterator[Article | Skipped]:
    """Articles from files and folders (recursive, in sorted order; hidden entries inside
    folders are ignored). Each file is read once even if named twice."""
    for item in walk_paths(paths):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from read_file(item)


def walk_paths(paths: Iterable[str | Path]) -> Iterator[Path | Skipped]:
    """The files a build reads, in reading order, each once; missing paths as ``Skipped``."""
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files: Iterable[Path | Skipped] = walk_folder(path)
        elif path.exists():
            files = [path]
        else:
            yield Skipped(str(path.absolute()), "no such file or folder")
            continue
        for item in files:
            if isinstance(item, Skipped):
                yield item
                continue
            resolved = item.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield item


def walk_folder(folder: Path) -> Iterator[Path | Skipped]:
    """Files below ``folder`` in sorted order, hidden entries skipped: the order a build reads."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        yield Skipped(str(folder.resolve()), f"cannot list folder ({err.strerror or err})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # .git, .DS_Store, editor swap files: never articles
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            yield from walk_folder(path)
        elif entry.is_file():
            yield path
