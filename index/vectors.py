"""The FAISS side of the index: explicit 64-bit passage ids, inner product on unit vectors.

Two layouts, chosen by corpus size (``kind_for``):

* ``flat``: ``IndexIDMap2`` over ``IndexFlatIP``, exact. Below ``IVF_THRESHOLD`` passages a
  scan of every vector is a few milliseconds and needs no training.
* ``ivf-sq8``: ``IndexIVFScalarQuantizer`` (inner product, 8-bit codes: 384 bytes for a
  384-dimensional vector instead of 1536), ``nlist ~ 4*sqrt(N)`` lists trained on a sample, with
  a hashtable direct map so ``reconstruct`` and ``remove`` work by passage id. A query scans
  ``nprobe`` lists; a flat scan of a million vectors is memory-bound (~80 ms on 2 cores).

Filters are applied inside FAISS with an ``IDSelectorBitmap`` over passage ids (ids are small
dense integers). For IVF a selective filter scans as many lists as hold about ``FILTERED_SEEN``
allowed vectors, so it still finds k of them, and a small allowed set (``EXACT_ALLOWED``) is
searched exactly over the allowed vectors alone.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import IndexCorrupt
from index.faults import fault_point
from index.settings import load_settings

if TYPE_CHECKING:
    import numpy as np

FLAT, IVF_SQ8 = "flat", "ivf-sq8"
IVF_THRESHOLD = 200_000  # passages; TIMELINE_IVF_THRESHOLD overrides (tests force IVF small)
EXACT_ALLOWED = 20_000  # a filter allowing at most this many ids is searched exactly
# Allowed vectors a filtered IVF search expects to examine: it scans that many / (fraction
# allowed x vectors per list) lists. 24k gave recall@10 0.95 against exact filtered search on
# 1.15M headlines with a 30-day window (6% allowed): bench/search.py's filter sweep.
FILTERED_SEEN = 24_000
TRAIN_PER_LIST = 40  # k-means sample per list (FAISS warns below 39)
MIN_PER_LIST = 40


def ivf_threshold() -> int:
    configured = load_settings().ivf_threshold
    return IVF_THRESHOLD if configured is None else configured


def kind_for(n: int, current: str = FLAT, threshold: int | None = None) -> str:
    """Flat up to the threshold, IVF above it; back to flat only below half (no flapping)."""
    threshold = ivf_threshold() if threshold is None else threshold
    if current == IVF_SQ8:
        return IVF_SQ8 if n >= threshold // 2 else FLAT
    return IVF_SQ8 if n > threshold else FLAT


def nlist_for(n: int) -> int:
    """About 4*sqrt(N) lists, but never so many that a list holds fewer than ~40 vectors."""
    return max(1, min(int(4 * math.sqrt(max(n, 1))), n // MIN_PER_LIST))


def default_nprobe(nlist: int) -> int:
    """Lists scanned per query: a tenth, tuned on 1.15M real headline vectors (bench/search.py:
    nlist 3908, nprobe 390 gave recall@10 0.96 at ~14 ms; nlist/48 only 0.90)."""
    configured = load_settings().nprobe
    if configured:
        return max(1, min(nlist, configured))
    return max(1, min(nlist, max(32, nlist // 10)))


class VectorIndex:
    """Passage-id keyed vectors: an exact flat index or an IVF-SQ8 one (see module doc)."""

    def __init__(self, index, *, nprobe: int | None = None) -> None:  # noqa: ANN001 - faiss
        import faiss

        self._index = index
        self._ivf = None
        if not isinstance(index, faiss.IndexIDMap2):
            self._ivf = faiss.extract_index_ivf(index)
            if self._ivf.direct_map.type != faiss.DirectMap.Hashtable:
                self._ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
        self.nprobe = nprobe or (default_nprobe(self.nlist) if self._ivf is not None else 0)

    @classmethod
    def new(cls, dim: int) -> VectorIndex:
        import faiss

        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)))

    @classmethod
    def new_ivf(cls, sample: np.ndarray, nlist: int) -> VectorIndex:
        """An empty IVF-SQ8 index trained on ``sample`` (unit rows)."""
        import faiss
        import numpy as np

        sample = np.ascontiguousarray(sample, dtype=np.float32)
        index = _ivf_sq8(faiss.IndexFlatIP(sample.shape[1]), max(1, min(nlist, len(sample))))
        index.cp.niter = 10
        index.train(sample)
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
        return cls(index)

    def empty_twin(self) -> VectorIndex:
        """An empty IVF index with this one's trained centroids and SQ8 ranges, built without
        copying any codes: a partition of new vectors is encoded into it, then ``merge``d."""
        import faiss

        src = faiss.downcast_index(self._ivf)
        quantizer = faiss.IndexFlatIP(self.dim)
        quantizer.add(src.quantizer.reconstruct_n(0, self.nlist))
        twin = _ivf_sq8(quantizer, self.nlist)
        twin.sq.trained = src.sq.trained
        twin.is_trained = True
        return VectorIndex(twin)

    def merge(self, parts: Iterable[VectorIndex]) -> None:
        """Move the vectors of IVF ``parts`` (twins of this index, disjoint ids) into it.

        FAISS merges inverted lists only without a direct map, so the id hashtable is dropped
        for the merge and rebuilt once at the end.
        """
        import faiss

        self._ivf.set_direct_map_type(faiss.DirectMap.NoMap)
        try:
            for part in parts:
                part._ivf.set_direct_map_type(faiss.DirectMap.NoMap)
                self._ivf.merge_from(part._ivf, 0)
        finally:
            self._ivf.set_direct_map_type(faiss.DirectMap.Hashtable)

    def to_bytes(self) -> np.ndarray:
        import faiss

        return faiss.serialize_index(self._index)

    @classmethod
    def from_bytes(cls, raw: np.ndarray) -> VectorIndex:
        import faiss

        return cls(faiss.deserialize_index(raw))

    @classmethod
    def load(cls, path: Path, *, mmap: bool = False) -> VectorIndex:
        """``mmap``: read-only, the codes stay in the page cache (fast start, shared memory)."""
        import faiss

        try:
            if mmap:
                try:
                    return cls(faiss.read_index(str(path), faiss.IO_FLAG_MMAP
                                                | faiss.IO_FLAG_READ_ONLY))
                except RuntimeError:
                    pass  # a layout FAISS cannot map: read it whole below
            return cls(faiss.read_index(str(path)))
        except RuntimeError as err:
            raise IndexCorrupt(f"vector file {path.name} is unreadable ({_first_line(err)}); "
                               "run `python -m index build --rebuild ...`") from err

    @property
    def kind(self) -> str:
        return FLAT if self._ivf is None else IVF_SQ8

    @property
    def nlist(self) -> int:
        return int(self._ivf.nlist) if self._ivf is not None else 0

    @property
    def dim(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> np.ndarray:
        import faiss
        import numpy as np

        if self._ivf is None:
            return faiss.vector_to_array(self._index.id_map).astype("int64")
        inv = self._ivf.invlists
        parts = [faiss.rev_swig_ptr(inv.get_ids(i), inv.list_size(i)).copy()
                 for i in range(inv.nlist) if inv.list_size(i)]
        return np.concatenate(parts).astype("int64") if parts else np.zeros(0, "int64")

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        import numpy as np

        if len(ids):
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                     np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: Iterable[int]) -> int:
        import faiss
        import numpy as np

        arr = np.fromiter(ids, dtype=np.int64)
        if not len(arr):
            return 0
        # An IVF hashtable direct map removes by explicit list only (IDSelectorArray).
        sel = faiss.IDSelectorBatch(arr) if self._ivf is None else faiss.IDSelectorArray(arr)
        return int(self._index.remove_ids(sel))

    def reconstruct(self, ids: Iterable[int]) -> np.ndarray:
        """Stored vectors by id (IVF-SQ8: decoded, cosine within ~1e-3 of the original)."""
        import numpy as np

        arr = np.fromiter(ids, dtype=np.int64)
        if not len(arr):
            return np.zeros((0, self.dim), np.float32)
        return np.ascontiguousarray(self._index.reconstruct_batch(arr), dtype=np.float32)

    def search(self, queries: np.ndarray, k: int, *, allowed: Iterable[int] | np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) per query; ``allowed`` restricts to those ids inside FAISS.

        FAISS pads with id -1 when fewer than k exist: callers drop those (``top`` does).
        """
        import faiss
        import numpy as np

        k = max(1, min(k, len(self))) if len(self) else 1
        q = np.ascontiguousarray(queries, dtype=np.float32)
        if self._ivf is not None:
            # One query: both cores scan its lists (12 vs 17 ms at 1.15M); a batch: a query each.
            self._ivf.parallel_mode = 1 if len(q) == 1 else 0
        if allowed is None:
            if self._ivf is None:
                return self._index.search(q, k)
            return self._index.search(q, k, params=faiss.SearchParametersIVF(nprobe=self.nprobe))
        arr = np.asarray(allowed if isinstance(allowed, np.ndarray)
                         else np.fromiter(allowed, dtype=np.int64), dtype=np.int64)
        arr = arr[arr >= 0]
        if not len(arr):
            return (np.full((len(q), k), -np.inf, np.float32), np.full((len(q), k), -1, np.int64))
        if self._ivf is not None and len(arr) <= EXACT_ALLOWED:
            return self._search_exact(q, k, np.unique(arr))
        bits = np.zeros(int(arr.max()) + 1, dtype=bool)  # no sort needed: duplicates are harmless
        bits[arr] = True
        packed = np.packbits(bits, bitorder="little")
        sel = faiss.IDSelectorBitmap(len(packed), faiss.swig_ptr(packed))
        if self._ivf is None:
            params = faiss.SearchParameters(sel=sel)
        else:
            allowed_per_list = int(np.count_nonzero(bits)) / max(1, self.nlist)
            nprobe = min(self.nlist, max(1, math.ceil(FILTERED_SEEN / allowed_per_list)))
            params = faiss.SearchParametersIVF(sel=sel, nprobe=nprobe)
        out = self._index.search(q, k, params=params)
        del packed  # the selector points into it until here
        return out

    def top(self, query: np.ndarray, k: int, *, allowed: Iterable[int] | np.ndarray | None = None
            ) -> list[tuple[int, float]]:
        """(id, score) of one query's best ``k``, best first, FAISS's -1 padding dropped: fewer
        than ``k`` when fewer exist (a small corpus, a narrow filter, IVF lists probed)."""
        scores, ids = self.search(query.reshape(1, -1), k, allowed=allowed)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def _search_exact(self, q: np.ndarray, k: int, arr: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Brute force over the allowed ids' vectors: exact ranking, always k when k exist."""
        import numpy as np

        try:
            present, vecs = arr, self.reconstruct(arr)
        except RuntimeError:  # SQLite may be a commit ahead of this loaded FAISS file
            keep = [i for i in arr.tolist() if self._has(i)]
            present = np.array(keep, dtype=np.int64)
            vecs = self.reconstruct(present)
        scores = q @ vecs.T
        kk = min(k, len(present))
        out_s = np.full((len(q), k), -np.inf, np.float32)
        out_i = np.full((len(q), k), -1, np.int64)
        if kk:
            top = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
            for row in range(len(q)):
                order = top[row][np.argsort(-scores[row, top[row]], kind="stable")]
                out_s[row, :kk] = scores[row, order]
                out_i[row, :kk] = present[order]
        return out_s, out_i

    def _has(self, pid: int) -> bool:
        try:
            self._index.reconstruct(pid)
        except RuntimeError:
            return False
        return True

    def rebuilt(self, kind: str, *, nlist: int | None = None, sample: int | None = None,
                seed: int = 0, add: Adder | None = None) -> VectorIndex:
        """The same ids and vectors in another layout (or an IVF retrained for more vectors).

        ``add`` puts the vectors into the new index (the Ray path encodes them in parallel).
        """
        import numpy as np

        ids = self.ids()
        vecs = self.reconstruct(ids)
        if kind == FLAT:
            out = VectorIndex.new(self.dim)
        else:
            nlist = nlist or nlist_for(len(ids))
            n_train = min(len(ids), sample or TRAIN_PER_LIST * nlist)
            rows = np.random.default_rng(seed).choice(len(ids), n_train, replace=False)
            out = VectorIndex.new_ivf(vecs[np.sort(rows)], nlist)
        if add is not None:
            add(out, ids, vecs)
            return out
        for lo in range(0, len(ids), 100_000):
            out.add(ids[lo:lo + 100_000], vecs[lo:lo + 100_000])
        return out

    def save(self, path: Path) -> None:
        """Written beside the target, flushed to disk, then renamed: never half a file."""
        import faiss

        tmp = path.with_name(path.name + ".tmp")
        faiss.write_index(self._index, str(tmp))
        fault_point("faiss-write")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)


# (index, passage ids, vectors) -> None: how a build puts new vectors into an index.
Adder = Callable[[VectorIndex, "np.ndarray", "np.ndarray"], None]


def _ivf_sq8(quantizer, nlist: int):  # noqa: ANN001, ANN202 - faiss objects
    """The one IVF-SQ8 layout: inner product, 8-bit codes; the index owns its quantizer."""
    import faiss

    index = faiss.IndexIVFScalarQuantizer(quantizer, quantizer.d, nlist,
                                          faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    index.own_fields = True  # the index frees the quantizer, Python must not
    quantizer.this.disown()
    return index


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or ["error"])[0][:160]
