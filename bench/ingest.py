"""Ingest throughput at scale: passages per second, the project's embedder against plain fp32.

    python bench/ingest.py [--data PATH] [--limit N] [--route ROUTE] [--slice 512] [--cached-baseline]

Reads the Reuters-21578 articles (default ``../shared/data/reuters21578.jsonl.gz`` relative to the
repo; ``--data`` or $TIMELINE_BENCH_DATA override; ``--limit N`` keeps the first N articles), then
  * end to end: ``index.build.build_index`` into a temporary folder (model load not counted);
  * the embedding step alone, on the very texts build_index embeds (read_paths, chunk_text,
    embed_text, each unique text once): the baseline ``SentenceTransformer.encode`` (fp32,
    default settings) against ``load_embedder(route=...)``, interleaved slice by slice and in
    alternating order, so the machine's load hits both alike; and the mean cosine agreement.
Baseline vectors and timings are cached in bench/.cache/ (git-ignored): ``--cached-baseline``
reuses them instead of re-running the slow fp32 pass (the ratio is then not side by side).

Latest run (quiet 2-core AMX VM: other jobs paused; route openvino-bf16, the default here;
``python bench/ingest.py --limit 500``, 1420 passages, interleaved with the baseline):
    baseline fp32 encode 86.9 passages/s · route openvino-bf16 322.2 passages/s · ratio **3.71x**
    agreement with fp32: mean cosine 0.99999, min 0.99997
    end to end (build_index, read → chunk → date → embed → store): 272.9 passages/s
    bench/quality.py: hit@1 0.917, hit@5 1.000, MRR@10 0.958 for fp32, bf16 and openvino-bf16 alike
An earlier quiet run (``--limit 300``) gave 81.8 vs 308.3 passages/s (3.77x).

Routes compared on the same quiet machine and passages (ratios to the fp32 baseline):
    torch bf16 weights (route bf16), batch 128, 2 threads ........ 2.07x at 0.99995 (earlier run)
    OpenVINO bf16, LATENCY mode (2 threads), batch 16 / 32 / 64 .. 3.32x / 3.11x / 2.59x
    OpenVINO bf16, THROUGHPUT mode (2 streams x 1 thread), batch 8 / 16 / 32 / 64
                                                                    3.77x / 3.70x / 3.30x / 2.76x
Two single-threaded streams never wait for each other at OpenMP barriers, and small batches keep
activations in cache; the next batch is tokenized while the streams run. Converting the model to
OpenVINO costs ~5 s once; the result is cached (``$TIMELINE_CACHE_DIR``, else
~/.cache/timeline-bot), so later loads take ~0.3 s. A question embeds in ~3.4 ms (fp32: ~11 ms).
On a loaded machine (the older figure: fp32 14.7, torch bf16 51.5 passages/s) one torch thread
was ~1.8x faster than two, but torch's sums differ with its thread count, so the torch routes
keep one count whatever the load (a question must land where the index put its text).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA_ENV = "TIMELINE_BENCH_DATA"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "reuters21578.jsonl.gz"
CACHE = ROOT / "bench" / ".cache"


def limited_copy(src: Path, limit: int | None, tmp: Path) -> Path:
    """The first ``limit`` articles as a file of the same format, so build_index reads only them."""
    if limit is None:
        return src
    dst = tmp / src.name
    with gzip.open(src, "rt", encoding="utf-8") as fin, gzip.open(dst, "wt", encoding="utf-8") as fout:
        for n, line in enumerate(fin):
            if n >= limit:
                break
            fout.write(line)
    return dst


def embed_texts(path: Path) -> list[str]:
    """What build_index embeds for a fresh index: each unique passage text once."""
    from index.build import embed_text
    from index.chunk import chunk_text
    from index.ingest import read_paths
    from index.models import Article

    texts = (embed_text(a.title, c.text) for a in read_paths([path]) if isinstance(a, Article)
             for c in chunk_text(a.text))
    return list(dict.fromkeys(texts))


def compare(texts: list[str], embedder, model_path: str, slice_size: int,
            cached: bool) -> dict[str, float]:
    """Interleaved timing of baseline and route, slice by slice; vectors for the agreement."""
    import numpy as np
    from sentence_transformers import SentenceTransformer

    key = hashlib.sha256(json.dumps([model_path, slice_size, texts]).encode()).hexdigest()[:16]
    cache_file = CACHE / f"ingest-baseline-{key}.npz"
    have = cached and cache_file.exists()
    base = None if have else SentenceTransformer(model_path, device="cpu")
    ref_parts, mine_parts, t_base, t_mine = [], [], 0.0, 0.0
    for n, start in enumerate(range(0, len(texts), slice_size)):
        part = texts[start:start + slice_size]
        runs = ["mine", "base"] if n % 2 else ["base", "mine"]
        for who in runs:
            if who == "base" and base is None:
                continue
            t0 = time.perf_counter()
            out = base.encode(part) if who == "base" else embedder.embed(part)
            dt = time.perf_counter() - t0
            if who == "base":
                ref_parts.append(np.asarray(out, dtype=np.float32))
                t_base += dt
            else:
                mine_parts.append(out)
                t_mine += dt
        print(f"  slice {n + 1}: {start + len(part)}/{len(texts)} texts", file=sys.stderr, flush=True)
    if have:
        saved = np.load(cache_file)
        ref, t_base = saved["vectors"], float(saved["seconds"])
    else:
        ref = np.vstack(ref_parts)
        CACHE.mkdir(parents=True, exist_ok=True)
        np.savez(cache_file, vectors=ref, seconds=t_base)
    mine = np.vstack(mine_parts)
    ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    cos = np.sum(mine * ref, axis=1)
    return {"base_pps": len(texts) / t_base, "mine_pps": len(texts) / t_mine,
            "ratio": t_base / t_mine, "agreement": float(cos.mean()), "min_cos": float(cos.min()),
            "cached": float(have)}


def main() -> int:
    from index.build import build_index
    from index.embed import load_embedder, resolve_model_path

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=Path(os.environ.get(DATA_ENV) or DEFAULT_DATA))
    p.add_argument("--limit", type=int, default=None, help="first N articles only")
    p.add_argument("--model", default=None)
    p.add_argument("--route", default=None, help="default: chosen for this CPU")
    p.add_argument("--slice", type=int, default=512, help="texts per interleaved timing slice")
    p.add_argument("--cached-baseline", action="store_true",
                   help="reuse cached fp32 vectors and timing instead of re-running them")
    p.add_argument("--skip-build", action="store_true", help="only the embedding comparison")
    args = p.parse_args()
    if not args.data.exists():
        p.error(f"{args.data} not found: give --data or ${DATA_ENV}")

    t0 = time.perf_counter()
    embedder = load_embedder(args.model, route=args.route)
    load_s = time.perf_counter() - t0
    print(f"model {embedder.name} · route {embedder.route} · loaded in {load_s:.1f}s", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = limited_copy(args.data, args.limit, Path(tmp))
        t0 = time.perf_counter()
        texts = embed_texts(data)
        print(f"{len(texts)} passages to embed (read+chunk {time.perf_counter() - t0:.1f}s)", flush=True)
        if not args.skip_build:
            t0 = time.perf_counter()
            report = build_index([data], Path(tmp) / "index", embedder=embedder)
            dt = time.perf_counter() - t0
            print(f"end to end: {report.summary()}", flush=True)
            print(f"end to end: {report.passages_added / dt:.1f} passages/s ({dt:.1f}s)", flush=True)
        r = compare(texts, embedder, resolve_model_path(embedder.name), args.slice, args.cached_baseline)
    note = " (baseline from cache, not side by side)" if r["cached"] else ""
    print(f"embedding: baseline fp32 encode {r['base_pps']:.1f} passages/s{note} · "
          f"route {embedder.route} {r['mine_pps']:.1f} passages/s · ratio {r['ratio']:.2f}x · "
          f"agreement mean {r['agreement']:.5f} min {r['min_cos']:.5f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
