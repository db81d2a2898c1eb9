"""Dates and counts in words, as every answer and page shows them."""

from __future__ import annotations

import datetime as dt

from index.models import Article, Passage


def human_date(d: dt.date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else "undated"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def event_note(article: Article, passage: Passage) -> str | None:
    """'15 Aug 2025 — "on August 15"' when the passage is about a day other than its publication."""
    if passage.timeline_date is None or passage.timeline_date == article.published:
        return None
    for e in passage.event_dates:
        if e.date == passage.timeline_date:
            return f"{human_date(e.date)} — “{e.text}”"
    return None
