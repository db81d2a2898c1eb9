"""Throughput of the Ray build next to the single-process build, on the same Reuters articles.

    python bench/ray_build.py [--articles 1000] [--data PATH] [--actors N]
    python bench/ray_build.py --assemble [--articles 5000] [--threshold 2000]
    python bench/ray_build.py --faiss 300000

Default: both paths build a fresh index of the first N articles of reuters21578.jsonl.gz
(default ../shared/data, or $TIMELINE_BENCH_DATA / --data) with the default model and route, and
the script prints passages/s end to end and their ratio. On one 2-core machine Ray only adds
overhead (process start, serialization, Parquet shards); what it buys is that the embedding
stage spreads over every CPU of a cluster: see bench/README.md for the arithmetic.

``--assemble`` measures the step after the shards: the Ray stages run once (fake 384-d
embedder: embedding is not what is measured), then the same shards are assembled twice into a
fresh IVF-SQ8 index (``--threshold`` low enough), with FAISS additions in process and through
the partitioned route, and where the time goes: reading shards, SQLite (the one writer), FAISS.
``--faiss N`` times only the FAISS work on N random unit vectors: train, then add serially or
as Ray tasks + merge.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: bench/ is on sys.path, the repository is not
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import data_dir, write_subset  # noqa: E402

DEFAULT_DATA = data_dir()
FAKE = "fake:384"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--articles", type=int, default=None, help="default 1000 (--assemble: 5000)")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA / "reuters21578.jsonl.gz")
    p.add_argument("--actors", type=int, default=None, help="embedding actors (default: CPUs/2)")
    p.add_argument("--assemble", action="store_true", help="time only the assembly of the shards")
    p.add_argument("--threshold", type=int, default=2000, help="--assemble: IVF past this many")
    p.add_argument("--faiss", type=int, default=0, metavar="N", help="time only FAISS on N vectors")
    args = p.parse_args()
    if args.faiss:
        return faiss_only(args.faiss)
    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "subset.jsonl"
        write_subset(args.data, subset, args.articles or (5000 if args.assemble else 1000))
        if args.assemble:
            return assemble(subset, Path(tmp), args.threshold)
        return end_to_end(subset, Path(tmp), args.actors)


def end_to_end(subset: Path, tmp: Path, actors: int | None) -> int:
    from index.build import build_index
    from index.ray_build import build_with_ray

    t = time.perf_counter()
    single = build_index([subset], tmp / "single")
    t_single = time.perf_counter() - t
    t = time.perf_counter()
    ray = build_with_ray([subset], tmp / "ray", actors=actors)
    t_ray = time.perf_counter() - t
    rate_single = single.passages_added / t_single
    rate_ray = ray.passages_added / t_ray
    print(f"articles: {single.new} · passages: {single.passages_added} · cpus: {os.cpu_count()}")
    print(f"{'path':<16}{'seconds':>10}{'passages/s':>12}")
    print(f"{'single process':<16}{t_single:>10.1f}{rate_single:>12.1f}")
    print(f"{'ray (local)':<16}{t_ray:>10.1f}{rate_ray:>12.1f}")
    print(f"ray / single: {rate_ray / rate_single:.2f}")
    return 0


@contextmanager
def timed(owner: Any, name: str, spent: dict[str, float], label: str) -> Iterator[None]:
    """Add the wall time of every ``owner.name`` call to ``spent[label]`` while inside."""
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*a: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        try:
            return original(*a, **kw)
        finally:
            spent[label] += time.perf_counter() - t

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        setattr(owner, name, original)


def assemble(subset: Path, tmp: Path, threshold: int) -> int:
    import ray

    from index.build import BuildOptions, _Builder
    from index.partition import ParallelAdd
    from index.ray_build import ASSEMBLE_FLUSH, _read_shards, _run_stages, list_inputs
    from index.ray_build import assemble as assemble_shards
    from index.store import Store
    from index.vectors import VectorIndex

    files, _ = list_inputs([subset])
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    try:
        _run_stages(files, tmp / "shards", FAKE, "fake", set(), None, None)
        cpus = int(ray.cluster_resources()["CPU"])
        rows = []
        for label, add in (("in process", None), ("partitioned", ParallelAdd(min_parallel=1))):
            spent: dict[str, float] = defaultdict(float)
            out = tmp / f"ix-{label.replace(' ', '-')}"
            t = time.perf_counter()
            shards = _read_shards(tmp / "shards")
            spent["read shards"] = time.perf_counter() - t
            n = sum(len(p.passages) for p in shards.prepared.values())
            part = max(1, -(-n // cpus))  # one part per CPU
            add = add and ParallelAdd(min_parallel=1, part_size=part)
            with timed(Store, "commit_batch", spent, "SQLite"), \
                    timed(_Builder, "_commit", spent, "commit"), \
                    timed(VectorIndex, "save", spent, "FAISS save"):
                report = assemble_shards(shards, out, model=FAKE, route="fake", rebuild=False,
                                         progress=None,
                                         options=BuildOptions(flush_every=ASSEMBLE_FLUSH,
                                                              ivf_threshold=threshold, add=add))
            spent["total"] = time.perf_counter() - t
            # a commit is: SQLite transaction + FAISS remove/add/train + FAISS file write
            spent["FAISS add+train"] = spent["commit"] - spent["SQLite"] - spent["FAISS save"]
            spent["builder loop"] = spent["total"] - spent["read shards"] - spent["commit"]
            rows.append((label, spent))
            shutil.rmtree(out)
    finally:
        ray.shutdown()
    print(f"articles: {report.new} · passages: {report.passages_added} · cpus: {cpus} · "
          f"IVF past {threshold}")
    cols = ["read shards", "builder loop", "SQLite", "FAISS add+train", "FAISS save", "total"]
    print(f"{'FAISS adds':<14}" + "".join(f"{c:>17}" for c in cols))
    for label, spent in rows:
        print(f"{label:<14}" + "".join(f"{spent[c]:>16.2f}s" for c in cols))
    return 0


def faiss_only(n: int) -> int:
    import numpy as np
    import ray

    from index.partition import ParallelAdd
    from index.vectors import TRAIN_PER_LIST, VectorIndex, nlist_for

    x = np.random.default_rng(0).standard_normal((n, 384)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    ids = np.arange(1, n + 1, dtype=np.int64)
    nlist = nlist_for(n)
    t = time.perf_counter()
    trained = VectorIndex.new_ivf(x[:TRAIN_PER_LIST * nlist], nlist)
    t_train = time.perf_counter() - t
    serial = trained.empty_twin()
    t = time.perf_counter()
    serial.add(ids, x)
    t_serial = time.perf_counter() - t
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    try:
        cpus = int(ray.cluster_resources()["CPU"])
        parallel = trained.empty_twin()
        t = time.perf_counter()
        ParallelAdd(min_parallel=1, part_size=-(-n // cpus))(parallel, ids, x)
        t_parallel = time.perf_counter() - t
    finally:
        ray.shutdown()
    same = np.array_equal(serial.search(x[:100], 10)[1], parallel.search(x[:100], 10)[1])
    print(f"vectors: {n} · nlist: {nlist} · cpus: {cpus} · train: {t_train:.1f}s")
    print(f"add in process: {t_serial:.1f}s ({n / t_serial:,.0f}/s) · "
          f"partitioned ({cpus} Ray tasks + merge): {t_parallel:.1f}s ({n / t_parallel:,.0f}/s) · "
          f"same results: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
