"""A question with a time and no topic ("What happened last week?", "Show me the news from
February"): the articles of that time, one excerpt each, spread over its days.

Ranked by similarity to "what happened", such a question would show whichever passages happen
to sound like it, and the relevance floor would drop the rest.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.rank import Hit

if TYPE_CHECKING:
    from index.filters import Filter
    from index.indexdir import OpenIndex


@dataclass(frozen=True)
class Days:
    """The articles in a range by day, each as the first passage it has there; within a day
    the article with the most passages in range (the longer story) first."""

    by_day: dict[dt.date | None, list[int]]  # latest day first, undated last
    articles: int


def articles_by_day(index: OpenIndex, flt: Filter) -> Days:
    first: dict[str, tuple[int, int, str | None]] = {}  # article -> (ordinal, passage id, day)
    size: dict[str, int] = defaultdict(int)
    for pid, aid, ordinal, day in index.store.placed_in(flt):
        size[aid] += 1
        if aid not in first or ordinal < first[aid][0]:
            first[aid] = (ordinal, pid, day)
    grouped: dict[str | None, list[tuple[int, str, int]]] = defaultdict(list)
    for aid, (_, pid, day) in first.items():
        grouped[day].append((-size[aid], aid, pid))
    order = sorted(grouped, key=lambda d: d or "", reverse=True)
    return Days({(dt.date.fromisoformat(d) if d else None): [pid for *_, pid in sorted(grouped[d])]
                 for d in order}, len(first))


def digest(index: OpenIndex, flt: Filter, k: int) -> tuple[list[Hit], int]:
    """Up to k articles in the filter's range, one per day from the latest day back, then
    round again; and how many articles are in range."""
    days = articles_by_day(index, flt)
    queues = [list(reversed(ids)) for ids in days.by_day.values()]
    chosen: list[int] = []
    while len(chosen) < k and any(queues):
        for queue in queues:
            if queue and len(chosen) < k:
                chosen.append(queue.pop())
    return hits_of(index, chosen), days.articles


def hits_of(index: OpenIndex, ids: list[int]) -> list[Hit]:
    """Passages shown as ranked in the given order, with no score and nothing highlighted."""
    passages = index.store.passages(ids)
    articles = index.store.articles({p.article_id for p in passages.values()})
    return [Hit(rank, 0.0, passages[pid], articles[passages[pid].article_id], ())
            for rank, pid in enumerate(ids, 1)]
