"""Step 3 of a question: order the candidates and keep the ones worth showing.

Fusion of the dense and keyword lists (reciprocal rank), the second-stage rerank (``rerank``),
the relevance floor, and the merge of near-duplicates into one excerpt "also in" other outlets.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.fmt import event_note, iso
from bot.rerank import (
    FeatureReranker,
    RankInput,
    Reranker,
    coverage,
    sentence_matches,
    term_weights,
)
from bot.timeparse import Span
from index.dates import day_spans
from index.embed import embed_text
from index.models import Article, Passage

if TYPE_CHECKING:
    import numpy as np

    from index.embed import Embedder
    from index.indexdir import OpenIndex

RRF_K = 60  # the constant of Cormack et al.; dampens the head of each list
# Calibrated with the real model on bench/questions.jsonl and off-topic questions
# (bench/eval.py questions|rtqa cross-validate it): below this nothing is shown.
RELEVANCE_FLOOR = 0.30
# How many candidates get the sentence-level pass, and the coverage weight of the pre-rank
# that picks them (bench/eval.py questions: quality holds while latency falls with the pool).
SENTENCE_PASS = 12
PRERANK_COVERAGE = 0.5
# A passage of the question's background time (``hints``) gains in the pre-rank what it will
# gain in the reranker (FeatureReranker.w_period), so the sentence pass sees it.
PRERANK_PERIOD = 0.5
# Likewise what a source published after the reader's "as of" day loses (FeatureReranker.w_later).
PRERANK_LATER = 1.0

_WORD = re.compile(r"\w+")
_QUOTE = re.compile(r"[\"“]([^\"”]{40,})[\"”]")


# -- fusion -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    passage_id: int
    fused: float  # reciprocal-rank-fusion score
    dense: float  # cosine with the question, for every candidate
    dense_rank: int | None
    keyword_rank: int | None


def fuse(index: OpenIndex, qvec: np.ndarray, dense: Sequence[tuple[int, float]],
         keyword: Sequence[tuple[int, float]]) -> list[Candidate]:
    """The union of both lists by reciprocal rank, best first. Keyword-only hits get their true
    cosine too: the reranker and the relevance floor judge every candidate by it."""
    import numpy as np

    dense_rank = {pid: r for r, (pid, _) in enumerate(dense, 1)}
    keyword_rank = {pid: r for r, (pid, _) in enumerate(keyword, 1)}
    fused: dict[int, float] = {}
    for ranks in (dense_rank, keyword_rank):
        for pid, r in ranks.items():
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + r)
    cosine = dict(dense)
    missing = [pid for pid in fused if pid not in cosine]
    if missing:
        vecs = index.vectors.reconstruct(missing)
        cosine.update(zip(missing, (vecs @ qvec).astype(np.float64).tolist(), strict=True))
    out = [Candidate(pid, f, cosine[pid], dense_rank.get(pid), keyword_rank.get(pid))
           for pid, f in fused.items()]
    out.sort(key=lambda c: (-c.fused, -c.dense))
    return out


# -- rerank and floor ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Scored:
    """A candidate after reranking: everything needed to make it a Hit."""

    passage: Passage
    article: Article
    score: float
    relevance: float  # max of passage and best-sentence cosine: what the floor is judged on
    highlights: tuple[tuple[int, int], ...]
    dense: float


@dataclass(frozen=True)
class Ranker:
    """The model-bound half of ranking: the embedder (for sentences) and the reranker."""

    embedder: Embedder
    reranker: Reranker = FeatureReranker()

    def score(self, index: OpenIndex, qvec: np.ndarray, text: str, cands: Sequence[Candidate], *,
              deep: int | None = None, hints: Sequence[Span] = (),
              known_by: dt.date | None = None, floor: float = RELEVANCE_FLOOR) -> list[Scored]:
        """Rerank candidates, best first, dropping those under the relevance ``floor``.

        Only the ``deep`` best by a cheap pre-rank (passage cosine and idf coverage, no model)
        get the sentence pass: embedding every sentence of every candidate is what a question
        costs most. ``hints``: the question's background time (``Query.hints``); ``known_by``:
        the reader's "as of" day, after which a source is ``later`` (``Query.known_by``).
        """
        if not cands:
            return []
        passages = index.store.passages([c.passage_id for c in cands])
        articles = index.store.articles(p.article_id for p in passages.values())
        weights = term_weights(text, index.store.doc_freq, index.manifest.passages)
        cands = [c for c in cands if c.passage_id in passages]

        def later(p: Passage) -> bool:
            return published_after(articles[p.article_id].published, known_by)

        if deep is not None and len(cands) > deep:
            def cheap(c: Candidate) -> float:
                p = passages[c.passage_id]
                return c.dense + PRERANK_COVERAGE * coverage(
                    weights, f"{articles[p.article_id].title}\n{p.text}") + PRERANK_PERIOD * in_period(
                    p, hints, articles[p.article_id].published) - PRERANK_LATER * later(p)
            cands = sorted(cands, key=cheap, reverse=True)[:deep]
        chosen = [passages[c.passage_id] for c in cands]
        texts = [p.text for p in chosen]
        titles = [articles[p.article_id].title for p in chosen]
        own = [c.dense if embed_text(title, t) == t else None
               for c, t, title in zip(cands, texts, titles, strict=True)]
        matches = sentence_matches(self.embedder, qvec, texts, own)
        items = [RankInput(p.text, title, c.dense, c.fused, m,
                           day_spans(p.event_dates, p.timeline_date, p.text),
                           in_period(p, hints, articles[p.article_id].published), later(p))
                 for p, title, c, m in zip(chosen, titles, cands, matches, strict=True)]
        scores = self.reranker.scores(text, items, weights=weights)
        out = []
        for c, m, s in zip(cands, matches, scores, strict=True):
            relevance = max(c.dense, m.best)
            if relevance < floor:
                continue
            p = passages[c.passage_id]
            out.append(Scored(p, articles[p.article_id], s, relevance, m.highlights(), c.dense))
        out.sort(key=lambda x: -x.score)
        return out


def published_after(published: dt.date | None, day: dt.date | None) -> bool:
    """Whether an article published on ``published`` (None: undated) appeared after ``day``
    (the reader's "as of"; None: never)."""
    return day is not None and published is not None and published > day


def in_period(p: Passage, periods: Sequence[Span], published: dt.date | None = None) -> bool:
    """Whether the passage is placed in one of the periods, was published in one, or reports
    an event in one, as the range filter judges (index.filters): an article published before a
    period only names its days as coming."""
    def within(d: dt.date, lo: dt.date | None, hi: dt.date | None) -> bool:
        return (lo is None or lo <= d) and (hi is None or d <= hi)

    for lo, hi in periods:
        if any(d is not None and within(d, lo, hi) for d in (p.timeline_date, published)):
            return True
        if (published is None or lo is None or published >= lo) and any(
                e.date is not None and within(e.date, lo, hi) for e in p.event_dates):
            return True
    return False


# -- near-duplicates ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceRef:
    """Another outlet that carried the same passage (merged as a near-duplicate)."""

    source: str
    title: str
    published: dt.date | None
    passage_id: int
    url: str | None


@dataclass(frozen=True)
class Hit:
    """A shown excerpt: a ranked passage, with the outlets that carried it too."""

    rank: int  # by relevance, 1 = best, whatever order the answer is laid out in
    score: float
    passage: Passage
    article: Article
    highlights: tuple[tuple[int, int], ...]  # spans in passage.text
    also_in: tuple[SourceRef, ...] = ()

    @property
    def timeline_date(self) -> dt.date | None:
        return self.passage.timeline_date

    def to_json(self) -> dict[str, Any]:
        a, p = self.article, self.passage
        return {
            "rank": self.rank, "score": round(self.score, 4), "text": p.text, "title": a.title,
            "source": a.source, "url": a.url, "published": iso(a.published),
            "date_source": a.date_source,
            "event_dates": [{"text": e.text, "date": iso(e.date), "precision": e.precision,
                             "start": e.start, "end": e.end} for e in p.event_dates],
            "timeline_date": iso(p.timeline_date), "event_note": event_note(a, p),
            "quotes": [q.to_json() for q in p.quotes],  # spans in the passage text
            "article_id": p.article_id, "passage_id": p.passage_id, "ordinal": p.ordinal,
            "highlights": [list(span) for span in self.highlights],
            "also_in": [r.source for r in self.also_in],
            "also_in_detail": [{"source": r.source, "title": r.title, "published": iso(r.published),
                                "passage_id": r.passage_id, "url": r.url} for r in self.also_in],
        }


def merge_duplicates(index: OpenIndex, scored: Sequence[Scored], k: int) -> list[Hit]:
    """The k best, each group of near-duplicates kept once; the rest become 'also in' sources."""
    if not scored:
        return []
    vecs = index.vectors.reconstruct([s.passage.passage_id for s in scored])
    sims = vecs @ vecs.T
    kept: list[int] = []
    also: dict[int, list[SourceRef]] = {}
    for i, s in enumerate(scored):
        twin = next((j for j in kept if s.passage.article_id != scored[j].passage.article_id
                     and same_story(s.passage.text, scored[j].passage.text, float(sims[i, j]))),
                    None)
        if twin is not None:
            a = s.article
            also[twin].append(SourceRef(a.source, a.title, a.published, s.passage.passage_id, a.url))
        elif len(kept) < k:
            kept.append(i)
            also[i] = []
    return [Hit(rank=r, score=scored[i].score, passage=scored[i].passage, article=scored[i].article,
                highlights=scored[i].highlights, also_in=tuple(also[i]))
            for r, i in enumerate(kept, 1)]


def near_the_best(hits: Sequence[Hit], gap: float | None) -> list[Hit]:
    """The hits scoring within ``gap`` of the best one (all of them when None), in order."""
    if not hits or gap is None:
        return list(hits)
    least = max(h.score for h in hits) - gap
    return [h for h in hits if h.score >= least]


def same_story(a: str, b: str, cos: float) -> bool:
    """Near-duplicates: almost the same vector, mostly the same words, or one long shared quote."""
    if cos >= 0.95:
        return True
    wa, wb = _shingles(a), _shingles(b)
    if wa and wb and len(wa & wb) / min(len(wa), len(wb)) >= 0.6:
        return True
    qa = {_norm(q) for q in _QUOTE.findall(a)}
    return any(_norm(q) in qa for q in _QUOTE.findall(b))


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + n]) for i in range(max(0, len(words) - n + 1))}
