"""The partitioned FAISS route of the Ray build: encode IVF partitions in parallel, then merge.

An IVF-SQ8 index (``index/vectors.py``) is trained once, on a seeded sample, in the driver.
Adding vectors to it means assigning each to its nearest of ``nlist`` centroids and encoding it
to 8 bits a dimension: ``nlist * dim`` multiply-adds a vector, 14-30k vectors/s a core here at
nlist 4,000 (1M passages), a third of that at nlist 12,649 (10M). That is the part worth spreading:
``ParallelAdd`` splits the new vectors into parts, each a Ray task that encodes its part into an
``empty_twin`` of the trained index (same centroids, same SQ8 ranges, so the codes are bitwise
the ones a serial add makes), and the driver merges the parts' inverted lists into the index as
they arrive. Small additions and flat indexes are added in process: a task costs more than it
saves below ``MIN_PARALLEL`` vectors.

Why an in-memory merge (``IndexIVF.merge_from``) rather than ``faiss.contrib.ondisk.merge_ondisk``:
the result must be the single ``vectors-<generation>.faiss`` file the single-machine path writes
and ``open_index`` memory-maps, saved through the generation protocol of ``index/indexdir.py``.
``merge_ondisk`` makes ``OnDiskInvertedLists``, whose codes live in a separate ``.ivfdata`` file
that protocol does not version, and turning it back into one file means loading every list into
RAM anyway. An IVF-SQ8 index needs ~400 bytes a passage (4 GB at 10M), which fits the driver of
any cluster that builds it, so merging in memory costs nothing the final index does not. Past a
driver's RAM (~50M passages) the index is split into shards instead (bench/README.md); the
on-disk merge is the route for a single shard larger than RAM, at the cost of a second file.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from index.errors import TimelineError
from index.vectors import FLAT, VectorIndex

if TYPE_CHECKING:
    import numpy as np

MIN_PARALLEL = 100_000  # vectors: 3-7 s of encoding a core, worth a round of Ray tasks
PART_SIZE = 100_000  # vectors a task: ~40 MB of codes to ship back
MAX_RETRIES = 4  # a task whose worker died is run again (its part is merged once)
SETTLE_SECONDS = 5.0  # after a failure, how long the parts being cancelled are waited for


@dataclass(frozen=True)
class ParallelAdd:
    """``build_index(add=...)``: IVF additions of ``min_parallel``+ vectors run as Ray tasks."""

    min_parallel: int = MIN_PARALLEL
    part_size: int = PART_SIZE

    def __call__(self, index: VectorIndex, ids: np.ndarray, vectors: np.ndarray) -> None:
        import ray

        if index.kind == FLAT or len(ids) < self.min_parallel or not ray.is_initialized():
            index.add(ids, vectors)
            return
        index.merge(encode_parts(index, ids, vectors, part_size=self.part_size))


def encode_parts(index: VectorIndex, ids: np.ndarray, vectors: np.ndarray, *,
                 part_size: int = PART_SIZE) -> Iterator[VectorIndex]:
    """Ray tasks encode ``part_size`` slices into twins of ``index``; yielded as they finish.

    Yielding one finished part at a time keeps the driver's extra memory to the parts not yet
    merged, not a second copy of everything.
    """
    import ray

    encode = ray.remote(max_retries=MAX_RETRIES, retry_exceptions=False)(_encode_part)
    twin = ray.put(index.empty_twin().to_bytes())
    n_parts = max(1, math.ceil(len(ids) / part_size))
    bounds = [round(i * len(ids) / n_parts) for i in range(n_parts + 1)]
    pending = [encode.remote(twin, ids[lo:hi], vectors[lo:hi])
               for lo, hi in zip(bounds, bounds[1:], strict=False) if hi > lo]
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        try:
            raw = ray.get(done[0])
        except ray.exceptions.RayError as err:  # a raise, or retries spent: nothing committed
            _settle(pending)
            exc = getattr(err, "cause", None) or err  # a task's own exception, when it raised
            cause = " ".join([type(exc).__name__, *str(exc).strip().splitlines()[-1:]])[:160]
            raise TimelineError(f"a FAISS part could not be encoded on the Ray cluster ({cause}); "
                                "run the build again") from err
        yield VectorIndex.from_bytes(raw)


def _settle(pending: list[Any]) -> None:
    """Cancel the parts not merged and collect how each ended. Ray prints the error of a task
    whose result nobody fetched ("Unhandled error") when its reference goes: a part that failed
    like the one reported would be reported again, as a traceback after the readable line."""
    import ray

    if not pending:
        return
    for ref in pending:
        ray.cancel(ref)
    ended, _ = ray.wait(pending, num_returns=len(pending), timeout=SETTLE_SECONDS)
    for ref in ended:  # raises its cancelling, or the failure already reported
        with contextlib.suppress(Exception):
            ray.get(ref)


def _encode_part(twin: Any, ids: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """On a Ray worker: the trained empty index, filled with one part, serialized."""
    part = VectorIndex.from_bytes(twin)
    part.add(ids, vectors)
    return part.to_bytes()
