"""Hybrid candidate retrieval: dense (FAISS) and keyword (FTS5 BM25), fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.store import Filter

if TYPE_CHECKING:
    import numpy as np

    from index.indexdir import OpenIndex

RRF_K = 60  # the constant of Cormack et al.; dampens the head of each list


@dataclass(frozen=True)
class Candidate:
    passage_id: int
    fused: float  # reciprocal-rank-fusion score
    dense: float  # cosine with the question, for every candidate
    dense_rank: int | None
    keyword_rank: int | None


def hybrid_search(index: OpenIndex, qvec: np.ndarray, text: str, flt: Filter, *,
                  pool: int = 60) -> list[Candidate]:
    """The union of both lists, best fused first. Filters apply inside each search."""
    import numpy as np

    # Ids as a numpy array: FAISS builds its selector bitmap from it without a Python loop.
    allowed = index.store.filtered_id_array(flt) if flt.active else None
    if allowed is not None and not len(allowed):
        return []  # nothing passes the filter: spare both searches
    scores, ids = index.vectors.search(qvec[None, :], pool, allowed=allowed)
    dense = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
    keyword = index.store.keyword_search(text, pool, flt) if text.strip() else []

    fused: dict[int, float] = {}
    dense_rank = {pid: r for r, (pid, _) in enumerate(dense, 1)}
    keyword_rank = {pid: r for r, (pid, _) in enumerate(keyword, 1)}
    for ranks in (dense_rank, keyword_rank):
        for pid, r in ranks.items():
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + r)
    cosine = dict(dense)
    missing = [pid for pid in fused if pid not in cosine]
    if missing:  # keyword-only hits still get a true cosine, for ranking and the threshold
        vecs = index.vectors.reconstruct(missing)
        cosine.update(zip(missing, (vecs @ qvec).astype(np.float64).tolist(), strict=True))
    out = [Candidate(pid, f, cosine[pid], dense_rank.get(pid), keyword_rank.get(pid))
           for pid, f in fused.items()]
    out.sort(key=lambda c: (-c.fused, -c.dense))
    return out
