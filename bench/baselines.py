"""The baselines every suite puts the project beside, deliberately plain so a figure beside them
says what the project adds: exact inner-product search over given vectors, Okapi BM25 over given
texts, reciprocal rank fusion of the two, and dense search inside the question's dates."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from bench.common import Corpus


class DenseSearch:
    """Exact inner-product search over normalized vectors (the dense-only baseline)."""

    def __init__(self, vectors: np.ndarray) -> None:
        import numpy as np

        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    def scores(self, qvec: np.ndarray) -> np.ndarray:
        return self.vectors @ qvec

    def rank(self, qvec: np.ndarray, k: int | None = None,
             allowed: np.ndarray | None = None) -> list[int]:
        """Row numbers, best first; ``allowed`` is a boolean mask of rows that may be returned."""
        import numpy as np

        s = self.scores(qvec)
        if allowed is not None:
            s = np.where(allowed, s, -np.inf)
        n = len(s) if k is None else min(k, len(s))
        top = np.argpartition(-s, n - 1)[:n] if 0 < n < len(s) else np.arange(len(s))
        top = top[np.argsort(-s[top], kind="stable")]
        return [int(i) for i in top if np.isfinite(s[i])]


_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class BM25:
    """Okapi BM25 (k1 1.5, b 0.75, idf log(1 + (N - df + 0.5) / (df + 0.5))) over an inverted
    index: a query touches only the documents that hold one of its words."""

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> None:
        self.n = len(texts)
        lengths = [0] * self.n
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, t in enumerate(texts):
            counts = Counter(tokens(t))
            lengths[i] = sum(counts.values())
            for w, c in counts.items():
                self.postings[w].append((i, c))
        avg = (sum(lengths) / self.n) if self.n else 1.0
        self.norm = [k1 * (1 - b + b * n / (avg or 1.0)) for n in lengths]
        self.k1 = k1

    def idf(self, word: str) -> float:
        df = len(self.postings.get(word, ()))
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> dict[int, float]:
        out: dict[int, float] = defaultdict(float)
        for w in tokens(query):  # a repeated query word counts again, as in Okapi's sum
            idf = self.idf(w)
            for i, tf in self.postings.get(w, ()):
                out[i] += idf * tf * (self.k1 + 1) / (tf + self.norm[i])
        return out

    def rank(self, query: str, k: int | None = None) -> list[int]:
        s = self.scores(query)
        order = sorted(s, key=lambda i: (-s[i], i))
        return order if k is None else order[:k]


def rrf(rankings: Sequence[Sequence[int]], k: int = 60, depth: int | None = None) -> list[int]:
    """Reciprocal rank fusion (Cormack et al. 2009): sum of 1 / (k + rank) over the lists."""
    score: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for r, i in enumerate(ranking[:depth] if depth else ranking, 1):
            score[i] += 1.0 / (k + r)
    return sorted(score, key=lambda i: (-score[i], i))


def baseline_rankings(corpus: Corpus, question: str, qvec: np.ndarray, *, as_of=None,
                      depth: int = 100) -> dict[str, list[int]]:
    """The four baselines' rankings (row numbers, best first) for one question:
    dense only; BM25 only; RRF of the two; dense only inside the project's reading of the
    question's time (``Bot.understand``: focus only, passages by timeline day or reported
    event, and back to dense when nothing in range passes the relevance floor). With ``as_of``,
    a fifth (``AS_OF_BASELINE``): the fourth among the sources published by that day, back to
    the fourth when none of them passes the floor."""
    import numpy as np

    from bot.rank import RELEVANCE_FLOOR

    dense = corpus.dense.rank(qvec, depth)
    bm25 = corpus.bm25.rank(question, depth)
    out = {"dense only": dense, "BM25 only": bm25, "RRF(dense, BM25)": rrf([dense, bm25])[:depth]}
    q = corpus.bot.understand(question, as_of=as_of)
    out["dense + question's dates"] = dense

    def within(mask: np.ndarray) -> list[int] | None:
        """Dense inside ``mask``, or None when nothing there passes the relevance floor."""
        rows = corpus.dense.rank(qvec, depth, allowed=mask)
        return rows if rows and float(np.max(corpus.vectors[rows] @ qvec)) >= RELEVANCE_FLOOR else None

    in_range = None  # the question's own time, when something in it passes the floor
    if q.dated:
        mask = np.zeros(len(corpus.passages), dtype=bool)
        ids = corpus.bot.index.store.filtered_id_array(q.filter()).tolist()
        mask[[corpus.row_of[i] for i in ids if i in corpus.row_of]] = True
        rows = within(mask)
        if rows is not None:
            out["dense + question's dates"], in_range = rows, mask
    if as_of is not None:
        by_then = ~corpus.published_after(as_of)
        if in_range is not None:
            by_then &= in_range
        out[AS_OF_BASELINE] = within(by_then) or out["dense + question's dates"]
    return out


BASELINES = ("dense only", "BM25 only", "RRF(dense, BM25)", "dense + question's dates")
# Where questions are asked as of a day: what the as-of day alone adds to the question's dates.
AS_OF_BASELINE = "dense + question's dates, sources published by as-of"
