"""Step 1 of a question: what it asks for, read once into one typed ``Query``.

The question is checked, its time words are read against an "as of" day and combined with the
date filters, and the sources are kept. Every later step (retrieve, rank, answer or timeline)
works from the ``Query`` and never reads the question again. Limits live here, where the work
starts: the CLI and the web page only turn a ``BadQuery`` into a message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.fmt import human_date
from bot.rerank import content_words
from bot.roles import roles_read_as
from bot.timeparse import Span, combine_ranges, parse_time
from index.errors import BadQuery
from index.filters import Filter

MAX_QUESTION_CHARS = 500
MAX_K = 50
# A timeline's dates: long stories (a war, a trial) have hundreds of dated turns.
MAX_DATES = 500
# "As of" defaults to today while the corpus reaches to within this many days of it; an
# older corpus is read as of its own last date ("this week" = its last week).
RECENT_DAYS = 28
# A reading that changes when "as of" moves by this much depended on "as of".
_PROBE = dt.timedelta(days=3 * 366)
# News of a day comes in the days after it: "What did Biden announce on Monday?", asked on a
# Thursday, is answered by Monday's to Thursday's reports. A past period read from relative
# words is searched with the reports of up to this many days after it (a longer period's, of
# as many days as it lasted: _report_days), never past "as of"; a coming one ("next week")
# with what was announced of it in as many days before "as of". Set a priori (a week of
# follow-ups or previews), not fitted.
REPORT_DAYS = 7

Order = Literal["relevance", "time"]
ORDERS: tuple[Order, ...] = ("relevance", "time")
AsOfFrom = Literal["given", "today", "corpus"]


@dataclass(frozen=True)
class Query:
    """A question as understood: the one result every later step works from."""

    question: str  # as asked, whitespace tidied
    text: str  # what is searched: the question without its time words
    date_from: dt.date | None  # the question's time and the filters combined (inclusive)
    date_to: dt.date | None
    sources: tuple[str, ...]
    as_of: dt.date | None  # what relative words ("this week") were read against
    as_of_from: AsOfFrom
    understood: str | None  # what was read from the question, in words
    relative: bool = False  # whether that reading depends on ``as_of``
    speaker: str | None = None  # whose words are asked for ("what did X say"), when read
    speakers: tuple[str, ...] = ()  # the stored speakers searched (bot.attribution): a filter
    background: tuple[str, ...] = ()  # time read as background: shown, not filtered on
    given_from: dt.date | None = None  # the date filter as given, without the question's time
    given_to: dt.date | None = None
    # Relative words read against a guessed "as of" (the corpus' last date): an uncertain
    # reading, shown but not applied as a filter (soft before hard).
    unapplied: bool = False
    # A recent past period is searched with its reports of the days after it, up to this day
    # (REPORT_DAYS); ``date_to`` stays the period's own end. A coming period, with what was
    # announced of it from ``reports_from`` on.
    reports_to: dt.date | None = None
    reports_from: dt.date | None = None
    # A named period the question speaks of as ahead ("which supermarkets plan to merge in
    # 2024?") while "as of" is a guess: the question was asked before the period, so what was
    # announced of it on any earlier day is searched too.
    reports_before: bool = False
    # Background time relative to "as of" ("this year's Super Bowl", "this week's summit"):
    # not a filter, but a passage of that time ranks higher (soft before hard). Each range
    # is widened by the reports of REPORT_DAYS, as a filter's would be.
    hints: tuple[Span, ...] = ()
    # No topic ("What happened last week?", "What's new?"): answered by bot.digest.
    topicless: bool = False
    # The "as of" day the reader gave: what a reader on that day could have read. Sources
    # published after it rank lower (never filtered: soft before hard). None when "as of" is a
    # default, today or the corpus' last day, after which nothing is published.
    known_by: dt.date | None = None
    # Offices the question names without a name, with the name the sources give them
    # (bot.roles): "Ukrainian president" -> "Volodymyr Zelenskyy", added to ``text``.
    roles: tuple[tuple[str, str], ...] = ()

    @property
    def no_overlap(self) -> bool:
        """The question's time and the date filter exclude each other."""
        return bool(self.date_from and self.date_to and self.date_from > self.date_to)

    @property
    def dated(self) -> bool:
        return bool(self.date_from or self.date_to)

    def filter(self) -> Filter:
        start = self.given_from if self.reports_before else self.reports_from or self.date_from
        return Filter(start, self.reports_to or self.date_to,
                      self.sources, speakers=self.speakers, events=True)

    def fallback_filter(self) -> Filter | None:
        """Without the question's own time (the filters as given): where an answer looks when
        that time left nothing relevant. None when the question's time set no range."""
        if (self.date_from, self.date_to) == (self.given_from, self.given_to):
            return None
        return Filter(self.given_from, self.given_to, self.sources, speakers=self.speakers,
                      events=True)

    @property
    def read_as(self) -> str | None:
        """The "read as" line: whose words, what was understood, and against which day when
        that matters."""
        parts = [f"words of {self.speaker}" if self.speaker else None,
                 roles_read_as(self.roles), self._time_read_as()]
        return "; ".join(p for p in parts if p) or None

    def _time_read_as(self) -> str | None:
        if self.reports_before:
            return (f"{self.understood}, spoken of as ahead, so reports from before it are "
                    "searched too; set 'as of' to say when it was asked")
        if self.understood is None or self.as_of is None or not (self.relative or self.reports_from):
            return self.understood
        if self.as_of_from == "corpus":
            return (f"{self.understood}, as of {human_date(self.as_of)}, the corpus' latest date; "
                    + ("not applied as a filter: set 'as of' to apply it" if self.unapplied
                       else "set 'as of' to change it"))
        reports = (f"; with reports up to {human_date(self.reports_to)}" if self.reports_to
                   else f"; with reports from {human_date(self.reports_from)}"
                   if self.reports_from else "")
        if self.as_of_from == "today":
            return f"{self.understood}, as of today{reports}"
        return f"{self.understood}, as of {human_date(self.as_of)}{reports}"


def check_question(question: str) -> str:
    text = " ".join((question or "").split())
    if not text:
        raise BadQuery("the question is empty: type what you want to find")
    if len(text) > MAX_QUESTION_CHARS:
        raise BadQuery(f"the question is {len(text)} characters long; the limit is "
                       f"{MAX_QUESTION_CHARS}: shorten it")
    return text


def check_k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise BadQuery(f"the number of results must be between 1 and {MAX_K}, not {k}")
    return k


def check_dates(n: int) -> int:
    if not 1 <= n <= MAX_DATES:
        raise BadQuery(f"the number of dates must be between 1 and {MAX_DATES}, not {n}")
    return n


def check_order(order: str) -> Order:
    if order not in ORDERS:
        raise BadQuery(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    return order  # type: ignore[return-value]


# Words that ask for news without naming any: what is left of a question after them and its
# time words is its topic.
_GENERIC = frozenset("""
    happen happens happened happening occur occurs occurred news latest new event events story
    stories headline headlines update updates report reports reported going anything everything
    there any all me us show tell give list main key top big biggest major important
    """.split())


def is_topicless(text: str) -> bool:
    """Whether a question's words, its time words taken out, name no topic."""
    return not any(w not in _GENERIC for w in content_words(text))


def check_range(date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise BadQuery(f"--from {date_from} is after --to {date_to}")


def default_as_of(last: dt.date | None, today: dt.date) -> tuple[dt.date, AsOfFrom]:
    """Today while the corpus is current, else the corpus' last date."""
    if last is None or (today - last).days <= RECENT_DAYS:
        return today, "today"
    return last, "corpus"


def understand(question: str, *, date_from: dt.date | None = None, date_to: dt.date | None = None,
               sources: Sequence[str] = (), as_of: dt.date | None = None,
               corpus_last: dt.date | None = None, today: dt.date | None = None) -> Query:
    """Read a question once. ``as_of`` absent: see ``default_as_of``."""
    text = check_question(question)
    check_range(date_from, date_to)
    if as_of is not None:
        when, origin = as_of, "given"
    else:
        when, origin = default_as_of(corpus_last, today or dt.date.today())
    tq = parse_time(text, as_of=when)
    relative = focus_relative = False
    hints: tuple[Span, ...] = ()
    if tq.understood is not None or tq.background:
        other = parse_time(text, as_of=when - _PROBE)
        # the range itself depends on "as of" ("last week"), or only the background does ("a
        # new study found what in 2020?"): only the first makes the range a guess
        focus_relative = (other.date_from, other.date_to) != (tq.date_from, tq.date_to)
        relative = focus_relative or other.background != tq.background
        if origin != "corpus":  # against a guessed "as of" the reading is too uncertain
            hints = tuple(_with_reports(lo, hi, when) for lo, hi in tq.background_periods)
    # "What happened last week?": its time is all it asks, so even a guessed reading applies
    topicless = is_topicless(tq.text)
    unapplied = focus_relative and origin == "corpus" and tq.understood is not None and not topicless
    lo, hi = ((date_from, date_to) if unapplied
              else combine_ranges(tq.date_from, tq.date_to, date_from, date_to))
    reports_to = reports_from = None
    week = dt.timedelta(days=REPORT_DAYS)
    if focus_relative and not unapplied and tq.date_to is not None and hi == tq.date_to and hi < when:
        reports_to = min(when, hi + _report_days(tq.date_from, hi), date_to or when)
    elif (tq.date_from is not None and lo == tq.date_from and lo > when
          and origin != "corpus" and not unapplied):
        # a coming period, relative ("next month") or named ("in 2024", asked in 2022): nothing
        # is published in it yet, so what was announced of it lately is searched too
        reports_from = max(when - week, date_from or when - week)
    reports_before = (origin != "given" and not focus_relative and tq.ahead and reports_from is None
                      and tq.date_from is not None and lo == tq.date_from)
    understood = tq.understood
    if tq.background:  # said, so the reader sees why "since ... February 24" set no range
        aside = f"background, not a filter: {', '.join(tq.background)}" + (
            "; passages of that time rank higher" if hints else "")
        understood = f"{understood}; {aside}" if understood else aside
    return Query(question=text, text=tq.text.strip() or text, date_from=lo, date_to=hi,
                 sources=tuple(sources), as_of=when, as_of_from=origin,  # type: ignore[arg-type]
                 understood=understood, relative=relative, background=tq.background,
                 given_from=date_from, given_to=date_to, unapplied=unapplied,
                 reports_to=reports_to, reports_from=reports_from,
                 reports_before=reports_before, hints=hints, topicless=topicless,
                 known_by=when if origin == "given" else None)


def _with_reports(lo: dt.date | None, hi: dt.date | None, when: dt.date) -> Span:
    """A relative period and its reports: a past one's of the days after it, up to ``when``;
    a coming one's (from ``when`` on: "this year's final", asked in January) announcements of
    the days before ``when``."""
    week = dt.timedelta(days=REPORT_DAYS)
    if hi is not None and hi < when:
        return lo, min(when, hi + _report_days(lo, hi))
    if lo is not None and lo >= when:
        return when - week, hi
    return lo, hi


def _report_days(lo: dt.date | None, hi: dt.date) -> dt.timedelta:
    """How long after a past period its reports come: a week, or as long as the period lasted.
    A year's or a season's figures ("born out of wedlock last year", "the worst airport this
    summer") are published in the months after it, not in its last week."""
    days = (hi - lo).days + 1 if lo is not None else REPORT_DAYS
    return dt.timedelta(days=max(REPORT_DAYS, days))


def parse_day(value: str | None, flag: str) -> dt.date | None:
    """A YYYY-MM-DD value, or a clear error naming the flag or field."""
    if value is None or not str(value).strip():
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise BadQuery(f"{flag} needs a date as YYYY-MM-DD, not {value!r}") from None
