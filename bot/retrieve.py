"""Step 2 of a question: candidate passages from the index, dense (FAISS) and keyword (FTS5 BM25).

Both searches run under the query's filter (dates, sources), so a filter never empties a list
that was cut to size before it. ``rank.fuse`` merges the two lists.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from bot.rank import Candidate, fuse
from index.filters import Filter

if TYPE_CHECKING:
    import numpy as np

    from index.embed import Embedder
    from index.indexdir import OpenIndex

__all__ = ["Candidate", "Lists", "hybrid_search", "query_vector", "search_lists"]


@dataclass(frozen=True)
class Lists:
    """Each search's hits, best first: (passage id, score)."""

    dense: list[tuple[int, float]]  # cosine
    keyword: list[tuple[int, float]]  # BM25


def query_vector(embedder: Embedder, text: str) -> np.ndarray:
    """The question embedded once; every later step reuses the vector."""
    return embedder.embed([text])[0]


def search_lists(index: OpenIndex, qvec: np.ndarray, text: str, flt: Filter, *,
                 pool: int = 60, keyword: bool = True) -> Lists:
    """``keyword``: False for the dense search alone."""
    # Ids as a numpy array: FAISS builds its selector bitmap from it without a Python loop.
    allowed = index.store.filtered_id_array(flt) if flt.active else None
    if allowed is not None and not len(allowed):
        return Lists([], [])  # nothing passes the filter: spare both searches
    # The two searches overlap: FAISS releases the GIL, and so does SQLite while FTS5 ranks. At
    # a million passages each takes tens of milliseconds. The keyword search stays on this
    # thread, inside the caller's read snapshot.
    dense = _dense_worker(os.getpid()).submit(index.vectors.top, qvec, pool, allowed=allowed)
    words = index.store.keyword_search(text, pool, flt) if keyword and text.strip() else []
    return Lists(dense.result(), words)


@cache
def _dense_worker(pid: int) -> ThreadPoolExecutor:
    """Per process: a forked child inherits the pool but not its threads."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="dense-search")


def hybrid_search(index: OpenIndex, qvec: np.ndarray, text: str, flt: Filter, *,
                  pool: int = 60, keyword: bool = True) -> list[Candidate]:
    """Both lists fused, best first (``keyword`` False: the dense list alone)."""
    found = search_lists(index, qvec, text, flt, pool=pool, keyword=keyword)
    return fuse(index, qvec, found.dense, found.keyword)
