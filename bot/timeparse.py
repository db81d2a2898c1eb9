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

from bot.fmt import human_date
from bot.timefocus import is_background, is_deictic, is_possessive
from bot.timerelative import (
    EDGE_PART,
    RE_AGO,
    RE_MONTH_KW,
    RE_MY,
    RE_QUARTER,
    RE_QUARTER_Q,
    RE_REL,
    RE_SEASON,
    RE_WEEKDAY,
    half,
    nth_week,
    read_ago,
    read_month_kw,
    read_month_year,
    read_quarter,
    read_relative,
    read_season,
    read_weekday,
    recent_periods,
)
from bot.timewords import Found, clause_mode, days_words
from index.timecalc import (
    day_without_year,
    month_without_year,
    part_span,
    relative,
)
from index.timevocab import MAX_YEAR, MIN_YEAR, MONTH, month_of

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
        rf"|(?:the\s+)?(?P<{p}d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<{p}m1>{_MONTH})"
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
    rf"\b(?P<kw>in|during|on|throughout|from|at(?=\s+the\s+(?:end|beginning|start|middle)\s))\s+"
    rf"(?:the\s+(?:month|year|(?P<weekof>week))\s+of\s+)?{_date_rx('a')}", _F)
# "in 2024 and 2025", "in March or April": one range from the first to the second
_RE_IN_PAIR = re.compile(rf"\b(?:in|during)\s+{_date_rx('a')}\s+(?:and|or|&)\s+(?:in\s+)?"
                         rf"{_date_rx('b')}", _F)
# "between 10 and 15 August", "from 10 to 15 August 2025", "August 15-16": days of one month
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DAY_JOIN = r"\s*(?:-|–|\s(?:to|and|until|till|through)\s)\s*"
_RE_DAYS = re.compile(
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
        start, end = half(mod.split()[0], *part_span(None, year, month))
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
    return bool(m.group(f"{p}y4")) and _modifies(question, m.end())


def _modifies(question: str, end: int) -> bool:
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


def _read_range(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
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


def _read_days(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
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


def _read_pair(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
    if any(_year_is_modifier(m, question, p) or _is_verb_may_march(m, p) for p in "ab"):
        return None  # "in 2024 and 2025 budgets"
    return _read_range(m, question, as_of)


def _read_open(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
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


def _read_in(m: re.Match[str], question: str, as_of: dt.date | None) -> Found | None:
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


# Ranges first (of days, then of dates), so "from February to March 2025" is not read as "from
# February"; a month with its relative word before "in" takes the month, so "in March last
# year" is not March of this.
_READERS = ((_RE_DAYS, _read_days), (_RE_BETWEEN, _read_range), (_RE_FROM_TO, _read_range),
            (_RE_IN_PAIR, _read_pair), (RE_MY, read_month_year), (RE_MONTH_KW, read_month_kw),
            (_RE_OPEN, _read_open), (_RE_IN, _read_in), (RE_WEEKDAY, read_weekday),
            (RE_AGO, read_ago), (RE_REL, read_relative), (RE_SEASON, read_season),
            (RE_QUARTER, read_quarter), (RE_QUARTER_Q, read_quarter))


_YEAR = re.compile(r"\b\d{4}\b")
# "since Monday", "after last week", "until this summer": a period read by the readers after
# _RE_OPEN's keywords, which that pattern's dates do not cover
_OPEN_BEFORE = re.compile(r"\b(?P<kw>since|after|before|until|till|prior\s+to)\s+(?:the\s+)?$", _F)


_RANGE_BEFORE = re.compile(r"\b(?:between|from)\s+$", _F)
_RANGE_JOIN = re.compile(r"\s*(?:and|to|through|until|till|-|–)\s*", _F)


def _joined(found: list[Found], question: str) -> list[Found]:
    """"between Monday and Wednesday", "from last week to this week": two periods the readers
    found apart (the date patterns read their own ranges), as one range. Two days out of order
    ("between Monday and Wednesday", asked on a Tuesday) are the last such run of days."""
    found = sorted(found, key=lambda f: f.start)
    out: list[Found] = []
    i = 0
    while i < len(found):
        a = found[i]
        b = found[i + 1] if i + 1 < len(found) else None
        kw = _RANGE_BEFORE.search(question, 0, a.start)
        begin = kw.start() if kw else None
        if question[a.start:a.start + 5].lower() == "from ":
            begin = a.start  # "from last week": the relative reader took its preposition
        if (b is not None and begin is not None and _RANGE_JOIN.fullmatch(question, a.end, b.start)
                and None not in (a.date_from, a.date_to, b.date_from, b.date_to)):
            lo, hi = a.date_from, b.date_to
            if hi < lo and a.date_from == a.date_to and b.date_from == b.date_to:
                lo -= dt.timedelta(days=7)  # weekdays, each read apart
            if lo <= hi:
                out.append(Found(begin, b.end, lo, hi, days_words(lo, hi)))
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _opened(f: Found, question: str) -> Found:
    """``f`` widened to the open range its keyword makes of it, or ``f`` itself."""
    m = _OPEN_BEFORE.search(question, 0, f.start)
    if m is None or f.date_from is None or f.date_to is None or is_possessive(question, f.end):
        return f  # "before this week's ceremony": the keyword governs the ceremony
    kw = " ".join(m.group("kw").lower().split())
    words = f.understood.split(" (", 1)[0]  # "last week (4 Aug 2025 – ...)" -> "last week"
    if kw == "since":
        lo, hi, day = f.date_from, None, f"from {human_date(f.date_from)}"
    elif kw == "after":
        lo, hi = f.date_to + dt.timedelta(days=1), None
        day = f"from {human_date(lo)}"
    elif kw in ("before", "prior to"):
        lo, hi = None, f.date_from - dt.timedelta(days=1)
        day = f"up to {human_date(hi)}"
    else:
        lo, hi, day = None, f.date_to, f"up to {human_date(f.date_to)}"
    said = f"{kw} {words} ({day})" if words != f.understood else f"{kw} {words}"
    return Found(m.start(), f.end, lo, hi, said)


def edition_years(question: str, taken: list[Found], as_of: dt.date | None) -> list[Found]:
    """A year naming the edition in the news ("the 2021 World Series", asked in 2021): the
    as-of year or the next, used as a modifier. Background that ranks, never a filter: an
    earlier year so used names history ("the 2002 kidnapping")."""
    if as_of is None:
        return []
    out = []
    for m in _YEAR.finditer(question):
        year = int(m.group(0))
        if (year in (as_of.year, as_of.year + 1) and _modifies(question, m.end())
                and not any(f.start <= m.start() < f.end for f in taken)):
            out.append(Found(m.start(), m.end(), dt.date(year, 1, 1), dt.date(year, 12, 31),
                             f"{year}, as a name's year"))
    return out


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
    found: list[Found] = []
    for pattern, reader in _READERS:
        for m in pattern.finditer(question):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            try:
                f = reader(m, question, as_of)
            except (ValueError, OverflowError, KeyError):
                f = None  # "31 February", "in 9999": not a date, so not a constraint
            if f is not None:
                found.append(_opened(f, question))
    found = _joined(found, question)
    background = [f for f in found if is_background(question, f.start, f.end)]
    found = [f for f in found if f not in background]
    date_from = date_to = None
    taken: list[Found] = []
    for f in sorted(found, key=lambda f: f.start):
        lo, hi = combine_ranges(date_from, date_to, f.date_from, f.date_to)
        if lo is not None and hi is not None and lo > hi:
            continue
        date_from, date_to = lo, hi
        taken.append(f)
    recent = recent_periods(question, as_of) + edition_years(question, found + background, as_of)
    background = sorted(background + recent, key=lambda f: f.start)
    aside = tuple(f.understood for f in background)
    periods = tuple((f.date_from, f.date_to) for f in background
                    if f in recent or is_deictic(question[f.start:f.end]))
    if not taken:
        return TimeQuery(question, None, None, None, aside, periods)
    ahead = all(clause_mode(question, f.start, f.end) == "future" for f in taken)
    return TimeQuery(_strip(question, taken), date_from, date_to,
                     "; ".join(f.understood for f in taken), aside, periods, ahead)


_SPACES = re.compile(r"\s{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([?.!,;:])")
_DOUBLE_COMMA = re.compile(r",\s*(?=[,?.!;:])")
_LEADING_JUNK = re.compile(r"^[\s,;:]+")


def _strip(question: str, taken: list[Found]) -> str:
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
