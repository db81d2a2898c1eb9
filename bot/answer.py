"""Step 4 of a question: the answer, dated excerpts in relevance or time order.

``answer`` runs the pipeline on one index snapshot: retrieve, rank, merge near-duplicates,
and count what a date range set aside for lack of a date. ``Answer.to_json`` is the contract
of ``python -m bot ask --json`` and of the app's ``/search``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot.digest import digest
from bot.fmt import human_date, iso, plural
from bot.rank import (
    RELEVANCE_FLOOR,
    SENTENCE_PASS,
    Hit,
    Ranker,
    Scored,
    SourceRef,
    merge_duplicates,
    near_the_best,
    published_after,
)
from bot.retrieve import Candidate, hybrid_search, query_vector
from bot.timeparse import combine_ranges
from bot.understand import ORDERS, Order, Query
from bot.when import VOTERS, DateAnswer, asks_ahead, date_answer, is_when_question, spread_days
from index.filters import Filter

if TYPE_CHECKING:
    import numpy as np

    from index.indexdir import OpenIndex

# Each list's depth, and how many of their fusion the reranker scores.
POOL = 60
CANDIDATES = 30
# When nothing in the question's own time ("this week") reaches the relevance floor, weaker
# matches from that time are shown before the best of any date: the reader asked about that
# time. Chosen by 5-fold cross-validation on the RealTimeQA questions that fell back
# (bench/eval.py rtqa, bench/README.md).
RANGE_FLOOR = 0.15

__all__ = ["ORDERS", "Answer", "Hit", "Order", "SourceRef", "answer", "ordered", "reordered"]


@dataclass(frozen=True)
class Answer:
    query: str
    search_text: str  # the question with its time words taken out
    date_from: dt.date | None
    date_to: dt.date | None
    sources: tuple[str, ...]
    order: Order
    understood: str | None  # what was read from the question, in words
    hits: tuple[Hit, ...]
    undated_set_aside: int = 0  # matching passages left out by a date range for lack of a date
    message: str | None = None  # e.g. "no relevant passages"
    as_of: dt.date | None = None  # what relative time words were read against
    read_as: str | None = None  # the "read as" line: understood, and the as-of day if it mattered
    date_answer: DateAnswer | None = None  # a "when" question's date (bot/when.py)
    fell_back: bool = False  # the date range left nothing relevant: these are from any date
    weak: bool = False  # nothing in the question's time reached the floor: weaker matches from it
    asked: int = 0  # k: fewer hits than this means the rest fell below the relevance floor
    reports_to: dt.date | None = None  # the period's reports searched up to this day
    reports_from: dt.date | None = None  # a coming period's announcements searched from this day
    reports_before: bool = False  # a period spoken of as ahead: any earlier report searched too
    # shown hits published after the "as of" day the reader gave: they ranked lower, and are
    # here only for want of as relevant ones from before it (Query.known_by)
    published_later: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "filters": {"from": iso(self.date_from), "to": iso(self.date_to),
                        "reports_from": iso(self.reports_from), "reports_to": iso(self.reports_to),
                        "reports_before": self.reports_before,
                        "sources": list(self.sources)},
            "understood": self.understood, "read_as": self.read_as, "as_of": iso(self.as_of),
            "order": self.order, "summary": self.summary(),
            "undated_set_aside": self.undated_set_aside, "message": self.message,
            "date_answer": self.date_answer.to_json() if self.date_answer else None,
            "fell_back": self.fell_back, "weak": self.weak, "asked": self.asked,
            "published_later": self.published_later,
            "results": [h.to_json() for h in self.hits],
        }

    def summary(self) -> str:
        """One line: '7 passages from 3 articles, 19 Feb 2025 – 12 Aug 2025 · 1 undated'."""
        if not self.hits:
            return self.message or "no relevant passages"
        articles = {h.passage.article_id for h in self.hits}
        dates = sorted(d for h in self.hits if (d := h.timeline_date))
        undated = sum(1 for h in self.hits if h.timeline_date is None)
        line = f"{plural(len(self.hits), 'passage')} from {plural(len(articles), 'article')}"
        if dates:
            span = human_date(dates[0]) if dates[0] == dates[-1] else \
                f"{human_date(dates[0])} – {human_date(dates[-1])}"
            line += f", {span}"
        if undated:
            line += f" · {undated} undated"
        if self.undated_set_aside:
            line += f" · {self.undated_set_aside} undated set aside by the date range"
        if self.published_later and self.as_of:
            line += (f" · {self.published_later} published after {human_date(self.as_of)}, "
                     "the 'as of' day, ranked lower")
        if len(self.hits) < self.asked:
            line += f" · fewer than the {self.asked} asked: no other passage was relevant enough"
        return line


def answer(index: OpenIndex, ranker: Ranker, q: Query, *, k: int = 8,
           order: Order = "relevance", when: bool | None = None,
           range_floor: float = RANGE_FLOOR) -> Answer:
    """The k best excerpts for an understood question; call it on one snapshot of the index.
    ``when``: whether to answer with a date; None: when the question asks "when".
    ``range_floor``: the relevance floor of the question's own time when nothing in it
    reaches the usual one (``RANGE_FLOOR``; a parameter for bench/eval.py's grid)."""
    base = dict(query=q.question, search_text=q.text, date_from=q.date_from, date_to=q.date_to,
                sources=q.sources, order=order, understood=q.understood, as_of=q.as_of,
                read_as=q.read_as, reports_to=q.reports_to, reports_from=q.reports_from,
                reports_before=q.reports_before)
    if q.no_overlap:
        return Answer(**base, hits=(), message=(
            f"the time in the question ({q.understood}) and the date filter do not overlap"))
    if q.topicless and not q.speakers:  # a facet's speakers want their words
        hits, n = digest(index, q.filter(), k, spread=q.dated)
        # "that time": the read-as line's, its reports' days included
        message = ((f"no topic in the question: {len(hits)} of the {plural(n, 'article')} "
                    "published in that time, each by its first passage, spread over the days")
                   if q.dated else
                   (f"no topic or time in the question: the latest {len(hits)} of the {n} dated "
                    "articles, each by its first passage, one a day from the last day back"))
        # every article of that time was a candidate: nothing fell below a floor
        return Answer(**base, hits=ordered(hits, order), asked=len(hits),
                      message=message if hits else "no articles published in that time")
    qvec = query_vector(ranker.embedder, q.text)
    asks_when = is_when_question(q.question) if when is None else when
    # a "when" answer votes over VOTERS passages and spreads its excerpts' days over them: each
    # is scored as deeply as the first k (the depth bench/eval.py t17 chose the rules at)
    depth = max(k, VOTERS) if asks_when else k
    pool = max(POOL, 6 * depth)

    def scored(flt: Filter, floor: float) -> list[Scored]:
        cands = hybrid_search(index, qvec, q.text, flt, pool=pool)[:max(CANDIDATES, 3 * depth)]
        cands += hinted(index, qvec, q, flt, {c.passage_id for c in cands}, pool=pool,
                        depth=depth)
        return ranker.score(index, qvec, q.text, cands, deep=max(SENTENCE_PASS, depth + 4),
                            hints=q.hints, known_by=q.known_by, floor=floor)

    def merged(found: Sequence[Scored]) -> list[Hit]:
        return merge_duplicates(index, found, max(k, VOTERS))  # "when" votes look deeper

    wider = q.fallback_filter()
    # scored once down to the question's own time's floor; the usual floor cuts what is shown
    own = scored(q.filter(), min(range_floor, RELEVANCE_FLOOR) if wider else RELEVANCE_FLOOR)
    voters = merged([s for s in own if s.relevance >= RELEVANCE_FLOOR])
    weak = not voters and bool(own)  # nothing relevant enough in the question's time
    if weak:
        voters = merged(own)
    fell_back = False
    if not voters and wider is not None:  # soft before hard: the best of any date
        voters = merged(scored(wider, RELEVANCE_FLOOR))
        fell_back = bool(voters)
    day = date_answer(voters, gap=ranker.reranker.first_gap,
                      ahead=asks_ahead(q.question)) if asks_when else None
    near = near_the_best(voters, ranker.reranker.gap)
    hits = (spread_days(near, day, ranker.reranker.spread) if asks_when else near)[:k]
    set_aside = undated_matches(index, qvec, q, pool=pool) if q.dated and not fell_back else 0
    message = None if hits else "no relevant passages" + (
        " in that date range" if q.dated else "") + (" from those sources" if q.sources else "")
    if fell_back:
        message = (f"nothing relevant in {q.understood or 'that date range'}: "
                   "showing the best passages from any date")
    if weak:
        message = (f"only weak matches in {q.understood or 'that date range'}: "
                   "none reached the usual relevance")
    later = sum(published_after(h.article.published, q.known_by) for h in hits)
    return Answer(**base, hits=ordered(hits, order), undated_set_aside=set_aside, message=message,
                  date_answer=day, fell_back=fell_back, weak=weak, asked=k, published_later=later)


def hinted(index: OpenIndex, qvec: np.ndarray, q: Query, flt: Filter, seen: set[int], *,
           pool: int, depth: int) -> list[Candidate]:
    """The best ``depth`` candidates of each background period of the question ("Tuesday's
    debate", "who died this week") not already among ``seen``: a hint ranks a passage of that
    time higher, and here makes sure there is one to rank, however many other times' passages
    sound alike. So, with an "as of" day the reader gave, for the passages placed by then: a
    later source ranks lower. Within ``flt``; nothing is filtered out."""
    out: list[Candidate] = []
    periods = [(lo, hi, True) for lo, hi in q.hints]
    if q.known_by is not None:  # by timeline day: a later report of an earlier event is later
        periods.append((None, q.known_by, False))
    for lo, hi, hint in periods:
        lo, hi = combine_ranges(lo, hi, flt.date_from, flt.date_to)
        if lo and hi and lo > hi:
            continue
        inside = replace(flt, date_from=lo, date_to=hi, events=hint)
        # "By the as-of day" is most of a corpus: a keyword search under so wide a filter
        # joins every match to its row (65 ms a question at 1.15M passages); FAISS does not
        for c in hybrid_search(index, qvec, q.text, inside, pool=pool, keyword=hint)[:depth]:
            if c.passage_id not in seen:
                seen.add(c.passage_id)
                out.append(c)
    return out


def undated_matches(index: OpenIndex, qvec: np.ndarray, q: Query, *, pool: int) -> int:
    """How many relevant passages a date range left out only because they have no date.

    Judged on passage cosine alone: a count does not need the sentence-level pass.
    """
    cands = hybrid_search(index, qvec, q.text, Filter(sources=q.sources, undated=True,
                                                      speakers=q.speakers), pool=pool)
    return sum(c.dense >= RELEVANCE_FLOOR for c in cands)


def ordered(hits: Sequence[Hit], order: Order) -> tuple[Hit, ...]:
    """Relevance, or oldest first with undated last (each group keeps relevance order)."""
    if order == "relevance":
        return tuple(sorted(hits, key=lambda h: h.rank))
    dated = sorted((h for h in hits if h.timeline_date), key=lambda h: (h.timeline_date, h.rank))
    return tuple(dated) + tuple(h for h in hits if h.timeline_date is None)


def reordered(result: Answer, order: Order) -> Answer:
    return replace(result, order=order, hits=ordered(result.hits, order))
