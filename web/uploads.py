"""Uploads: each file checked, stored under a generated name in <index>/uploads/, then indexed.

TODO(lead): ``check_upload`` and its rules are to be replaced by the one "is this an article
file" check that the index helper is writing in ingest; keep this module calling one function.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.fmt import plural
from index.errors import BadDocument
from web.markup import plain

if TYPE_CHECKING:
    from bot.engine import Bot

ProgressFn = Callable[[float, str], None]

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".json", ".csv")
ALLOWED_SUFFIXES = (*TEXT_SUFFIXES, *(s + ".gz" for s in TEXT_SUFFIXES))
MAX_UPLOAD_MB = 25
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024  # per file; launch(max_file_size=...) enforces it too
MAX_UPLOAD_FILES = 20  # per upload: one build should stay a few minutes at most
MAX_GZIP_RATIO_BYTES = 200 * 1024 * 1024  # what one .gz may expand to (25 MB of text → at most 200 MB)
_SNIFF = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# An upload is stored as "<32 hex of its content hash>-<slug><suffix>": never the user's name


def allowed_suffix(name: str) -> str | None:
    low = name.lower()
    return next((s for s in sorted(ALLOWED_SUFFIXES, key=len, reverse=True) if low.endswith(s)), None)


def check_upload(path: Path, name: str) -> str | None:
    """Why a file is refused, or None. Checked by content as well as by its name."""
    suffix = allowed_suffix(name)
    if suffix is None:
        return f"not an article file; accepted: {', '.join(TEXT_SUFFIXES)} (or .gz of them)"
    try:
        size = path.stat().st_size
    except OSError:
        return "the upload did not arrive; try again"
    if size > MAX_UPLOAD_BYTES:
        return f"{size / 1048576:.1f} MB is over the {MAX_UPLOAD_MB} MB limit per file"
    if size == 0:
        return "empty file"
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
        if suffix.endswith(".gz"):
            if magic != _GZIP_MAGIC:
                return "named .gz but is not gzip-compressed"
            head = _gunzip_checked(path)
            if isinstance(head, str):
                return head
        else:
            if magic == _GZIP_MAGIC:
                return f"gzip-compressed: name it {suffix}.gz"
            with open(path, "rb") as fh:
                head = fh.read(_SNIFF)
    except OSError as err:
        return f"cannot read it ({err.strerror or err})"
    return _check_text(head, suffix.removesuffix(".gz"))


def _gunzip_checked(path: Path) -> bytes | str:
    """The first bytes of a gzip file after checking all of it decompresses within the cap."""
    head, total = b"", 0
    try:
        with gzip.open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                if len(head) < _SNIFF:
                    head += chunk[: _SNIFF - len(head)]
                total += len(chunk)
                if total > MAX_GZIP_RATIO_BYTES:
                    return f"decompresses past {MAX_GZIP_RATIO_BYTES // 1048576} MB"
    except (OSError, EOFError, zlib.error):
        return "corrupt gzip file"
    return head


def _check_text(head: bytes, kind: str) -> str | None:
    if head.startswith(_UTF16_BOMS):
        return None  # UTF-16 text has NULs by design; the reader decodes it
    if b"\x00" in head:
        return "binary content, not text"
    if not head.strip():
        return "empty file"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if kind == ".json" and start not in (b"{", b"["):
        return "not JSON (it should start with { or [)"
    if kind == ".jsonl" and start != b"{":
        return "not JSON Lines (each line should be a {...} object)"
    if kind == ".csv" and not any(c in head.split(b"\n", 1)[0] for c in (b",", b";", b"\t")):
        return "not CSV (no header row with columns)"
    return None


def _slug(name: str) -> str:
    stem = name
    for s in sorted(ALLOWED_SUFFIXES, key=len, reverse=True):
        if stem.lower().endswith(s):
            stem = stem[: -len(s)]
            break
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
        suffix = allowed_suffix(src.name)
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
