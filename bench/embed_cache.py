"""The embedding cache bench/search.py builds its indexes with: every passage text of the
headlines embedded once (``python bench/search.py embed``), float16 rows in shards looked up by
text hash, so a re-run only measures building and searching."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import cache_dir, passage_texts

SHARD = 5_000  # texts per cache file: progress survives an interrupted `embed`


def emb_dir(model: str, route: str) -> Path:
    return cache_dir(f"emb-{model.replace('/', '_')}-{route}")


def fill(data: Path, model: str | None = None, threads: int = 1) -> None:
    """Embed every unique passage text of ``data`` once, in resumable shards of SHARD texts
    (float16 rows)."""
    import numpy as np
    import torch

    from index.embed import load_embedder
    from index.prepare import text_hash

    torch.set_num_threads(threads)  # on a busy 2-core machine, 1 thread wastes less
    embedder = load_embedder(model)
    route = getattr(embedder, "route", "fp32")
    out = emb_dir(embedder.name, route)
    out.mkdir(parents=True, exist_ok=True)
    hashes_file = out / "hashes.npy"
    t0 = time.perf_counter()
    texts = passage_texts([data])
    hashes = np.array([text_hash(t) for t in texts], dtype="S32")
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
    """Looks texts up in the cache by text hash; a miss goes to the real model, or with
    ``fill="perturb"`` (only when the cache is incomplete, and reported as such) becomes a
    cached real vector plus noise, deterministic per text: same scale and cluster structure,
    no model time."""

    def __init__(self, model: str | None = None, *, fill: str = "model",
                 limit: int | None = None) -> None:
        import numpy as np

        from index.settings import load_settings

        self.name = model or load_settings().model
        self.fill = fill
        self._model = None
        # a complete cache first (one per route: the vectors differ slightly between routes)
        folders = sorted(cache_dir().glob(f"emb-{self.name.replace('/', '_')}-*"),
                         key=lambda f: (not (f / "complete").exists(), f.name))
        if not folders or not (folders[0] / "hashes.npy").exists():
            raise SystemExit("no embedding cache: run `python bench/search.py embed` first")
        folder = folders[0]
        self.route = folder.name.removeprefix(f"emb-{self.name.replace('/', '_')}-")  # openvino-fp32
        self.complete = (folder / "complete").exists()
        hashes = np.load(folder / "hashes.npy")
        shards = [np.load(f) for f in sorted(folder.glob("shard-*.npy")) if ".tmp" not in f.name]
        self._vecs = np.concatenate(shards) if shards else np.zeros((0, 384), np.float16)
        # limit: the cache as it was when an index was built, so the baseline gets the very
        # vectors the build got even if more shards have been embedded since.
        self._vecs = self._vecs[:limit] if limit is not None else self._vecs
        hashes = hashes[:len(self._vecs)]
        self._order = np.argsort(hashes)
        self._sorted = hashes[self._order]
        self.cached = len(self._vecs)
        self.dim = int(self._vecs.shape[1])
        self.hits = self.misses = 0

    @property
    def model(self):  # noqa: ANN201 - the real embedder, loaded on first miss
        if self._model is None:
            from index.embed import load_embedder

            self._model = load_embedder(self.name, route=self.route)
        return self._model

    def by_hash(self, keys, texts: Sequence[str] | None = None):  # noqa: ANN001, ANN201
        import numpy as np

        out = np.zeros((len(keys), self.dim), dtype=np.float32)
        if not len(keys):
            return out
        keys = np.asarray(keys, dtype="S32")
        pos = np.searchsorted(self._sorted, keys).clip(0, max(0, len(self._sorted) - 1))
        found = (self._sorted[pos] == keys) if len(self._sorted) else np.zeros(len(keys), bool)
        out[found] = self._vecs[self._order[pos[found]]].astype(np.float32)
        missing = np.flatnonzero(~found)
        if len(missing) and self.fill == "perturb":
            seeds = np.array([int(k[:15], 16) for k in keys[missing]], dtype=np.int64)
            noise = np.random.default_rng(0).normal(0, 0.6 / np.sqrt(self.dim), (4096, self.dim))
            out[missing] = (self._vecs[seeds % self.cached].astype(np.float32)
                            + noise[(seeds >> 20) % 4096].astype(np.float32))
        elif len(missing):
            assert texts is not None, "a text missing from the cache"
            out[missing] = self.model.embed([texts[i] for i in missing])
        self.hits += int(found.sum())
        self.misses += len(missing)
        out /= np.linalg.norm(out, axis=1, keepdims=True)  # float16 rounding: back to unit
        return out

    def embed(self, texts: Sequence[str], *, progress: bool = False):  # noqa: ANN201
        from index.prepare import text_hash

        return self.by_hash([text_hash(t) for t in texts], texts)
