"""Time constraints in questions: "What did Kallas say in August 2025?" -> a date range.

Rule-based and precise rather than greedy: an expression is read only after a word that
makes it temporal (in, on, for, during, since, after, before, until, between, from...to, last,
this, past), so the modal "may", "march on Kyiv", "the 2025 budget" and "30-day" stay words.
Year-less and relative expressions are placed against ``as_of`` (the corpus' latest date),
by the question's tense, with the calendar engine and vocabulary that passage dating uses
(index/timecalc.py, index/timevocab.py); without ``as_of`` they are left in the question.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from bot.fmt import human_date
from bot.timedates import (
    RE_BETWEEN,
    RE_DAYS,
    RE_FROM_TO,
    RE_IN,
    RE_IN_PAIR,
    RE_OPEN,
    modifies,
    read_days,
    read_in,
    read_open,
    read_pair,
    read_range,
)
from bot.timefocus import is_background, is_deictic, is_possessive
from bot.timerelative import (
    RE_AGO,
    RE_FISCAL,
    RE_HALF_H,
    RE_MONTH_KW,
    RE_MY,
    RE_QUARTER,
    RE_QUARTER_Q,
    RE_REL,
    RE_SEASON,
    RE_WEEKDAY,
    is_fiscal,
    read_ago,
    read_fiscal,
    read_half,
    read_month_kw,
    read_month_year,
    read_quarter,
    read_relative,
    read_season,
    read_weekday,
    recent_periods,
)
from bot.timewords import Found, clause_mode, days_words

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


# Ranges first (of days, then of dates), so "from February to March 2025" is not read as "from
# February"; a month with its relative word before "in" takes the month, so "in March last
# year" is not March of this.
_READERS = ((RE_DAYS, read_days), (RE_BETWEEN, read_range), (RE_FROM_TO, read_range),
            (RE_IN_PAIR, read_pair), (RE_MY, read_month_year), (RE_MONTH_KW, read_month_kw),
            (RE_OPEN, read_open), (RE_IN, read_in), (RE_WEEKDAY, read_weekday),
            (RE_AGO, read_ago), (RE_REL, read_relative), (RE_SEASON, read_season),
            (RE_QUARTER, read_quarter), (RE_QUARTER_Q, read_quarter), (RE_HALF_H, read_half),
            (RE_FISCAL, read_fiscal))


_F = re.IGNORECASE
_YEAR = re.compile(r"\b\d{4}\b")
# "since Monday", "after last week", "until this summer": a period read by the readers after
# RE_OPEN's keywords, which that pattern's dates do not cover
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
        if (year in (as_of.year, as_of.year + 1) and modifies(question, m.end())
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
    found = [replace(f, understood=f"{f.understood.split(' (', 1)[0]}, a fiscal period (its "
                                   "days vary by company or government)")
             if is_fiscal(question, f.start, f.end) else f for f in _joined(found, question)]
    background = [f for f in found if is_background(question, f.start, f.end)
                  or is_fiscal(question, f.start, f.end)]
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
                    if f in recent or (is_deictic(question[f.start:f.end])
                                       and not is_fiscal(question, f.start, f.end)))
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
