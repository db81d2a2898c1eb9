"""The partitioned FAISS route: IVF parts encoded apart, merged into one standard index file."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import numpy as np
import pytest

from index.build import BuildOptions, build_index
from index.embed import FakeEmbedder
from index.indexdir import consistency_problems, open_index
from index.vectors import IVF_SQ8, VectorIndex, nlist_for
from tests.conftest import reuters_slice

DIM = 64


def _unit(n: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _trained(n: int) -> VectorIndex:
    return VectorIndex.new_ivf(_unit(40 * nlist_for(n), seed=1), nlist_for(n))


def _merged(index: VectorIndex, ids: np.ndarray, vecs: np.ndarray, parts: int) -> None:
    """What the Ray tasks do, in process: encode each slice into a twin, ship bytes, merge."""
    twins = []
    for chunk in np.array_split(np.arange(len(ids)), parts):
        twin = VectorIndex.from_bytes(index.empty_twin().to_bytes())
        twin.add(ids[chunk], vecs[chunk])
        twins.append(VectorIndex.from_bytes(twin.to_bytes()))
    index.merge(twins)


def test_merged_parts_are_the_serial_index(tmp_path: Path):
    n = 6000
    ids = np.arange(100, 100 + n, dtype=np.int64) * 3  # sparse ids: not row positions
    vecs = _unit(n, seed=2)
    serial, merged = _trained(n), _trained(n)
    serial.add(ids, vecs)
    merged.add(ids[:1000], vecs[:1000])  # merging into an index that already holds vectors
    _merged(merged, ids[1000:], vecs[1000:], parts=4)

    got = merged.ids()
    assert merged.kind == IVF_SQ8 and len(merged) == n
    assert len(got) == len(set(got.tolist())) == n and set(got.tolist()) == set(ids.tolist())
    # same centroids, same SQ8 ranges: the codes are the serial ones, bit for bit
    probe = ids[[0, 999, 1000, 3333, n - 1]]
    assert np.array_equal(merged.reconstruct(probe), serial.reconstruct(probe))
    q = _unit(20, seed=3)
    (ds, is_), (dm, im) = serial.search(q, 10), merged.search(q, 10)
    assert np.array_equal(is_, im) and np.allclose(ds, dm)

    # the merged index is the standard one: it saves, loads (memory-mapped) and removes by id
    merged.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss", mmap=True)
    assert loaded.kind == IVF_SQ8 and np.array_equal(loaded.search(q, 10)[1], im)
    assert merged.remove(probe.tolist()) == len(probe) and len(merged) == n - len(probe)
    assert not set(probe.tolist()) & set(merged.ids().tolist())
    with pytest.raises(RuntimeError):
        merged.reconstruct(probe[:1])
    assert np.array_equal(merged.reconstruct(ids[1:3]), serial.reconstruct(ids[1:3]))


def test_empty_twin_of_a_loaded_index_merges_back(tmp_path: Path):
    n = 3000
    ids, vecs = np.arange(1, n + 1, dtype=np.int64), _unit(n, seed=4)
    first = _trained(n)
    first.add(ids[:2000], vecs[:2000])
    first.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss")  # as the builder reopens an index
    _merged(loaded, ids[2000:], vecs[2000:], parts=3)
    first.add(ids[2000:], vecs[2000:])
    q = _unit(10, seed=5)
    assert np.array_equal(loaded.search(q, 5)[1], first.search(q, 5)[1])
    assert sorted(loaded.ids().tolist()) == ids.tolist()


# -- on a local Ray cluster ------------------------------------------------------------------

@pytest.mark.slow
def test_encode_parts_on_ray_matches_serial(local_ray):
    from index.partition import encode_parts

    n = 5000
    ids, vecs = np.arange(7, 7 + n, dtype=np.int64), _unit(n, seed=6)
    serial, parallel = _trained(n), _trained(n)
    serial.add(ids, vecs)
    parts = list(encode_parts(parallel, ids, vecs, part_size=1200))
    assert len(parts) == 5 and sum(len(p) for p in parts) == n
    parallel.merge(parts)
    q = _unit(20, seed=7)
    assert np.array_equal(parallel.search(q, 10)[1], serial.search(q, 10)[1])
    assert sorted(parallel.ids().tolist()) == ids.tolist()


@pytest.mark.slow
def test_a_part_that_fails_is_one_readable_error(local_ray, capfd, caplog):
    from index.errors import TimelineError
    from index.partition import encode_parts

    index = _trained(2000)
    bad = _unit(10, seed=8)[:, :32]  # the wrong dimension: every task raises
    with pytest.raises(TimelineError, match="run the build again"):
        index.merge(encode_parts(index, np.arange(10), bad, part_size=5))
    assert len(index) == 0 and index.empty_twin().nlist == index.nlist  # still usable
    # the other part failed too: its error is collected, not printed as "Unhandled error"
    gc.collect()
    time.sleep(3)  # Ray reports such errors from a thread, about once a second
    assert "Unhandled error" not in "".join(capfd.readouterr()) + caplog.text


@pytest.mark.slow
def test_partitioned_ray_build_matches_single_machine_ivf(tmp_path: Path, local_ray):
    from bot.engine import Bot
    from index.partition import ParallelAdd
    from index.ray_build import build_with_ray

    first, more = reuters_slice(tmp_path / "a.jsonl", 0, 300), reuters_slice(tmp_path / "b.jsonl", 300, 400)
    single, ray_dir = tmp_path / "single", tmp_path / "ray"
    emb, threshold = FakeEmbedder(DIM), 300
    add = ParallelAdd(min_parallel=1, part_size=400)  # every IVF addition as Ray tasks
    for batch in ([first], [first, more]):  # a fresh IVF build, then an incremental one
        alone = build_index(batch, single, embedder=emb, options=BuildOptions(ivf_threshold=threshold))
        report = build_with_ray(batch, ray_dir, model=emb.name, ivf_threshold=threshold, add=add)
        assert (report.new, report.unchanged, report.passages_added) == \
            (alone.new, alone.unchanged, alone.passages_added)
    assert report.new > 90 and report.unchanged > 290

    a, b = open_index(single), open_index(ray_dir)
    assert a.manifest.index_type == b.manifest.index_type == IVF_SQ8
    assert b.manifest.passages > 4 * threshold and b.vectors.nlist == a.vectors.nlist
    assert consistency_problems(b) == []  # the same passage ids in FAISS and SQLite
    ids = b.store.all_passage_ids()
    assert sorted(b.vectors.ids().tolist()) == sorted(ids) == sorted(a.vectors.ids().tolist())
    assert len(set(b.vectors.ids().tolist())) == len(ids)

    # same vectors, same deterministic training: the single-machine IVF's answers, and exact
    # search's top 10 found (recall@10)
    queries = emb.embed(["coffee prices", "oil output cuts by OPEC", "bank interest rates",
                         "grain exports to the Soviet Union", "quarterly earnings rose",
                         "trade deficit with Japan", "strike at the port", "merger talks"])
    (sa, ia), (sb, ib) = a.vectors.search(queries, 10), b.vectors.search(queries, 10)
    assert np.array_equal(ia, ib) and np.allclose(sa, sb, atol=1e-5)
    exact = VectorIndex.new(DIM)
    exact.add(np.array(ids), emb.embed(_embedded_texts(b, ids)))
    _, ie = exact.search(queries, 10)
    recall = np.mean([len(set(ie[r]) & set(ib[r])) / 10 for r in range(len(queries))])
    assert recall >= 0.95, recall

    bot_a, bot_b = Bot(a, emb), Bot(b, emb)
    for q in ["What happened to coffee prices?", "oil output cuts by OPEC"]:
        assert [h.passage.passage_id for h in bot_a.ask(q, k=5).hits] == \
            [h.passage.passage_id for h in bot_b.ask(q, k=5).hits], q

def _embedded_texts(index, ids: list[int]) -> list[str]:  # noqa: ANN001 - an OpenIndex
    """What the build embedded for each passage: its title and text."""
    from index.embed import embed_text

    passages = index.store.passages(ids)
    arts = index.store.articles({p.article_id for p in passages.values()})
    return [embed_text(arts[passages[i].article_id].title, passages[i].text) for i in ids]
