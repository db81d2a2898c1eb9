"""Handlers of the tagger's patterns: one regex match -> (start, end, date, precision) or None.

Each reads the words around its match (index/timepatterns.py's context tests, the clause's
tense) and places the expression against the anchor with index/timecalc.py.
"""


from __future__ import annotations

import datetime as dt
import re

from index import timecalc as cal
from index.tense import Tense, tense_near
from index.timepatterns import (
    HOLIDAY_BEFORE,
    MONTH_BEFORE,
    SEASON_PREP,
    YEAR_BEFORE,
    is_count,
    is_generic_present,
    label_year,
    points_forward,
    quoted_from_elsewhere,
)
from index.timevocab import MONTH_FULL, month_of, part_of, spelled_number, weekday_of

_CAP_WORD_BEFORE = re.compile(r"\b[A-Z][\w.]*\s+$")
Cand = tuple[int, int, "dt.date | None", str]  # start, end, date, precision


def _year_ok(y: int) -> bool:
    return cal.MIN_YEAR <= y <= cal.MAX_YEAR


def _cap(token: str) -> bool:
    """Written as a name is: "May", "MAY", "Sept." (not "may", nor "MaY")."""
    word = token.rstrip(".")
    return word[:1].isupper() and (word[1:].islower() or word.isupper())


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

def iso(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    d = cal.safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return (m.start(), m.end(), d, "day") if cal.ok(d) else None


def numeric(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    d = cal.numeric_date(int(m["a"]), int(m["b"]), int(m["y"]))
    return (m.start(), m.end(), d, "day") if cal.ok(d) else None


def month_day(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
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


def month_year(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    if not _cap(m["m"]):
        return None
    if m["rel"]:  # "January this year", "June last year"
        if anchor is None:
            return m.start(), m.end(), None, "month"
        y = anchor.year + {"last": -1, "next": 1}.get(m["rel"].lower(), 0)
    else:
        y = int(m["y"])
    d = cal.safe_date(y, month_of(m["m"]), 1)
    return (m.start(), m.end(), d, "month") if cal.ok(d) else None


def month_kw(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    token, kw = m["m"], m["kw"].lower()
    if not _cap(token):
        return None
    if kw in ("and", "or", "to") and not MONTH_BEFORE.search(text, 0, m.start("kw")):
        return None  # "Johnson and May": only "April and May" is a month pair
    if token.lower() == "may" and kw in ("by", "of", "from", "before", "after", "for", "the"):
        return None  # "signed by May", "the government of May": the politician
    if kw == "the" and token.lower() == "march":
        return None  # "the March on Washington"
    own = kw in ("last", "next", "this", "early", "late", "mid")
    start = m.start("kw") if own else m.start("m")
    if anchor is None:
        return start, m.end(), None, "month-part" if kw in ("early", "mid", "late") else "month"
    mod = kw if kw in ("last", "next", "this") else None
    d = cal.month_without_year(month_of(token), anchor, _clause_mode(text, start, m.end(), mod))
    if cal.ok(d) and d is not None and kw in ("early", "mid", "late"):
        return start, m.end(), cal.part_span(kw, d.year, d.month)[0], "month-part"
    return start, m.end(), d if cal.ok(d) else None, "month"


def weekday(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
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


def relative(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    start, end = m.start(), m.end()
    if "ago" in m.re.groupindex:
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


def reference(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    """"now", "recently", "the future": found, never resolved (they name no date)."""
    if m.group().lower() == "now" and not is_generic_present(text, m.start(), strict=False):
        return None
    return m.start(), m.end(), None, "day"


def season(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
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
    tense = tense_near(text, start, m.end())
    d = (cal.season_this(season, anchor, tense == "past") if mod == "this"
         else cal.season_relative(season, anchor, _mode(mod if relative else None, tense)))
    return start, m.end(), d if cal.ok(d) else None, "season"


def quarter(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    if m["q"].isdigit():  # "Q3"
        if not (m["y"] or m["y0"]) and _CAP_WORD_BEFORE.search(text, max(0, m.start() - 40),
                                                                m.start()):
            return None  # "the Audi Q3", "Model Q4": a name
        q = int(m["q"]) - 1
    else:
        q = ("first", "second", "third", "fourth").index(m["q"].lower())
    if m["y"] or m["y0"]:
        y = label_year(m["y"] or m["y0"])
    elif anchor is None:
        return m.start(), m.end(), None, "quarter"
    else:  # the nearest such quarter, the current one included: results lag the quarter
        here = anchor.year * 4 + (anchor.month - 1) // 3
        y = min((anchor.year + k for k in (-1, 0, 1)),
                key=lambda yy: (abs(yy * 4 + q - here), yy * 4 + q > here))
    d = cal.safe_date(y, 3 * q + 1, 1)
    return (m.start(), m.end(), d, "quarter") if cal.ok(d) else None


def half(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    if not (m["y"] or m["y0"]):
        return None  # "H1" alone: a heading, a visa, a chemical
    d = cal.safe_date(label_year(m["y"] or m["y0"]), 1 if m["h"] == "1" else 7, 1)
    return (m.start(), m.end(), d, "half") if cal.ok(d) else None


QUARTER_REF = "quarter-ref"  # resolved in order by timetagger.resolve_references


def quarter_ref(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    y = int(m["y"]) if m["y"] else None  # "the 1988 period"
    return m.start(), m.end(), dt.date(y, 1, 1) if y and _year_ok(y) else None, QUARTER_REF



def fiscal(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    if m["y"] or m["fy"]:
        y = label_year(m["y"] or m["fy"])
    elif anchor is None:
        return m.start(), m.end(), None, "year"
    else:
        y = anchor.year + {"last": -1, "previous": -1, "next": 1}.get(m["rel"].lower(), 0)
    return (m.start(), m.end(), dt.date(y, 1, 1), "year") if _year_ok(y) else None


def year_kw(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    y, kw = int(m["y"]), (m["kw"] or m["kw2"]).lower()
    if not _year_ok(y):
        return None
    if kw in ("and", "or", "to") and not YEAR_BEFORE.search(text, 0, m.start()):
        return None  # only "2010 and 2014", "from 2010 to 2014" pair years
    if is_count(text, m.end(), weak=kw in ("of", "around", "by", "to", "and", "or", "from", "for",
                                            "into", "both", ",")):
        return None  # "of 2000 people", "by 2000 votes"
    return m.start("y"), m.end("y"), dt.date(y, 1, 1), "year"


def year_mod(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    y = int(m["y"])
    if not _year_ok(y) or is_count(text, m.end(), weak=False):
        return None  # "the 2000 people"
    return m.start("y"), m.end("y"), dt.date(y, 1, 1), "year"


def year_range(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    y1, tail = int(m["y1"]), m["y2"]
    y2 = int(tail) if len(tail) == 4 else y1 // 100 * 100 + int(tail)
    if not (_year_ok(y1) and _year_ok(y2) and 0 < y2 - y1 <= 20) or is_count(text, m.end(),
                                                                            weak=False):
        return None  # "1957-58" yes; a score or "1990-1880" no
    return m.start(), m.end(), dt.date(y1, 1, 1), "year"


def spelled_year(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
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


def decade(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    y = int(m["y"])
    return (m.start(), m.end(), dt.date(y, 1, 1), "decade") if _year_ok(y) else None


def holiday(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
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


def year_poss(m: re.Match[str], text: str, anchor: dt.date | None) -> Cand | None:
    y = int(m["y"])
    if not _year_ok(y) or text[max(0, m.start() - 1):m.start()] in ("$", "€", "£", "#"):
        return None
    return m.start(), m.end(), dt.date(y, 1, 1), "year"
