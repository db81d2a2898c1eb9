"""The Ray path builds the same index as the single-machine path, and survives a dead worker."""

from __future__ import annotations

import gzip
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bot.engine import Bot
from index.build import build_index
from index.embed import FakeEmbedder
from index.indexdir import consistency_problems, open_index
from tests.conftest import ROOT, SHARED_DATA

pytestmark = pytest.mark.slow

QUESTIONS = ["What happened to coffee prices?", "oil output cuts by OPEC", "bank interest rates",
             "grain exports to the Soviet Union", "company quarterly earnings rose"]


def _reuters_subset(path: Path, n: int) -> Path:
    with gzip.open(SHARED_DATA / "reuters21578.jsonl.gz", "rt", encoding="utf-8") as src:
        rows = list(itertools.islice(src, n))
    path.write_text("".join(rows), encoding="utf-8")
    return path


def _passages(index_dir: Path) -> dict[int, str]:
    idx = open_index(index_dir)
    try:
        return {p.passage_id: p.text for p in idx.store.passages(idx.store.all_passage_ids()).values()}
    finally:
        idx.close()


def test_ray_build_matches_single_machine_build(tmp_path: Path, real_embedder):
    from index.ray_build import build_with_ray

    data = _reuters_subset(tmp_path / "reuters.jsonl", 200)
    single, ray_dir = tmp_path / "single", tmp_path / "ray"
    alone = build_index([data], single, embedder=real_embedder)
    report = build_with_ray([data], ray_dir, model=real_embedder.name, num_cpus=2, actors=1)
    # Reuters repeats a few stories: both paths skip the same duplicates
    assert alone.new > 190 and (report.new, report.passages_added) == (alone.new, alone.passages_added)
    assert [s.origin for s in report.skipped] == [s.origin for s in alone.skipped]

    assert _passages(ray_dir) == _passages(single)  # same ids, same texts
    for d in (single, ray_dir):
        assert consistency_problems(open_index(d)) == []
    m_single, m_ray = open_index(single).manifest, open_index(ray_dir).manifest
    assert (m_ray.model, m_ray.dim, m_ray.embedding_route) == \
        (m_single.model, m_single.dim, m_single.embedding_route)

    a, b = Bot(open_index(single), real_embedder), Bot(open_index(ray_dir), real_embedder)
    for q in QUESTIONS:
        ha, hb = a.ask(q, k=5).hits, b.ask(q, k=5).hits
        assert [h.passage.passage_id for h in ha] == [h.passage.passage_id for h in hb], q
        assert np.allclose([h.score for h in ha], [h.score for h in hb], atol=1e-3), q

    again = build_with_ray([data], ray_dir, model=real_embedder.name, num_cpus=2, actors=1)
    assert (again.new, again.unchanged, again.passages_added) == (0, alone.new, 0)


def _ray_workers() -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "MapWorker" in line]


def test_killed_worker_is_retried_and_every_article_lands_once(tmp_path: Path):
    data = _reuters_subset(tmp_path / "reuters.jsonl", 400)
    ix = tmp_path / "ix"
    env = {**os.environ, "TIMELINE_EMBED_ROUTE": "fp32"}  # the slow route leaves time to kill
    proc = subprocess.Popen([sys.executable, "-m", "index", "build", str(data), "--index-dir",
                             str(ix), "--ray"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    killed = None
    first_seen = None
    deadline = time.monotonic() + 240
    while proc.poll() is None and time.monotonic() < deadline and killed is None:
        workers = _ray_workers()
        first_seen = first_seen or (time.monotonic() if workers else None)
        # give the actor time to load the model and start embedding, then kill a live one
        if workers and time.monotonic() - first_seen > 3:
            try:
                os.kill(workers[0], signal.SIGKILL)
                killed = workers[0]
            except ProcessLookupError:  # that worker just went away: pick another next round
                pass
        time.sleep(0.2)
    out, _ = proc.communicate(timeout=600)
    assert killed is not None, out[-2000:]
    assert proc.returncode == 0, out[-2000:]
    assert "died" in out.lower() or "restart" in out.lower(), out[-3000:]  # Ray saw it and retried
    idx = open_index(ix)
    assert consistency_problems(idx) == []
    got = sorted(a.origin for a, _ in idx.store.iter_articles())
    expected = build_index([data], tmp_path / "single", embedder=FakeEmbedder(64))
    want = sorted(a.origin for a, _ in open_index(tmp_path / "single").store.iter_articles())
    assert len(got) == len(set(got)) == expected.new > 390
    assert got == want  # every article exactly once, none missing
