"""Dates and counts in words, as every answer and page shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from index.models import Article, Passage


def human_date(d: dt.date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else "undated"


def iso(d: dt.date | None) -> str | None:
    """A date as JSON carries it: YYYY-MM-DD, or null."""
    return d.isoformat() if d else None


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


def said_by(quotes: Iterable[tuple[str | None, str | None]]) -> list[str]:
    """Who speaks in an excerpt, in order, each once, with the occasion when the text gives one:
    (speaker, occasion) pairs -> ["Kaja Kallas, to Fox News Digital", "Volodymyr Zelenskyy"]."""
    occasions: dict[str, str | None] = {}
    for speaker, occasion in quotes:
        if speaker and not occasions.get(speaker):
            occasions[speaker] = occasion
    return [f"{s}, {o}" if o else s for s, o in occasions.items()]
