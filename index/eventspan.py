"""The days an event date covers: what the store indexes so a date range finds the passages
that report an event in it, not only those whose timeline day is in it."""

from __future__ import annotations

import datetime as dt

from index.models import EventDate
from index.timecalc import add_months, month_end, safe_date

# A span longer than this says little about when something happened ("the 2010s"): not indexed.
MAX_SPAN_DAYS = 366


def event_span(ev: EventDate) -> tuple[dt.date, dt.date] | None:
    """First and last day (inclusive) of a resolved event date, by its precision."""
    d = ev.date
    if d is None:
        return None
    p = ev.precision
    if p == "day":
        return d, d
    if p == "week":  # its Monday (a weekend: its Saturday)
        return d, d + dt.timedelta(days=1 if d.weekday() == 5 else 6)
    if p == "month":
        return d, month_end(d.year, d.month)
    if p in ("season", "quarter"):
        y, m = add_months(d.year, d.month, 2)
        return d, month_end(y, m)
    if p == "half":
        y, m = add_months(d.year, d.month, 5)
        return d, month_end(y, m)
    if p == "month-part":  # early / mid / late: about ten days
        return d, min(d + dt.timedelta(days=9), month_end(d.year, d.month))
    if p == "year-part":  # four months from its first day
        y, m = add_months(d.year, d.month, 3)
        return d, month_end(y, m)
    if p == "year":
        end = safe_date(d.year, 12, 31)
        return (d, end) if end else None
    return None  # a decade: too wide to place anything


def day_number(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def event_rows(passage_id: int, events: tuple[EventDate, ...] | list[EventDate]
               ) -> list[tuple[int, int, int]]:
    """(passage id, first day, last day) of each distinct event a passage reports."""
    spans = {s for e in events if (s := event_span(e)) is not None
             and (s[1] - s[0]).days < MAX_SPAN_DAYS}
    return sorted((passage_id, day_number(a), day_number(b)) for a, b in spans)
