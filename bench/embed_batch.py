"""The OpenVINO route's batch size on this CPU: embedding throughput at each size, one process.

    python bench/embed_batch.py [--data reuters|headlines] [--limit 1500] [--sizes 16,8,32,64,16]

The passages a build of the first ``limit`` records embeds (Reuters-21578 articles, or the
Reuters headlines, whose texts are a tenth as long), embedded whole at each batch size in turn
(a size may repeat, to see the machine's drift), after a warm-up. The baseline is the first
size given. Only the OpenVINO routes have a batch size to choose.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    from bench.common import data_path, passage_texts
    from bench.ingest import FILES
    from index.embed import load_embedder

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", choices=sorted(FILES), default="reuters")
    p.add_argument("--limit", type=int, default=1500)
    p.add_argument("--sizes", default="16,8,32,64,16")
    p.add_argument("--route", default=None, help="e.g. openvino-fp32; default: this CPU's best")
    args = p.parse_args(argv)
    texts = passage_texts([data_path(FILES[args.data])], args.limit)
    embedder = load_embedder(None, route=args.route)
    if not hasattr(embedder, "batch_size") or not embedder.route.startswith("openvino"):
        print(f"route {embedder.route} has no OpenVINO batch size to choose", file=sys.stderr)
        return 2
    shipped = embedder.batch_size
    print(f"{len(texts)} passages, route {embedder.route}, shipped batch size {shipped}\n")
    print("| batch | seconds | passages/s | / baseline |\n|---|---|---|---|")
    base = None
    for size in (int(s) for s in args.sizes.split(",")):
        embedder.batch_size = size
        embedder.embed(texts[:200])
        t0 = time.perf_counter()
        embedder.embed(texts)
        rate = len(texts) / (time.perf_counter() - t0)
        base = base or rate
        print(f"| {size} | {len(texts) / rate:.1f} | {rate:.0f} | {rate / base:.2f}× |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
