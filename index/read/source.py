"""Bytes and encodings: open a file (gzip capped against bombs) and decode it to text.

Encoding detection lives here and nowhere else: BOM, BOM-less UTF-16, UTF-8, else a guess that
prefers cp1252 (Western news in a legacy encoding).
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024
"""Gzip input past this many bytes is refused ("decompresses past 512 MiB"), and a plain
file read whole (text, Markdown, HTML, JSON) past it is refused as too large."""

SNIFF_BYTES = 64 * 1024


class Refused(Exception):
    """A problem with a whole file: it becomes one ``Skipped`` with this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def size_text(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n} bytes"


class _Capped(io.RawIOBase):
    """Counts decompressed bytes and refuses past the limit (a gzip bomb)."""

    def __init__(self, inner: IO[bytes], limit: int) -> None:
        self._inner = inner
        self._limit = limit
        self._total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self._inner.readinto(buffer)  # type: ignore[attr-defined]
        self._total += n
        if self._total > self._limit:
            raise Refused(f"decompresses past {size_text(self._limit)}")
        return n


@contextlib.contextmanager
def open_bytes(path: Path, gz: bool) -> Iterator[io.BufferedIOBase]:
    with open(path, "rb") as raw:
        if not gz:
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
            # The limit is read at call time so that tests can lower it.
            capped = _Capped(unzipped, MAX_DECOMPRESSED_BYTES)
            yield io.BufferedReader(capped, buffer_size=1 << 20)


def check_size(path: Path, gz: bool) -> None:
    """Refuse a plain file too large to read whole (gzip is capped as it is read)."""
    if not gz and path.stat().st_size > MAX_DECOMPRESSED_BYTES:
        raise Refused(f"file is larger than {size_text(MAX_DECOMPRESSED_BYTES)}")


def read_all(path: Path, gz: bool) -> bytes:
    check_size(path, gz)
    with open_bytes(path, gz) as fh:
        return fh.read()


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bom_encoding(head: bytes) -> str | None:
    return next((enc for bom, enc in _BOMS if head.startswith(bom)), None)


def _bomless_utf16(head: bytes) -> str | None:
    """UTF-16 text without a BOM: mostly-ASCII text puts a NUL in every other byte."""
    sample = head[: len(head) // 2 * 2][:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.6 * half and even == 0:
        return "utf-16-le"
    if even > 0.6 * half and odd == 0:
        return "utf-16-be"
    return None


def guess_encoding(data: bytes) -> str:
    import charset_normalizer

    matches = charset_normalizer.from_bytes(data[: 1 << 20])
    best = matches.best()
    if best is None:
        raise Refused("binary file")
    # Western news in a legacy encoding is nearly always cp1252, but on short samples the
    # detector often ranks a sibling code page (cp1250, cp1257) first and mangles accents.
    if "cp1252" in best.could_be_from_charset or any(m.encoding == "cp1252" for m in matches):
        return "cp1252"
    return best.encoding


def encoding(head: bytes, complete: bool) -> str:
    """The encoding of a file from its first bytes (``complete`` when that is all of it)."""
    if complete and not head.strip():
        raise Refused("empty file")
    enc = _bom_encoding(head)
    if enc:
        return enc
    if b"\x00" in head:
        enc = _bomless_utf16(head)
        if enc is None:
            raise Refused("binary file")
        return enc
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        return guess_encoding(head)


def decode(data: bytes) -> str:
    enc = encoding(data[:SNIFF_BYTES], complete=len(data) <= SNIFF_BYTES)
    if enc == "utf-8" and b"\x00" in data:
        raise Refused("binary file")
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        # Valid UTF-8 at the start but not further on: a legacy file with late accents.
        text = data.decode(guess_encoding(data), errors="replace")
    if not text.strip():
        raise Refused("empty file")
    return text


def sniff(path: Path, gz: bool) -> str:
    with open_bytes(path, gz) as fh:
        head = fh.read(SNIFF_BYTES)
    return encoding(head, complete=len(head) < SNIFF_BYTES)
