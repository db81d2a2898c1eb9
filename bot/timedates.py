"""Dated expressions in questions: "in August 2025", "between 10 and 15 August", "in 2024 and
2025", "since March", "the first half of 2025", "the week of 11 August". Each reader turns one
match into a ``Found`` range (bot/timeparse.py runs them in order); a year-less date is placed
by the question's tense with the calendar engine that dates passages (index/timecalc.py)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.fmt import human_date
from bot.timerelative import EDGE_PART, half, nth_week
from bot.timewords import Found, clause_mode, days_words
from index.timecalc import day_without_year, month_without_year, numeric_date, part_span, relative
from index.timevocab import MAX_YEAR, MIN_YEAR, MONTH, month_of

__all__ = ["RE_BETWEEN", "RE_DAYS", "RE_FROM_TO", "RE_IN", "RE_IN_PAIR", "RE_OPEN", "modifies",
           "read_days", "read_in", "read_open", "read_pair", "read_range"]


@dataclass(frozen=True)
class _Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str


_MONTH = MONTH
# A bare year must not be a modifier: "in 2025 budget talks" is not "in 2025".
_AFTER_YEAR_OK = frozenset(
    "about on of for with and or to in at by from regarding concerning the a an did was were is "
    "are has have had that when what who whom how why so as than then where which while said "
    "say says do does before after since until till through between".split())


def _date_rx(p: str) -> str:
    """A date expression with group names prefixed by ``p`` (a range holds two)."""
    return (
        rf"(?:(?P<{p}mod>early|mid|late)[\s-]+|the\s+(?P<{p}half>first|second)\s+half\s+of\s+"
        rf"|the\s+(?P<{p}edge>end|beginning|start|middle)\s+of\s+"
        rf"|the\s+(?P<{p}week>first|second|third|fourth|last)\s+week\s+of\s+)?(?:"
        rf"(?P<{p}iso>\d{{4}}-\d{{2}}-\d{{2}})"
        rf"|(?P<{p}na>\d{{1,2}})(?P<{p}ns>[/.])(?P<{p}nb>\d{{1,2}})(?P={p}ns)(?P<{p}ny>(?:19|20)\d\d)"
        rf"|(?:the\s+)?(?P<{p}d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<{p}m1>{_MONTH})"
        rf"(?:,?\s+(?P<{p}y1>\d{{4}}))?"
        rf"|(?P<{p}m2>{_MONTH})\s+(?P<{p}d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<{p}y2>\d{{4}}))?"
        rf"|(?P<{p}m3>{_MONTH})(?:,?\s+(?P<{p}y3>\d{{4}}))?"
        rf"|(?P<{p}y4>\d{{4}}))(?![\w%'’-])")


_F = re.IGNORECASE
RE_BETWEEN = re.compile(rf"\bbetween\s+{_date_rx('a')}\s+(?:and|&)\s+{_date_rx('b')}", _F)
RE_FROM_TO = re.compile(
    rf"\bfrom\s+{_date_rx('a')}\s*(?:\s(?:to|until|till|through)\s|[-–])\s*{_date_rx('b')}", _F)
RE_OPEN = re.compile(
    rf"\b(?P<kw>since|after|before|until|till|through|up\s+to|prior\s+to)\s+{_date_rx('a')}", _F)
RE_IN = re.compile(
    rf"\b(?P<kw>in|during|on|throughout|from|for|at(?=\s+the\s+(?:end|beginning|start|middle)\s))\s+"
    rf"(?:the\s+(?:month|year|(?P<weekof>week))\s+of\s+)?{_date_rx('a')}", _F)
# "in 2024 and 2025", "in March or April": one range from the first to the second
RE_IN_PAIR = re.compile(rf"\b(?:in|during)\s+{_date_rx('a')}\s+(?:and|or|&)\s+(?:in\s+)?"
                         rf"{_date_rx('b')}", _F)
# "between 10 and 15 August", "from 10 to 15 August 2025", "August 15-16": days of one month
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DAY_JOIN = r"\s*(?:-|–|\s(?:to|and|until|till|through)\s)\s*"
RE_DAYS = re.compile(
    rf"\b(?:(?:on|between|from|in|over|during|at)\s+)?(?:the\s+(?:weekend|days)\s+of\s+)?"
    rf"(?:(?P<d1>{_DAY}){_DAY_JOIN}(?P<d2>{_DAY})\s+(?:of\s+)?"
    rf"(?P<m1>{_MONTH})|(?P<m2>{_MONTH})\s+(?P<d3>{_DAY}){_DAY_JOIN}(?P<d4>{_DAY}))"
    rf"(?:,?\s+(?P<y>\d{{4}}))?(?![\w%'’-])", _F)


def _year_of(month: int, day: int | None, as_of: dt.date, mode: str) -> int:
    """The year of a year-less (month, day), placed by the same engine as passage dates."""
    d = (month_without_year(month, as_of, mode) if day is None
         else day_without_year(month, day, as_of, mode))
    if d is None:
        raise ValueError((month, day))
    return d.year


def _parts(m: re.Match[str], p: str) -> tuple[str | None, int | None, int | None, int | None]:
    """(modifier, year, month, day) of date expression ``p``; raises ValueError if invalid."""
    g = m.groupdict()
    if g[f"{p}iso"]:
        d = dt.date.fromisoformat(g[f"{p}iso"])
        return None, d.year, d.month, d.day
    if g[f"{p}na"]:  # "15/08/2025": as the tagger reads it, or no date when ambiguous
        d = numeric_date(int(g[f"{p}na"]), int(g[f"{p}nb"]), int(g[f"{p}ny"]))
        if d is None:
            raise ValueError(m.group(0))
        return None, d.year, d.month, d.day
    mon = g[f"{p}m1"] or g[f"{p}m2"] or g[f"{p}m3"]
    day = g[f"{p}d1"] or g[f"{p}d2"]
    year = g[f"{p}y1"] or g[f"{p}y2"] or g[f"{p}y3"] or g[f"{p}y4"]
    mod = (g[f"{p}mod"] or (g[f"{p}edge"] and EDGE_PART[g[f"{p}edge"].lower()])
           or (g[f"{p}half"] and f"{g[f'{p}half']} half")
           or (g[f"{p}week"] and f"{g[f'{p}week']} week") or "").lower() or None
    return (mod, int(year) if year else None, month_of(mon) if mon else None,
            int(day) if day else None)


def _period(mod: str | None, year: int, month: int | None, day: int | None) -> _Period:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(year)
    if day is not None:
        d = dt.date(year, month or 1, day)
        return _Period(d, d, human_date(d))
    label = f"{dt.date(year, month, 1):%B %Y}" if month is not None else str(year)
    if mod in ("first half", "second half"):
        start, end = half(mod.split()[0], *part_span(None, year, month), year=month is None)
        return _Period(start, end, f"the {mod} of {label}")
    if mod is not None and mod.endswith(" week"):
        start, end = nth_week(mod.split()[0], *part_span(None, year, month))
        return _Period(start, end, f"the {mod} of {label}")
    start, end = part_span(mod, year, month)  # early / mid / late: days or months of it
    return _Period(start, end, f"{mod} {label}" if mod else label)


def _single(m: re.Match[str], p: str, as_of: dt.date | None, question: str) -> _Period | None:
    """The period of one expression, placing a year-less one by the question's tense."""
    mod, year, month, day = _parts(m, p)
    if year is None:
        if as_of is None or month is None:
            return None
        year = _year_of(month, day, as_of, clause_mode(question, m.start(), m.end()))
    return _period(mod, year, month, day)


def _year_is_modifier(m: re.Match[str], question: str, p: str) -> bool:
    """"in 2025 budget talks": a bare year followed by a content word is an adjective."""
    return bool(m.group(f"{p}y4")) and modifies(question, m.end())


def modifies(question: str, end: int) -> bool:
    """Whether a content word follows ``end``: what stands there modifies it."""
    nxt = re.match(r"\s+([A-Za-z]+)", question[end:])
    return bool(nxt) and nxt.group(1).lower() not in _AFTER_YEAR_OK


def _is_verb_may_march(m: re.Match[str], p: str) -> bool:
    """A lone lowercase "may"/"march" after "in" is rarely a month but costs little to skip."""
    token = m.group(f"{p}m3")
    return bool(token) and token in ("may", "march") and not m.group(f"{p}y3")


# --------------------------------------------------------------------------- readers

# "between March and May last year": the year said once, after the range, relative to as-of
_REL_YEAR_AFTER = re.compile(r"\s+(?:of\s+)?(?P<rel>(?:last|this|next)\s+year)\b", _F)


def read_range(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    amod, ay, am, ad = _parts(m, "a")
    bmod, by, bm, bd = _parts(m, "b")
    end = m.end()
    tail = _REL_YEAR_AFTER.match(question, end) if by is None and bm is not None else None
    year_day = relative(tail.group("rel"), as_of)[0] if tail and as_of is not None else None
    if tail and year_day is not None:
        by, end = year_day.year, tail.end()
    if by is None:
        if ay is not None:
            by = ay + (1 if (bm or 1, bd or 1) < (am or 1, ad or 1) else 0)
        elif as_of is not None and bm is not None:
            by = _year_of(bm, bd, as_of, clause_mode(question, m.start(), m.end()))
        else:
            return None
    if ay is None:  # "between February and March 2025": the year is the end's
        if am is None:
            return None
        ay = by - (1 if (am, ad or 1) > (bm or 12, bd or 31) else 0)
    a, b = _period(amod, ay, am, ad), _period(bmod, by, bm, bd)
    if b.start < a.start:
        a, b = b, a
    return Found(m.start(), end, a.start, b.end, f"{human_date(a.start)} – {human_date(b.end)}")


def read_days(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    month = month_of(m["m1"] or m["m2"])
    first, last = (int(re.match(r"\d+", d).group()) for d in (m["d1"] or m["d3"], m["d2"] or m["d4"]))
    if first >= last:
        return None  # "7-1 August" is no range of days
    if m["y"]:
        year = int(m["y"])
    elif as_of is None:
        return None
    else:
        year = _year_of(month, last, as_of, clause_mode(question, m.start(), m.end()))
    lo, hi = _period(None, year, month, first).start, _period(None, year, month, last).end
    return Found(m.start(), m.end(), lo, hi, days_words(lo, hi))


def read_pair(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    if any(_year_is_modifier(m, question, p) or _is_verb_may_march(m, p) for p in "ab"):
        return None  # "in 2024 and 2025 budgets"
    return read_range(m, question, as_of)


def read_open(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    if _year_is_modifier(m, question, "a") or _is_verb_may_march(m, "a"):
        return None
    per = _single(m, "a", as_of, question)
    if per is None:
        return None
    kw = " ".join(m.group("kw").lower().split())
    if kw == "since":
        return Found(m.start(), m.end(), per.start, None, f"since {human_date(per.start)}")
    if kw == "after":
        return Found(m.start(), m.end(), per.end + dt.timedelta(days=1), None,
                      f"after {per.label}")
    if kw in ("before", "prior to"):
        return Found(m.start(), m.end(), None, per.start - dt.timedelta(days=1),
                      f"before {per.label}")
    return Found(m.start(), m.end(), None, per.end, f"through {per.label}")


def read_in(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    if _year_is_modifier(m, question, "a") or _is_verb_may_march(m, "a"):
        return None
    kw = m.group("kw").lower()
    per = _single(m, "a", as_of, question)
    if per is None or (kw == "on" and per.start != per.end):
        return None  # "on" takes a day: "on August 2025" is not said
    if m.group("weekof"):  # "in the week of 11 August": its Monday to Sunday
        if per.start != per.end:
            return None
        monday = per.start - dt.timedelta(days=per.start.weekday())
        return Found(m.start(), m.end(), monday, monday + dt.timedelta(days=6),
                     f"the week of {per.label}")
    return Found(m.start(), m.end(), per.start, per.end, per.label)
