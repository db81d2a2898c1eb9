"""Event dates in passages: find temporal expressions and resolve them against publication.

Candidates come from precompiled regexes, never from ``dateparser.search.search_dates``
(far too slow for a million passages and greedy: it reads the modal "may" as May and
"25 years" as a year). Each candidate is resolved by calendar arithmetic; dateparser is
the fallback only for free-form "N units ago" phrases.

Conventions:

* month -> the 1st of the month; year -> 1 January; season -> the 1st of its first month.
* Seasons are meteorological, northern hemisphere: spring = Mar, summer = Jun,
  autumn/fall = Sep, winter = Dec *of the previous year* (winter 2025 = Dec 2024 - Feb 2025).
* "last week", "this week", "next week" -> the Monday of that week, "week" precision
  (in a Sunday article "last week" is the one ending that day); "...weekend" -> its
  Saturday. ``timeline_date`` ignores these (they are not one day).
* A year-less or relative expression in an undated passage keeps ``date=None``: it is never
  anchored to today or to a file time.
* Resolved dates outside 1900..2100 are dropped (absolute) or left unresolved (relative).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from index.models import EventDate, Precision

Tense = Literal["past", "future"] | None

MIN_YEAR, MAX_YEAR = 1900, 2100

_MONTH_NUM = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
              "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SEASON_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_NUM_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
              "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

_MONTH_FULL = ("January|February|March|April|May|June|July|August|September|October"
               "|November|December")
# Full names first so "March" is not cut to "Mar"; an abbreviation may take its dot.
_MONTH = rf"(?:(?:{_MONTH_FULL})\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
_WD = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
# Tokenized corpora write "Oct. 11 , 2008"; prose writes "Oct. 11, 2008".
_YEAR_TAIL = r"(?:(?:\s*,\s*|\s+)(?P<y>\d{4})(?!\d))?"
# "March 25 years", "May 9.5%" are not dates.
_NOT_UNIT = (r"(?!\s*(?:%|percent|per\b|years?\b|months?\b|weeks?\b|days?\b|hours?\b|minutes?\b"
             r"|million|billion|trillion|thousand|hundred|[:.,]\d))")

_UNITS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
          "|fifteen|sixteen|seventeen|eighteen|nineteen")
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_NUMBER_WORDS = rf"an?|(?:{_TENS})(?:[\s-](?:{_UNITS}))?|{_UNITS}"

_F = re.IGNORECASE
_RE_ISO = re.compile(r"(?<![\w-])(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?!\d)")
_RE_MDY = re.compile(
    rf"\b(?:(?P<wd>{_WD})\s*,?\s+)?(?P<m>{_MONTH})\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"{_NOT_UNIT}{_YEAR_TAIL}", _F)
_RE_DMY = re.compile(
    rf"(?<![\d,.$€£])\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MONTH}){_YEAR_TAIL}",
    _F)
_RE_MY = re.compile(rf"\b(?P<m>{_MONTH})(?:\s*,\s*|\s+(?:of\s+)?)(?P<y>\d{{4}})(?!\d)", _F)
# A bare month is a date only after a word that makes it temporal ("in May", not "may").
_RE_MONTH_KW = re.compile(
    rf"\b(?P<kw>in|during|since|by|until|till|through|from|before|after|of|early|late|mid"
    rf"|last|next|this|between|and|or|to)\s*-?\s*(?P<m>{_MONTH_FULL})\b(?!\s*['’]s)", _F)
_RE_WEEKDAY = re.compile(
    rf"\b(?:(?P<mod>last|next|this|coming|past)\s+)?(?P<wd>{_WD})"
    r"(?:\s+(?P<part>morning|afternoon|evening|night))?\b", _F)
_RE_REL = re.compile(
    r"\b(?:(?P<ago>(?:(?:about|some|nearly|almost|roughly|around|just|only|more\s+than|over)\s+)?"
    rf"(?P<qty>\d{{1,3}}|{_NUMBER_WORDS})\s+"
    r"(?P<unit>days?|weeks?|months?|years?|decades?|fortnights?)\s+ago)"
    r"|(?P<rel>the\s+day\s+before\s+yesterday|yesterday|today|tonight|tomorrow|last\s+night"
    r"|this\s+(?:morning|afternoon|evening)|(?:earlier|later)\s+today"
    r"|(?:(?:earlier|later)\s+)?this\s+(?:week|month|year)|(?:last|next)\s+(?:week|month|year)"
    r"|(?:last|this|next)\s+weekend))\b", _F)
_RE_SEASON = re.compile(
    r"\b(?:(?P<mod>last|this|next|coming|past|early|late|mid)(?:\s+|-))?"
    r"(?P<s>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?(?P<y>\d{4})(?!\d))?\b", _F)
_RE_YEAR_KW = re.compile(
    r"\b(?P<kw>in|since|by|during|until|till|through|throughout|from|before|after|of|early"
    r"|late|mid|around|between|and|or|to)\s*-?\s*(?:the\s+(?:year\s+)?)?"
    r"(?P<y>\d{4})(?![\d,.]\d|-?\w|%)", _F)
_RE_YEAR_POSS = re.compile(r"\b(?P<y>\d{4})(?=\s?['’]s\b)")

_YEAR_BEFORE = re.compile(r"\d{4}\s*$")
_MONTH_BEFORE = re.compile(rf"(?:{_MONTH_FULL})\s*$", _F)
_CAP_WORD_BEFORE = re.compile(r"\b[A-Z][\w.]*\s+$")
_HOLIDAY_BEFORE = re.compile(r"\b(?:Good|Black|Cyber|Ash|Holy|Easter|Super|Palm|Maundy|Bloody"
                             r"|Blue|Red|Giving|Small\s+Business)\s+$")
_SEASON_PREP = re.compile(r"\b(?:in|during|by|until|till|since|over|through|throughout)"
                          r"\s+(?:the\s+)?(?:(?:early|late)\s+)?$", _F)
_NEXT_WORD = re.compile(r"\s+([a-z]+)")
# After a weak keyword ("of 2000", "by 2030") the year must not be a count ("of 2000 people").
_WEAK_YEAR_KW = frozenset({"of", "around", "by", "to", "and", "or", "from"})
_FUNCTION_WORDS = frozenset(
    "the a an and or but when while as after before it he she they we i there this that to of "
    "in on at for with by from was were is are had has have will would alone only until and "
    "onwards onward on its his her their".split())
_COUNT_NOUNS = frozenset(
    "people persons men women children troops soldiers cases deaths units homes houses jobs "
    "votes shares tonnes tons barrels vehicles km miles metres meters feet workers civilians "
    "refugees dollars euros pounds".split())

# Tense cues: the verb near an expression says whether a year-less date lies ahead.
_CUE = re.compile(
    r"\b(?:(?P<fut>will|shall|would|won['’]t|wo\s+n['’]t|going\s+to|(?:is|are)\s+to|scheduled"
    r"|expected|set\s+to|due\s+to|plans?\s+to|planned|planning|slated|upcoming|next|later"
    r"|ahead\s+of|payable|effective|due)|(?P<past>said|says|told|tells|was|were|had|did|been"
    r"|met|held|took|made|went|came|gave|saw|spoke|left|sent|won|lost|began|fell|rose|hit"
    r"|struck|shot|ago|earlier|last"
    # a participle after "be" belongs to the verb before it: "will be released"
    r"|(?<!\bbe\s)(?<!\bbeing\s)[a-z]{2,}ed))\b|(?P<fut2>['’]ll)\b")
# A sentence end or a quote mark: a quotation is another speaker's tense.
_SENTENCE_END = re.compile(r"[.!?]\s|\n|[\"“”«»]|``|''")


_PARSE_BASE = dt.datetime(2000, 6, 15)


@lru_cache(maxsize=1)
def _date_parser() -> object:
    """One dateparser instance, its settings built once (they are costly to rebuild)."""
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": _PARSE_BASE, "PREFER_DATES_FROM": "past"})


# --------------------------------------------------------------------------- calendar helpers

def _ok(d: dt.date | None) -> bool:
    return d is not None and MIN_YEAR <= d.year <= MAX_YEAR


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _month_index(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except (ValueError, OverflowError):
        return None


def _shift(anchor: dt.date, days: int) -> dt.date | None:
    try:
        return anchor + dt.timedelta(days=days)
    except OverflowError:
        return None


def _month_of(token: str) -> int:
    return _MONTH_NUM[token[:3].lower()]


def _is_capitalized(token: str) -> bool:
    return token[:1].isupper()


# --------------------------------------------------------------------------- tense

def _last_match(pattern: re.Pattern[str], s: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(s):  # noqa: B007 - the last one is wanted
        pass
    return found


def tense_near(text: str, start: int, end: int) -> Tense:
    """The tense of the clause around text[start:end]: the nearest cue before it, else after.

    Before wins because the governing verb usually precedes its date phrase
    ("will meet on Friday, officials said"); "Trump on Thursday said" falls to the after-side.
    """
    lo = max(0, start - 60)
    before = text[lo:start]
    cut = _last_match(_SENTENCE_END, before)
    if cut is not None:
        before = before[cut.end():]
    last = _last_match(_CUE, before)
    if last is not None:
        return "past" if last.group("past") else "future"
    after = text[end:end + 40]
    stop = _SENTENCE_END.search(after)
    if stop:
        after = after[:stop.start()]
    first = _CUE.search(after)
    if first is not None:
        return "past" if first.group("past") else "future"
    return None


# --------------------------------------------------------------------------- year-less resolution

def _day_without_year(month: int, day: int, anchor: dt.date, tense: Tense) -> dt.date | None:
    options = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1)
               if (d := _safe_date(y, month, day)) is not None]
    if not options:
        return None
    # Tense picks the side. Plans are announced months ahead, but a past date without a year
    # lies within half a year: news says "last April" for older ones.
    if tense == "future":
        ahead = [d for d in options if d >= anchor]
        if ahead:
            return min(ahead)
    if tense == "past":
        back = [d for d in options if anchor >= d >= anchor - dt.timedelta(days=184)]
        if back:
            return max(back)
    return min(options, key=lambda d: (abs((d - anchor).days), d > anchor))


def _month_without_year(month: int, anchor: dt.date, mode: str) -> dt.date | None:
    """mode: past/future/nearest (from tense) or last/next/this (from a modifier)."""
    here = _month_index(anchor)
    options = [y * 12 + month - 1 for y in (anchor.year - 1, anchor.year, anchor.year + 1)]
    if mode == "last":
        picked = max(k for k in options if k < here)
    elif mode == "next":
        picked = min(k for k in options if k > here)
    elif mode == "this":
        picked = anchor.year * 12 + month - 1
    elif mode == "past" and here - 6 <= max(k for k in options if k <= here):
        picked = max(k for k in options if k <= here)
    elif mode == "future":
        picked = min(k for k in options if k >= here)
    else:
        picked = min(options, key=lambda k: (abs(k - here), k > here))
    return _safe_date(picked // 12, picked % 12 + 1, 1)


def _season_start(season: str, label_year: int) -> dt.date | None:
    m = _SEASON_MONTH[season]
    return _safe_date(label_year - 1 if m == 12 else label_year, m, 1)


def _season_relative(season: str, anchor: dt.date, mode: str) -> dt.date | None:
    spans = []
    for y in range(anchor.year - 2, anchor.year + 3):
        s = _season_start(season, y)
        if s is None:
            continue
        ey, em = _add_months(s.year, s.month, 3)
        e = _safe_date(ey, em, 1)
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


def _weekday(target: int, anchor: dt.date, mode: str) -> dt.date | None:
    back = (anchor.weekday() - target) % 7
    ahead = (target - anchor.weekday()) % 7
    if mode == "last":
        return _shift(anchor, -(back or 7))
    if mode == "next":
        return _shift(anchor, ahead or 7)
    if mode == "future":
        return _shift(anchor, ahead)
    return _shift(anchor, -back)  # news reports the past: the latest such day, today included


# --------------------------------------------------------------------------- candidates

_Cand = tuple[int, int, "dt.date | None", Precision]  # start, end, date, precision


def _mode_from(mod: str | None, tense: Tense) -> str:
    mod = (mod or "").lower()
    if mod in ("last", "past"):
        return "last"
    if mod in ("next", "coming"):
        return "next"
    if mod == "this":
        return "past" if tense == "past" else "future"
    return tense or "nearest"


def _from_iso(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    d = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return (m.start(), m.end(), d, "day") if _ok(d) else None


def _from_month_day(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    token = m["m"]
    if not _is_capitalized(token):
        return None  # "may 9" in running text is the modal before a number
    month, day = _month_of(token), int(m["d"])
    if not 1 <= day <= 31:
        return None
    if m["y"]:
        d = _safe_date(int(m["y"]), month, day)
        return (m.start(), m.end(), d, "day") if _ok(d) else None
    if _safe_date(2000, month, day) is None:  # 2000 is a leap year: Feb 29 passes
        return None
    d = None if anchor is None else _day_without_year(
        month, day, anchor, tense_near(text, m.start(), m.end()))
    return m.start(), m.end(), d if _ok(d) else None, "day"


def _from_month_year(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    if not _is_capitalized(m["m"]):
        return None
    d = _safe_date(int(m["y"]), _month_of(m["m"]), 1)
    return (m.start(), m.end(), d, "month") if _ok(d) else None


def _from_month_kw(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    token, kw = m["m"], m["kw"].lower()
    if not _is_capitalized(token):
        return None
    if kw in ("and", "or", "to") and not _MONTH_BEFORE.search(text, 0, m.start("kw")):
        return None  # "Johnson and May": only "April and May" is a month pair
    if token.lower() == "may" and kw in ("by", "of", "from", "before", "after"):
        return None  # "signed by May", "the government of May": the politician
    start = m.start("kw") if kw in ("last", "next", "this", "early", "late", "mid") else m.start("m")
    if anchor is None:
        return start, m.end(), None, "month"
    mode = _mode_from(kw if kw in ("last", "next", "this") else None,
                      tense_near(text, start, m.end()))
    d = _month_without_year(_month_of(token), anchor, mode)
    return start, m.end(), d if _ok(d) else None, "month"


def _from_weekday(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    if not _is_capitalized(m["wd"]) or _HOLIDAY_BEFORE.search(text, 0, m.start()):
        return None  # "Black Friday", "Bloody Sunday" are not last week's days
    if anchor is None:
        return m.start(), m.end(), None, "day"
    mode = _mode_from(m["mod"], tense_near(text, m.start(), m.end()))
    d = _weekday(_WEEKDAYS.index(m["wd"].lower()), anchor, mode)
    return m.start(), m.end(), d if _ok(d) else None, "day"


def _relative(phrase: str, anchor: dt.date) -> tuple[dt.date | None, Precision]:
    p = " ".join(phrase.lower().split())
    monday = _shift(anchor, -anchor.weekday())
    if p in ("today", "tonight", "earlier today", "later today") or p.startswith("this ") and (
            p.endswith(("morning", "afternoon", "evening"))):
        return anchor, "day"
    days = {"yesterday": -1, "last night": -1, "the day before yesterday": -2, "tomorrow": 1}
    if p in days:
        return _shift(anchor, days[p]), "day"
    word, unit = p.split()[-2], p.split()[-1]
    step = {"last": -1, "next": 1}.get(word, 0)
    if unit == "week" and anchor.weekday() == 6:
        # a Sunday paper's "last week" is the one ending today, its "this week" the coming one
        monday = _shift(anchor, 1)
    if unit == "week":
        return (None if monday is None else _shift(monday, 7 * step)), "week"
    if unit == "weekend":
        return (None if monday is None else _shift(monday, 5 + 7 * step)), "week"
    if unit == "month":
        y, mo = _add_months(anchor.year, anchor.month, step)
        return _safe_date(y, mo, 1), "month"
    return _safe_date(anchor.year + step, 1, 1), "year"


@lru_cache(maxsize=4096)
def _ago_offset(qty: str, unit: str) -> tuple[str, int] | None:
    """(day|week|month|year, n) for "<qty> <unit> ago".

    Plain counts are read directly; the messy ones ("twenty-five", "a decade", "a fortnight")
    go to dateparser against a fixed base, and the offset is re-applied to each anchor, so
    one parse serves every article.
    """
    q, said = qty.lower(), unit.lower()
    unit = said.rstrip("s")
    n = _NUM_WORDS.get(q) or (int(q) if q.isdigit() else None)
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
         "month": _month_index(base) - _month_index(got), "year": base.year - got.year}[kind]
    return kind, n


def _from_relative(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    start, end = m.start(), m.end()
    if m["rel"] and m["rel"] == "Today" and _CAP_WORD_BEFORE.search(text, 0, start):
        return None  # "USA Today", "Russia Today"
    if m["ago"]:
        off = _ago_offset(" ".join(m["qty"].split()), m["unit"])
        if off is None:
            return None
        unit, n = off
        prec: Precision = {"day": "day", "week": "week", "month": "month", "year": "year"}[unit]
        if anchor is None:
            return start, end, None, prec
        if unit in ("day", "week"):
            d = _shift(anchor, -n * (7 if unit == "week" else 1))
        elif unit == "month":
            y, mo = _add_months(anchor.year, anchor.month, -n)
            d = _safe_date(y, mo, 1)
        else:
            d = _safe_date(anchor.year - n, 1, 1)
        return start, end, d if _ok(d) else None, prec
    if anchor is None:
        unit = m["rel"].lower().split()[-1]
        prec = {"month": "month", "year": "year"}.get(unit, "day")  # type: ignore[assignment]
        return start, end, None, prec
    d, prec = _relative(m["rel"], anchor)
    return start, end, d if _ok(d) else None, prec


def _from_season(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    season, mod = m["s"].lower(), (m["mod"] or "").lower()
    start = m.start()
    if _CAP_WORD_BEFORE.search(text, 0, start) and _is_capitalized(m["s"]):
        return None  # "Arab Spring", "Prague Spring"
    if m["y"]:
        d = _season_start(season, int(m["y"]))
        return (start, m.end(), d, "season") if _ok(d) else None
    relative = mod in ("last", "this", "next", "coming", "past")
    if not relative and not _SEASON_PREP.search(text, 0, start):
        return None  # "prices fall", "a hot summer" are no dates
    if anchor is None:
        return start, m.end(), None, "season"
    mode = _mode_from(mod if relative else None, tense_near(text, start, m.end()))
    d = _season_relative(season, anchor, mode)
    return start, m.end(), d if _ok(d) else None, "season"


def _year_ok(y: int) -> bool:
    return MIN_YEAR <= y <= MAX_YEAR


def _from_year_kw(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    y, kw = int(m["y"]), m["kw"].lower()
    if not _year_ok(y):
        return None
    if kw in ("and", "or", "to") and not _YEAR_BEFORE.search(text, 0, m.start("kw")):
        return None  # only "2010 and 2014", "from 2010 to 2014" pair years
    nxt = _NEXT_WORD.match(text, m.end())
    if nxt:
        word = nxt.group(1)
        if word in _COUNT_NOUNS or (kw in _WEAK_YEAR_KW and word not in _FUNCTION_WORDS):
            return None  # "of 2000 people", "by 2000 votes"
    return m.start("y"), m.end("y"), dt.date(y, 1, 1), "year"


def _from_year_poss(m: re.Match[str], text: str, anchor: dt.date | None) -> _Cand | None:
    y = int(m["y"])
    if not _year_ok(y) or text[max(0, m.start() - 1):m.start()] in ("$", "€", "£", "#"):
        return None
    return m.start(), m.end(), dt.date(y, 1, 1), "year"


_Handler = Callable[[re.Match[str], str, "dt.date | None"], "_Cand | None"]
_MONTH_KEYS = tuple(_MONTH_NUM)
# (pattern, handler, substrings of the lowercased text one of which it needs): the
# substring test is a C-speed scan that spares most regexes most passages.
# Order breaks ties between equally long overlapping candidates.
_PATTERNS: tuple[tuple[re.Pattern[str], _Handler, tuple[str, ...]], ...] = (
    (_RE_ISO, _from_iso, ("-",)),
    (_RE_MDY, _from_month_day, _MONTH_KEYS),
    (_RE_DMY, _from_month_day, _MONTH_KEYS),
    (_RE_MY, _from_month_year, _MONTH_KEYS),
    (_RE_SEASON, _from_season, ("spring", "summer", "autumn", "fall", "winter")),
    (_RE_REL, _from_relative, ("ago", "yesterday", "today", "tonight", "tomorrow", "night",
                               "this ", "last ", "next ")),
    (_RE_WEEKDAY, _from_weekday, ("day",)),
    (_RE_MONTH_KW, _from_month_kw, _MONTH_KEYS),
    (_RE_YEAR_KW, _from_year_kw, ("19", "20", "2100")),
    (_RE_YEAR_POSS, _from_year_poss, ("'s", "’s")),
)


def extract_event_dates(text: str, anchor: dt.date | None) -> tuple[EventDate, ...]:
    """Temporal expressions of ``text`` in order, resolved against ``anchor`` (publication).

    Overlapping candidates keep the longest ("Feb. 23, 2025" over "Feb"), then the earlier
    pattern of ``_PATTERNS``.
    """
    if not text:
        return ()
    lower = text.lower()
    cands: list[tuple[int, int, int, dt.date | None, Precision]] = []
    for rank, (pattern, handler, needs) in enumerate(_PATTERNS):
        if not any(n in lower for n in needs):
            continue
        for m in pattern.finditer(text):
            try:
                c = handler(m, text, anchor)
            except (ValueError, OverflowError, KeyError):
                c = None  # a malformed candidate is no date, never a failed passage
            if c is not None and c[1] > c[0]:
                cands.append((c[0], -(c[1] - c[0]), rank, c[2], c[3]))
    cands.sort(key=lambda c: (c[0], c[1], c[2]))
    out: list[EventDate] = []
    last_end = -1
    for start, neg_len, _rank, d, prec in cands:
        if start < last_end:
            continue
        end = start - neg_len
        out.append(EventDate(text=text[start:end], start=start, end=end, date=d,
                             precision=prec, anchor=anchor))
        last_end = end
    return tuple(out)


# --------------------------------------------------------------------------- timeline date

_SPREAD = re.compile(r"\b(?:week|weekend)\b", re.IGNORECASE)


def is_single_day(ev: EventDate) -> bool:
    """A resolved day-precision expression that names one day (not "last week")."""
    return ev.date is not None and ev.precision == "day" and not _SPREAD.search(ev.text)


@dataclass(frozen=True)
class TimelineRule:
    """Which event date a passage is placed at; tuned by ``bench/timeline_rule.py``.

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
    Measured with bench/timeline_rule.py and bench/timeline.py on Timeline17.
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
