"""Throughput of the Ray build next to the single-process build, on the same Reuters articles.

    python bench/ray_build.py [--articles 1000] [--data PATH] [--actors N]

Both build a fresh index of the first N articles of reuters21578.jsonl.gz (default
../shared/data, or $TIMELINE_BENCH_DATA / --data) with the default model and route, and the
script prints passages/s end to end and their ratio. On one 2-core machine Ray only adds
overhead (process start, serialization, Parquet shards); what it buys is that the embedding
stage spreads over every CPU of a cluster: see bench/README.md for the arithmetic.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = Path(os.environ.get("TIMELINE_BENCH_DATA", ROOT.parent / "shared" / "data"))


def main() -> int:
    from index.build import build_index
    from index.ray_build import build_with_ray

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--articles", type=int, default=1000)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA / "reuters21578.jsonl.gz")
    p.add_argument("--actors", type=int, default=None, help="embedding actors (default: CPUs/2)")
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "subset.jsonl"
        with gzip.open(args.data, "rt", encoding="utf-8") as src:
            subset.write_text("".join(itertools.islice(src, args.articles)), encoding="utf-8")
        t = time.perf_counter()
        single = build_index([subset], Path(tmp) / "single")
        t_single = time.perf_counter() - t
        t = time.perf_counter()
        ray = build_with_ray([subset], Path(tmp) / "ray", actors=args.actors)
        t_ray = time.perf_counter() - t
    rate_single = single.passages_added / t_single
    rate_ray = ray.passages_added / t_ray
    print(f"articles: {single.new} · passages: {single.passages_added} · cpus: {os.cpu_count()}")
    print(f"{'path':<16}{'seconds':>10}{'passages/s':>12}")
    print(f"{'single process':<16}{t_single:>10.1f}{rate_single:>12.1f}")
    print(f"{'ray (local)':<16}{t_ray:>10.1f}{rate_ray:>12.1f}")
    print(f"ray / single: {rate_ray / rate_single:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
