""""When did the Arab League suspend Syria?": the date the best passages agree on.

Two rules, chosen between by leave-one-topic-out cross-validation on Timeline17 (bench/suites/t17.py):
* "first" (the default): an event is no later than its first report, so the answer is the
  earliest timeline day (the day a passage is placed at: a reported "on Saturday", else
  publication) among the passages scored within ``FIRST_GAP`` of the best. Later reports of the
  same event, as relevant, no longer pull the day forward.
* "support" / "score": each of the best passages votes for the days it reports: its timeline day
  and every single day it names in a past tense clause. Votes weigh by rank, and a passage
  carried by other outlets too counts once per outlet. A day that two passages support is
  answered as a day; else a month that two support, as a month; else the best passage's own day.
Either way the support is how many of the best passages (each outlet counted) report the day.
A "when" question about what is coming ("When is the meeting in Alaska?") is answered first with
the single day the near-best passages name after their own publication (``asks_ahead``).
The answer's excerpts lead with a passage of its day, then spread over other days
(``spread_days``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from bot.fmt import human_date, plural
from bot.timewords import clause_mode
from index.dates import is_single_day
from index.tense import tense_near

if TYPE_CHECKING:
    from bot.rank import Hit

# How many of the best passages vote (not only the k shown).
VOTERS = 10
# Which day wins: the earliest among the near-best ("first"), the one most passages report
# ("support", then rank-weighted score), or the best rank-weighted score ("score": 1/rank each).
Rule = Literal["first", "support", "score"]
RULE: Rule = "first"
# "first": how far below the best score (the reranker's units) a passage still counts as a report
# of the same event. Chosen with RULE by leave-one-topic-out on Timeline17 (bench/README.md).
FIRST_GAP = 0.1
# How much less a passage counts among a "when" answer's excerpts when its day is already shown
# (the reranker's units). Chosen by leave-one-topic-out on Timeline17 (bench/README.md), on both
# embedding routes: 0.2 to 0.5 score alike on each, 0.15 ties them on fp32 only.
SPREAD = 0.2

# "When is the meeting?", "What date does the law take effect?": asked in the present of what
# is coming; "When will ..." and its kin are the question tense's (bot.timewords.clause_mode)
_AHEAD = re.compile(r"^\s*(?:when|(?:on|in)\s+what\s+(?:day|date|month|year)|(?:what|which)\s+"
                    r"(?:day|date|month|year))\s+(?:is|are|does|do)\b|^\s*when['’]s\b",
                    re.IGNORECASE)
_WHEN = re.compile(
    r"^\s*(?:when\b|(?:on|in|since)\s+what\s+(?:day|date|month|year)\b"
    r"|(?:what|which)\s+(?:day|date|month|year)\b|what\s+time\s+of\s+year\b)", re.IGNORECASE)

DatePrecision = Literal["day", "month", "year"]


@dataclass(frozen=True)
class DateAnswer:
    date: dt.date  # a month's or year's first day when that is the precision
    precision: DatePrecision
    support: int  # passages (each outlet that carried one counted) reporting it
    passages: tuple[int, ...]  # their passage ids, best first

    @property
    def label(self) -> str:
        """"12 Nov 2011, reported by 5 passages"."""
        when = {"day": human_date(self.date), "month": f"{self.date:%b %Y}",
                "year": str(self.date.year)}[self.precision]
        return f"{when}, reported by {plural(self.support, 'passage')}"

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "precision": self.precision,
                "support": self.support, "passages": list(self.passages), "label": self.label}


def is_when_question(question: str) -> bool:
    return bool(_WHEN.match(question))


def asks_ahead(question: str) -> bool:
    """A "when" question in its own words ("When is the vote?") about something coming; a
    statement asked as "when did this happen?" (``ask(when=True)``) is not one."""
    return is_when_question(question) and bool(
        _AHEAD.match(question) or clause_mode(question, 0, 0) == "future")


def coming_days(hit: Hit) -> set[dt.date]:
    """The single days a passage names after its own publication: what it reports as coming."""
    published = hit.article.published
    if published is None:
        return set()
    return {e.date for e in hit.passage.event_dates
            if is_single_day(e) and e.date is not None and e.date > published}


def reported_days(hit: Hit) -> set[dt.date]:
    """The days a passage reports: where the timeline places it, and each past single day."""
    p = hit.passage
    days = {e.date for e in p.event_dates if is_single_day(e) and e.date is not None
            and tense_near(p.text, e.start, e.end) == "past"}
    if p.timeline_date is not None:
        days.add(p.timeline_date)
    return days


def date_answer(hits: Sequence[Hit], *, voters: int = VOTERS, rule: Rule = RULE,
                gap: float | None = FIRST_GAP, ahead: bool = False) -> DateAnswer | None:
    """The date the best ``voters`` hits give by ``rule``, or None when none of them reports a day.

    ``gap`` None: the scores' scale is unknown (a cross-encoder's), so "first" cannot tell the
    near-best reports and the vote by rank answers. ``ahead``: the question asks when something
    coming happens ("When is the meeting in Alaska?"); its reports are dated before it, so the
    days the near-best passages name as coming vote first."""
    best = [h for h in sorted(hits, key=lambda h: h.rank)[:voters]]
    if ahead and best:
        near = [h for h in best if gap is None or h.score >= best[0].score - gap]
        coming = _vote(((h, coming_days(h)) for h in near), "day", "support")
        if coming is not None:
            return coming
    by_day = [(h, reported_days(h)) for h in best]
    if rule == "first" and gap is not None:
        near = [h.timeline_date for h in best if h.timeline_date is not None
                and h.score >= best[0].score - gap]
        if near:
            day = min(near)
            reporting = [h for h, days in by_day if day in days]
            return DateAnswer(day, "day", sum(map(_outlets, reporting)),
                              tuple(h.passage.passage_id for h in reporting))
    if rule == "first":  # no near-best passage is dated, or no gap: the dated ones vote
        rule = "support"
    found = _vote(((h, days) for h, days in by_day), "day", rule)
    if found is not None and found.support >= 2:
        return found
    months = [(h, {d.replace(day=1) for d in days}) for h, days in by_day]
    by_month = _vote(months, "month", rule)
    if by_month is not None and by_month.support >= 2:
        return by_month
    top = next(((h, days) for h, days in by_day if days), None)
    if top is None:
        return None
    h, days = top
    day = h.passage.timeline_date if h.passage.timeline_date in days else min(days)
    return DateAnswer(day, "day", _outlets(h), (h.passage.passage_id,))


def spread_days(hits: Sequence[Hit], answer: DateAnswer | None, penalty: float | None
                ) -> list[Hit]:
    """A "when" answer's excerpts, ranked afresh: the answered day's best passage first, then by
    score, where a passage whose day is already shown counts ``penalty`` less (None: rank order).
    A second report of a day adds less to a date's answer than a day not yet shown, which may be
    the one the reader is looking for; a much better second report still comes first."""
    left = sorted(hits, key=lambda h: h.rank)
    lead: list[Hit] = []
    if answer is not None:
        named = [h for h in left if h.passage.passage_id in answer.passages]
        # placed on the answered day, else (a coming day) the best passage that names it
        lead = ([h for h in named if h.timeline_date == answer.date] or named)[:1]
    out, seen = [], set()

    def take(h: Hit) -> None:
        out.append(h)
        left.remove(h)
        if h.timeline_date is not None:
            seen.add(h.timeline_date)

    for h in lead:
        take(h)
    while left:
        take(left[0] if penalty is None else max(
            left, key=lambda h: h.score - (penalty if h.timeline_date in seen else 0.0)))
    return [replace(h, rank=i) for i, h in enumerate(out, 1)]


def _outlets(h: Hit) -> int:
    """A passage counts once for each outlet that carried it."""
    return 1 + len(h.also_in)


def _vote(items: Iterable[tuple[Hit, set[dt.date]]], precision: DatePrecision, rule: Rule
          ) -> DateAnswer | None:
    score: dict[dt.date, float] = defaultdict(float)
    support: dict[dt.date, int] = defaultdict(int)
    ids: dict[dt.date, list[int]] = defaultdict(list)
    for h, days in items:
        copies = _outlets(h)
        for d in days:
            score[d] += copies / h.rank
            support[d] += copies
            ids[d].append(h.passage.passage_id)
    if not score:
        return None
    d = max(score, key=(lambda x: (support[x], score[x])) if rule == "support"
            else (lambda x: (score[x], support[x])))
    return DateAnswer(d, precision, support[d], tuple(ids[d]))
