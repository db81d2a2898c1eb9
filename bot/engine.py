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

from bot.answer import Answer
from bot.attribution import answer_spoken, facet, timeline_spoken
from bot.memo import MemoEmbedder
from bot.rank import Ranker
from bot.rerank import FeatureReranker, Reranker
from bot.roles import name_roles
from bot.timeline import Evidence, Timeline, gather_evidence
from bot.understand import Query, check_dates, check_k, check_order, understand
from index.embed import Embedder, load_embedder
from index.errors import IndexMismatch, TimelineError
from index.indexdir import OpenIndex, open_index
from index.models import Article, Passage


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


class Bot:
    def __init__(self, index: OpenIndex, embedder: Embedder, *,
                 reranker: Reranker | None = None) -> None:
        if embedder.dim != index.manifest.dim:
            raise IndexMismatch(f"{index.path} holds {index.manifest.dim}-dimensional vectors, "
                                f"the model gives {embedder.dim}")
        self.embedder = embedder
        self._memo = MemoEmbedder(embedder)  # the sentence pass re-ranks the same passages often
        self.reranker: Reranker = reranker or FeatureReranker()
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
        if pinned is not None:  # nested: a request inside another
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
        """First and last date in the corpus; "as of" defaults to the last when it is old.

        Computed once per loaded index: it scans every passage's date.
        """
        return self._span

    @property
    def ranker(self) -> Ranker:
        return Ranker(self._memo, self.reranker)

    def understand(self, question: str, *, date_from: dt.date | None = None,
                   date_to: dt.date | None = None, sources: Sequence[str] = (),
                   as_of: dt.date | None = None) -> Query:
        """The question read once; without ``as_of``, against today or the corpus' last date.
        An office named without a name is read as the sources name it (``bot.roles``)."""
        q = understand(question, date_from=date_from, date_to=date_to, sources=sources,
                       as_of=as_of, corpus_last=self._span[1])
        with self.snapshot() as index:
            return name_roles(q, index.store)

    # -- questions --------------------------------------------------------------
    def ask(self, question: str, *, k: int = 8, date_from: dt.date | None = None,
            date_to: dt.date | None = None, sources: Sequence[str] = (),
            order: str = "relevance", as_of: dt.date | None = None,
            speakers: Sequence[str] = (), when: bool | None = None) -> Answer:
        """``speakers``: only passages where one of them speaks (the page's facet); a question
        asking for someone's words is restricted so by itself (``bot.attribution``).
        ``when``: answer with a date (bot/when.py); None: if the question asks "when"."""
        k, order = check_k(k), check_order(order)
        q = self.understand(question, date_from=date_from, date_to=date_to, sources=sources,
                            as_of=as_of)
        with self.snapshot() as index:
            return answer_spoken(index, self.ranker, q, chosen=speakers, k=k, order=order,
                                 when=when)

    # -- timelines ----------------------------------------------------------------
    def timeline(self, topic: str, *, n_dates: int = 8, per_date: int = 2,
                 date_from: dt.date | None = None, date_to: dt.date | None = None,
                 sources: Sequence[str] = (), as_of: dt.date | None = None,
                 speakers: Sequence[str] = ()) -> Timeline:
        n_dates = check_dates(n_dates)
        q = self.understand(topic, date_from=date_from, date_to=date_to, sources=sources,
                            as_of=as_of)
        with self.snapshot() as index:
            return timeline_spoken(index, self.ranker, q, chosen=speakers, n_dates=n_dates,
                                   per_date=per_date)

    def evidence(self, topic: str, *, n_dates: int = 8, date_from: dt.date | None = None,
                 date_to: dt.date | None = None, sources: Sequence[str] = (),
                 as_of: dt.date | None = None) -> Evidence:
        """What a timeline of ``topic`` votes with (the bench studies it)."""
        q = self.understand(topic, date_from=date_from, date_to=date_to, sources=sources,
                            as_of=as_of)
        with self.snapshot() as index:
            return gather_evidence(index, self.embedder, q, n_dates=check_dates(n_dates))

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

    def speakers(self) -> list[tuple[str, int]]:
        """The corpus' most quoted people and how many passages each speaks in."""
        return facet(self._index.store)

    def stats(self) -> CorpusStats:
        index = self._index
        m, (lo, hi) = index.manifest, self._span
        return CorpusStats(m.articles, m.passages, m.dated_articles, m.undated_articles, lo, hi,
                           tuple(index.store.sources()), m.model)

