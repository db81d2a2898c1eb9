"""The vector layouts: flat below the threshold, IVF-SQ8 above, with the same contract."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.build import BuildOptions, build_index
from index.embed import FakeEmbedder
from index.indexdir import consistency_problems, open_index, read_manifest
from index.vectors import FLAT, IVF_SQ8, VectorIndex, kind_for, nlist_for


def _clustered(n: int, dim: int = 64, centers: int = 40, seed: int = 0) -> np.ndarray:
    """Unit vectors around topic centres, like sentence embeddings (not uniform noise)."""
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centers, dim))
    x = c[rng.integers(0, centers, n)] + 0.6 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _recall(exact: np.ndarray, approx: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(e)) / len(e) for a, e in zip(approx, exact, strict=True)]))


@pytest.fixture(scope="module")
def data():
    x = _clustered(5000)
    ids = np.arange(1, 5001, dtype=np.int64) * 3  # explicit ids, not row numbers
    flat = VectorIndex.new(x.shape[1])
    flat.add(ids, x)
    ivf = flat.rebuilt(IVF_SQ8)
    return x, ids, flat, ivf


def test_layout_follows_corpus_size(monkeypatch):
    assert kind_for(10, threshold=100) == FLAT and kind_for(101, threshold=100) == IVF_SQ8
    assert kind_for(60, IVF_SQ8, threshold=100) == IVF_SQ8  # no flapping near the threshold
    assert kind_for(40, IVF_SQ8, threshold=100) == FLAT
    monkeypatch.setenv("TIMELINE_IVF_THRESHOLD", "7")
    assert kind_for(8) == IVF_SQ8
    assert nlist_for(1_150_000) == 4289 and nlist_for(5000) == 125


def test_ivf_recall_and_reconstruct(data):
    x, ids, flat, ivf = data
    assert ivf.kind == IVF_SQ8 and len(ivf) == 5000 and ivf.nlist == nlist_for(5000)
    assert sorted(ivf.ids().tolist()) == ids.tolist()
    q = _clustered(100, seed=1)
    _, exact = flat.search(q, 10)
    _, approx = ivf.search(q, 10)
    assert _recall(exact, approx) >= 0.95
    back = ivf.reconstruct(ids[[0, 10, 4999]])
    assert np.all(np.sum(back * x[[0, 10, 4999]], axis=1) > 0.995)  # 8-bit codes: close to the original


def test_filtered_search_inside_faiss_returns_k_allowed(data):
    x, ids, flat, ivf = data
    q = _clustered(20, seed=2)
    rng = np.random.default_rng(3)
    for size in (15, 300, 3000):  # exact path for small sets, selector + wider nprobe for large
        allowed = rng.choice(ids, size, replace=False)
        _, exact = flat.search(q, 10, allowed=allowed)
        scores, got = ivf.search(q, 10, allowed=allowed.tolist())
        assert set(got.ravel().tolist()) <= set(allowed.tolist())
        assert (got >= 0).sum(axis=1).min() == 10  # k results whenever k exist
        assert _recall(exact, got) >= 0.95
        assert np.all(np.diff(scores, axis=1) <= 1e-6)
    _, none = ivf.search(q[:1], 5, allowed=[10**9])  # ids unknown to FAISS: nothing, no error
    assert (none == -1).all()


def test_ivf_add_remove_save_and_mmap_load(data, tmp_path: Path):
    x, ids, _, ivf = data
    ivf = ivf.rebuilt(IVF_SQ8, nlist=ivf.nlist)  # a private copy
    assert ivf.remove(ids[:100].tolist()) == 100 and len(ivf) == 4900
    new = _clustered(50, seed=4)
    ivf.add(np.arange(90_001, 90_051, dtype=np.int64), new)
    assert ivf.search(new[:1], 1)[1][0, 0] == 90_001
    assert ivf.search(x[:1], 5)[1][0].tolist().count(ids[0]) == 0  # removed stays removed
    with pytest.raises(RuntimeError):
        ivf.reconstruct([ids[0]])
    ivf.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss", mmap=True)
    assert loaded.kind == IVF_SQ8 and len(loaded) == 4950
    assert set(loaded.ids().tolist()) == set(ivf.ids().tolist())
    assert np.allclose(loaded.reconstruct([90_010]), ivf.reconstruct([90_010]))
    assert np.array_equal(loaded.search(x[200:210], 10)[1], ivf.search(x[200:210], 10)[1])
    assert np.array_equal(loaded.search(x[200:203], 10, allowed=ids[150:4000])[1],
                          ivf.search(x[200:203], 10, allowed=ids[150:4000])[1])


def _corpus(path: Path, n: int, *, changed: int | None = None) -> None:
    topics = ["grain exports harvest wheat", "central bank rates inflation", "oil prices opec",
              "election votes parliament", "storm flooding coast", "merger shares takeover"]
    with open(path, "w") as fh:
        for i in range(n):
            text = f"{topics[i % 6]} report number {i} on day {i % 28 + 1}"
            if i == changed:
                text = "an entirely rewritten story about volcanic ash and flights"
            fh.write(json.dumps({"id": str(i), "date": f"2015-0{1 + i % 9}-{i % 28 + 1:02d}",
                                 "title": f"Headline {i}", "text": text}) + "\n")


def test_build_switches_to_ivf_and_updates_keep_working(tmp_path: Path):
    data, ix = tmp_path / "c.jsonl", tmp_path / "ix"
    _corpus(data, 1200)
    emb = FakeEmbedder(64)
    build_index([data], ix, embedder=emb, options=BuildOptions(flush_every=256, ivf_threshold=400))
    idx = open_index(ix)
    assert idx.manifest.index_type == IVF_SQ8 and idx.vectors.kind == IVF_SQ8
    assert idx.manifest.embedding_route == getattr(emb, "route", "fp32")
    assert idx.manifest.passages == 1200
    assert consistency_problems(idx) == []
    idx.close()
    _corpus(data, 1200, changed=7)  # a changed article: old passage removed, new one added
    report = build_index([data], ix, embedder=emb, options=BuildOptions(flush_every=256, ivf_threshold=400))
    assert (report.replaced, report.passages_removed, report.passages_added) == (1, 1, 1)
    idx = open_index(ix)
    assert consistency_problems(idx) == [] and len(idx.vectors) == 1200
    text = "Headline 7\nan entirely rewritten story about volcanic ash and flights"
    _, got = idx.vectors.search(emb.embed([text]), 1)
    assert "volcanic" in idx.store.passages([int(got[0, 0])])[int(got[0, 0])].text
    assert json.loads((ix / "manifest.json").read_text())["index_type"] == IVF_SQ8
    assert read_manifest(ix) == idx.manifest


def test_old_manifest_without_route_reads_as_fp32(tmp_path: Path):
    data, ix = tmp_path / "c.jsonl", tmp_path / "ix"
    _corpus(data, 20)
    build_index([data], ix, embedder=FakeEmbedder(32))
    raw = json.loads((ix / "manifest.json").read_text())
    raw.pop("embedding_route")
    (ix / "manifest.json").write_text(json.dumps(raw))
    assert read_manifest(ix).embedding_route == "fp32"
    import sqlite3

    with sqlite3.connect(ix / "store.sqlite") as conn:  # an index from before the field
        conn.execute("DELETE FROM meta WHERE key = 'embedding_route'")
    idx = open_index(ix)
    assert idx.manifest.index_type == FLAT and idx.manifest.embedding_route == "fp32"


@pytest.mark.parametrize("layout", [FLAT, IVF_SQ8])
def test_top_never_returns_padding_when_k_exceeds_what_exists(layout):
    x = _clustered(300, dim=16, centers=4)
    ids = np.arange(10, 310, dtype=np.int64)
    index = VectorIndex.new(16)
    index.add(ids, x)
    if layout == IVF_SQ8:
        index = index.rebuilt(IVF_SQ8)
    allowed = ids[[3, 50, 200]]
    # FAISS itself pads: the -1 case is reached
    _, raw = index.search(x[:1], 50, allowed=allowed)
    assert (raw == -1).any()
    hits = index.top(x[50], 50, allowed=allowed)
    assert sorted(pid for pid, _ in hits) == sorted(allowed.tolist())
    assert hits[0][0] == 60 and [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    everything = index.top(x[0], 10_000)
    assert len(everything) == (300 if layout == FLAT else len(everything)) and everything
    assert all(pid >= 10 for pid, _ in everything)
