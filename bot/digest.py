"""A question with a time and no topic ("What happened last week?", "Show me the news from
February"): the articles published then, each by its first passage, spread over the days.

Ranked by similarity to "what happened", such a question would show whichever passages happen
to sound like it, and the relevance floor would drop the rest. Every step here is an indexed
count or lookup on the articles' publication days: a year of a million headlines is as quick
as a week.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.rank import Hit

if TYPE_CHECKING:
    from index.filters import Filter
    from index.indexdir import OpenIndex


def digest(index: OpenIndex, flt: Filter, k: int, *, spread: bool = True
           ) -> tuple[list[Hit], int]:
    """Up to k articles published in the filter's range, on days spread evenly over it from the
    latest back (``spread`` False: the k latest days), every day then round again when it has
    fewer than k; within a day the article with the most passages (the longer story) first.
    Also: how many were published."""
    days = sorted(index.store.published_days(flt), reverse=True)
    total = sum(n for _, n in days)
    if not days:
        return [], 0
    if not spread:
        days = days[:k]
    elif len(days) > k:  # k days evenly spaced, the latest and the earliest among them
        step = (len(days) - 1) / max(k - 1, 1)
        days = [days[round(i * step)] for i in range(k)]
    rounds = -(-k // len(days))  # enough per day to fill k
    queues = [list(reversed(index.store.leads_on(d, flt, min(n, rounds)))) for d, n in days]
    chosen: list[int] = []
    while len(chosen) < k and any(queues):
        for queue in queues:
            if queue and len(chosen) < k:
                chosen.append(queue.pop())
    return hits_of(index, chosen), total


def busiest_days(index: OpenIndex, flt: Filter, n: int, per_day: int
                 ) -> list[tuple[dt.date, int, list[Hit]]]:
    """The n days of the range with the most articles published, oldest first: each with how
    many and the first passages of up to ``per_day`` of them (the longest stories)."""
    days = sorted(index.store.published_days(flt), key=lambda dn: (-dn[1], dn[0]))[:n]
    return [(d, count, hits_of(index, index.store.leads_on(d, flt, per_day)))
            for d, count in sorted(days)]


def hits_of(index: OpenIndex, ids: list[int]) -> list[Hit]:
    """Passages shown as ranked in the given order, with no score and nothing highlighted."""
    passages = index.store.passages(ids)
    articles = index.store.articles({p.article_id for p in passages.values()})
    return [Hit(rank, 0.0, passages[pid], articles[passages[pid].article_id], ())
            for rank, pid in enumerate(ids, 1)]
