"""The bot: one loaded index and model, answering questions and building timelines.

The model is loaded once per process; ``reload`` swaps in a new index after an update, and
each request runs on one ``snapshot``: FAISS vectors and SQLite rows of the same generation.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answer import Answer, Hit, SourceRef, ordered
from bot.query import Request, validate
from bot.rank import (
    FeatureReranker,
    RankInput,
    Reranker,
    coverage,
    same_story,
    sentence_matches,
    term_weights,
)
from bot.retrieve import Candidate, hybrid_search
from index.build import embed_text
from index.dates import day_spans
from index.embed import Embedder, load_embedder
from index.errors import IndexMismatch, TimelineError
from index.indexdir import OpenIndex, open_index
from index.models import Article, Passage
from index.store import Filter

if TYPE_CHECKING:
    import numpy as np

    from bot.timeline import Timeline

# Calibrated with the real model on bench/questions.jsonl and off-topic questions
# (bench/quality.py prints both score distributions): below this nothing is shown.
RELEVANCE_FLOOR = 0.30
# How many candidates get the sentence-level pass, and the coverage weight of the pre-rank
# that picks them (bench/quality.py: quality holds while latency falls with the pool).
SENTENCE_PASS = 12
PRERANK_COVERAGE = 0.5


@dataclass(frozen=True)
class CorpusStats:
    articles: int
    passages: int
    dated_articles: int
    undated_articles: int
    first_date: dt.date | None
    last_date: dt.date | None
    sources: tuple[str, ...]
    model: str


@dataclass(frozen=True)
class Context:
    """A passage with its neighbours in the article, for reading around an excerpt."""

    article: Article
    passage: Passage
    before: Passage | None
    after: Passage | None


@dataclass(frozen=True)
class Scored:
    """A candidate after reranking: everything needed to make it a Hit."""

    passage: Passage
    article: Article
    score: float
    relevance: float  # max of passage and best-sentence cosine: what the floor is judged on
    highlights: tuple[tuple[int, int], ...]
    dense: float


class Bot:
    def __init__(self, index: OpenIndex, embedder: Embedder, *,
                 reranker: Reranker | None = None) -> None:
        if embedder.dim != index.manifest.dim:
            raise IndexMismatch(f"{index.path} holds {index.manifest.dim}-dimensional vectors, "
                                f"the model gives {embedder.dim}")
        self.embedder = embedder
        self.reranker = reranker or FeatureReranker()
        self._index = index
        self._span = index.store.date_span()
        self._reload_lock = threading.Lock()
        self._pinned = threading.local()  # the snapshot a request on this thread runs on

    @classmethod
    def load(cls, index_dir: str | Path, *, model: str | None = None,
             reranker: Reranker | None = None) -> Bot:
        index = open_index(Path(index_dir), model=model)
        m = index.manifest
        # queries go through the route the index was embedded with, so they match its vectors
        return cls(index, load_embedder(model or m.model, route=m.embedding_route),
                   reranker=reranker)

    @property
    def index(self) -> OpenIndex:
        """Inside ``snapshot``, the pinned index; otherwise the latest loaded."""
        return getattr(self._pinned, "index", None) or self._index

    def reload(self, *, unless_at: int | None = None) -> None:
        """Pick up a committed update; searches already running finish on the old state."""
        with self._reload_lock:
            if unless_at is not None and self._index.manifest.generation == unless_at:
                return  # another thread caught up already
            index = open_index(self._index.path, model=self.embedder.name)
            self._span = index.store.date_span()
            self._index = index

    @contextmanager
    def snapshot(self) -> Iterator[OpenIndex]:
        """One request's view of the index: SQLite read in one transaction whose generation is
        that of the loaded FAISS file. A build commits SQLite after writing its new FAISS file,
        so a request starting between that commit and ``reload`` would otherwise see passages
        its vectors lack (or the reverse); it catches up first."""
        pinned = getattr(self._pinned, "index", None)
        if pinned is not None:  # nested: timeline -> score
            yield pinned
            return
        for _ in range(3):
            index = self._index
            with index.store.read_snapshot() as generation:
                if generation == index.manifest.generation:
                    self._pinned.index = index
                    try:
                        yield index
                    finally:
                        self._pinned.index = None
                    return
            self.reload(unless_at=generation)
        raise TimelineError("the index is being updated faster than it can be read; try again")

    @property
    def date_span(self) -> tuple[dt.date | None, dt.date | None]:
        """First and last date in the corpus; the last is what "last week" is relative to.

        Computed once per loaded index: it scans every passage's date.
        """
        return self._span

    # -- questions --------------------------------------------------------------
    def ask(self, question: str, *, k: int = 8, date_from: dt.date | None = None,
            date_to: dt.date | None = None, sources: Sequence[str] = (),
            order: str = "relevance", as_of: dt.date | None = None) -> Answer:
        req = validate(question, k=k, date_from=date_from, date_to=date_to,
                       sources=tuple(sources), order=order)
        with self.snapshot() as index:
            return self._ask(index, req, as_of)

    def _ask(self, index: OpenIndex, req: Request, as_of: dt.date | None) -> Answer:
        from bot.timeparse import combine_ranges, parse_time

        as_of = as_of or self._span[1]
        tq = parse_time(req.question, as_of=as_of)
        lo, hi = combine_ranges(tq.date_from, tq.date_to, req.date_from, req.date_to)
        text = tq.text.strip() or req.question
        base = dict(query=req.question, search_text=text, date_from=lo, date_to=hi,
                    sources=req.sources, order=req.order, understood=tq.understood)
        if lo and hi and lo > hi:
            return Answer(**base, hits=(), message=(
                f"the time in the question ({tq.understood}) and the date filter do not overlap"))
        flt = Filter(lo, hi, req.sources)
        qvec = self.embedder.embed([text])[0]
        scored = self._rank(index, qvec, text, flt, pool=max(60, 6 * req.k),
                            rerank=max(30, 3 * req.k), deep=max(SENTENCE_PASS, req.k + 4))
        hits = merge_duplicates(index, scored, req.k)
        set_aside = self._undated_matches(index, qvec, text, req) if (lo or hi) else 0
        message = None if hits else "no relevant passages" + (
            " in that date range" if (lo or hi) else "") + (" from those sources" if req.sources else "")
        return Answer(**base, hits=ordered(hits, req.order), undated_set_aside=set_aside,
                      message=message)

    def _rank(self, index: OpenIndex, qvec: np.ndarray, text: str, flt: Filter, *, pool: int,
              rerank: int, deep: int | None = None) -> list[Scored]:
        cands = hybrid_search(index, qvec, text, flt, pool=pool)[:rerank]
        return self.score(index, qvec, text, cands, deep=deep)

    def score(self, index: OpenIndex, qvec: np.ndarray, text: str, cands: Sequence[Candidate], *,
              deep: int | None = None) -> list[Scored]:
        """Rerank candidates; only the ``deep`` best by a cheap pre-rank get the sentence pass.

        Embedding every sentence of every candidate is what a question costs most; the pre-rank
        (passage cosine and idf coverage, no model) keeps that to a dozen passages.
        """
        if not cands:
            return []
        passages = index.store.passages([c.passage_id for c in cands])
        articles = index.store.articles(p.article_id for p in passages.values())
        weights = term_weights(text, index.store.doc_freq, index.manifest.passages)
        cands = [c for c in cands if c.passage_id in passages]
        if deep is not None and len(cands) > deep:
            def cheap(c: Candidate) -> float:
                p = passages[c.passage_id]
                return c.dense + PRERANK_COVERAGE * coverage(
                    weights, f"{articles[p.article_id].title}\n{p.text}")
            cands = sorted(cands, key=cheap, reverse=True)[:deep]
        chosen = [passages[c.passage_id] for c in cands]
        texts = [p.text for p in chosen]
        titles = [articles[p.article_id].title for p in chosen]
        own = [c.dense if embed_text(title, t) == t else None
               for c, t, title in zip(cands, texts, titles, strict=True)]
        matches = sentence_matches(self.embedder, qvec, texts, own)
        items = [RankInput(p.text, title, c.dense, c.fused, m,
                           day_spans(p.event_dates, p.timeline_date, p.text))
                 for p, title, c, m in zip(chosen, titles, cands, matches, strict=True)]
        scores = self.reranker.scores(text, items, weights=weights)
        out = []
        for c, m, s in zip(cands, matches, scores, strict=True):
            relevance = max(c.dense, m.best)
            if relevance < RELEVANCE_FLOOR:
                continue
            p = passages[c.passage_id]
            out.append(Scored(p, articles[p.article_id], s, relevance, m.highlights(), c.dense))
        out.sort(key=lambda x: -x.score)
        return out

    def _undated_matches(self, index: OpenIndex, qvec: np.ndarray, text: str, req: Request) -> int:
        """How many relevant passages a date range left out only because they have no date.

        Judged on passage cosine alone: a count does not need the sentence-level pass.
        """
        cands = hybrid_search(index, qvec, text, Filter(sources=req.sources, undated=True),
                              pool=max(60, 6 * req.k))
        return sum(c.dense >= RELEVANCE_FLOOR for c in cands)

    # -- timelines ----------------------------------------------------------------
    def timeline(self, topic: str, *, n_dates: int = 8, per_date: int = 2,
                 date_from: dt.date | None = None, date_to: dt.date | None = None,
                 sources: Sequence[str] = ()) -> Timeline:
        from bot.timeline import build_timeline

        with self.snapshot():
            return build_timeline(self, topic, n_dates=n_dates, per_date=per_date,
                                  date_from=date_from, date_to=date_to, sources=sources)

    # -- reading around -----------------------------------------------------------
    def context(self, passage_id: int) -> Context | None:
        with self.snapshot() as index:
            store = index.store
            found = store.passages([passage_id]).get(passage_id)
            if found is None:
                return None
            before, after = store.neighbours(passage_id)
            article = store.articles([found.article_id])[found.article_id]
            return Context(article, found, before, after)

    def stats(self) -> CorpusStats:
        index = self._index
        m, (lo, hi) = index.manifest, self._span
        return CorpusStats(m.articles, m.passages, m.dated_articles, m.undated_articles, lo, hi,
                           tuple(index.store.sources()), m.model)


def merge_duplicates(index: OpenIndex, scored: Sequence[Scored], k: int) -> list[Hit]:
    """Keep the best of each group of near-duplicates; the rest become 'also in' sources."""
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
