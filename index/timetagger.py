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
from index.models import EventDate
from index.tense import Tense, clause_before, tense_near
from index.timepatterns import (
    HOLIDAY_BEFORE,
    MONTH_BEFORE,
    PART_BEFORE,
    RE_DECADE,
    RE_DMY,
    RE_FISCAL,
    RE_HOLIDAY,
    RE_ISO,
    RE_MDY,
    RE_MONTH_KW,
    RE_MY,
    RE_QUARTER,
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
    SEASON_PREP,
    YEAR_BEFORE,
    is_count,
    is_generic_present,
    points_forward,
    quoted_from_elsewhere,
)
from index.timevocab import MONTH_FULL, MONTH_KEYS, month_of, part_of, spelled_number, weekday_of

_CAP_WORD_BEFORE = re.compile(r"\b[A-Z][\w.]*\s+$")
_Cand = tuple[int, int, "dt.date | None", str]  # start, end, date, precision


def _year_ok(y: int) -> bool:
    return cal.MIN_YEAR <= y <= cal.MAX_YEAR


def _cap(token: str) -> bool:
    return token[:1].isupper()


def _mode(mod: str | None, tense: Tense) -> str:
    mod = (mod or "").lower()
    if mod in ("last", "past", "previous"):
        return "last"
    if mod in ("next", "coming"):
        return "next"
    if mod == "this":
        return "past" if tense == "past" else "future"
    return tense or "nearest"


def _clause_mode(text: str, start: int, end: int, mod: str | None = None) -> str:
    """The side of the anchor a year-less date lies on: its modifier, its preposition, tense."""
    if not mod and points_forward(text, start):
        return "next" if text[start:end].lower().startswith(("this", "next")) else "future"
    return _mode(mod, tense_near(text, start, end))


# --------------------------------------------------------------------------- handlers

def _iso(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    d = cal.safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return (m.start(), m.end(), d, "day") if cal.ok(d) else None


def _month_day(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    token = m["m"]
    if not _cap(token):
        return None  # "may 9" in running text is the modal before a number
    month, day = month_of(token), int(m["d"])
    if not 1 <= day <= 31:
        return None
    if m["y"]:
        d = cal.safe_date(int(m["y"]), month, day)
        return (m.start(), m.end(), d, "day") if cal.ok(d) else None
    if cal.safe_date(2000, month, day) is None:  # 2000 is a leap year: Feb 29 passes
        return None
    d = None if anchor is None else cal.day_without_year(
        month, day, anchor, _clause_mode(text, m.start(), m.end()))
    return m.start(), m.end(), d if cal.ok(d) else None, "day"


def _month_year(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    if not _cap(m["m"]):
        return None
    d = cal.safe_date(int(m["y"]), month_of(m["m"]), 1)
    return (m.start(), m.end(), d, "month") if cal.ok(d) else None


def _month_kw(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    token, kw = m["m"], m["kw"].lower()
    if not _cap(token):
        return None
    if kw in ("and", "or", "to") and not MONTH_BEFORE.search(text, 0, m.start("kw")):
        return None  # "Johnson and May": only "April and May" is a month pair
    if token.lower() == "may" and kw in ("by", "of", "from", "before", "after"):
        return None  # "signed by May", "the government of May": the politician
    own = kw in ("last", "next", "this", "early", "late", "mid")
    start = m.start("kw") if own else m.start("m")
    if anchor is None:
        return start, m.end(), None, "month-part" if kw in ("early", "mid", "late") else "month"
    mod = kw if kw in ("last", "next", "this") else None
    d = cal.month_without_year(month_of(token), anchor, _clause_mode(text, start, m.end(), mod))
    if cal.ok(d) and d is not None and kw in ("early", "mid", "late"):
        return start, m.end(), cal.part_span(kw, d.year, d.month)[0], "month-part"
    return start, m.end(), d if cal.ok(d) else None, "month"


def _weekday(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    if not _cap(m["wd"]) or HOLIDAY_BEFORE.search(text, 0, m.start()):
        return None  # "Black Friday", "Bloody Sunday" are not last week's days
    if anchor is None or quoted_from_elsewhere(text, m.start(), anchor):
        return m.start(), m.end(), None, "day"
    if not m["mod"] and text.startswith(("'s", "’s"), m.end()) and not points_forward(
            text, m.start()):
        mode = "past"  # "Wednesday's ruling", "Friday's close": a known event
    else:
        mode = _clause_mode(text, m.start(), m.end(), m["mod"])
    d = cal.weekday(weekday_of(m["wd"]), anchor, mode)
    return m.start(), m.end(), d if cal.ok(d) else None, "day"


def _relative(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    start, end = m.start(), m.end()
    if m["ago"]:
        off = cal.ago_offset(" ".join(m["qty"].split()), m["unit"])
        if off is None:
            return None
        unit, n = off
        if anchor is None:
            return start, end, None, unit
        d = cal.back_by(anchor, unit, n)
        return start, end, d if cal.ok(d) else None, unit
    rel = m["rel"]
    if rel == "Today" and _CAP_WORD_BEFORE.search(text, max(0, start - 40), start):
        return None  # "USA Today", "Russia Today"
    if rel.lower() == "today" and is_generic_present(text, start):
        return start, end, None, "day"
    words = rel.lower().split()
    unit = words[-1]
    prec = {"month": "month", "year": "year", "week": "week", "weekend": "week"}.get(unit, "day")
    if anchor is None or quoted_from_elsewhere(text, start, anchor):
        return start, end, None, prec
    if unit == "weekend" and words[0] == "the":
        return start, end, cal.weekend(anchor, _mode(None, tense_near(text, start, end))), "week"
    if words[0] == "the":  # "the end of the year", "the beginning of this month"
        part = part_of(rel)
        y, mo = anchor.year, anchor.month if unit == "month" else None
        d = cal.part_span(part, y, mo)[0]
        return start, end, d, "month-part" if mo else "year-part"
    d, prec = cal.relative(rel, anchor)
    return start, end, d if cal.ok(d) else None, prec


def _reference(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    """"now", "recently", "the future": found, never resolved (they name no date)."""
    if m.group().lower() == "now" and not is_generic_present(text, m.start(), strict=False):
        return None
    return m.start(), m.end(), None, "day"


def _season(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    season, mod = m["s"].lower(), (m["mod"] or "").lower()
    start = m.start()
    if _CAP_WORD_BEFORE.search(text, max(0, start - 40), start) and _cap(m["s"]):
        return None  # "Arab Spring", "Prague Spring"
    if m["y"]:
        d = cal.season_start(season, int(m["y"]))
        return (start, m.end(), d, "season") if cal.ok(d) else None
    relative = mod in ("last", "this", "next", "coming", "past")
    if not relative and not SEASON_PREP.search(text, 0, start):
        return None  # "prices fall", "a hot summer" are no dates
    if anchor is None:
        return start, m.end(), None, "season"
    mode = _mode(mod if relative else None, tense_near(text, start, m.end()))
    d = cal.season_relative(season, anchor, mode)
    return start, m.end(), d if cal.ok(d) else None, "season"


def _quarter(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    q = ("first", "second", "third", "fourth").index(m["q"].lower())
    if m["y"]:
        y = int(m["y"])
    elif anchor is None:
        return m.start(), m.end(), None, "quarter"
    else:  # the nearest such quarter, the current one included: results lag the quarter
        here = anchor.year * 4 + (anchor.month - 1) // 3
        y = min((anchor.year + k for k in (-1, 0, 1)),
                key=lambda yy: (abs(yy * 4 + q - here), yy * 4 + q > here))
    d = cal.safe_date(y, 3 * q + 1, 1)
    return (m.start(), m.end(), d, "quarter") if cal.ok(d) else None


_REF = "quarter-ref"  # resolved in order by _resolve_references


def _quarter_ref(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    return m.start(), m.end(), None, _REF


def _resolve_references(text: str, anchor: dt.date | None,
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
        elif prec == _REF:
            year_back = "year" in text[start:end].lower()
            if "current" in text[start:end].lower() and anchor is not None:
                d, prec = cal.safe_date(anchor.year, (anchor.month - 1) // 3 * 3 + 1, 1), "quarter"
            elif quarter is not None:
                d = cal.safe_date(quarter.year - year_back, quarter.month, 1)
                prec = "quarter"
            elif year_back and "period" not in text[start:end].lower():
                d = None if anchor is None else cal.safe_date(anchor.year - 1, 1, 1)
                prec = "year"
            else:
                continue
        out.append((start, end, d, prec))
    return out


def _fiscal(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    if m["y"]:
        y = int(m["y"])
    elif anchor is None:
        return m.start(), m.end(), None, "year"
    else:
        y = anchor.year + {"last": -1, "previous": -1, "next": 1}.get(m["rel"].lower(), 0)
    return (m.start(), m.end(), dt.date(y, 1, 1), "year") if _year_ok(y) else None


def _year_kw(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    y, kw = int(m["y"]), (m["kw"] or m["kw2"]).lower()
    if not _year_ok(y):
        return None
    if kw in ("and", "or", "to") and not YEAR_BEFORE.search(text, 0, m.start()):
        return None  # only "2010 and 2014", "from 2010 to 2014" pair years
    if is_count(text, m.end(), weak=kw in ("of", "around", "by", "to", "and", "or", "from", "for",
                                            "into", "both", ",")):
        return None  # "of 2000 people", "by 2000 votes"
    return m.start("y"), m.end("y"), dt.date(y, 1, 1), "year"


def _year_mod(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    y = int(m["y"])
    if not _year_ok(y) or is_count(text, m.end(), weak=False):
        return None  # "the 2000 people"
    return m.start("y"), m.end("y"), dt.date(y, 1, 1), "year"


def _year_range(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    y1, tail = int(m["y1"]), m["y2"]
    y2 = int(tail) if len(tail) == 4 else y1 // 100 * 100 + int(tail)
    if not (_year_ok(y1) and _year_ok(y2) and 0 < y2 - y1 <= 20) or is_count(text, m.end(),
                                                                            weak=False):
        return None  # "1957-58" yes; a score or "1990-1880" no
    return m.start(), m.end(), dt.date(y1, 1, 1), "year"


def _spelled_year(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    if m["c"]:
        n = spelled_number(m["n"])
        y = None if n is None else (1900 if m["c"].lower() == "nineteen" else 2000) + n
    else:
        y = 2000 + (spelled_number(m["n2"]) or 0 if m["n2"] else 0)
    if y is None or not _year_ok(y):
        return None
    start, prec, d = m.start(), "year", dt.date(y, 1, 1)
    month = re.search(rf"\b(?P<m>{MONTH_FULL})\s+$", text[max(0, start - 12):start])
    if month:  # "January nineteen ninety-seven"
        start, prec, d = start - len(month.group()), "month", dt.date(y, month_of(month["m"]), 1)
    return start, m.end(), d, prec


def _decade(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    y = int(m["y"])
    return (m.start(), m.end(), dt.date(y, 1, 1), "decade") if _year_ok(y) else None


def _holiday(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    name = m["h"]
    if m["y"]:
        d = cal.holiday(name, int(m["y"]))
        return (m.start(), m.end(), d, "day") if cal.ok(d) else None
    if anchor is None:
        return m.start(), m.end(), None, "day"
    options = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1)
               if (d := cal.holiday(name, y)) is not None]
    mode = _clause_mode(text, m.start(), m.end(), m["mod"])
    back = [d for d in options if d <= anchor if mode != "last" or d < anchor]
    ahead = [d for d in options if d >= anchor if mode != "next" or d > anchor]
    if mode in ("last", "past") and back:
        d = max(back)
    elif mode in ("next", "future") and ahead:
        d = min(ahead)
    else:
        d = min(options, key=lambda x: (abs((x - anchor).days), x > anchor))
    return m.start(), m.end(), d if cal.ok(d) else None, "day"


def _year_poss(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    y = int(m["y"])
    if not _year_ok(y) or text[max(0, m.start() - 1):m.start()] in ("$", "€", "£", "#"):
        return None
    return m.start(), m.end(), dt.date(y, 1, 1), "year"


_Handler = Callable[[re.Match[str], str, "dt.date | None"], "_Cand | None"]


@dataclass(frozen=True)
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
_WEEKDAYS_AT = _Trigger(re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
                                   r"|(?:MON|TUES|WEDNES|THURS|FRI|SATUR|SUN)DAY"), 24, 40, False)
# (pattern, handler, trigger): order breaks ties between equally long overlapping candidates.
_PATTERNS: tuple[tuple[re.Pattern[str], _Handler, _Trigger | None], ...] = (
    (RE_ISO, _iso, None),
    (RE_MDY, _month_day, _MONTHS_AT),
    (RE_DMY, _month_day, _MONTHS_AT),
    (RE_MY, _month_year, _MONTHS_AT),
    (RE_SEASON, _season, _Trigger(re.compile("spring|summer|autumn|fall|winter"), 16, 40)),
    (RE_QUARTER, _quarter, _Trigger(re.compile("quarter"), 40, 48)),
    (RE_QUARTER_REF, _quarter_ref, _Trigger(re.compile("quarter|period|ago|earlier"), 40, 40)),
    (RE_FISCAL, _fiscal, _Trigger(re.compile("fiscal|financial"), 24, 40)),
    (RE_REL, _relative, _Trigger(re.compile(
        "ago|yesterday|today|tonight|tomorrow|night|this|last|next|previous|coming|weekend|end of"
        "|beginning of|start of|middle of"), 56, 48)),
    (RE_REF, _reference, _Trigger(re.compile("now|recent|current|future|past"), 16, 48)),
    (RE_WEEKDAY, _weekday, _WEEKDAYS_AT),
    (RE_MONTH_KW, _month_kw, _MONTHS_AT),
    (RE_YEAR_RANGE, _year_range, _YEARS_AT),
    (RE_YEAR_KW, _year_kw, _YEARS_AT),
    (RE_YEAR_MOD, _year_mod, _YEARS_AT),
    (RE_YEAR_POSS, _year_poss, _YEARS_AT),
    (RE_DECADE, _decade, _YEARS_AT),
    (RE_SPELLED_YEAR, _spelled_year, _Trigger(re.compile("nineteen|twenty|two thousand"), 16, 48)),
    (RE_HOLIDAY, _holiday, _Trigger(re.compile(
        "Christmas|New Year|Thanksgiving|Independence Day|Halloween|Valentine|Easter"), 8, 40,
        False)),
)


def _with_part(text: str, c: _Cand) -> _Cand:
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


def extract_event_dates(text: str, anchor: dt.date | None) -> tuple[EventDate, ...]:
    """Temporal expressions of ``text`` in order, resolved against ``anchor`` (publication).

    Overlapping candidates keep the longest ("Feb. 23, 2025" over "Feb"), then the earlier
    pattern of ``_PATTERNS``.
    """
    if not text:
        return ()
    lower = text.lower()
    cands: list[tuple[int, int, int, dt.date | None, str]] = []
    spans: dict[_Trigger | None, list[tuple[int, int]]] = {None: [(0, len(text))]}
    for rank, (pattern, handler, trigger) in enumerate(_PATTERNS):
        if trigger not in spans:
            spans[trigger] = trigger.windows(text, lower)  # type: ignore[union-attr]
        for lo, hi in spans[trigger]:
            for m in pattern.finditer(text, lo, hi):
                try:
                    c = handler(m, text, anchor)
                    if c is not None:
                        c = _with_part(text, c)
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
                           anchor=anchor) for s, e, d, prec in _resolve_references(text, anchor, chosen))


__all__ = ["Tense", "clause_before", "extract_event_dates", "tense_near"]
