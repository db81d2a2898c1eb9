"""Is this an article file a build will read? The one check, for uploads and anything else.

By name (an accepted suffix), by content (gzip only when named .gz, text in an encoding the
readers decode, JSON/JSON Lines/CSV shaped as the record readers need) and by size (the
decompression cap every reader enforces).
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from index.read.formats import KINDS, format_of, suffix_of
from index.read.records import csv_header
from index.read.source import SNIFF_BYTES, Refused, check_size, encoding, open_bytes

_GZIP_MAGIC = b"\x1f\x8b"


def check_article_file(path: Path, name: str, *, max_bytes: int | None = None) -> str | None:
    """None when ``path`` (given by the user as ``name``) is an article file, else one line
    saying why not. ``max_bytes`` is an extra cap on the stored size (an upload limit)."""
    fmt = format_of(name)
    if fmt is None:
        return f"not an article file; accepted: {', '.join(KINDS)} (or .gz of them)"
    kind, gz = fmt
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            return f"{size / 1048576:.1f} MB is over the {max_bytes / 1048576:g} MB limit per file"
        if size == 0:
            return "empty file"
        check_size(path, gz)
        with open(path, "rb") as fh:
            magic = fh.read(2)
        if gz and magic != _GZIP_MAGIC:
            return "named .gz but is not gzip-compressed"
        if not gz and magic == _GZIP_MAGIC:
            return f"gzip-compressed: name it {suffix_of(name)}.gz"
        head = _head(path, gz)
        return _check_content(head, kind)
    except Refused as err:
        return err.reason
    except (gzip.BadGzipFile, zlib.error, EOFError):
        return "corrupt gzip file"
    except OSError as err:
        return f"cannot read it ({err.strerror or err})"


def _head(path: Path, gz: bool) -> bytes:
    """The first bytes; for gzip, after decompressing all of it within the cap."""
    with open_bytes(path, gz) as fh:
        head = fh.read(SNIFF_BYTES)
        if gz:
            while fh.read(1 << 20):
                pass
    return head


def _check_content(head: bytes, kind: str) -> str | None:
    try:
        enc = encoding(head, complete=len(head) < SNIFF_BYTES)
    except Refused as err:
        return "binary content, not text" if err.reason == "binary file" else err.reason
    text = head.decode(enc, errors="replace").lstrip("\ufeff \t\r\n")
    if not text.strip():
        return "empty file"
    if kind == "json" and text[:1] not in ("{", "["):
        return "not JSON (it should start with { or [)"
    if kind == "jsonl" and text[:1] != "{":
        return "not JSON Lines (each line should be a {...} object)"
    if kind == "csv":
        first = text.split("\n", 1)[0]
        if not any(c in first for c in ",;\t|"):
            return "not CSV (no header row with columns)"
        csv_header(first)
    return None
