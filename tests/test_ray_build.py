"""index/ray_build.py's stages and assembly as plain functions, without a Ray cluster (fast).
tests/test_ray.py runs them on Ray (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.build import BuildOptions, build_index
from index.embed import FakeEmbedder
from index.indexdir import consistency_problems, open_index
from index.ray_build import Shards, _read_shards, assemble, chunk_and_date, parse_file

FILLER = ("The harbour council met on Tuesday and voted on the tariff, officials said. " * 6
          + '"We will not pay it," Mayor Anna Berg told the Harbour Gazette.')


def _corpus(path: Path) -> Path:
    records = [{"id": f"r{i}", "title": f"Story {i % 3}", "text": f"{FILLER} Story {i % 3}.",
                "date": "2025-03-07"} for i in range(6)]  # r3..r5 repeat r0..r2 word for word
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _shards(data: Path, run_dir: Path) -> Shards:
    """What the Ray stages write (Parquet shards), computed in process, read back as assembly
    reads them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    emb = FakeEmbedder(64)
    parsed = parse_file({"file_idx": 0, "path": str(data)})
    rows = [row for r in parsed if r["kind"] == "article" for row in chunk_and_date(r)]
    for row in rows:
        row["vector"] = emb.embed([row.pop("embed_text")])[0].tobytes()
    for name, table in (("parsed", parsed), ("passages", rows)):
        (run_dir / name).mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(table), run_dir / name / "0.parquet")
    return _read_shards(run_dir)


def test_assembly_writes_what_the_single_build_writes_even_for_repeated_stories(tmp_path: Path):
    data = _corpus(tmp_path / "c.jsonl")
    single = build_index([data], tmp_path / "single", embedder=FakeEmbedder(64))
    report = assemble(_shards(data, tmp_path / "run"), tmp_path / "ray", model="fake:64", route="fake",
                      rebuild=False, progress=None, options=BuildOptions())
    assert (report.new, report.passages_added) == (single.new, single.passages_added)
    assert single.new == 3 and len(single.skipped) == 3  # the repeats
    assert [s.origin for s in report.skipped] == [s.origin for s in single.skipped]

    def stored(ix: Path) -> list[tuple[str, str, str | None, tuple]]:
        idx = open_index(ix)
        assert consistency_problems(idx) == []
        out = sorted((a.origin, p.text, str(p.timeline_date), p.quotes)
                     for a, _ in idx.store.iter_articles()
                     for p in idx.store.article_passages(a.article_id))
        idx.close()
        return out

    assert stored(tmp_path / "ray") == stored(tmp_path / "single")
    assert all(o.endswith(("#r0", "#r1", "#r2")) for o, _, _, _ in stored(tmp_path / "ray"))
    # who said what travels through the stages' rows
    assert {q.speaker for *_, quotes in stored(tmp_path / "ray") for q in quotes if q.speaker} \
        == {"Anna Berg"}


def test_a_ray_build_embeds_on_the_route_the_setting_names(tmp_path: Path, monkeypatch):
    # the single-machine build honoured $TIMELINE_EMBED_ROUTE and the Ray build took the CPU's
    # fastest route: one setting, two routes, and the two indexes' vectors differed
    from index.build import planned_model
    from index.embed import auto_routes
    from index.errors import IndexMismatch
    from index.settings import DEFAULT_MODEL

    monkeypatch.setenv("TIMELINE_EMBED_ROUTE", "fp32")  # never a CPU's first native route
    assert planned_model(tmp_path / "new", model=None, rebuild=False) == (DEFAULT_MODEL, "fp32")
    monkeypatch.setenv("TIMELINE_EMBED_ROUTE", "fastest")
    with pytest.raises(IndexMismatch, match="unknown embedding route 'fastest'"):
        planned_model(tmp_path / "new", model=None, rebuild=False)
    monkeypatch.delenv("TIMELINE_EMBED_ROUTE")
    assert planned_model(tmp_path / "new", model=None, rebuild=False)[1] == auto_routes()[0]
