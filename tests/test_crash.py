"""Crash safety, all in one place: builds killed with SIGKILL at every write phase and at random
moments leave an index that loads, agrees with itself and loses no committed work; the next build
finishes the job. (bench/crash.py is the long version; these tests do not import it.)"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.build import BuildOptions, build_index
from index.embed import FakeEmbedder
from index.errors import IndexNotFound
from index.faults import POINTS
from index.indexdir import consistency_problems, open_index, read_manifest
from index.vectors import IVF_SQ8
from tests.conftest import ROOT, reuters_slice, write_synthetic_corpus

DIM = 64
# Enough work that the kills at random moments land inside a build on a fast machine too: at
# 300 articles a build finished before a kill 0.3-0.8 s in on a 2-core Xeon (Sapphire Rapids).
N_CRASH = 1200


def _build_cmd(data: Path, ix: Path, batch: int) -> list[str]:
    return [sys.executable, "-m", "index", "build", str(data), "--index-dir", str(ix),
            "--model", f"fake:{DIM}", "--batch-passages", str(batch)]


def _sql_counts(ix: Path) -> tuple[int, int, int]:
    """(articles, passages, passages of no article) straight from SQLite, read-only."""
    conn = sqlite3.connect(f"file:{ix / 'store.sqlite'}?mode=ro", uri=True)
    try:
        return (conn.execute("SELECT count(*) FROM articles").fetchone()[0],
                conn.execute("SELECT count(*) FROM passages").fetchone()[0],
                conn.execute("SELECT count(*) FROM passages WHERE article_id NOT IN "
                             "(SELECT article_id FROM articles)").fetchone()[0])
    finally:
        conn.close()


def _check_after_kill(ix: Path, before: tuple[int, int]) -> tuple[int, int]:
    """Everything that must hold after a kill; returns the (articles, passages) now stored."""
    try:
        idx = open_index(ix)
    except IndexNotFound:
        assert before == (0, 0), "the index stopped loading after a commit"
        return before
    try:
        assert consistency_problems(idx) == []
        articles, passages, orphans = _sql_counts(ix)
        assert orphans == 0
        m = idx.manifest
        assert (m.articles, m.passages) == (articles, passages) == (m.articles, len(idx.vectors))
        assert articles >= before[0] and passages >= before[1], "committed work was lost"
        own = idx.vectors.ids()[:1]
        assert idx.vectors.top(idx.vectors.reconstruct(own)[0], 3)[0][0] == int(own[0])
        return articles, passages
    finally:
        idx.close()


def test_kills_in_every_write_phase_and_at_random_leave_a_consistent_index(tmp_path: Path):
    data = write_synthetic_corpus(tmp_path / "corpus.jsonl.gz", N_CRASH, seed=3)
    ix = tmp_path / "ix"
    cmd = _build_cmd(data, ix, batch=16)
    base = {k: v for k, v in os.environ.items() if not k.startswith("TIMELINE_FAULT")}
    rng = random.Random(5)
    plan = [*POINTS, *POINTS, "random", "random"]
    rng.shuffle(plan)
    state, killed_at = (0, 0), []
    for phase in plan:
        env = dict(base)
        if phase != "random":
            env.update(TIMELINE_FAULT=phase, TIMELINE_FAULT_AFTER=str(rng.randint(1, 3)))
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        if phase == "random":
            time.sleep(rng.uniform(0.3, 0.8))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
        assert proc.returncode in (0, -signal.SIGKILL), err.decode(errors="replace")[-500:]
        if proc.returncode == -signal.SIGKILL:
            killed_at.append(phase)
        state = _check_after_kill(ix, state)
    assert set(POINTS) <= set(killed_at) and len(killed_at) >= 8
    done = subprocess.run(cmd, cwd=ROOT, env=base, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    _check_after_kill(ix, state)
    idx = open_index(ix)
    origins = [a.origin for a, _ in idx.store.iter_articles()]
    idx.close()
    assert len(origins) == len(set(origins)) == N_CRASH


def test_kill_at_random_moments_leaves_a_consistent_index(tmp_path: Path):
    data = tmp_path / "corpus.jsonl.gz"
    write_synthetic_corpus(data, 1500)
    ix = tmp_path / "ix"
    cmd = [sys.executable, "-m", "index", "build", str(data), "--index-dir", str(ix),
           "--model", "fake:64", "--batch-passages", "16"]
    rng = random.Random(11)
    kills = 0
    for _ in range(8):
        before = read_manifest(ix)
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Wait for this run to commit something, then kill it at a random point of its next cycle
        # (embedding, FAISS write, SQLite commit or manifest write).
        deadline = time.monotonic() + 20
        while proc.poll() is None and time.monotonic() < deadline:
            now = read_manifest(ix)
            if now is not None and (before is None or now.generation > before.generation):
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.05))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        idx = open_index(ix)  # loads, and FAISS, SQLite and the manifest agree
        assert consistency_problems(idx) == []
        assert len(idx.vectors.search(idx.vectors.reconstruct(idx.vectors.ids()[:1]), 3)[1][0]) == 3
        idx.close()
    assert kills >= 6
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    idx = open_index(ix)
    assert consistency_problems(idx) == []
    origins = [a.origin for a, _ in idx.store.iter_articles()]
    assert len(origins) == len(set(origins)) == 1500


@pytest.mark.parametrize("point", ["embedding", "faiss-write", "sqlite-commit", "manifest-write"])
def test_kill_at_each_write_phase_then_resume(tmp_path: Path, point: str):
    data = tmp_path / "corpus.jsonl.gz"
    write_synthetic_corpus(data, 120)
    ix = tmp_path / "ix"
    cmd = [sys.executable, "-m", "index", "build", str(data), "--index-dir", str(ix),
           "--model", "fake:64", "--batch-passages", "64"]
    env = {"TIMELINE_FAULT": point, "TIMELINE_FAULT_AFTER": "3"}
    killed = subprocess.run(cmd, cwd=ROOT, capture_output=True, env={**os.environ, **env})
    assert killed.returncode == -signal.SIGKILL
    idx = open_index(ix)
    assert consistency_problems(idx) == [] and 0 < idx.manifest.passages < 480
    idx.close()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    idx = open_index(ix)
    assert consistency_problems(idx) == [] and idx.manifest.articles == 120
    assert idx.manifest.passages == 480


# A Ray build whose every IVF addition is partitioned, in its own process so it can be killed.
PARTITIONED_BUILD = """
import sys
from index.partition import ParallelAdd
from index.ray_build import build_with_ray
build_with_ray(sys.argv[2:], sys.argv[1], model="fake:64", ivf_threshold=300, num_cpus=2,
               add=ParallelAdd(min_parallel=1, part_size=400))
"""


@pytest.mark.slow
def test_partitioned_build_killed_while_committing_keeps_the_last_index(tmp_path: Path, local_ray):
    from index.partition import ParallelAdd
    from index.ray_build import build_with_ray

    first, more = reuters_slice(tmp_path / "a.jsonl", 0, 300), reuters_slice(tmp_path / "b.jsonl", 300, 400)
    ix = tmp_path / "ix"
    add = ParallelAdd(min_parallel=1, part_size=400)
    build_with_ray([first], ix, model=f"fake:{DIM}", ivf_threshold=300, add=add)
    before = open_index(ix).manifest
    # killed inside the SQLite commit, after the parallel merge and the new FAISS file's write
    # (the kill at the FAISS write is tests/test_build.py's)
    killed = subprocess.run([sys.executable, "-c", PARTITIONED_BUILD, str(ix), str(first), str(more)],
                            cwd=ROOT, env={**os.environ, "TIMELINE_FAULT": "sqlite-commit"},
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert list((ix / "staging").iterdir())  # the dead run's shards are left behind
    idx = open_index(ix)  # the last committed index, whole
    assert consistency_problems(idx) == [] and idx.manifest.passages == before.passages

    build_with_ray([first, more], ix, model=f"fake:{DIM}", ivf_threshold=300, add=add)  # finishes
    single = tmp_path / "single"
    build_index([first, more], single, embedder=FakeEmbedder(DIM),
                options=BuildOptions(ivf_threshold=300))
    a, b = open_index(single), open_index(ix)
    assert consistency_problems(b) == [] and b.manifest.index_type == IVF_SQ8
    assert sorted(b.vectors.ids().tolist()) == sorted(a.vectors.ids().tolist())
    assert not list((ix / "staging").iterdir())  # and cleared by the next run
