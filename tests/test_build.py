from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.build import build_index
from index.embed import FakeEmbedder, embed_text
from index.errors import IndexCorrupt, IndexMismatch, IndexNotFound
from index.indexdir import consistency_problems, open_index, read_manifest, write_lock
from index.schema import SCHEMA_VERSION
from tests.conftest import ROOT, run_cli, seed, write_synthetic_corpus


class CountingEmbedder(FakeEmbedder):
    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.calls: list[int] = []

    def embed(self, texts, *, progress=False):
        self.calls.append(len(texts))
        return super().embed(texts, progress=progress)


def test_build_seeds_records_articles_passages_and_dates(fake_index: Path):
    idx = open_index(fake_index)
    m = idx.manifest
    assert (m.articles, m.dated_articles, m.undated_articles) == (4, 2, 2)
    assert m.passages == len(idx.vectors) > 8
    assert m.model == "fake:64" and m.dim == 64 and m.index_type == "flat"
    assert consistency_problems(idx) == []
    on_disk = json.loads((fake_index / "manifest.json").read_text())
    assert on_disk["passages"] == m.passages and on_disk["schema_version"] == SCHEMA_VERSION
    assert not list(fake_index.glob("*.pkl")) and not list(fake_index.glob("*.pickle"))


def test_passages_record_article_ordinal_and_span(fake_index: Path):
    idx = open_index(fake_index)
    for art, n in idx.store.iter_articles():
        passages = idx.store.article_passages(art.article_id)
        assert len(passages) == n
        assert [p.ordinal for p in passages] == list(range(n))
        for p in passages:
            assert art.text[p.start:p.end] == p.text
        before, after = idx.store.neighbours(passages[0].passage_id)
        assert before is None and (after is None or after.ordinal == 1)


def test_titles_are_searchable_by_keyword(fake_index: Path):
    idx = open_index(fake_index)
    hits = idx.store.keyword_search("Cannot Be Trusted", 50)
    arts = idx.store.articles(idx.store.passages([pid for pid, _ in hits])[pid].article_id
                              for pid, _ in hits)
    assert any("Cannot Be Trusted" in a.title for a in arts.values())
    # every passage of that article matches on its title alone
    art = next(a for a in arts.values() if "Cannot Be Trusted" in a.title)
    ids = {pid for pid, _ in hits}
    assert {p.passage_id for p in idx.store.article_passages(art.article_id)} <= ids


def test_rebuild_of_same_folder_embeds_nothing(tmp_path: Path, seeds: Path):
    emb = CountingEmbedder()
    first = build_index([seeds], tmp_path / "ix", embedder=emb)
    assert first.new == 4 and first.passages_added > 0 and sum(emb.calls) == first.embedded
    emb.calls.clear()
    again = build_index([seeds], tmp_path / "ix", embedder=emb)
    assert (again.new, again.unchanged, again.passages_added) == (0, 4, 0)
    assert "0 new passages" in again.summary()
    assert sum(emb.calls) == 0


def test_cli_rebuild_says_zero_new_passages(tmp_path: Path, seeds: Path):
    args = ("build", str(seeds), "--index-dir", str(tmp_path / "ix"), "--model", "fake:64")
    assert run_cli("index", *args).returncode == 0
    again = run_cli("index", *args)
    assert again.returncode == 0 and "0 new passages" in again.stdout, again.stderr


def test_changed_article_replaces_its_passages(tmp_path: Path, seeds: Path):
    ix = tmp_path / "ix"
    emb = CountingEmbedder()
    build_index([seeds], ix, embedder=emb)
    idx = open_index(ix)
    target = seed("004").name
    old = next(a for a, _ in idx.store.iter_articles() if a.origin.endswith(target))
    old_ids = set(idx.store.passage_ids_of(old.article_id))
    idx.close()

    path = seeds / target
    path.write_text(path.read_text(encoding="utf-8") + "\n\nKallas added a brand new closing line "
                    "about the summit in Brussels on Monday.\n", encoding="utf-8")
    emb.calls.clear()
    report = build_index([seeds], ix, embedder=emb)
    assert (report.new, report.replaced, report.unchanged) == (0, 1, 3)
    assert report.passages_removed == len(old_ids)
    assert report.reused > 0 and report.embedded < report.passages_added  # unchanged text reused

    idx = open_index(ix)
    assert old_ids.isdisjoint(set(idx.vectors.ids().tolist()))
    assert old_ids.isdisjoint(idx.store.all_passage_ids())
    assert consistency_problems(idx) == []
    assert idx.manifest.articles == 4
    new = next(a for a, _ in idx.store.iter_articles() if a.origin.endswith(target))
    assert "brand new closing line" in new.text


def test_rebuild_flag_starts_over(tmp_path: Path, seeds: Path):
    ix = tmp_path / "ix"
    build_index([seeds], ix, embedder=FakeEmbedder())
    report = build_index([seeds], ix, embedder=FakeEmbedder(), rebuild=True)
    assert report.new == 4 and report.unchanged == 0
    assert consistency_problems(open_index(ix)) == []


def test_bad_inputs_are_named_and_skipped(tmp_path: Path, seeds: Path):
    (seeds / "empty.txt").write_text("")
    (seeds / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00\xff" * 50)
    (seeds / "latin.txt").write_bytes("Ukraine talks\n\nThe minister said caf\xe9 owners "
                                      "in Kyiv reopened on Monday after the strikes.".encode("cp1252"))
    (seeds / "records.jsonl").write_text(
        json.dumps({"title": "Good record", "text": "Talks resumed in Geneva, officials said."})
        + "\n{not json\n" + json.dumps({"title": "", "text": "  "}) + "\n", encoding="utf-8")
    report = build_index([seeds], tmp_path / "ix", embedder=FakeEmbedder())
    reasons = {Path(s.origin.split("#")[0]).name: s.reason for s in report.skipped}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["blob.txt"]
    assert "records.jsonl" in reasons
    line = report.summary()
    # empty file, binary file, a malformed JSON line and a record with no text
    assert "empty.txt" in line and "blob.txt" in line and "4 skipped" in line
    idx = open_index(tmp_path / "ix")
    titles = {a.title for a, _ in idx.store.iter_articles()}
    assert "Good record" in titles
    latin = next(a for a, _ in idx.store.iter_articles() if a.origin.endswith("latin.txt"))
    assert "café owners" in latin.text
    assert idx.manifest.articles == 4 + 2


def test_index_built_with_another_model_is_refused(fake_index: Path):
    with pytest.raises(IndexMismatch, match="--rebuild"):
        open_index(fake_index, model="some-other-model")
    with pytest.raises(IndexMismatch, match="fake:64"):
        build_index([ROOT / "data" / "articles"], fake_index, embedder=FakeEmbedder(32))


def test_missing_and_corrupt_indexes_are_reported(tmp_path: Path, fake_index: Path):
    with pytest.raises(IndexNotFound, match="python -m index build"):
        open_index(tmp_path / "nowhere")
    vec = next(fake_index.glob("vectors-*.faiss"))
    vec.write_bytes(b"garbage" * 10)
    with pytest.raises(IndexCorrupt):
        open_index(fake_index)
    vec.unlink()
    with pytest.raises(IndexCorrupt, match="missing"):
        open_index(fake_index)
    (fake_index / "store.sqlite").write_bytes(b"not a database at all" * 100)
    for extra in ("store.sqlite-wal", "store.sqlite-shm"):
        (fake_index / extra).unlink(missing_ok=True)
    with pytest.raises(IndexCorrupt):
        open_index(fake_index)


def test_stats_and_list_json(fake_index: Path):
    stats = run_cli("index", "stats", "--index-dir", str(fake_index), "--json")
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert {k: data[k] for k in ("articles", "dated_articles", "undated_articles", "model", "dim")} \
        == {"articles": 4, "dated_articles": 2, "undated_articles": 2, "model": "fake:64", "dim": 64}
    assert data["passages"] > 0
    listing = run_cli("index", "list", "--index-dir", str(fake_index), "--json")
    rows = [json.loads(line) for line in listing.stdout.splitlines()]
    assert len(rows) == 4
    by_file = {Path(r["origin"]).name[:3]: r for r in rows}
    assert (by_file["001"]["published"], by_file["001"]["date_source"]) == ("2025-02-19", "header")
    assert (by_file["003"]["published"], by_file["003"]["date_source"]) == ("2025-08-12", "header")
    assert by_file["000"]["published"] is None and by_file["000"]["date_source"] == "none"
    assert all({"article_id", "title", "source", "passages"} <= r.keys() for r in rows)


def test_cli_errors_are_one_line(tmp_path: Path):
    res = run_cli("index", "stats", "--index-dir", str(tmp_path / "none"))
    assert res.returncode != 0
    assert res.stderr.strip().count("\n") == 0 and "python -m index build" in res.stderr
    res = run_cli("index", "build", str(tmp_path / "missing.txt"), "--index-dir", str(tmp_path))
    assert res.returncode != 0 and "no such file" in res.stderr


def test_cli_output_into_a_closed_pipe_is_not_a_traceback():
    # `python -m index list | head`: head exits early; the command must end quietly.
    code = ("import sys; from index.errors import run_command\n"
            "def spam(_):\n    for i in range(200_000):\n        print('line', i)\n    return 0\n"
            "sys.exit(run_command(spam, None))")
    res = subprocess.run(f"{shlex.quote(sys.executable)} -c {shlex.quote(code)} | head -n 1",
                         shell=True, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.stdout == "line 0\n"
    assert "Traceback" not in res.stderr and "BrokenPipe" not in res.stderr, res.stderr


def test_help_is_fast():
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", "import sys; from index.__main__ import main; "
                          "import bot.__main__; sys.exit(0)"], cwd=ROOT)
    assert res.returncode == 0
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "index", "--help"], cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 0
    heavy = [m for m in ("torch", "faiss", "sentence_transformers", "numpy", "dateparser",
                         "trafilatura", "gradio") if f" {m}\n" in res.stderr or f"| {m}\n" in res.stderr]
    assert heavy == []
    assert time.perf_counter() - start < 10


def test_a_reader_leaves_the_manifest_to_a_running_build(fake_index: Path):
    """Opening an index while a build holds the write lock must not write the manifest: the
    two raced for manifest.json.tmp, and the build's rename failed (an upload lost mid-load)."""
    path = fake_index / "manifest.json"
    current = json.loads(path.read_text())
    path.write_text(json.dumps({**current, "passages": current["passages"] - 1}))
    half_written = fake_index / "manifest.json.tmp"
    with write_lock(fake_index):
        half_written.write_text("the build's next manifest, half written")
        open_index(fake_index).close()
        assert half_written.read_text() == "the build's next manifest, half written"
        assert read_manifest(fake_index).passages == current["passages"] - 1
    half_written.unlink()
    idx = open_index(fake_index)  # no build running: a stale manifest is repaired
    assert consistency_problems(idx) == [] and read_manifest(fake_index).passages == current["passages"]
    idx.close()


def test_open_index_word_counts_follow_a_new_build(tmp_path: Path, seeds: Path):
    """The bot keeps its index open while uploads are built in: cached counts must not go stale."""
    ix = tmp_path / "ix"
    build_index([seeds], ix, embedder=FakeEmbedder())
    idx = open_index(ix)
    before = idx.store.doc_freq("zanzibar")
    assert before == 0 and idx.store.doc_freq("zanzibar") == 0  # second call served from cache
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.txt").write_text("Zanzibar talks\n\nDelegates met in Zanzibar on Monday to "
                                   "discuss the ceasefire and the exchange of prisoners.\n",
                                   encoding="utf-8")
    build_index([seeds, extra], ix, embedder=FakeEmbedder())
    assert idx.store.doc_freq("zanzibar") >= 1
    idx.close()


def test_undated_filter_allows_exactly_the_undated_passages(fake_index: Path):
    from index.filters import Filter

    idx = open_index(fake_index)
    rows = idx.store.conn.execute("SELECT passage_id, timeline_date FROM passages").fetchall()
    undated = {pid for pid, day in rows if day is None}
    assert undated and len(undated) < len(rows)  # seed 000 has no date; the others do
    assert set(idx.store.filtered_id_array(Filter(undated=True)).tolist()) == undated
    hits = idx.store.keyword_search("Kallas Putin Russia ceasefire", 50, Filter(undated=True))
    assert hits and {pid for pid, _ in hits} <= undated
    idx.close()


def test_common_words_give_way_to_rarer_ones_in_keyword_search(fake_index: Path, monkeypatch):
    """At 1M+ passages a word in 20k+ of them costs tens of ms to score; here the threshold
    is lowered so the seeds have common words."""
    from index import store

    idx = open_index(fake_index)
    assert idx.store.doc_freq("russia") >= 3 and 0 < idx.store.doc_freq("alaska") < 3
    everything = idx.store.keyword_search("Russia Alaska", 100)
    monkeypatch.setattr(store, "COMMON_WORD_DOCS", 3)
    rare_only = idx.store.keyword_search("Russia Alaska", 100)
    assert 0 < len(rare_only) < len(everything)
    texts = idx.store.passages([pid for pid, _ in rare_only])
    assert all("alaska" in p.text.lower() for p in texts.values())
    assert idx.store.keyword_search("Russia", 100)  # only common words: still searched
    idx.close()


class SlowEmbedder(FakeEmbedder):
    """Records when each embedding call ran, and takes its time about it."""

    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.spans: list[tuple[float, float]] = []

    def embed(self, texts, *, progress=False):
        start = time.monotonic()
        time.sleep(0.3)
        out = super().embed(texts, progress=progress)
        self.spans.append((start, time.monotonic()))
        return out


def test_reading_the_next_batch_overlaps_embedding_this_one(tmp_path: Path):
    from index.build import BuildOptions, build_articles
    from index.ingest import read_paths

    data = write_synthetic_corpus(tmp_path / "corpus.jsonl.gz", 60)
    read_at: list[float] = []

    def articles():
        for item in read_paths([data]):
            read_at.append(time.monotonic())
            yield item

    emb = SlowEmbedder()
    report = build_articles(articles(), tmp_path / "ix", embedder=emb,
                            options=BuildOptions(flush_every=20))
    assert len(emb.spans) >= 3 and report.new == 60
    during = [t for t in read_at if any(a < t < b for a, b in emb.spans)]
    assert during, "no article was read while a batch was being embedded"
    assert consistency_problems(open_index(tmp_path / "ix")) == []


def test_report_times_every_stage(tmp_path: Path, seeds: Path):
    from index.timings import STAGES

    report = build_index([seeds], tmp_path / "ix", model="fake:64")
    assert tuple(report.timings) == STAGES
    for stage in STAGES:  # the fake model loads in no time, but is loaded
        assert report.timings[stage] >= 0
    for stage in ("read", "clean", "chunk", "date", "quotes", "embed", "store"):
        assert report.timings[stage] > 0, stage
    again = build_index([seeds], tmp_path / "ix", model="fake:64")
    assert again.unchanged == 4 and again.timings["embed"] == 0 and again.timings["load"] == 0


@pytest.mark.slow
def test_a_real_model_build_times_its_stages_and_finds_its_passages(tmp_path: Path, seeds: Path,
                                                                    real_embedder):
    report = build_index([seeds], tmp_path / "ix", embedder=real_embedder)
    assert report.new == 4 and report.embedded == report.passages_added > 8
    assert all(report.timings[s] > 0 for s in ("read", "clean", "chunk", "date", "embed", "store"))
    idx = open_index(tmp_path / "ix")
    try:
        assert consistency_problems(idx) == []
        own = idx.store.passages(idx.vectors.ids()[:5].tolist())
        for pid, passage in own.items():
            art = idx.store.articles([passage.article_id])[passage.article_id]
            vec = real_embedder.embed([embed_text(art.title, passage.text)])[0]
            assert idx.vectors.top(vec, 1)[0][0] == pid
    finally:
        idx.close()


def test_warm_reads_the_store_and_the_vectors_and_skips_a_replaced_file(fake_index: Path):
    from index.indexdir import STORE_FILE, UPLOADS_DIR, read_manifest, warm

    manifest = read_manifest(fake_index)
    assert manifest is not None
    (fake_index / UPLOADS_DIR).mkdir(exist_ok=True)
    (fake_index / UPLOADS_DIR / "big.txt").write_bytes(b"x" * 100_000)  # not what a question reads
    served = [fake_index / STORE_FILE, fake_index / f"{STORE_FILE}-wal",
              fake_index / manifest.vectors_file]
    assert warm(fake_index, chunk=4096) == sum(p.stat().st_size for p in served if p.exists())
    (fake_index / manifest.vectors_file).rename(fake_index / "moved.faiss")  # a build replaced it
    assert warm(fake_index) == sum(p.stat().st_size for p in served if p.exists())
