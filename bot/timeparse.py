"""Time constraints in questions: "What did Kallas say in August 2025?" -> a date range.

Rule-based and precise rather than greedy: an expression is read only after a word that
makes it temporal (in, on, during, since, after, before, until, between, from...to, last,
this, past), so the modal "may", "march on Kyiv", "the 2025 budget" and "30-day" stay words.
Year-less and relative expressions are placed against ``as_of`` (the corpus' latest date),
by the question's tense, with the calendar engine and vocabulary that passage dating uses
(index/timecalc.py, index/timevocab.py); without ``as_of`` they are left in the question.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.timefocus import is_background, is_deictic
from index.tense import tense_near
from index.timecalc import (
    add_months,
    ago_offset,
    day_without_year,
    month_end,
    month_without_year,
    part_span,
    relative,
    weekday,
    weekend,
)
from index.timepatterns import HOLIDAY_BEFORE
from index.timevocab import MAX_YEAR, MIN_YEAR, MONTH, WEEKDAY, month_of, number_of, weekday_of

__all__ = ["TimeQuery", "combine_ranges", "parse_time"]


# An inclusive range of days; None is open.
Span = tuple[dt.date | None, dt.date | None]


@dataclass(frozen=True)
class TimeQuery:
    text: str  # the question with the time words taken out; "" when nothing else was asked
    date_from: dt.date | None
    date_to: dt.date | None  # inclusive
    understood: str | None  # human words for what was read, None if nothing
    # Expressions that only describe the background ("since the invasion began on February 24",
    # "this year's Super Bowl"): read, shown, but no filter; their words stay in ``text``.
    background: tuple[str, ...] = ()
    # the ranges of those relative to the day of asking ("this year's", "on Tuesday")
    background_periods: tuple[Span, ...] = ()
    # every constraint is spoken of as ahead ("plan to merge in 2024", "will be featured in
    # 2023"): the question was asked before its period
    ahead: bool = False


@dataclass(frozen=True)
class _Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str


@dataclass(frozen=True)
class _Found:
    start: int  # span in the question
    end: int
    date_from: dt.date | None
    date_to: dt.date | None
    understood: str


_MONTH = MONTH
# A bare year must not be a modifier: "in 2025 budget talks" is not "in 2025".
_AFTER_YEAR_OK = frozenset(
    "about on of for with and or to in at by from regarding concerning the a an did was were is "
    "are has have had that when what who whom how why so as than then where which while said "
    "say says do does before after since until till through between".split())


def _date_rx(p: str) -> str:
    """A date expression with group names prefixed by ``p`` (a range holds two)."""
    return (
        rf"(?:(?P<{p}mod>early|mid|late)[\s-]+)?(?:"
        rf"(?P<{p}iso>\d{{4}}-\d{{2}}-\d{{2}})"
        rf"|(?P<{p}d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<{p}m1>{_MONTH})"
        rf"(?:,?\s+(?P<{p}y1>\d{{4}}))?"
        rf"|(?P<{p}m2>{_MONTH})\s+(?P<{p}d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<{p}y2>\d{{4}}))?"
        rf"|(?P<{p}m3>{_MONTH})(?:,?\s+(?P<{p}y3>\d{{4}}))?"
        rf"|(?P<{p}y4>\d{{4}}))(?![\w%'’-])")


_F = re.IGNORECASE
_RE_BETWEEN = re.compile(rf"\bbetween\s+{_date_rx('a')}\s+(?:and|&)\s+{_date_rx('b')}", _F)
_RE_FROM_TO = re.compile(
    rf"\bfrom\s+{_date_rx('a')}\s*(?:\s(?:to|until|till|through)\s|[-–])\s*{_date_rx('b')}", _F)
_RE_OPEN = re.compile(
    rf"\b(?P<kw>since|after|before|until|till|through|up\s+to|prior\s+to)\s+{_date_rx('a')}", _F)
_RE_IN = re.compile(
    rf"\b(?P<kw>in|during|on|throughout|from)\s+(?:the\s+(?:month|year)\s+of\s+)?{_date_rx('a')}",
    _F)
_RE_WEEKDAY = re.compile(
    rf"\b(?:on\s+(?:(?P<mod1>last|next|this|coming|past)\s+)?|(?P<mod2>last|next|this|coming"
    rf"|past)\s+)?(?P<wd>{WEEKDAY})\b(?!['’]s)", _F)
# A bare weekday, news style ("a shooting Wednesday", "signed an order Wednesday"), is a day
# unless a name goes on ("Sunday Times", "Wednesday Addams") or it names no day ("every
# Friday", "who stars in Wednesday").
_NAME_AFTER = re.compile(r"\s+[A-Z]")
_RECURS_BEFORE = re.compile(r"\b(?:every|each|a|the|of|in)\s+$", _F)
# "Recently", "in recent weeks": vague by nature, so never a filter, but the question says its
# news is from the days before "as of" (soft before hard). Days each reaches back, set a priori.
_RE_RECENT = re.compile(r"\b(?:recently|lately|newly|latest|(?:in|over)\s+(?:the\s+)?recent\s+"
                        r"(?P<unit>days|weeks|months)|just(?=\s+(?:[a-z]+ed|won|made|became|hit|set"
                        r"|broke|took|gave|got|began|unveiled|announced)\b)|(?<=\b(?:a|A)\s)new\s+"
                        r"(?:report|study|survey|poll|analysis|research|data|figures))\b", _F)
_RECENT_DAYS = {"days": 7, "weeks": 30, "months": 90, None: 30}
# "two days ago", "a week ago": the day, week, month or year that many units before as-of, by
# the passage tagger's reading of the count (``ago_offset``)
_RE_AGO = re.compile(r"\b(?P<qty>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten"
                     r"|eleven|twelve)\s+(?P<unit>days?|weeks?|months?|years?)\s+ago\b", _F)
_RE_REL = re.compile(
    r"\b(?:(?P<prep>in|during|over|from|by|at)\s+)?(?P<rel>the\s+day\s+before\s+yesterday|yesterday"
    r"|(?:(?:earlier|later)\s+)?today|tonight|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening)|the\s+weekend"
    r"|(?:(?:earlier|later)\s+)?(?:last|this|next|coming)\s+(?:week(?:end)?|month|year))"
    r"(?P<poss>['’]s)?\b"
    r"|\b(?:in|over|during|within|for)\s+the\s+(?:past|last)\s+"
    r"(?:(?P<n>\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+)?"
    r"(?P<unit>days?|weeks?|months?|years?)\b", _F)


# --------------------------------------------------------------------------- formatting

def _fmt_day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


# --------------------------------------------------------------------------- periods

_PROGRESSIVE = re.compile(r"\b(?:is|are|am)\s+(?:\w+\s+)?\w+ing\b", re.IGNORECASE)


def _mode(question: str, start: int, end: int) -> str:
    """The question's tense: a year-less date lies ahead in "Who will win in November?" and
    "Which airline is slashing flights during November?", else at or before ``as_of``."""
    if tense_near(question, start, end) == "future" or _PROGRESSIVE.search(question, 0, start):
        return "future"
    return "past"


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
    mon = g[f"{p}m1"] or g[f"{p}m2"] or g[f"{p}m3"]
    day = g[f"{p}d1"] or g[f"{p}d2"]
    year = g[f"{p}y1"] or g[f"{p}y2"] or g[f"{p}y3"] or g[f"{p}y4"]
    mod = g[f"{p}mod"].lower() if g[f"{p}mod"] else None
    return (mod, int(year) if year else None, month_of(mon) if mon else None,
            int(day) if day else None)


def _period(mod: str | None, year: int, month: int | None, day: int | None) -> _Period:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(year)
    if day is not None:
        d = dt.date(year, month or 1, day)
        return _Period(d, d, _fmt_day(d))
    start, end = part_span(mod, year, month)  # early / mid / late: days or months of it
    label = f"{start:%B %Y}" if month is not None else str(year)
    return _Period(start, end, f"{mod} {label}" if mod else label)


def _single(m: re.Match[str], p: str, as_of: dt.date | None, question: str) -> _Period | None:
    """The period of one expression, placing a year-less one by the question's tense."""
    mod, year, month, day = _parts(m, p)
    if year is None:
        if as_of is None or month is None:
            return None
        year = _year_of(month, day, as_of, _mode(question, m.start(), m.end()))
    return _period(mod, year, month, day)


def _year_is_modifier(m: re.Match[str], question: str, p: str) -> bool:
    """"in 2025 budget talks": a bare year followed by a content word is an adjective."""
    if not m.group(f"{p}y4"):
        return False
    nxt = re.match(r"\s+([A-Za-z]+)", question[m.end():])
    return bool(nxt) and nxt.group(1).lower() not in _AFTER_YEAR_OK


def _is_verb_may_march(m: re.Match[str], p: str) -> bool:
    """A lone lowercase "may"/"march" after "in" is rarely a month but costs little to skip."""
    token = m.group(f"{p}m3")
    return bool(token) and token in ("may", "march") and not m.group(f"{p}y3")


# --------------------------------------------------------------------------- readers

def _read_range(m: re.Match[str], question: str, as_of: dt.date | None) -> _Found | None:
    amod, ay, am, ad = _parts(m, "a")
    bmod, by, bm, bd = _parts(m, "b")
    if by is None:
        if ay is not None:
            by = ay + (1 if (bm or 1, bd or 1) < (am or 1, ad or 1) else 0)
        elif as_of is not None and bm is not None:
            by = _year_of(bm, bd, as_of, _mode(question, m.start(), m.end()))
        else:
            return None
    if ay is None:  # "between February and March 2025": the year is the end's
        if am is None:
            return None
        ay = by - (1 if (am, ad or 1) > (bm or 12, bd or 31) else 0)
    a, b = _period(amod, ay, am, ad), _period(bmod, by, bm, bd)
    if b.start < a.start:
        a, b = b, a
    return _Found(m.start(), m.end(), a.start, b.end, f"{_fmt_day(a.start)} – {_fmt_day(b.end)}")


def _read_open(m: re.Match[str], question: str, as_of: dt.date | None) -> _Found | None:
    if _year_is_modifier(m, question, "a") or _is_verb_may_march(m, "a"):
        return None
    per = _single(m, "a", as_of, question)
    if per is None:
        return None
    kw = " ".join(m.group("kw").lower().split())
    if kw == "since":
        return _Found(m.start(), m.end(), per.start, None, f"since {_fmt_day(per.start)}")
    if kw == "after":
        return _Found(m.start(), m.end(), per.end + dt.timedelta(days=1), None,
                      f"after {per.label}")
    if kw in ("before", "prior to"):
        return _Found(m.start(), m.end(), None, per.start - dt.timedelta(days=1),
                      f"before {per.label}")
    return _Found(m.start(), m.end(), None, per.end, f"through {per.label}")


def _read_in(m: re.Match[str], question: str, as_of: dt.date | None) -> _Found | None:
    if _year_is_modifier(m, question, "a") or _is_verb_may_march(m, "a"):
        return None
    kw = m.group("kw").lower()
    per = _single(m, "a", as_of, question)
    if per is None or (kw == "on" and per.start != per.end):
        return None  # "on" takes a day: "on August 2025" is not said
    return _Found(m.start(), m.end(), per.start, per.end, per.label)


def _read_relative(m: re.Match[str], question: str, as_of: dt.date | None) -> _Found | None:
    if as_of is None:
        return None
    if m.group("rel"):
        rel = " ".join(m.group("rel").lower().split())
        if rel == "the weekend" and (m.group("prep") or "").lower() not in ("over", "during", "at"):
            return None  # "the weekend before the vote" names no weekend of its own
        start, end = _relative_period(rel, as_of, _mode(question, m.start(), m.end()))
        words = rel
    else:
        n_word = (m.group("n") or "1").lower()
        n = number_of(n_word) or 1
        unit = m.group("unit").lower().rstrip("s")
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n
        start, end = as_of - dt.timedelta(days=days - 1), as_of
        words = " ".join(m.group(0).split())
    shown = _fmt_day(start) if start == end else f"{_fmt_day(start)} – {_fmt_day(end)}"
    return _Found(m.start(), m.end(), start, end, f"{words} ({shown})")


def _read_ago(m: re.Match[str], question: str, as_of: dt.date | None) -> _Found | None:
    off = ago_offset(m.group("qty"), m.group("unit")) if as_of is not None else None
    if as_of is None or off is None:
        return None
    unit, n = off
    if unit == "day":
        start = end = as_of - dt.timedelta(days=n)
    elif unit == "week":
        day = as_of - dt.timedelta(days=7 * n)
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=6)
    elif unit == "month":
        y, mo = add_months(as_of.year, as_of.month, -n)
        start, end = dt.date(y, mo, 1), month_end(y, mo)
    else:
        start, end = dt.date(as_of.year - n, 1, 1), dt.date(as_of.year - n, 12, 31)
    shown = _fmt_day(start) if start == end else f"{_fmt_day(start)} – {_fmt_day(end)}"
    return _Found(m.start(), m.end(), start, end, f"{' '.join(m.group(0).lower().split())} ({shown})")


def _read_weekday(m: re.Match[str], question: str, as_of: dt.date | None) -> _Found | None:
    if as_of is None or not m.group("wd")[:1].isupper():
        return None
    if m.start() == m.start("wd") and (  # bare: the passage tagger's guards, and names
            HOLIDAY_BEFORE.search(question, 0, m.start()) or _NAME_AFTER.match(question, m.end())
            or _RECURS_BEFORE.search(question, 0, m.start())):
        return None
    mod = (m.group("mod1") or m.group("mod2") or "").lower()
    mode = {"last": "last", "past": "last", "next": "next", "coming": "next"}.get(mod) or (
        _mode(question, m.start(), m.end()))
    d = weekday(weekday_of(m.group("wd")), as_of, mode)
    if d is None:
        return None
    return _Found(m.start(), m.end(), d, d, _fmt_day(d))


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
    elif unit == "week":
        monday = as_of - dt.timedelta(days=as_of.weekday()) + dt.timedelta(days=7 * step)
        start, end = monday, monday + dt.timedelta(days=6)
    elif unit == "month":
        y, mo = add_months(as_of.year, as_of.month, step)
        start, end = dt.date(y, mo, 1), month_end(y, mo)
    else:
        start, end = dt.date(as_of.year + step, 1, 1), dt.date(as_of.year + step, 12, 31)
    if part == "earlier" or (which == "this" and mode == "past"):
        # what happened "this week" has happened by the day of asking: the rest of the week is
        # another reader's news (asked on a Thursday, Friday's passages do not answer)
        return start, min(end, as_of)
    if part == "later" or (which == "this" and mode == "future"):
        return max(start, as_of), end
    return start, end


# Ranges first, so "from February to March 2025" is not read as "from February".
_READERS = ((_RE_BETWEEN, _read_range), (_RE_FROM_TO, _read_range), (_RE_OPEN, _read_open),
            (_RE_IN, _read_in), (_RE_WEEKDAY, _read_weekday), (_RE_AGO, _read_ago),
            (_RE_REL, _read_relative))


# --------------------------------------------------------------------------- public

def combine_ranges(a_from: dt.date | None, a_to: dt.date | None, b_from: dt.date | None,
                   b_to: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """Intersection of two inclusive ranges (None = open). May give from > to: no overlap."""
    froms = [d for d in (a_from, b_from) if d is not None]
    tos = [d for d in (a_to, b_to) if d is not None]
    return (max(froms) if froms else None), (min(tos) if tos else None)


def parse_time(question: str, *, as_of: dt.date | None) -> TimeQuery:
    """Read the time constraints of ``question``; the rest of it is returned as ``text``.

    Several constraints intersect ("since March 2025 ... before June 2025"); one that would
    empty the range is not taken and its words stay in the text.
    """
    found: list[_Found] = []
    for pattern, reader in _READERS:
        for m in pattern.finditer(question):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            try:
                f = reader(m, question, as_of)
            except (ValueError, OverflowError, KeyError):
                f = None  # "31 February", "in 9999": not a date, so not a constraint
            if f is not None:
                found.append(f)
    background = [f for f in found if is_background(question, f.start, f.end)]
    found = [f for f in found if f not in background]
    date_from = date_to = None
    taken: list[_Found] = []
    for f in sorted(found, key=lambda f: f.start):
        lo, hi = combine_ranges(date_from, date_to, f.date_from, f.date_to)
        if lo is not None and hi is not None and lo > hi:
            continue
        date_from, date_to = lo, hi
        taken.append(f)
    recent = []
    if as_of is not None:
        for m in _RE_RECENT.finditer(question):
            lo = as_of - dt.timedelta(days=_RECENT_DAYS[m.group("unit") and m.group("unit").lower()])
            recent.append(_Found(m.start(), m.end(), lo, as_of,
                                 f"{m.group(0)} ({_fmt_day(lo)} – {_fmt_day(as_of)})"))
    background = sorted(background + recent, key=lambda f: f.start)
    aside = tuple(f.understood for f in background)
    periods = tuple((f.date_from, f.date_to) for f in background
                    if f in recent or is_deictic(question[f.start:f.end]))
    if not taken:
        return TimeQuery(question, None, None, None, aside, periods)
    ahead = all(_mode(question, f.start, f.end) == "future" for f in taken)
    return TimeQuery(_strip(question, taken), date_from, date_to,
                     "; ".join(f.understood for f in taken), aside, periods, ahead)


_SPACES = re.compile(r"\s{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([?.!,;:])")
_DOUBLE_COMMA = re.compile(r",\s*(?=[,?.!;:])")
_LEADING_JUNK = re.compile(r"^[\s,;:]+")


def _strip(question: str, taken: list[_Found]) -> str:
    """The question without the time words, tidied so it still reads as one."""
    out, pos = [], 0
    for f in sorted(taken, key=lambda f: f.start):
        out.append(question[pos:f.start])
        pos = f.end
    out.append(question[pos:])
    text = "".join(out)
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _DOUBLE_COMMA.sub("", text)
    text = _LEADING_JUNK.sub("", text).strip()
    if text and question[:1].isupper():
        text = text[0].upper() + text[1:]
    return text
