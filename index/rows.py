"""SQLite rows <-> the domain records: what a stored passage holds, and how dates are written."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from index.models import Article, EventDate, Passage, Quote


@dataclass(frozen=True)
class NewPassage:
    """A passage about to be stored: its id is already allocated."""

    passage_id: int
    article_id: str
    ordinal: int
    start: int
    end: int
    text: str
    text_hash: str
    event_dates: tuple[EventDate, ...]
    timeline_date: dt.date | None
    quotes: tuple[Quote, ...] = ()


def date_from_text(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def dates_to_json(dates: Sequence[EventDate]) -> str:
    return json.dumps([[e.text, e.start, e.end, e.date.isoformat() if e.date else None,
                        e.precision, e.anchor.isoformat() if e.anchor else None] for e in dates],
                      ensure_ascii=False)


def dates_from_json(raw: str) -> tuple[EventDate, ...]:
    return tuple(EventDate(text=t, start=s, end=e, date=date_from_text(d), precision=p,
                           anchor=date_from_text(a)) for t, s, e, d, p, a in json.loads(raw))


def quotes_to_json(quotes: Sequence[Quote]) -> str:
    return json.dumps([[q.speaker, q.start, q.end, q.speaker_start, q.speaker_end, q.cue,
                        q.direct, q.occasion] for q in quotes], ensure_ascii=False)


def quotes_from_json(raw: str) -> tuple[Quote, ...]:
    return tuple(Quote(*row) for row in json.loads(raw))


def passage_from_row(row: Sequence) -> Passage:
    """A row of ``index.store.PASSAGE_COLUMNS``."""
    pid, aid, ordinal, start, end, text, dates, timeline, quotes = row
    return Passage(passage_id=pid, article_id=aid, ordinal=ordinal, start=start, end=end, text=text,
                   event_dates=dates_from_json(dates), timeline_date=date_from_text(timeline),
                   quotes=quotes_from_json(quotes))


def article_from_row(row: Sequence) -> Article:
    aid, origin, title, text, source, url, published, date_source, meta = row
    return Article(origin=origin, title=title, text=text, source=source, url=url,
                   published=date_from_text(published), date_source=date_source, meta=json.loads(meta))
