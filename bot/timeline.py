"""The timeline of a topic: its most important dates, each with the excerpts that tell it.

Date-wise, as in news timeline summarization (Gholipour Ghalandari & Ifrim 2020): the days
that the most relevant passages are about or mention, counted once per article. Each passage
above the relevance floor votes for its timeline date and the single days it mentions
(MENTION_WEIGHT) and a little for its publication day; an article's vote for a day is the
largest of its passages', so a long article repeating a day does not outvote many articles.

Tuned on the Timeline17 dev topics (now bench/eval.py t17): counting articles, not relevance-
weighted passages, and a deep pool (1500 passages) lifted the mean Date-F1 from 0.58 to 0.67;
weighting by relevance or rank, and a heavier mention weight, were worse.

A topic is often one word ("h1n1", "Lehman"), whose embedding sits far from the passages that
tell the story: few pass the relevance floor and the timeline collapses. So the topic is
expanded first by pseudo-relevance feedback (Rocchio): the query vector moves toward the
centroid of its best relevant passages.

A day the reader gives as "as of" bounds the story: only what was published by then votes, and
the timeline says how much later news it left out (``Evidence.horizon``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.digest import busiest_days
from bot.fmt import human_date, plural
from bot.rank import RELEVANCE_FLOOR, Candidate, Hit, Ranker, merge_duplicates, published_after
from bot.retrieve import hybrid_search, query_vector
from bot.understand import Query
from index.filters import Filter
from index.models import Passage

if TYPE_CHECKING:
    import numpy as np

    from index.embed import Embedder
    from index.indexdir import OpenIndex

# How much each kind of evidence votes for a date, relative to the passage's timeline date.
MENTION_WEIGHT = 1.0
PUBLISHED_WEIGHT = 0.25
# A day after the article appeared is a plan or a forecast, not a report: it may not happen, or
# not then, and scraped pages carry dated sidebars from when they were crawled (32 of egypt's
# 2011 articles "mention" Feb 11, 2013). Lifted Date-F1 on the dev topics 0.666 -> 0.673
# (written queries) and 0.630 -> 0.661 (queries from the corpus). 0 scored 0.689 and 0.661 (one
# h1n1 day more), but then an announced day ("a meeting in Alaska on August 15") could never
# fill a timeline with room for it.
PLANNED_WEIGHT = 0.1
# How many relevant passages vote: at least this many, and more for longer timelines.
MIN_CANDIDATES = 1500
CANDIDATES_PER_DATE = 25
# Pseudo-relevance feedback: how many of the best relevant passages, and the weight of their
# centroid against the query. On the dev topics it lifted one-word topics ("finan" 0.10 -> 0.51
# Date-F1, "h1n1" 0.29 -> 0.52) and cost the full topic queries 0.67 -> 0.66.
FEEDBACK_PASSAGES = 20
FEEDBACK_WEIGHT = 2.0


@dataclass(frozen=True)
class TimelineDate:
    date: dt.date
    score: float
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class Timeline:
    topic: str
    dates: tuple[TimelineDate, ...]
    understood: str | None = None
    as_of: dt.date | None = None
    read_as: str | None = None  # the "read as" line, as in an answer
    message: str | None = None  # e.g. that a speaker restriction was dropped

    def to_json(self) -> dict[str, Any]:
        return {"topic": self.topic, "understood": self.understood, "read_as": self.read_as,
                "message": self.message,
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "dates": [{"date": d.date.isoformat(), "score": round(d.score, 4),
                           "passages": [h.to_json() for h in d.hits]} for d in self.dates]}


@dataclass(frozen=True)
class Voter:
    """A retrieved passage above the relevance floor, with its article's publication day."""

    candidate: Candidate
    passage: Passage
    published: dt.date | None


@dataclass(frozen=True)
class Evidence:
    """What a timeline is chosen from: the topic as read, its range, and the passages voting."""

    topic: str
    understood: str | None
    text: str  # the topic without its time words, as searched
    qvec: np.ndarray  # the expanded topic vector
    lo: dt.date | None
    hi: dt.date | None
    voters: tuple[Voter, ...]
    # The reader's "as of" day (Query.known_by): the passages published after it that were
    # left out, or True in ``beyond`` when nothing published by then was relevant and they vote.
    left_out: int = 0
    beyond: bool = False

    def horizon(self, day: dt.date | None) -> str | None:
        """What the "as of" day did to the timeline, in words; None when it did nothing."""
        if day is None:
            return None
        if self.beyond:
            return (f"nothing published by {human_date(day)}, the 'as of' day, is about this: "
                    "the timeline is built from later sources")
        if self.left_out:
            return (f"built from what was published by {human_date(day)}, the 'as of' day: "
                    f"{plural(self.left_out, 'later passage')} left out")
        return None

    def votes(self) -> dict[dt.date, float]:
        """Each day's vote. Every relevant passage votes alike: above the floor, relevance
        weighting only hurt. A day outside the range that a passage inside it mentions or was
        published on is not the timeline's to show."""
        votes = vote_dates([(v.passage, v.published, 1.0) for v in self.voters])
        return {day: s for day, s in votes.items()
                if (self.lo is None or day >= self.lo) and (self.hi is None or day <= self.hi)}

    def top_days(self, n: int, scores: dict[dt.date, float] | None = None
                 ) -> list[tuple[dt.date, float]]:
        """The n best days by ``scores`` (the votes unless given), oldest first."""
        return top_dates(self.votes() if scores is None else scores, n, self.relevance())

    def relevance(self) -> dict[dt.date, float]:
        """Each day's most relevant evidence: the tie-break among equal votes, common among
        days few articles mention."""
        best: dict[dt.date, float] = defaultdict(float)
        for v in self.voters:
            for day in voted_days(v.passage, v.published):
                best[day] = max(best[day], v.candidate.dense)
        return dict(best)


def gather_evidence(index: OpenIndex, embedder: Embedder, q: Query, *, n_dates: int = 8
                    ) -> Evidence:
    """The passages a timeline of n dates votes with, all from one snapshot of the index."""
    qvec = query_vector(embedder, q.text)
    if q.no_overlap:
        return Evidence(q.question, q.understood, q.text, qvec, q.date_from, q.date_to, ())
    flt = q.filter()
    qvec = expand_topic(index, qvec, q.text, flt, known_by=q.known_by)
    cands = [c for c in hybrid_search(index, qvec, q.text, flt, pool=voting_pool(n_dates))
             if c.dense >= RELEVANCE_FLOOR]
    passages = index.store.passages([c.passage_id for c in cands])
    articles = index.store.articles(p.article_id for p in passages.values())
    voters = tuple(Voter(c, passages[c.passage_id],
                         articles[passages[c.passage_id].article_id].published) for c in cands)
    # A day the reader gave as "as of": the story as it could be read then. Later sources are
    # left out (said so), unless nothing from before is relevant.
    left_out, beyond = 0, False
    if q.known_by is not None:
        by_then = tuple(v for v in voters if not published_after(v.published, q.known_by))
        if by_then:
            left_out, voters = len(voters) - len(by_then), by_then
        else:
            beyond = bool(voters)
    return Evidence(q.question, q.understood, q.text, qvec, q.date_from, q.date_to, voters,
                    left_out, beyond)


def build_timeline(index: OpenIndex, ranker: Ranker, q: Query, *, n_dates: int = 8,
                   per_date: int = 2) -> Timeline:
    """The n most important dates for a topic, oldest first, each with its best excerpts.
    No topic ("last week", "news"): the n days of that time (or any) with the most articles."""
    if q.topicless and not q.speakers:
        days = busiest_days(index, q.filter(), n_dates, per_date)
        return Timeline(q.question, tuple(TimelineDate(d, float(n), tuple(hits))
                                          for d, n, hits in days),
                        q.understood, q.as_of, q.read_as,
                        f"no topic: the {plural(len(days), 'day')} "
                        + ("of that time " if q.dated else "")
                        + "with the most articles published, each by the first passages of its "
                        "longest")
    ev = gather_evidence(index, ranker.embedder, q, n_dates=n_dates)
    dates = []
    for day, score in ev.top_days(n_dates):
        about = [v for v in ev.voters if v.passage.timeline_date == day] or [
            v for v in ev.voters if any(e.date == day for e in v.passage.event_dates)]
        about.sort(key=lambda v: -v.candidate.dense)
        scored = ranker.score(index, ev.qvec, ev.text, [v.candidate for v in about[: 3 * per_date]])
        dates.append(TimelineDate(day, score, tuple(merge_duplicates(index, scored, per_date))))
    return Timeline(ev.topic, tuple(d for d in dates if d.hits), ev.understood, q.as_of, q.read_as,
                    ev.horizon(q.known_by))


def voting_pool(n_dates: int) -> int:
    """How many candidates a timeline of n dates reads before the relevance floor."""
    return max(MIN_CANDIDATES, CANDIDATES_PER_DATE * n_dates)


def expand_topic(index: OpenIndex, qvec: np.ndarray, text: str, flt: Filter, *,
                 known_by: dt.date | None = None) -> np.ndarray:
    """The query vector moved toward the centroid of its best relevant passages.

    Seeds must pass the relevance floor or match the topic's words, so a topic the corpus does
    not cover is not dragged onto whatever happens to be nearest; without seeds it is unchanged.
    With the reader's "as of" day, the seeds published by then, when there are any: later news
    would pull the topic toward what came after.
    """
    import numpy as np

    seeds = [c.passage_id for c in hybrid_search(index, qvec, text, flt)
             if c.dense >= RELEVANCE_FLOOR or c.keyword_rank is not None]
    if known_by is not None and seeds:
        passages = index.store.passages(seeds)
        published = {a.article_id: a.published
                     for a in index.store.articles(p.article_id for p in passages.values()).values()}
        seeds = [s for s in seeds if not published_after(
            published[passages[s].article_id], known_by)] or seeds
    seeds = seeds[:FEEDBACK_PASSAGES]
    if not seeds:
        return qvec
    centroid = index.vectors.reconstruct(seeds).mean(axis=0)
    moved = qvec + FEEDBACK_WEIGHT * centroid / np.linalg.norm(centroid)
    return (moved / np.linalg.norm(moved)).astype(np.float32)


def voted_days(p: Passage, published: dt.date | None) -> dict[dt.date, float]:
    """The days a passage votes for, each with the weight of the strongest kind of evidence:
    1 for its timeline date, MENTION_WEIGHT for another single day it mentions (PLANNED_WEIGHT
    if that day comes after the publication day), PUBLISHED_WEIGHT for its publication day."""
    mine: dict[dt.date, float] = {}
    if published:
        mine[published] = PUBLISHED_WEIGHT
    for e in p.event_dates:
        if e.date and e.precision == "day":
            weight = PLANNED_WEIGHT if published and e.date > published else MENTION_WEIGHT
            mine[e.date] = max(mine.get(e.date, 0.0), weight)
    if p.timeline_date:
        mine[p.timeline_date] = 1.0
    return mine


def vote_dates(passages: Sequence[tuple[Passage, dt.date | None, float]]) -> dict[dt.date, float]:
    """(passage, its article's publication date, weight) -> score per day.

    A passage votes its weight times ``voted_days``; each article adds its best passage's vote
    per day once.
    """
    best: dict[tuple[str, dt.date], float] = {}
    for p, published, w in passages:
        for day, kind in voted_days(p, published).items():
            key = (p.article_id, day)
            best[key] = max(best.get(key, 0.0), kind * w)
    votes: dict[dt.date, float] = defaultdict(float)
    for (_, day), v in best.items():
        votes[day] += v
    return dict(votes)


def top_dates(votes: dict[dt.date, float], n: int, relevance: dict[dt.date, float] | None = None
              ) -> list[tuple[dt.date, float]]:
    """The n best-voted days, oldest first; a tie goes to the day with the more relevant
    evidence, then to the earlier day."""
    rel = relevance or {}
    best = sorted(votes.items(), key=lambda kv: (-kv[1], -rel.get(kv[0], 0.0), kv[0]))[:n]
    return sorted(best)
