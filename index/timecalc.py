"""Calendar arithmetic that places a time expression against an anchor date.

The engine under both readers: passage dating resolves against publication, question reading
against "as of". ``mode`` says which side of the anchor a year-less or relative expression lies
on: "last"/"next"/"this" come from a modifier, "past"/"future" from the clause's tense,
"nearest" when nothing says.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

from index.timevocab import MAX_YEAR, MIN_YEAR, NUM_WORDS, PART_DAYS, PART_MONTHS, SEASON_MONTH

_PARSE_BASE = dt.datetime(2000, 6, 15)


def ok(d: dt.date | None) -> bool:
    return d is not None and MIN_YEAR <= d.year <= MAX_YEAR


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def month_index(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except (ValueError, OverflowError):
        return None


def numeric_date(a: int, b: int, y: int) -> dt.date | None:
    """"15/08/2025" or "08/15/2025": the day is whichever number cannot be a month. Both 12 or
    under ("05/08/2025") is 5 August in Europe and May 8 in the US: no date, not a guess."""
    if a > 12 >= b:
        return safe_date(y, b, a)
    if b > 12 >= a:
        return safe_date(y, a, b)
    return None


def shift(anchor: dt.date, days: int) -> dt.date | None:
    try:
        return anchor + dt.timedelta(days=days)
    except OverflowError:
        return None


def month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def part_span(part: str | None, year: int, month: int | None) -> tuple[dt.date, dt.date]:
    """First and last day of a month or year, or of its early / mid / late part."""
    if month is not None:
        end = month_end(year, month)
        if part is None:
            return dt.date(year, month, 1), end
        lo, hi = PART_DAYS[part]
        return dt.date(year, month, lo), dt.date(year, month, min(hi, end.day))
    lo_m, hi_m = PART_MONTHS[part] if part else (1, 12)
    return dt.date(year, lo_m, 1), month_end(year, hi_m)


# --------------------------------------------------------------------------- year-less

def day_without_year(month: int, day: int, anchor: dt.date, mode: str) -> dt.date | None:
    options = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1)
               if (d := safe_date(y, month, day)) is not None]
    if not options:
        return None
    ahead = min((d for d in options if d >= anchor), default=None)
    back = max((d for d in options if d <= anchor), default=None)
    # The clause's tense picks the side: a plan lies ahead; a past date within the last year
    # ("arrested on August 3", said in March, is last August), unless it is long past and
    # the same day is close ahead (the tense was another clause's: "was extended to Nov. 16").
    if mode in ("future", "next") and ahead is not None and (
            mode == "next" or (ahead - anchor).days <= 184 or back is None
            or (anchor - back).days > 45):
        return ahead
    if mode in ("past", "last") and back is not None and (anchor - back).days < 366 and (
            (anchor - back).days <= 184 or ahead is None or (ahead - anchor).days > 45):
        return back
    # Without a tense, news mostly reports the past: the past one unless clearly further.
    return min(options, key=lambda d: (abs((d - anchor).days) - 60 * (d <= anchor), d > anchor))


def month_without_year(month: int, anchor: dt.date, mode: str) -> dt.date | None:
    here = month_index(anchor)
    options = [y * 12 + month - 1 for y in (anchor.year - 1, anchor.year, anchor.year + 1)]
    if mode == "last":
        picked = max(k for k in options if k < here)
    elif mode == "next":
        picked = min(k for k in options if k > here)
    elif mode == "this":
        picked = anchor.year * 12 + month - 1
    elif mode == "past":  # as for days: last year's month unless it is long past and next is close
        picked = max(k for k in options if k <= here)
        if here - picked > 6 and min(k for k in options if k > here) - here <= 1:
            picked = min(k for k in options if k > here)
    elif mode == "future":
        picked = min(k for k in options if k >= here)
    else:  # as for days: the past one unless clearly further
        picked = min(options, key=lambda k: (abs(k - here) - 2 * (k <= here), k > here))
    return safe_date(picked // 12, picked % 12 + 1, 1)


def season_start(season: str, label_year: int) -> dt.date | None:
    m = SEASON_MONTH[season]
    return safe_date(label_year - 1 if m == 12 else label_year, m, 1)


def season_relative(season: str, anchor: dt.date, mode: str) -> dt.date | None:
    spans = []
    for y in range(anchor.year - 2, anchor.year + 3):
        s = season_start(season, y)
        if s is None:
            continue
        e = _season_end(s)
        if e is not None:
            spans.append((s, e))
    if not spans:
        return None

    def gap(span: tuple[dt.date, dt.date]) -> int:
        s, e = span
        return 0 if s <= anchor < e else min(abs((s - anchor).days), abs((anchor - e).days))

    if mode == "last":  # the latest one already over: in March 2025, "last spring" is 2024
        done = [s for s, e in spans if e <= anchor]
        return max(done) if done else None
    if mode == "next":
        ahead = [s for s, _ in spans if s > anchor]
        return min(ahead) if ahead else None
    if mode == "past":
        begun = [s for s, _ in spans if s <= anchor]
        return max(begun) if begun else None
    if mode == "future":
        open_ = [s for s, e in spans if e > anchor]
        return min(open_) if open_ else None
    return min(spans, key=lambda sp: (gap(sp), sp[0] > anchor))[0]


def season_this(season: str, anchor: dt.date, past: bool) -> dt.date | None:
    """"this summer": the one under way, else the one that starts in the anchor's year ("the
    cicadas anticipated this summer", in May, is the coming one, whatever the tense), except
    one just over, nearer than the coming one, for a past clause ("it snowed a lot this
    winter", in March)."""
    m = SEASON_MONTH[season]
    start, before = safe_date(anchor.year, m, 1), safe_date(anchor.year - 1, m, 1)
    over = _season_end(before) if before is not None else None
    if before is not None and over is not None and anchor < over:
        return before  # a winter under way since December
    if start is not None and start > anchor and past and over is not None and (
            anchor - over < start - anchor):
        return before
    return start


def _season_end(start: dt.date) -> dt.date | None:
    """The day after a season that begins on ``start``."""
    y, m = add_months(start.year, start.month, 3)
    return safe_date(y, m, 1)


def weekend(anchor: dt.date, mode: str) -> dt.date | None:
    """The Saturday of "the weekend": the one under way, else the coming one for a plan, else
    the one just past (news reports the past)."""
    if anchor.weekday() >= 5:
        return shift(anchor, 5 - anchor.weekday())
    return shift(anchor, 5 - anchor.weekday() - (0 if mode in ("future", "next") else 7))


def weekday(target: int, anchor: dt.date, mode: str) -> dt.date | None:
    back = (anchor.weekday() - target) % 7
    ahead = (target - anchor.weekday()) % 7
    if mode == "last":
        return shift(anchor, -(back or 7))
    if mode == "next":
        return shift(anchor, ahead or 7)
    if mode == "future":
        return shift(anchor, ahead)
    return shift(anchor, -back)  # news reports the past: the latest such day, today included


# --------------------------------------------------------------------------- relative phrases

def relative(phrase: str, anchor: dt.date) -> tuple[dt.date | None, str]:
    """(date, precision) of "yesterday", "last week", "this month", "next year"..."""
    p = " ".join(phrase.lower().split())
    monday = shift(anchor, -anchor.weekday())
    if p in ("today", "tonight", "earlier today", "later today") or p.startswith("this ") and (
            p.endswith(("morning", "afternoon", "evening"))):
        return anchor, "day"
    days = {"yesterday": -1, "last night": -1, "the day before yesterday": -2, "tomorrow": 1}
    if p in days:
        return shift(anchor, days[p]), "day"
    word, unit = p.split()[-2], p.split()[-1]
    step = {"last": -1, "next": 1, "previous": -1, "coming": 1}.get(word, 0)
    if unit == "week" and anchor.weekday() == 6:
        # a Sunday paper's "last week" is the one ending today, its "this week" the coming one
        monday = shift(anchor, 1)
    if unit == "week":
        return (None if monday is None else shift(monday, 7 * step)), "week"
    if unit == "weekend":
        return (None if monday is None else shift(monday, 5 + 7 * step)), "week"
    if unit == "month":
        y, mo = add_months(anchor.year, anchor.month, step)
        return safe_date(y, mo, 1), "month"
    return safe_date(anchor.year + step, 1, 1), "year"


@lru_cache(maxsize=1)
def _date_parser() -> object:
    """One dateparser instance, its settings built once (they are costly to rebuild)."""
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": _PARSE_BASE, "PREFER_DATES_FROM": "past"})


@lru_cache(maxsize=4096)
def ago_offset(qty: str, unit: str) -> tuple[str, int] | None:
    """(day|week|month|year, n) for "<qty> <unit> ago".

    Plain counts are read directly; the messy ones ("twenty-five", "a decade", "a fortnight")
    go to dateparser against a fixed base, and the offset is re-applied to each anchor, so
    one parse serves every article.
    """
    q, said = qty.lower(), unit.lower()
    unit = said.rstrip("s")
    n = NUM_WORDS.get(q) or (int(q) if q.isdigit() else None)
    if n is not None and unit in ("day", "week", "month", "year"):
        return unit, n
    try:
        res = _date_parser().get_date_data(f"{q} {said} ago").date_obj  # type: ignore[attr-defined]
    except Exception:  # a third-party parser's failure is just "no date"
        return None
    if res is None:
        return None
    base, got = _PARSE_BASE.date(), res.date()
    kind = {"decade": "year", "fortnight": "day"}.get(unit, unit)
    n = {"day": (base - got).days, "week": (base - got).days // 7,
         "month": month_index(base) - month_index(got), "year": base.year - got.year}[kind]
    return kind, n


def back_by(anchor: dt.date, unit: str, n: int) -> dt.date | None:
    """``n`` units before ``anchor``: the day, or the first of the month or year."""
    if unit in ("day", "week"):
        return shift(anchor, -n * (7 if unit == "week" else 1))
    if unit == "month":
        y, mo = add_months(anchor.year, anchor.month, -n)
        return safe_date(y, mo, 1)
    return safe_date(anchor.year - n, 1, 1)


def holiday(name: str, year: int) -> dt.date | None:
    """The day of a holiday of index/timevocab.py's HOLIDAYS in ``year`` (US Thanksgiving)."""
    from index.timevocab import HOLIDAYS

    rule = HOLIDAYS.get(" ".join(name.lower().replace("’", "'").split()))
    if isinstance(rule, tuple):
        return safe_date(year, *rule)
    if rule == "thanksgiving":  # the fourth Thursday of November
        first = dt.date(year, 11, 1)
        return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    if rule == "easter":  # the anonymous Gregorian computus
        a, b, c = year % 19, year // 100, year % 100
        d, e = b // 4, b % 4
        g = (8 * b + 13) // 25
        h = (19 * a + b - d - g + 15) % 30
        i, k = c // 4, c % 4
        m = (32 + 2 * e + 2 * i - h - k) % 7
        n = (a + 11 * h + 22 * m) // 451
        month, day = divmod(h + m - 7 * n + 114, 31)
        return safe_date(year, month, day + 1)
    return None
