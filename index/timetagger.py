"""The temporal tagger: find time expressions in text and resolve them against an anchor date.

Candidates come from precompiled regexes built on index/timevocab.py, never from
``dateparser.search.search_dates`` (far too slow for a million passages and greedy: it reads
the modal "may" as May and "25 years" as a year). Each candidate is resolved by the calendar
arithmetic of index/timecalc.py; dateparser is the fallback only for free-form "N units ago".

Conventions:

* month -> the 1st of the month; year -> 1 January; season -> the 1st of its first month;
  quarter -> the 1st of its first month.
* early / mid / late (and "the beginning / middle / end of") stay in the span: the date is the
  first day of that part (days 1, 11, 21 of a month; months 1, 5, 9 of a year), the precision
  "month-part" or "year-part".
* Seasons are meteorological, northern hemisphere: winter 2025 = Dec 2024 - Feb 2025.
* "last week", "this week", "next week" -> the Monday of that week, "week" precision
  (in a Sunday article "last week" is the one ending that day); "...weekend" -> its Saturday.
* A year-less date is placed by the tense of its own clause; "until", "till", "by" and "ahead
  of" point forward.
* Left unresolved (``date=None``): anything year-less or relative in an undated passage (never
  anchored to today or a file time); a generic "now" / "today" ("faster than can be done
  today"); a relative date quoted from a text of another year ("Call me Sunday night", from a
  2012 e-mail), whose own date is unknown.
* Resolved dates outside 1900..2100 are dropped (absolute) or left unresolved (relative).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from index import timecalc as cal
from index import timehandlers as h
from index.models import EventDate
from index.tense import Tense, clause_before, tense_near
from index.timehandlers import QUARTER_REF, Cand
from index.timepatterns import (
    CLOCK_BEFORE,
    HALF_BEFORE,
    PART_BEFORE,
    RE_AGO,
    RE_DECADE,
    RE_DMY,
    RE_FISCAL,
    RE_HALF_H,
    RE_HOLIDAY,
    RE_ISO,
    RE_MDY,
    RE_MONTH_KW,
    RE_MY,
    RE_NUMERIC,
    RE_QUARTER,
    RE_QUARTER_Q,
    RE_QUARTER_REF,
    RE_REF,
    RE_REL,
    RE_SEASON,
    RE_SPELLED_YEAR,
    RE_WEEKDAY,
    RE_YEAR_KW,
    RE_YEAR_MOD,
    RE_YEAR_POSS,
    RE_YEAR_RANGE,
)
from index.timevocab import MONTH_KEYS, part_of


def resolve_references(text: str, anchor: dt.date | None,
                        chosen: list[tuple[int, int, dt.date | None, str]]
                        ) -> list[tuple[int, int, dt.date | None, str]]:
    """"the quarter" is the quarter named last; "a year earlier" the same quarter a year before.

    Without a quarter named before, "a year ago" is the year before the anchor and "the
    quarter" is no date.
    """
    out, quarter = [], None
    for start, end, d, prec in chosen:
        if prec == "quarter":
            quarter = d
        elif prec == QUARTER_REF:
            year_back = "year" in text[start:end].lower()
            if d is not None:  # "the 1988 period": the quarter named last, in that year
                d, prec = (cal.safe_date(d.year, quarter.month, 1), "quarter") if quarter else (
                    d, "year")
            elif "current" in text[start:end].lower() and anchor is not None:
                d, prec = cal.safe_date(anchor.year, (anchor.month - 1) // 3 * 3 + 1, 1), "quarter"
            elif quarter is not None:
                d = cal.safe_date(quarter.year - year_back, quarter.month, 1)
                prec = "quarter"
            elif year_back and "period" not in text[start:end].lower():
                d = None if anchor is None else cal.safe_date(anchor.year - 1, 1, 1)
                prec = "year"
            else:
                continue
        out.append((start, end, d if cal.ok(d) else None, prec))
    return out


_Handler = Callable[[re.Match[str], str, "dt.date | None"], "Cand | None"]


@dataclass(frozen=True, eq=False)
class _Trigger:
    """Where a pattern can match: near a cheap literal hit ("Aug", "1998", "ago").

    The full patterns (a word boundary, then a long alternation, often case-blind) are slow
    to try at every character; literal scans are fast. A pattern then runs only inside
    windows of ``back`` characters before and ``fwd`` after each hit (merged), which holds
    every match it can have there. ``lower``: the scan reads the lowercased text.
    """

    scan: re.Pattern[str]
    back: int
    fwd: int
    lower: bool = True

    def windows(self, text: str, lower: str) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for m in self.scan.finditer(lower if self.lower else text):
            lo, hi = max(0, m.start() - self.back), min(len(text), m.end() + self.fwd)
            if out and lo <= out[-1][1]:
                out[-1] = (out[-1][0], max(hi, out[-1][1]))
            else:
                out.append((lo, hi))
        return out


_MONTHS_AT = _Trigger(re.compile("|".join(
    [k.capitalize() for k in MONTH_KEYS] + [k.upper() for k in MONTH_KEYS])), 48, 48, False)
_YEARS_AT = _Trigger(re.compile(r"(?:19|20|21)\d\d"), 56, 40)
_WEEKDAYS_AT = _Trigger(re.compile(r"[MTWFS](?:on|ues|ednes|hurs|ri|atur|un)day"
                                   r"|[MTWFS](?:ON|UES|EDNES|HURS|RI|ATUR|UN)DAY"), 24, 40, False)
# (pattern, handler, trigger): order breaks ties between equally long overlapping candidates.
_PATTERNS: tuple[tuple[re.Pattern[str], _Handler, _Trigger | None], ...] = (
    (RE_ISO, h.iso, None),
    (RE_NUMERIC, h.numeric, _Trigger(re.compile(r"\d[/.]\d"), 8, 12)),
    (RE_MDY, h.month_day, _MONTHS_AT),
    (RE_DMY, h.month_day, _MONTHS_AT),
    (RE_MY, h.month_year, _MONTHS_AT),
    (RE_SEASON, h.season, _Trigger(re.compile("spring|summer|autumn|fall|winter"), 16, 40)),
    (RE_QUARTER, h.quarter, _Trigger(re.compile("quarter"), 40, 48)),
    (RE_QUARTER_Q, h.quarter, _Trigger(re.compile("Q[1-4]"), 8, 8, False)),
    (RE_HALF_H, h.half, _Trigger(re.compile("H[12]"), 12, 12, False)),
    (RE_QUARTER_REF, h.quarter_ref, _Trigger(re.compile("quarter|period|ago|earlier"), 40, 40)),
    (RE_FISCAL, h.fiscal, _Trigger(re.compile("fiscal|financial|fy"), 24, 40)),
    (RE_AGO, h.relative, _Trigger(re.compile("ago"), 56, 8)),
    (RE_REL, h.relative, _Trigger(re.compile(
        "yesterday|today|tonight|tomorrow|night|this|last|next|previous|coming|weekend|end of"
        "|beginning of|start of|middle of"), 56, 48)),
    (RE_REF, h.reference, _Trigger(re.compile("now|recent|current|future|past"), 16, 48)),
    (RE_WEEKDAY, h.weekday, _WEEKDAYS_AT),
    (RE_MONTH_KW, h.month_kw, _MONTHS_AT),
    (RE_YEAR_RANGE, h.year_range, _YEARS_AT),
    (RE_YEAR_KW, h.year_kw, _YEARS_AT),
    (RE_YEAR_MOD, h.year_mod, _YEARS_AT),
    (RE_YEAR_POSS, h.year_poss, _YEARS_AT),
    (RE_DECADE, h.decade, _YEARS_AT),
    (RE_SPELLED_YEAR, h.spelled_year, _Trigger(re.compile("nineteen|twenty|two thousand"), 16, 48)),
    (RE_HOLIDAY, h.holiday, _Trigger(re.compile(
        "Christmas|New Year|Thanksgiving|Independence Day|Halloween|Valentine|Easter"), 8, 40,
        False)),
)


def _with_part(text: str, c: Cand) -> Cand:
    """Take an early / mid / late before a month or year into the span and the precision."""
    start, end, d, prec = c
    if prec not in ("month", "year"):
        return c
    m = PART_BEFORE.search(text, max(0, start - 24), start)
    if m is None:
        return c
    part = part_of(m["part"])
    if d is not None and part is not None:
        lo, _ = cal.part_span(part, d.year, d.month if prec == "month" else None)
        d = lo
    return m.start(), end, d, f"{prec}-part"


def _with_half(text: str, c: Cand) -> Cand:
    """Take "the first half of" before a year into the span, as a half-year ("the second half of
    last year"): a report of the half, published after it, then lies inside a range of it."""
    start, end, d, prec = c
    if prec != "year":
        return c
    m = HALF_BEFORE.search(text, max(0, start - 32), start)
    if m is None:
        return c
    if d is not None:
        d = cal.safe_date(d.year, 1 if m["h"].lower() == "first" else 7, 1)
    return m.start(), end, d, "half"


def _with_clock(text: str, c: Cand) -> Cand:
    """Take a clock time said before a day into the span ("10 p.m. Wednesday"); the date is the
    day's (the timeline places by day), the span what a reader would quote."""
    start, end, d, prec = c
    if prec != "day":
        return c
    m = CLOCK_BEFORE.search(text, max(0, start - 24), start)
    return c if m is None else (m.start(), end, d, prec)


def extract_event_dates(text: str, anchor: dt.date | None) -> tuple[EventDate, ...]:
    """Temporal expressions of ``text`` in order, resolved against ``anchor`` (publication).

    Overlapping candidates keep the longest ("Feb. 23, 2025" over "Feb"), then the earlier
    pattern of ``_PATTERNS``.
    """
    if not text:
        return ()
    lower = text.lower()
    cands: list[tuple[int, int, int, dt.date | None, str]] = []
    spans: dict[int, list[tuple[int, int]]] = {id(None): [(0, len(text))]}  # by trigger
    for rank, (pattern, handler, trigger) in enumerate(_PATTERNS):
        key = id(trigger)
        if key not in spans:
            spans[key] = trigger.windows(text, lower)  # type: ignore[union-attr]
        for lo, hi in spans[key]:
            for m in pattern.finditer(text, lo, hi):
                try:
                    c = handler(m, text, anchor)
                    if c is not None:
                        c = _with_clock(text, _with_half(text, _with_part(text, c)))
                except (ValueError, OverflowError, KeyError):
                    c = None  # a malformed candidate is no date, never a failed passage
                if c is not None and c[1] > c[0]:
                    cands.append((c[0], -(c[1] - c[0]), rank, c[2], c[3]))
    cands.sort(key=lambda c: (c[0], c[1], c[2]))
    chosen: list[tuple[int, int, dt.date | None, str]] = []
    last_end = -1
    for start, neg_len, _rank, d, prec in cands:
        if start >= last_end:
            chosen.append((start, start - neg_len, d, prec))
            last_end = start - neg_len
    return tuple(EventDate(text=text[s:e], start=s, end=e, date=d, precision=prec,  # type: ignore[arg-type]
                           anchor=anchor) for s, e, d, prec in resolve_references(text, anchor, chosen))


__all__ = ["Tense", "clause_before", "extract_event_dates", "tense_near"]
