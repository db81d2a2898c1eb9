"""Hostile and broken input, one batch at a time: each bad file is named with a clear reason, and
the good files of the same batch are still indexed.

tests/test_read.py checks each reader on its own (NUL bytes, UTF-16, a 10 MB CSV field, a JSON
bomb, a gzip bomb with a lowered limit, invalid UTF-8 lines); here they all go through
``build_index`` together, plus the cases it does not have.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest

from index.build import build_index
from index.embed import FakeEmbedder
from index.indexdir import consistency_problems, open_index
from index.models import Article, Skipped
from index.read import MAX_RUN_CHARS, read_file, source

GOOD = ("Harbour council news\n\n date 2025-03-03 The Quuxville harbour council met on Monday "
        "and voted to keep the glorp tariff for another year, officials said.\n")


def _gzip_of_repeated(path: Path, block: bytes, total: int) -> None:
    """A gzip file that expands to ``total`` bytes, written without holding them in memory."""
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)
    with open(path, "wb") as fh:
        for _ in range(total // len(block)):
            fh.write(comp.compress(block))
        fh.write(comp.flush())


@pytest.fixture
def batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    """A folder of good and hostile files; returns it and {bad file: words its reason has}."""
    d = tmp_path / "batch"
    d.mkdir()
    bad: dict[str, str] = {}
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    # 20 MB on one line with no sentence end: refused, not one 20 MB "passage"
    (d / "one_line.txt").write_bytes(b"lorem ipsum dolor sit amet " * (20 * 1024 * 1024 // 27))
    bad["one_line.txt"] = "without a sentence end"
    (d / "nul.txt").write_bytes(b"Harbour news\x00\x00\x01 council met \x00 on Monday" * 100)
    bad["nul.txt"] = "binary"
    (d / "latin1.txt").write_bytes("Caf\xe9 owners in Kyiv reopened on Monday, officials said.\n"
                                   .encode("latin-1"))
    (d / "utf16.txt").write_bytes(("Utf16 story\n\nThe ministers signed the accord in Oslo on "
                                   "Tuesday.\n").encode("utf-16"))
    (d / "invisible.txt").write_text(
        "Invisible\u200b characters\n\nThe minister\u202e said\u200d the talks in Kyiv "
        "\u2066resumed\u2069 on Monday.\ufeff\n", encoding="utf-8")
    # 10 MB in one CSV field, in long sentences (a passage each: a short-sentence 10 MB body
    # would be 400,000 sentences, minutes of date extraction for a test)
    body = ("The committee met again " + "and again " * 1500 + "today. ") * 700
    (d / "big_field.csv").write_text(f'title,text\nBig one,"{body}"\nSmall one,"Small text."\n',
                                     encoding="utf-8")
    (d / "bomb.json").write_text("[" * 100_000 + "]" * 100_000)
    bad["bomb.json"] = "nested too deeply"
    (d / "bomb_lines.jsonl").write_text(json.dumps({"title": "Fine line", "text": "A fine line."})
                                        + "\n" + "[" * 100_000 + "]" * 100_000 + "\n")
    # A gzip bomb: refused once it expands past the limit (lowered here to keep the test fast;
    # bench and the upload check use the real one).
    monkeypatch.setattr(source, "MAX_DECOMPRESSED_BYTES", 32 * 1024 * 1024)
    _gzip_of_repeated(d / "bomb.txt.gz", b"boom " * 200_000, 48 * 1024 * 1024)
    bad["bomb.txt.gz"] = "decompresses past 32 MiB"
    (d / "page.html").write_text(
        "<html><head><title>Harbour news</title><script>alert(1)</script></head><body><article>"
        "<h1>Harbour news</h1><p>The harbour council met on Monday <a href='javascript:alert(1)'>"
        "to vote</a> on tariffs.</p><iframe src='javascript:alert(2)'></iframe>"
        "<script>document.write('evil')</script><p>Councillors kept the glorp tariff for another "
        "year, officials said.</p><img src=x onerror=alert(3)></article></body></html>")
    records = [{"id": f"d{i}", "title": f"Dated {v}", "text": f"The talks resumed, story {i}.",
                "date": v} for i, v in enumerate(("0000-00-00", "2025-02-30", "tomorrow"))]
    (d / "dates.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (d / "dates.md").write_text("---\ndate: 2025-02-30\npublished: tomorrow\n---\n# Front matter\n\n"
                                "The talks resumed in Geneva, officials said.\n")
    (d / "empty.txt").write_text("")
    bad["empty.txt"] = "empty"
    return d, bad


def test_hostile_batch_skips_the_bad_by_name_and_indexes_the_rest(batch, tmp_path: Path):
    folder, bad = batch
    report = build_index([folder], tmp_path / "ix", embedder=FakeEmbedder(64))
    reasons = {Path(s.origin.split("#")[0]).name: s.reason for s in report.skipped}
    for name, words in bad.items():
        assert name in reasons and words in reasons[name], (name, reasons.get(name))
    assert "nested too deeply" in reasons["bomb_lines.jsonl"]  # only that line
    for s in report.skipped:  # one clear line each
        assert s.reason and "\n" not in s.reason and "Traceback" not in s.reason
    assert set(reasons) == set(bad) | {"bomb_lines.jsonl"}
    line = report.summary()
    assert all(name in line for name in bad)

    idx = open_index(tmp_path / "ix")
    assert consistency_problems(idx) == []
    arts = {Path(a.origin.split("#")[0]).name + ("#" + a.origin.split("#")[1] if "#" in a.origin
                                                  else ""): a for a, _ in idx.store.iter_articles()}
    for name in ("good.txt", "latin1.txt", "utf16.txt", "invisible.txt",
                 "page.html", "dates.md", "bomb_lines.jsonl#line 1", "big_field.csv#record 1",
                 "big_field.csv#record 2", "dates.jsonl#d0", "dates.jsonl#d1", "dates.jsonl#d2"):
        assert name in arts, (name, sorted(arts))
    assert "Café owners" in arts["latin1.txt"].text
    assert "signed the accord in Oslo" in arts["utf16.txt"].text
    inv = arts["invisible.txt"]
    assert inv.text == "The minister said the talks in Kyiv resumed on Monday."
    assert inv.title == "Invisible characters"
    page = arts["page.html"].text
    assert "glorp tariff" in page
    for evil in ("alert", "javascript", "<script", "document.write", "onerror", "<iframe"):
        assert evil not in page
    for key in ("dates.jsonl#d0", "dates.jsonl#d1", "dates.jsonl#d2", "dates.md"):
        assert arts[key].published is None and arts[key].date_source == "none", key
    assert len(arts["big_field.csv#record 1"].text) >= 10 * 1000 * 1000


def test_line_run_limit_applies_to_every_format(tmp_path: Path):
    run = "word " * (MAX_RUN_CHARS // 5 + 10)
    (tmp_path / "a.jsonl").write_text(json.dumps({"title": "T", "text": run}) + "\n"
                                      + json.dumps({"title": "U", "text": "Short one."}) + "\n")
    (tmp_path / "a.md").write_text(f"# T\n\n{run}\n")
    (tmp_path / "b.txt").write_text(("Fine sentence here. " + "x" * 100 + "\n") * 2000)
    first, second = read_file(tmp_path / "a.jsonl")
    assert isinstance(first, Skipped) and first.origin.endswith("#line 1")
    assert isinstance(second, Article)
    assert isinstance(next(read_file(tmp_path / "a.md")), Skipped)
    assert isinstance(next(read_file(tmp_path / "b.txt")), Article)  # long, but in sentences


def test_real_size_gzip_bomb_is_refused_at_upload(tmp_path: Path):
    """The upload check streams a .gz and stops at ingest's real limit, 1 MiB at a time."""
    from index.read.source import MAX_DECOMPRESSED_BYTES, size_text
    from web.uploads import MAX_UPLOAD_BYTES, check_upload

    bomb = tmp_path / "news.txt.gz"
    _gzip_of_repeated(bomb, b" " * (1 << 20), MAX_DECOMPRESSED_BYTES + (1 << 20))
    assert bomb.stat().st_size < MAX_UPLOAD_BYTES  # small enough to pass the upload limit
    got = check_upload(bomb, bomb.name)
    assert got is not None and f"decompresses past {size_text(MAX_DECOMPRESSED_BYTES)}" in got, got
    ok = tmp_path / "ok.txt.gz"
    ok.write_bytes(gzip.compress(GOOD.encode()))
    assert check_upload(ok, ok.name) is None


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("fake.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00", "binary"),
    ("fake.json", b"Just text, not JSON.", "not JSON"),
    ("fake.jsonl", b"[1, 2, 3]\n", "not JSON Lines"),
    ("fake.csv", b"no columns here at all\n", "not CSV"),
    ("fake.txt.gz", b"plain text named .gz", "not gzip"),
    ("packed.txt", gzip.compress(b"hello"), "gzip-compressed"),
    ("evil.exe", b"MZ\x90\x00", "not an article file"),
])
def test_upload_type_is_checked_by_content_as_well_as_name(tmp_path: Path, name: str, data: bytes,
                                                           reason: str):
    from web.uploads import check_upload

    f = tmp_path / name
    f.write_bytes(data)
    got = check_upload(f, name)
    assert got is not None and reason in got, got
