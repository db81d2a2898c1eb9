"""index.read.check_article_file: the one "is this an article file" check (uploads call it)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from index.models import Article
from index.read import check_article_file, read_file, source


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("name", "data"), [
    ("a.txt", b"Title\n\nThe council met on Monday.\n"),
    ("a.md", "# Café\n\nThe council met.\n".encode("cp1252")),
    ("a.jsonl.gz", gzip.compress(b'{"title": "T", "text": "The council met."}\n')),
    ("a.json", b'\xef\xbb\xbf[{"title": "T", "text": "The council met."}]'),
    ("a.csv", b"Title;Text\nT;The council met.\n"),
    ("a.txt", "Title\n\nThe council met on Monday.\n".encode("utf-16-le")),  # no BOM
])
def test_accepted_files_are_the_ones_the_readers_read(tmp_path: Path, name: str, data: bytes):
    path = _file(tmp_path, name, data)
    assert check_article_file(path, name) is None
    assert all(isinstance(item, Article) for item in read_file(path))


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("a.pdf", b"%PDF-1.4", "not an article file"),
    ("a.txt", b"", "empty file"),
    ("a.txt", b"  \n\n", "empty file"),
    ("a.txt", b"\x00\x01\x02\x03binary\x00\xff" * 20, "binary"),
    ("a.txt.gz", b"plain text, not gzip", "not gzip-compressed"),
    ("a.txt", gzip.compress(b"Title\n\nText."), "name it .txt.gz"),
    ("a.txt.gz", gzip.compress(b"Title\n\nText.")[:-12], "corrupt gzip"),
    ("a.json", b"hello", "not JSON"),
    ("a.jsonl", b"[1, 2]\n", "not JSON Lines"),
    ("a.csv", b"just one line of prose\n", "not CSV"),
    ("a.csv", b"a,b\n1,2\n", "no text or title column"),
])
def test_refused_files_say_why_in_one_line(tmp_path: Path, name: str, data: bytes, reason: str):
    why = check_article_file(_file(tmp_path, name, data), name)
    assert why is not None and reason in why and "\n" not in why


def test_size_caps_are_the_readers_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(source, "MAX_DECOMPRESSED_BYTES", 4096)
    bomb = _file(tmp_path, "bomb.txt.gz", gzip.compress(b"Title\n\n" + b"A. " * 100_000))
    plain = _file(tmp_path, "big.txt", b"Title\n\n" + b"A. " * 2000)
    assert check_article_file(bomb, "bomb.txt.gz") == "decompresses past 4 KiB"
    assert check_article_file(plain, "big.txt") == "file is larger than 4 KiB"
    (skip,) = read_file(bomb)
    assert skip.reason == "decompresses past 4 KiB"  # type: ignore[union-attr]
    small = _file(tmp_path, "small.txt", b"Title\n\n" + b"A. " * 500)
    why = check_article_file(small, "small.txt", max_bytes=1000)
    assert why is not None and "limit per file" in why
