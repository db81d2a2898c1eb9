"""Uploads: checked by content, stored under generated names, indexed, searchable at once."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from bot.engine import Bot
from index.embed import FakeEmbedder
from index.errors import TimelineError
from index.indexdir import UPLOADS_DIR, open_index
from web.handlers import Handlers
from web.render import upload_report_markdown
from web.uploads import MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES, check_upload, store_uploads

pytest_plugins = ("tests.webfixtures",)  # the bot and handlers fixtures

GOOD = (" date 2025-03-03 The zorblax summit in Oslo ended on March 3 with a grain agreement "
        "between Norway and the zorblax federation.\n\nDelegates called it a breakthrough.\n")


def test_upload_good_file_is_indexed_and_searchable(handlers: Handlers, bot: Bot, tmp_path: Path):
    f = tmp_path / "in" / "Zorblax Summit!.txt"
    f.parent.mkdir()
    f.write_text(GOOD)
    before = bot.stats().articles
    seen: list[str] = []
    out = handlers.add_articles([str(f)], progress=lambda frac, text: seen.append(text))
    assert out["added_count"] == 1 and out["skipped"] == [] and out["articles"] == before + 1
    assert seen and "Added 1 article" in upload_report_markdown(out)
    stored = list((bot.index.path / UPLOADS_DIR).iterdir())
    assert [p.name for p in stored] != [f.name] and re.fullmatch(r"[0-9a-f]{32}-zorblax-summit\.txt",
                                                                 stored[0].name)
    ans = bot.ask("zorblax summit grain agreement", k=3)
    assert any("zorblax" in h.passage.text for h in ans.hits)
    assert ans.hits[0].article.source == stored[0].name
    # the same file again: one stored copy, nothing new
    again = handlers.add_articles([str(f)])
    assert again["added_count"] == 0 and again["already_indexed"] == 1
    assert len(list((bot.index.path / UPLOADS_DIR).iterdir())) == 1
    # a restart (a fresh Bot over the same folder) keeps it
    fresh = Bot(open_index(bot.index.path), FakeEmbedder(64))
    assert fresh.stats().articles == before + 1


def test_upload_refuses_wrong_types_with_reasons(handlers: Handlers, bot: Bot, tmp_path: Path):
    files = {
        "photo.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        "binary.txt": b"text\x00\x01\x02 with nul bytes",
        "fake.txt.gz": b"not gzip at all",
        "broken.json": b"hello, I am not json",
        "broken.jsonl": b"[1, 2]\n",
        "plain.txt": GOOD.encode(),
        "zipped.md": gzip.compress(b"# T\n\nbody"),
        "empty.html": b"",
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    out = handlers.add_articles(paths)
    reasons = {s["file"]: s["reason"] for s in out["skipped"]}
    assert out["added_count"] == 1
    assert reasons["photo.png"].startswith("not an article file; accepted: .txt")
    assert reasons["binary.txt"] == "binary content, not text"
    assert reasons["fake.txt.gz"] == "named .gz but is not gzip-compressed"
    assert reasons["broken.json"].startswith("not JSON")
    assert reasons["broken.jsonl"].startswith("not JSON Lines")
    assert reasons["zipped.md"] == "gzip-compressed: name it .md.gz"
    assert reasons["empty.html"] == "empty file"
    assert len(list((bot.index.path / UPLOADS_DIR).iterdir())) == 1
    md = upload_report_markdown(out)
    assert "Skipped 7" in md and "photo.png" in md


def test_upload_gz_is_accepted(handlers: Handlers, tmp_path: Path):
    f = tmp_path / "story.txt.gz"
    f.write_bytes(gzip.compress(GOOD.encode()))
    assert check_upload(f, f.name) is None
    assert handlers.add_articles([str(f)])["added_count"] == 1


def test_upload_oversized_is_refused(tmp_path: Path):
    f = tmp_path / "huge.txt"
    with open(f, "wb") as fh:  # sparse: costs no disk
        fh.truncate(MAX_UPLOAD_BYTES + 1)
    assert check_upload(f, f.name) == "25.0 MB is over the 25 MB limit per file"


def test_upload_names_never_become_paths(tmp_path: Path):
    index_dir = tmp_path / "idx"
    index_dir.mkdir()
    odd = tmp_path / "in"
    odd.mkdir()
    (odd / "..\\..\\evil.txt").write_text(GOOD)
    (odd / ".hidden.txt").write_text(GOOD + "2")
    (tmp_path / "x.txt").write_text(GOOD + "3")
    traversing = str(odd / ".." / ".." / tmp_path.name / "x.txt")
    stored, refused = store_uploads([str(odd / "..\\..\\evil.txt"), str(odd / ".hidden.txt"),
                                     traversing], index_dir)
    assert refused == [] and len(stored) == 3
    uploads = (index_dir / UPLOADS_DIR).resolve()
    for path, _ in stored:
        assert path.resolve().parent == uploads
        assert re.fullmatch(r"[0-9a-f]{32}-[a-z0-9-]*\.txt", path.name)
    assert sorted(p.name for p in index_dir.iterdir()) == [UPLOADS_DIR]
    assert not (tmp_path.parent / "evil.txt").exists()


def test_upload_nothing_or_too_many(handlers: Handlers, tmp_path: Path):

    with pytest.raises(TimelineError, match="no file given"):
        handlers.add_articles([])
    with pytest.raises(TimelineError, match="files at once"):
        handlers.add_articles([str(tmp_path / f"{i}.txt") for i in range(MAX_UPLOAD_FILES + 1)])
