"""The timeline of a topic: its most important dates, each with the excerpts that tell it.

Date-wise, as in news timeline summarization: retrieved passages vote for the day they are
about, the days they mention and the day they were published, weighted by relevance.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.answer import Hit, human_date
from index.models import Passage

# How much each kind of evidence votes for a date, relative to the passage's timeline date.
MENTION_WEIGHT = 0.5
PUBLISHED_WEIGHT = 0.25


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

    def to_json(self) -> dict[str, Any]:
        return {"topic": self.topic, "understood": self.understood,
                "dates": [{"date": d.date.isoformat(), "score": round(d.score, 4),
                           "passages": [h.to_json() for h in d.hits]} for d in self.dates]}


def vote_dates(passages: Sequence[tuple[Passage, dt.date | None, float]]) -> dict[dt.date, float]:
    """(passage, its article's publication date, weight) -> score per day."""
    votes: dict[dt.date, float] = defaultdict(float)
    for p, published, w in passages:
        if p.timeline_date:
            votes[p.timeline_date] += w
        for day in {e.date for e in p.event_dates if e.date and e.precision == "day"} - {p.timeline_date}:
            votes[day] += MENTION_WEIGHT * w
        if published and published != p.timeline_date:
            votes[published] += PUBLISHED_WEIGHT * w
    return dict(votes)


def top_dates(votes: dict[dt.date, float], n: int) -> list[tuple[dt.date, float]]:
    best = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return sorted(best)


def render_timeline(tl: Timeline) -> str:
    import textwrap

    lines = [f"Timeline: {tl.topic}" + (f"  (read as: {tl.understood})" if tl.understood else "")]
    if not tl.dates:
        lines.append("no dated passages on this topic")
    for d in tl.dates:
        lines.append(f"\n{human_date(d.date)}  (score {d.score:.2f})")
        for h in d.hits:
            lines.append(f"   {h.article.source} — {h.article.title}")
            lines.extend(textwrap.wrap(h.passage.text, width=96, initial_indent="     ",
                                       subsequent_indent="     "))
    return "\n".join(lines)
