"""Event dates of passages, and the day on the timeline each passage is placed at.

Finding and resolving the expressions is the tagger's job (index/timetagger.py, over the
vocabulary of index/timevocab.py, shared with question reading in bot/timeparse.py); this
module re-exports it under the names the build and the bot have always imported, and holds the
timeline rules that pick one day per passage.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.models import EventDate, Precision
from index.tense import Tense, tense_near
from index.timetagger import extract_event_dates
from index.timevocab import MAX_YEAR, MIN_YEAR

__all__ = [
    "DEFAULT_RULE", "MAX_YEAR", "MIN_YEAR", "EventDate", "Precision", "Tense", "TimelineRule",
    "day_spans", "extract_event_dates", "follow_lead", "is_single_day", "lead_day",
    "states_day", "tense_near", "timeline_date",
]

# --------------------------------------------------------------------------- timeline date

_SPREAD = re.compile(r"\b(?:week|weekend)\b", re.IGNORECASE)


def is_single_day(ev: EventDate) -> bool:
    """A resolved day-precision expression that names one day (not "last week")."""
    return ev.date is not None and ev.precision == "day" and not _SPREAD.search(ev.text)


@dataclass(frozen=True)
class TimelineRule:
    """Which event date a passage is placed at; tuned on Timeline17 (now ``bench/eval.py t17``).

    The first single-day event date within [published - max_before, published + max_after]
    wins, else the publication date. Dates further away are background ("in 2014 Russia
    annexed...") or plans, and the article's own day is the better place for them.
    """

    max_before: int = 3
    max_after: int = 0
    undated_use_event: bool = True  # an undated passage may still name its own day


DEFAULT_RULE = TimelineRule()


def timeline_date(event_dates: Sequence[EventDate], published: dt.date | None, text: str = "",
                  rule: TimelineRule = DEFAULT_RULE) -> dt.date | None:
    """The day a passage is about: its reported event day when clear, else publication.

    ``text`` (the passage) is taken so rules that read the clause can be tried without
    changing callers; the default rule does not need it.
    """
    for ev in event_dates:
        if not is_single_day(ev):
            continue
        assert ev.date is not None
        if published is None:
            if rule.undated_use_event:
                return ev.date
            continue
        if -rule.max_before <= (ev.date - published).days <= rule.max_after:
            return ev.date
    return published


def states_day(event_dates: Sequence[EventDate], day: dt.date | None) -> bool:
    """Whether the passage names ``day`` as a single day ("on Tuesday", "Jan. 25")."""
    return day is not None and any(is_single_day(e) and e.date == day for e in event_dates)


def lead_day(event_dates: Sequence[EventDate], day: dt.date | None) -> dt.date | None:
    """The day an article's lead (first passage) reports, given its events and timeline date.

    None when the lead names no day of its own: its date is then only the publication date.
    """
    return day if states_day(event_dates, day) else None


def follow_lead(event_dates: Sequence[EventDate], day: dt.date | None,
                published: dt.date | None, lead: dt.date | None) -> dt.date | None:
    """A later passage's timeline date, given the day its article's lead reports.

    News is written lead first: the first paragraph says when ("clashed on Tuesday"), the
    rest tells the same day's story without repeating it. So a passage of a dated article
    that names no day of its own is placed on its lead's day rather than on publication.
    Measured on Timeline17 (now bench/eval.py t17).
    """
    if published is None or lead is None or states_day(event_dates, day):
        return day
    return lead


def day_spans(event_dates: Sequence[EventDate], day: dt.date | None,
              text: str) -> tuple[tuple[int, int], ...]:
    """Where the passage ``text`` reports ``day`` (its timeline date) as a single day.

    Such a passage is placed on the timeline by what it says ("clashed on Tuesday"), not only
    by when its article appeared. Only a day in a past-tense clause is reported: not a plan
    ("will meet on Friday"), nor a day whose tense is unclear.
    """
    if day is None:
        return ()
    return tuple((e.start, e.end) for e in event_dates if is_single_day(e) and e.date == day
                 and tense_near(text, e.start, e.end) == "past")
