"""Search at scale: 1.15M Reuters headlines, the project's index against exact flat search.

    python bench/search.py embed            # once, ~15-30 min on 2 cores: fills bench/.cache/
    python bench/search.py run [--sizes 10000,100000,0] [--questions 200]
    python bench/search.py cold INDEX_DIR   # (internal) one fresh process: load + first ask

Data: ``--data PATH`` or ``$TIMELINE_BENCH_DATA``, else ``../shared/data/reuters_headlines_1m.
jsonl.gz`` beside the repo. Embeddings are cached by text hash under ``bench/.cache/`` (float16,
git-ignored), so a re-run only measures building and searching. ``run`` builds one index per size
(0 = all) with a cached embedder, then reports build time, memory per passage, size on disk,
cold start, ``Bot.ask`` p50/p95 with and without a date filter, the vector stage (project vs
exact flat on the same vectors, and recall@10), and FTS5 keyword latency.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = ROOT / "bench" / ".cache"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "reuters_headlines_1m.jsonl.gz"
SHARD = 50_000


def data_path(arg: str | None) -> Path:
    return Path(arg or os.environ.get("TIMELINE_BENCH_DATA") or DEFAULT_DATA)


def embed_texts(data: Path, limit: int | None = None) -> Iterator[tuple[str, str]]:
    """(text hash, text) of every passage the build will embed, in corpus order."""
    from index.build import embed_text, text_hash
    from index.chunk import chunk_text
    from index.ingest import read_paths
    from index.models import Skipped

    n = 0
    for item in read_paths([data]):
        if isinstance(item, Skipped):
            continue
        n += 1
        if limit and n > limit:
            return
        for c in chunk_text(item.text):
            t = embed_text(item.title, c.text)
            yield text_hash(t), t


def cache_dir(model: str, route: str) -> Path:
    return CACHE / f"emb-{model.replace('/', '_')}-{route}"


# -- the embedding cache -------------------------------------------------------------------

def cmd_embed(args: argparse.Namespace) -> None:
    """Embed every unique text once, in resumable shards of SHARD texts (float16 rows)."""
    import numpy as np

    from index.embed import load_embedder

    embedder = load_embedder(args.model)
    route = getattr(embedder, "route", "fp32")
    out = cache_dir(embedder.name, route)
    out.mkdir(parents=True, exist_ok=True)
    hashes_file = out / "hashes.npy"
    t0 = time.perf_counter()
    seen: dict[str, None] = {}
    texts: list[str] = []
    for h, t in embed_texts(data_path(args.data)):
        if h not in seen:
            seen[h] = None
            texts.append(t)
    hashes = np.array(list(seen), dtype="S32")
    if not hashes_file.exists():
        np.save(hashes_file, hashes)
    print(f"{len(texts)} unique texts read in {time.perf_counter() - t0:.0f}s", flush=True)
    for i, lo in enumerate(range(0, len(texts), SHARD)):
        shard = out / f"shard-{i:04d}.npy"
        if shard.exists():
            continue
        t1 = time.perf_counter()
        vecs = embedder.embed(texts[lo:lo + SHARD])
        tmp = shard.with_suffix(".tmp.npy")
        np.save(tmp, vecs.astype(np.float16))
        os.replace(tmp, shard)
        dt_ = time.perf_counter() - t1
        print(f"shard {i}: {len(vecs)} texts in {dt_:.0f}s ({len(vecs) / dt_:.0f}/s)", flush=True)
    (out / "complete").write_text(json.dumps({"texts": len(texts), "model": embedder.name,
                                              "route": route}))
    print(f"done in {time.perf_counter() - t0:.0f}s", flush=True)


class CachedEmbedder:
    """Looks texts up in the cache by text hash; anything missing goes to the real model."""

    def __init__(self, model: str | None = None) -> None:
        import numpy as np

        from index.config import default_model

        self.name = model or default_model()
        self._model = None
        self.route = "fp32"
        folder = None
        for cand in sorted(CACHE.glob(f"emb-{self.name.replace('/', '_')}-*")):
            if (cand / "complete").exists():
                folder = cand
                break
        if folder is None:
            raise SystemExit("no embedding cache: run `python bench/search.py embed` first")
        self.route = folder.name.rsplit("-", 1)[1]
        hashes = np.load(folder / "hashes.npy")
        shards = sorted(folder.glob("shard-*.npy"))
        self._vecs = np.concatenate([np.load(s) for s in shards if ".tmp" not in s.name])
        assert len(self._vecs) == len(hashes), "incomplete cache"
        self._order = np.argsort(hashes)
        self._sorted = hashes[self._order]
        self.dim = int(self._vecs.shape[1])
        self.hits = self.misses = 0

    @property
    def model(self):  # noqa: ANN201 - the real embedder, loaded on first miss
        if self._model is None:
            from index.embed import load_embedder

            self._model = load_embedder(self.name)
        return self._model

    def embed(self, texts: Sequence[str], *, progress: bool = False):  # noqa: ANN201
        import numpy as np

        from index.build import text_hash

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not len(texts):
            return out
        keys = np.array([text_hash(t) for t in texts], dtype="S32")
        pos = np.searchsorted(self._sorted, keys).clip(0, len(self._sorted) - 1)
        found = self._sorted[pos] == keys
        out[found] = self._vecs[self._order[pos[found]]].astype(np.float32)
        missing = np.flatnonzero(~found)
        if len(missing):
            out[missing] = self.model.embed([texts[i] for i in missing])
        self.hits += int(found.sum())
        self.misses += len(missing)
        # float16 rounding: renormalize so inner product stays a cosine
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("embed")
    e.add_argument("--data")
    e.add_argument("--model")
    args = ap.parse_args(argv)
    {"embed": cmd_embed}[args.cmd](args)


if __name__ == "__main__":
    main()
