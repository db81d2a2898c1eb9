"""Uploads: each file checked, stored under a generated name in <index>/uploads/, then indexed.

Whether a file is an article is decided once, by ingest (``index.read.check_article_file``);
this module adds only the upload limits (size and count per upload).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.fmt import plural
from index.errors import BadDocument
from index.read.accept import check_article_file
from index.read.formats import suffix_of
from web.markup import plain

if TYPE_CHECKING:
    from bot.engine import Bot

ProgressFn = Callable[[float, str], None]

MAX_UPLOAD_MB = 25
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024  # per file; launch(max_file_size=...) enforces it too
MAX_UPLOAD_FILES = 20  # per upload: one build should stay a few minutes at most
# An upload is stored as "<32 hex of its content hash>-<slug><suffix>": never the user's name


def check_upload(path: Path, name: str) -> str | None:
    """Why a file is refused, or None: ingest's own check, under the per-file upload limit."""
    return check_article_file(path, name, max_bytes=MAX_UPLOAD_BYTES)


def _slug(name: str) -> str:
    suffix = suffix_of(name)
    stem = name[: -len(suffix)] if suffix else name
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:48]


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()[:32]


def store_uploads(files: Sequence[str | Path], index_dir: Path
                  ) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Copy accepted files into ``<index_dir>/uploads/`` under generated names.

    Returns ([(stored path, name shown to the user)], [(name, reason refused)]). The user's file
    name is only ever shown (cleaned), never used as a path: the stored name is the content hash
    plus a [a-z0-9-] slug plus an allowed suffix, so the same file uploaded twice is one file.
    """
    from index.indexdir import UPLOADS_DIR

    folder = Path(index_dir) / UPLOADS_DIR
    stored: list[tuple[Path, str]] = []
    refused: list[tuple[str, str]] = []
    for f in files:
        src = Path(f)
        name = plain(src.name)[:120] or "file"
        reason = check_upload(src, src.name)
        if reason:
            refused.append((name, reason))
            continue
        folder.mkdir(parents=True, exist_ok=True)
        digest = _file_hash(src)
        suffix = suffix_of(src.name)
        assert suffix is not None
        existing = sorted(folder.glob(f"{digest}-*"))
        target = existing[0] if existing else folder / f"{digest}-{_slug(src.name)}{suffix}"
        if not existing:
            tmp = folder / f".{digest}.partial"
            shutil.copyfile(src, tmp)
            tmp.replace(target)
        if target.resolve().parent != folder.resolve():  # belt and braces: never outside uploads/
            refused.append((name, "bad file name"))
            continue
        stored.append((target, name))
    return stored, refused


def add_articles(bot: Bot, files: Sequence[str | Path] | None,
                 progress: ProgressFn | None = None) -> dict[str, Any]:
    """Check, copy into <index>/uploads/, index incrementally, reload: searchable at once.

    The caller serializes calls (one build at a time; the index's file lock guards other
    processes).
    """
    from index.build import build_index

    files = [f for f in (files or []) if f]
    if not files:
        raise BadDocument("no file given: choose one or more article files")
    if len(files) > MAX_UPLOAD_FILES:
        raise BadDocument(f"{len(files)} files at once; the limit is {MAX_UPLOAD_FILES} per upload")
    say = progress or (lambda frac, text: None)
    index_dir = bot.index.path
    stored, refused = store_uploads(files, index_dir)
    added: list[str] = []
    skipped = [{"file": name, "reason": reason} for name, reason in refused]
    unchanged = 0
    if stored:
        say(0.05, f"reading {plural(len(stored), 'file')}")
        report = build_index([p for p, _ in stored], index_dir, embedder=bot.embedder,
                             progress=_build_progress(say))
        names = {str(p.resolve()): name for p, name in stored}
        for s in report.skipped:
            skipped.append({"file": names.get(s.origin.split("#", 1)[0], "record"),
                            "reason": s.reason})
            if s.origin in names:  # nothing of it was indexed: do not keep it
                Path(s.origin).unlink(missing_ok=True)
        added = list(report.added_titles)
        unchanged = report.unchanged
        say(0.95, "loading the updated index")
        bot.reload()
    stats = bot.stats()
    return {"added": added, "added_count": len(added), "already_indexed": unchanged,
            "skipped": skipped, "articles": stats.articles, "passages": stats.passages}


def _build_progress(say: ProgressFn) -> Callable[[str, int, int | None], None]:
    def cb(stage: str, done: int, total: int | None) -> None:
        if stage == "embedding" and total:
            say(0.1 + 0.8 * done / total, f"embedding {done}/{total} passages")
        elif stage == "writing":
            say(0.9, "writing the index")
        else:
            say(0.08, f"{stage} {done}")
    return cb
