"""Time words read against the day of asking: weekdays ("on Tuesday", "a shooting Wednesday"),
"last night", "this week", "two days ago", seasons ("this summer", "in the spring of 2020"),
quarters, and the recency words ("recently", "a new study") that rank but never filter. Days come from
the calendar engine that dates passages (index/timecalc.py); the clause's tense says which
side of ``as_of`` they lie on."""

from __future__ import annotations

import datetime as dt
import re

from bot.fmt import human_date
from bot.timefocus import is_possessive
from bot.timewords import Found, clause_mode, days_words
from index import timehandlers
from index.eventspan import event_span
from index.models import EventDate, Precision
from index.timecalc import add_months, ago_offset, month_end, part_span, relative, weekday, weekend
from index.timepatterns import (
    HOLIDAY_BEFORE,
    RE_FISCAL,
    RE_HALF_H,
    RE_MONTH_KW,
    RE_MY,
    RE_QUARTER,
    RE_QUARTER_Q,
    RE_SEASON,
)
from index.timevocab import WEEKDAY, number_of, weekday_of

__all__ = ["EDGE_PART", "RE_AGO", "RE_FISCAL", "RE_HALF_H", "RE_MONTH_KW", "RE_MY", "RE_QUARTER",
           "RE_QUARTER_Q", "RE_REL", "RE_SEASON", "RE_WEEKDAY", "half", "is_fiscal", "nth_week", "read_ago",
           "read_fiscal", "read_half", "read_month_kw", "read_month_year", "read_quarter", "read_relative",
           "read_season", "read_weekday", "recent_periods"]

_F = re.IGNORECASE
RE_WEEKDAY = re.compile(
    rf"\b(?:on\s+(?:(?P<mod1>last|next|this|coming|past)\s+)?|(?P<mod2>last|next|this|coming"
    rf"|past)\s+)?(?P<wd>{WEEKDAY})\b", _F)
# A bare weekday, news style ("a shooting Wednesday", "signed an order Wednesday"), is a day
# unless a name goes on ("Sunday Times", "Wednesday Addams") or it names no day ("every
# Friday", "who stars in Wednesday").
_NAME_AFTER = re.compile(r"\s+[A-Z]")
_RECURS_BEFORE = re.compile(r"\b(?:every|each|a|the|of|in)\s+$", _F)
# "Recently", "in recent weeks", "over the past few days": vague by nature, so never a filter,
# but the question says its news is from the days before "as of" (soft before hard). Days each
# reaches back, set a priori.
_RE_RECENT = re.compile(r"\b(?:recently|lately|newly|latest|(?:in|over|during)\s+(?:the\s+)?"
                        r"(?:recent|(?:past|last)\s+(?:few|several|couple\s+of))\s+"
                        r"(?P<unit>days|weeks|months)|just(?=\s+(?:[a-z]+ed|won|made|became|hit|set"
                        r"|broke|took|gave|got|began|unveiled|announced)\b)|(?<=\b(?:a|A)\s)new\s+"
                        r"(?:report|study|survey|poll|analysis|research|data|figures))\b", _F)
_RECENT_DAYS = {"days": 7, "weeks": 30, "months": 90, None: 30}
# "two days ago", "a week ago": the day, week, month or year that many units before as-of, by
# the passage tagger's reading of the count (``ago_offset``)
RE_AGO = re.compile(r"\b(?P<qty>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten"
                    r"|eleven|twelve)\s+(?P<unit>days?|weeks?|fortnights?|months?|years?)\s+ago\b", _F)
RE_REL = re.compile(
    r"\b(?:(?P<prep>in|during|over|from|by|at)\s+)?(?P<rel>the\s+day\s+before\s+yesterday"
    r"|yesterday|(?:(?:earlier|later)\s+)?today|tonight|tomorrow|last\s+night"
    r"|this\s+(?:morning|afternoon|evening)|the\s+weekend|this\s+past\s+weekend"
    r"|(?:(?:earlier|later)\s+)?(?:last|this|next|coming)\s+(?:week(?:end)?|month|year)"
    r"|(?<=of\s)the\s+(?:month|year))"  # "the end of the year": this one, as the tagger reads it
    r"(?P<poss>['’]s)?\b"
    r"|\b(?:(?:in|over|during|within|for)\s+the\s+(?:past|last)|this\s+past)\s+"
    r"(?:(?P<n>\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+)?"
    r"(?P<unit>hours?|days?|weeks?|fortnights?|months?|years?)\b", _F)


def read_relative(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    if as_of is None:
        return None
    if m.group("rel"):
        rel = " ".join(m.group("rel").lower().split())
        if rel == "the weekend" and (m.group("prep") or "").lower() not in ("over", "during", "at"):
            return None  # "the weekend before the vote" names no weekend of its own
        # "this past weekend": the one just gone, as "last weekend" is read
        said = "last weekend" if rel == "this past weekend" else rel
        part = _PART_BEFORE.search(question, 0, m.start())
        if rel in ("the month", "the year"):
            if not (part and part.group("edge")):
                return None  # "the year" names one only after an edge: "the end of the year"
            said = rel.replace("the", "this", 1)
        start, end = _relative_period(said, as_of, clause_mode(question, m.start(), m.end()))
        words = rel
        if part and rel.split()[-1] in ("month", "year") and not rel.startswith(("earlier", "later")):
            # "late last year": its last months, as "late 2024" is read (index.timecalc.part_span)
            # ("the end of last year" as "late last year", as the passage tagger reads it)
            if part.group("half"):  # "the second half of last year": its six months or days
                lo, hi = half(part.group("half").lower(), start, end, year=rel.endswith("year"))
            else:
                name = (part.group("part") or EDGE_PART[part.group("edge").lower()]).lower()
                lo, hi = part_span(name, start.year, start.month if rel.endswith("month") else None)
            start, end = max(start, lo), min(end, hi)
            if start > end:
                return None
            words = " ".join(question[part.start("w"):m.end()].split())
            return Found(part.start(), m.end(), start, end, f"{words} ({days_words(start, end)})")
    else:
        n_word = (m.group("n") or "1").lower()
        n = number_of(n_word) or 1
        unit = m.group("unit").lower().rstrip("s")
        # "the last 24 hours", asked at some hour of as_of, reach into the day before
        days = n // 24 + 1 if unit == "hour" else {
            "day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}[unit] * n
        start, end = as_of - dt.timedelta(days=days - 1), as_of
        words = " ".join(m.group(0).split())
    return Found(m.start(), m.end(), start, end, f"{words} ({days_words(start, end)})")


def read_ago(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    off = ago_offset(m.group("qty"), m.group("unit")) if as_of is not None else None
    if as_of is None or off is None:
        return None
    unit, n = off
    if unit == "day" and m.group("unit").lower().startswith("fortnight"):
        unit, n = "week", n // 7  # "a fortnight ago": that week, as "two weeks ago" is read
    if unit == "day":
        start = end = as_of - dt.timedelta(days=n)
    else:
        start, end = _unit_span(unit, as_of, -n)
    words = " ".join(m.group(0).lower().split())
    return Found(m.start(), m.end(), start, end, f"{words} ({days_words(start, end)})")


def read_weekday(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    if as_of is None or not m.group("wd")[:1].isupper():
        return None
    # "Tuesday's debate" names its day ("in Monday's speech" is no TV show "in Wednesday")
    possessive = is_possessive(question, m.end())
    if m.start() == m.start("wd") and (  # bare: the passage tagger's guards, and names
            HOLIDAY_BEFORE.search(question, 0, m.start()) or _NAME_AFTER.match(question, m.end())
            or (not possessive and _RECURS_BEFORE.search(question, 0, m.start()))):
        return None
    mod = (m.group("mod1") or m.group("mod2") or "").lower()
    mode = {"last": "last", "past": "last", "next": "next", "coming": "next"}.get(mod) or (
        clause_mode(question, m.start(), m.end()))
    d = weekday(weekday_of(m.group("wd")), as_of, mode)
    if d is None:
        return None
    return Found(m.start(), m.end(), d, d, human_date(d))


_SEASON_PART = {"early": 0, "mid": 1, "late": 2}
# the prepositions that name a season or quarter itself ("since the summer" opens a range:
# bot/timeparse.py reads that keyword)
_PERIOD_IN = re.compile(r"\b(?:in|during|over|through|throughout|for)\s+(?:the\s+)?$", _F)


def read_season(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    """"this summer", "last winter", "in the spring of 2020": the three months the passage
    tagger places it at (meteorological seasons, and its guards against "Arab Spring" and "a
    hot summer"); "early"/"mid"/"late", one of them."""
    found = timehandlers.season(m, question, as_of)
    if found is None or found[2] is None:
        return None
    start, end, first, precision = found
    mod = (m["mod"] or "").lower()
    if mod in _SEASON_PART:  # "early summer": its first month
        y, mo = add_months(first.year, first.month, _SEASON_PART[mod])
        first, precision = dt.date(y, mo, 1), "month"
    return _tagged_period(question, start, end, first, precision, None if m["y"] else as_of)


def read_quarter(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    """"in the third quarter", "the first quarter of 2025": the passage tagger's quarter (the
    nearest such one, the current included, without a year), its three months."""
    found = timehandlers.quarter(m, question, as_of)
    if found is None or found[2] is None:
        return None
    start, end, first, precision = found
    return _tagged_period(question, start, end, first, precision,
                          None if m["y"] or m["y0"] else as_of)


def read_half(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    """"H1 2025", "2024 H2": the passage tagger's half, its six months."""
    found = timehandlers.half(m, question, as_of)
    if found is None or found[2] is None:
        return None
    start, end, first, precision = found
    return _tagged_period(question, start, end, first, precision, None)


def read_fiscal(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    """"fiscal 2024", "FY25", "this fiscal year": the passage tagger's year (the one it is
    named for), which the question reader keeps as background (``is_fiscal``)."""
    found = timehandlers.fiscal(m, question, as_of)
    if found is None or found[2] is None:
        return None
    start, end, first, precision = found
    return _tagged_period(question, start, end, first, precision, None)


# A fiscal period's days vary by company or government (Apple's fiscal 2024 ended in September 2024,
# Nvidia's in January 2024): read, but too uncertain to filter on.
_FISCAL_WORD = re.compile(r"\b(?:fiscal|financial)\b|(?-i:\bFY)", _F)


def is_fiscal(question: str, start: int, end: int) -> bool:
    return bool(_FISCAL_WORD.search(question, start, end))


def read_month_year(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    """"March last year", "June next year": the passage tagger's month (a month with its
    number, "March 2020", is the date patterns' to read)."""
    if not m["rel"] or as_of is None:
        return None
    return _tagged_month(timehandlers.month_year(m, question, as_of), question, as_of)


def read_month_kw(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    """"last March", "next June", "this May": the passage tagger's month, placed by the
    word (other keywords before a month are the date patterns' to read)."""
    if m["kw"].lower() not in ("last", "next", "this") or as_of is None:
        return None
    return _tagged_month(timehandlers.month_kw(m, question, as_of), question, as_of)


def _tagged_month(found: timehandlers.Cand | None, question: str, as_of: dt.date) -> Found | None:
    if found is None or found[2] is None:
        return None
    start, end, first, _ = found
    return _tagged_period(question, start, end, first, "month", as_of)


def _tagged_period(question: str, start: int, end: int, first: dt.date, precision: Precision,
                   as_of: dt.date | None) -> Found | None:
    """What the tagger read, as a question's period: the days the store indexes an event of
    that precision at (index.eventspan), and a period under way read as "this week" is, by the
    clause's tense: what happened in it by as_of, what will from as_of on (``as_of`` None: a
    dated period, whole)."""
    words = " ".join(question[start:end].split())
    span = event_span(EventDate(words, start, end, first, precision, as_of))
    if span is None:
        return None
    first, last = span
    if as_of is not None and first <= as_of <= last:
        first, last = (first, as_of) if clause_mode(question, start, end) == "past" else (as_of, last)
    prep = _PERIOD_IN.search(question, 0, start)  # "in the spring of 2020" goes as one
    return Found(prep.start() if prep else start, end, first, last,
                 f"{words} ({days_words(first, last)})")


_PART_BEFORE = re.compile(r"\b(?:(?:in|during|for|by|at|towards?)\s+)?(?P<w>(?P<part>early|mid|late)"
                          r"(?:\s+|\s*-\s*)|the\s+(?P<edge>end|beginning|start|middle)\s+of\s+"
                          r"|the\s+(?P<half>first|second)\s+half\s+of\s+)$", _F)
EDGE_PART = {"end": "late", "beginning": "early", "start": "early", "middle": "mid"}


def nth_week(which: str, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """"The first week of August": its days 1-7 (second 8-14...); "the last week", its last 7."""
    if which == "last":
        return end - dt.timedelta(days=6), end
    lo = start + dt.timedelta(days=7 * ("first", "second", "third", "fourth").index(which))
    return lo, min(end, lo + dt.timedelta(days=6))


def half(which: str, start: dt.date, end: dt.date, *, year: bool) -> tuple[dt.date, dt.date]:
    """The first or second half of a year (January to June, July to December, as companies
    report them) or of a month (its 15th day is the first half's last), within start..end."""
    mid = dt.date(start.year, 7, 1) if year else dt.date(start.year, start.month, 16)
    return (start, mid - dt.timedelta(days=1)) if which == "first" else (mid, end)


_DAY_OFFSET = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
               "yesterday": -1, "last night": -1, "the day before yesterday": -2, "tomorrow": 1}


def _relative_period(rel: str, as_of: dt.date, mode: str = "past") -> tuple[dt.date, dt.date]:
    """The days of "last week", "this weekend", "earlier this month", "next year"...; a
    weekend's Saturday comes from the calendar engine that dates passages."""
    part = ""  # "earlier this month": its days up to as_of; "later this week": from as_of on
    if rel.startswith(("earlier ", "later ")):
        part, rel = rel.split(" ", 1)
    if rel in _DAY_OFFSET:
        d = as_of + dt.timedelta(days=_DAY_OFFSET[rel])
        return d, d
    if rel == "the weekend":  # "over the weekend": the one the clause's tense points to
        rel = "this weekend"
    which, unit = rel.split()
    step = {"last": -1, "this": 0, "next": 1, "coming": 1}[which]
    if unit == "weekend":
        sat = (weekend(as_of, "next" if step > 0 else mode) if which in ("this", "coming")
               else relative(rel, as_of)[0])
        if sat is None:
            raise ValueError(rel)
        start, end = sat, sat + dt.timedelta(days=1)
    else:
        start, end = _unit_span(unit, as_of, step)
    if part == "earlier" or (which == "this" and mode == "past"):
        # what happened "this week" has happened by the day of asking: the rest of the week is
        # another reader's news (asked on a Thursday, Friday's passages do not answer)
        return start, min(end, as_of)
    if part == "later" or (which == "this" and mode == "future"):
        return max(start, as_of), end
    return start, end


def _unit_span(unit: str, as_of: dt.date, step: int) -> tuple[dt.date, dt.date]:
    """The calendar week (Monday to Sunday), month or year ``step`` units from as_of's."""
    if unit == "week":
        monday = as_of - dt.timedelta(days=as_of.weekday()) + dt.timedelta(days=7 * step)
        return monday, monday + dt.timedelta(days=6)
    if unit == "month":
        y, mo = add_months(as_of.year, as_of.month, step)
        return dt.date(y, mo, 1), month_end(y, mo)
    return dt.date(as_of.year + step, 1, 1), dt.date(as_of.year + step, 12, 31)


def recent_periods(question: str, as_of: dt.date | None) -> list[Found]:
    """The recency words of ``question`` ("recently", "newly", "a new study"), each with the
    days before ``as_of`` it reaches back: background that ranks, never a filter."""
    if as_of is None:
        return []
    out = []
    for m in _RE_RECENT.finditer(question):
        lo = as_of - dt.timedelta(days=_RECENT_DAYS[m.group("unit") and m.group("unit").lower()])
        out.append(Found(m.start(), m.end(), lo, as_of, f"{m.group(0)} ({days_words(lo, as_of)})"))
    return out
