"""The tagger's patterns over the vocabulary of index/timevocab.py, and the context tests they need.

Each pattern finds one kind of candidate; index/timetagger.py resolves them. The context tests
read a few words around a candidate: whether a number is a count, whether "until" points the
date forward, whether "today" names a day at all, whether a quotation comes from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import re

from index.tense import clause_before
from index.timevocab import (
    MONTH,
    MONTH_FULL,
    NUMBER_WORDS,
    PARTS,
    SEASON,
    TENS,
    UNITS,
    WEEKDAY,
)

_F = re.IGNORECASE
# Tokenized corpora write "Oct. 11 , 2008"; prose writes "Oct. 11, 2008".
_YEAR_TAIL = r"(?:(?:\s*,\s*|\s+)(?P<y>\d{4})(?!\d))?"
# "March 25 years", "May 9.5%" are not dates.
_NOT_UNIT = (r"(?!\s*(?:%|percent|per\b|years?\b|months?\b|weeks?\b|days?\b|hours?\b|minutes?\b"
             r"|million|billion|trillion|thousand|hundred|[:.,]\d))")

RE_ISO = re.compile(r"(?<![\w-])(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?!\d)")
# "15/08/2025", "8.15.2025": read only where one number cannot be a month (timecalc.numeric_date)
RE_NUMERIC = re.compile(
    r"(?<![\w./-])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d\d)(?![\w/]|\.\d)")
RE_MDY = re.compile(
    rf"\b(?:(?P<wd>{WEEKDAY})\s*,?\s+)?(?P<m>{MONTH})\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"{_NOT_UNIT}{_YEAR_TAIL}", _F)
RE_DMY = re.compile(
    rf"(?<![\d,.$€£])\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{MONTH}){_YEAR_TAIL}",
    _F)
RE_MY = re.compile(rf"\b(?P<m>{MONTH})(?:(?:\s*,\s*|\s+(?:of\s+)?)(?P<y>\d{{4}})(?!\d)"
                   r"|\s+(?P<rel>this|last|next)\s+year\b)", _F)
# A bare month is a date only after a word that makes it temporal ("in May", not "may").
RE_MONTH_KW = re.compile(
    rf"\b(?P<kw>in|during|since|by|until|till|through|from|before|after|of|early|late|mid"
    rf"|last|next|this|between|and|or|to|for|the)\s*-?\s*(?P<m>{MONTH_FULL})\b(?!\s*['’]s)", _F)
RE_WEEKDAY = re.compile(
    rf"\b(?:(?P<mod>last|next|this|coming|past)\s+)?(?P<wd>{WEEKDAY})"
    r"(?:\s+(?P<part>morning|afternoon|evening|night))?\b", _F)
RE_AGO = re.compile(
    r"\b(?P<ago>(?:(?:about|some|nearly|almost|roughly|around|just|only|more\s+than|over)\s+)?"
    rf"(?P<qty>\d{{1,3}}|{NUMBER_WORDS})\s+"
    r"(?P<unit>days?|weeks?|months?|years?|decades?|fortnights?)\s+ago)\b", _F)
RE_REL = re.compile(
    r"\b(?:(?P<rel>the\s+day\s+before\s+yesterday|yesterday|today|tonight|tomorrow|last\s+night"
    r"|this\s+(?:morning|afternoon|evening)|(?:earlier|later)\s+today"
    r"|the\s+(?:end|beginning|start|middle)\s+of\s+(?:the|this)\s+(?:month|year)"
    r"|(?:(?:earlier|later)\s+)?this\s+(?:week|month|year)"
    r"|(?:last|next|previous|coming)\s+(?:week|month|year)"
    r"|(?:last|this|next|the)\s+weekend))\b", _F)
RE_REF = re.compile(
    r"\b(?:(?:right\s+)?now|(?:more\s+)?recently|currently"
    r"|the\s+(?:(?:near|distant)\s+)?future|the\s+past(?!\s+(?:\w+\s+)?(?:years?|months?|weeks?"
    r"|days?|decades?|quarters?|hours?|centur(?:y|ies))\b))\b(?![-'’])", _F)
RE_SEASON = re.compile(
    r"\b(?:(?P<mod>last|this|next|coming|past|early|late|mid)(?:\s+|-))?"
    rf"(?P<s>{SEASON})(?:\s+(?:of\s+)?(?P<y>\d{{4}})(?!\d))?\b", _F)
RE_QUARTER = re.compile(
    r"\b(?:(?:the|its|a)\s+)?(?:(?P<y0>(?:19|20)\d\d)\s+)?(?:(?:fiscal|financial)\s+)?"
    r"(?P<q>first|second|third|fourth)"
    r"[\s-]+quarter\b(?:\s+of\s+(?:(?:fiscal|financial)\s+)?(?P<y>\d{4})(?!\d))?", _F)
# "FY2025", "FY 25", "FY'25": a fiscal year as companies label it, by the year it ends in
FY = r"FY\s?['’]?(?:19|20)?\d\d(?![\w'’])"
# "Q1 2025", "2024 Q4", "Q3", "Q2 FY2025": as analysts write a quarter (case-sensitive: "q3" is
# no quarter)
RE_QUARTER_Q = re.compile(
    rf"(?<![\w/-])(?:(?P<y0>(?:19|20)\d\d|{FY})\s+)?Q(?P<q>[1-4])"
    rf"(?:(?:\s+|\s*[-/]\s*)(?P<y>(?:19|20)\d\d|{FY}))?(?![\w/-])")
# A quarter named by reference to one named before: "the quarter", "a year earlier".
RE_QUARTER_REF = re.compile(
    r"\b(?:the\s+(?:(?:latest|same|current|most\s+recent|recent|(?P<y>(?:19|20)\d\d))\s+)?"
    r"(?:quarter|period)"
    r"|(?:the\s+)?year[-\s](?:ago|earlier)(?:\s+(?:quarter|period))?|a\s+year\s+(?:earlier|ago))"
    r"\b(?!-)", _F)
RE_FISCAL = re.compile(
    rf"\b(?:(?:fiscal|financial)(?:\s+year)?\s+(?P<y>\d{{4}})(?!\d)|(?-i:(?P<fy>{FY}))"
    r"|(?P<rel>this|last|next|previous|the\s+current)\s+(?:fiscal|financial)\s+year)\b", _F)


def label_year(label: str) -> int:
    """A year as written ("2025"), or a fiscal label's ("FY2025", "FY 25", "FY'25" -> 2025):
    TimeML writes a fiscal year as the calendar year it is named for ("fiscal 1989" is 1989)."""
    digits = re.sub(r"\D", "", label)
    if len(digits) == 4:
        return int(digits)
    return int(digits) + (1900 if int(digits) >= 50 else 2000)  # "FY99" is 1999, "FY25" 2025


RE_YEAR_KW = re.compile(
    r"(?:\b(?P<kw>in|since|by|during|until|till|through|throughout|from|before|after|of|early"
    r"|late|mid|around|between|and|or|to|into|for|both)|(?<=\d{4})(?P<kw2>,))\s*-?\s*"
    r"(?:the\s+(?:year\s+)?)?(?P<y>\d{4})(?![\d,.]\d|-?\w|%)", _F)
# A year used as a modifier: "a 2010 commando raid", "his 2007 presidential campaign".
# One adjective may come between: "his unsuccessful 1996 campaign", "Navigation Mixte's 1989".
RE_YEAR_MOD = re.compile(
    r"(?:\b(?:a|an|the|his|her|its|their|our|my|your|this|that|whose)|['’]s)\s+(?:[a-z]+\s+)?"
    r"(?P<y>(?:19|20)\d{2})(?=\s+[A-Za-z])", _F)
RE_YEAR_RANGE = re.compile(r"(?<![\w$€£.-])(?P<y1>(?:19|20)\d{2})\s?[-–/]\s?(?P<y2>\d{4}|\d{2})"
                           r"(?![\w%-]|[.,]\d)")
# Years said as words, as broadcast transcripts write them: "nineteen ninety-six".
RE_SPELLED_YEAR = re.compile(
    rf"\b(?:the\s+year\s+)?(?:(?P<c>nineteen|twenty)[\s-]+(?P<n>(?:{TENS})(?:[\s-](?:{UNITS}))?"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
    rf"|two\s+thousand(?:\s+(?:and\s+)?(?P<n2>{UNITS}))?)\b(?![\s-](?:{UNITS}|hundred|thousand"
    r"|million|billion|percent|dollars?|people|years?)\b)", _F)
RE_DECADE = re.compile(
    r"\b(?:the\s+)?(?:(?P<part>early|mid|late)[\s-]+)?(?P<y>(?:1[89]|20)\d0)['’]?s\b", _F)
RE_HOLIDAY = re.compile(
    r"\b(?:(?P<mod>last|next|this)\s+)?(?P<h>Christmas(?:\s+(?:Day|Eve))?|New\s+Year['’]s\s+"
    r"(?:Day|Eve)|Thanksgiving(?:\s+Day)?|Independence\s+Day|Halloween|Valentine['’]s\s+Day"
    r"|Easter(?:\s+Sunday)?)(?:,?\s+(?P<y>\d{4})(?!\d))?\b(?!\s+(?:tree|card|present|gift|shop"
    r"|sale|party|market|Island|Rising)s?\b)")
RE_YEAR_POSS = re.compile(r"\b(?P<y>\d{4})(?=\s?['’]s\b)")

YEAR_BEFORE = re.compile(r"\d{4}\s*$")
MONTH_BEFORE = re.compile(rf"(?:{MONTH_FULL})\s*$", _F)
HOLIDAY_BEFORE = re.compile(r"\b(?:Good|Black|Cyber|Ash|Holy|Easter|Super|Palm|Maundy|Bloody"
                            r"|Blue|Red|Giving|Small\s+Business)\s+$")
SEASON_PREP = re.compile(r"\b(?:in|during|by|until|till|since|over|through|throughout)"
                         r"\s+(?:the\s+)?(?:(?:early|late)\s+)?$", _F)
PART_BEFORE = re.compile(rf"\b(?P<part>{PARTS})(?:\s*-\s*|\s+)(?:the\s+)?$", _F)
# "the first half of 2025", "the second half of last year": a year's half, as companies report
HALF_BEFORE = re.compile(r"\b(?:the\s+|its\s+)?(?P<h>first|second|last)\s+half\s+of\s+(?:the\s+)?$", _F)
# "H1 2025", "2024 H2", "H1 FY2025": the same, as analysts label it (case-sensitive: "the H1N1
# virus" and "h1" are not halves)
RE_HALF_H = re.compile(
    rf"(?<![\w/-])(?:(?P<y0>(?:19|20)\d\d|{FY})\s+)?H(?P<h>[12])"
    rf"(?:(?:\s+|\s*[-/]\s*)(?P<y>(?:19|20)\d\d|{FY}))?(?![\w/-])")
# A clock time said before its day ("10 p.m. Wednesday", "noon Thursday", "15:00 GMT Saturday"):
# one expression, as TimeML tags it; a bare number is not a time.
_ZONE = r"(?:GMT|UTC|ET|EST|EDT|CST|CDT|PST|PDT|BST|CET|CEST)"
CLOCK = (rf"(?:(?:\d{{1,2}}(?:[:.]\d{{2}})?\s*[ap]\.?m\.?|\d{{1,2}}:\d{{2}})(?:\s*{_ZONE}\b)?"
         rf"|\d{{1,2}}\.\d{{2}}\s*{_ZONE}\b|noon|midnight)")
CLOCK_BEFORE = re.compile(rf"(?<![\w.:]){CLOCK}\s*,?\s*(?:on\s+)?$", _F)

# --------------------------------------------------------------------------- context tests

_NEXT_WORD = re.compile(r"\s+([a-z]+)")
_FUNCTION_WORDS = frozenset(
    "the a an and or but when while as after before it he she they we i there this that to of "
    "in on at for with by from was were is are had has have will would alone only until and "
    "onwards onward on its his her their".split())
_COUNT_NOUNS = frozenset(
    "people persons men women children troops soldiers cases deaths units homes houses jobs "
    "votes shares tonnes tons barrels vehicles km miles metres meters feet workers civilians "
    "refugees dollars euros pounds points students employees members acres copies".split())


def is_count(text: str, end: int, *, weak: bool) -> bool:
    """Whether the number ending at ``end`` counts things ("2000 people") rather than a year.

    After a weak keyword ("of 2000", "by 2030") any content word makes it a count.
    """
    nxt = _NEXT_WORD.match(text, end)
    if nxt is None:
        return False
    word = nxt.group(1)
    return word in _COUNT_NOUNS or (weak and word not in _FUNCTION_WORDS)


_FORWARD = re.compile(
    rf"\b(?:until|till|by|ahead\s+of|as\s+(?:soon|early)\s+as)\s+(?:{CLOCK}\s*,?\s*(?:on\s+)?)?$", _F)


_PERFECT = re.compile(r"\bhad\b", _F)


def points_forward(text: str, start: int) -> bool:
    """"until", "till", "by", "ahead of" before a date: it lies ahead ("postponed until Saturday").

    Not after a past perfect: "Until Thursday, they had not called him" looks back.
    """
    m = _FORWARD.search(text, max(0, start - 40), start)
    return m is not None and not _PERFECT.search(text, m.start(), start + 60)


_GENERIC = re.compile(r"\b(?:than|can|cannot|can['’]t|could|even|of)\b[^.;]*$", _F)
_NOT_NOW = re.compile(r"\b(?:from|just|even)\s+$", _F)


def is_generic_present(text: str, start: int, *, strict: bool = True) -> bool:
    """"faster than can be done today": a present that names no day.

    With ``strict`` (for "today"), only a comparison or a modal before it in its clause makes it
    generic; otherwise (for "now") every "now" is a present reference except "from now".
    """
    if strict:
        return _GENERIC.search(clause_before(text, start, 40)) is not None
    return _NOT_NOW.search(text, max(0, start - 8), start) is None


_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def quoted_from_elsewhere(text: str, start: int, anchor: dt.date) -> bool:
    """Inside a quotation that the text dates to another year ("in a 2012 e-mail: 'Call me...'").

    Its relative words ("Sunday night") are then anchored to an unknown day, not publication.
    """
    para = text.rfind("\n", 0, start) + 1
    seg = text[para:start]
    if not (seg.count('"') % 2 or seg.count("“") > seg.count("”")
            or seg.count("``") > seg.count("''")):
        return False
    opening = para + max(seg.rfind('"'), seg.rfind("“"), seg.rfind("``"))
    lead = text[max(para, opening - 160):opening]
    return any(int(y.group()) != anchor.year for y in _YEAR.finditer(lead))
