"""Event dates in passages: the seed articles' checks, the known dateparser traps, properties."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.dates import (
    DEFAULT_RULE,
    TimelineRule,
    day_spans,
    extract_event_dates,
    follow_lead,
    lead_day,
    timeline_date,
)
from index.models import EventDate, Precision

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
D = dt.date


def _article(prefix: str) -> str:
    (path,) = ARTICLES.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _find(events: tuple[EventDate, ...], text: str, context: str) -> EventDate:
    """The expression inside the first occurrence of ``context`` in ``text``."""
    at = text.index(context)
    hits = [e for e in events if at <= e.start and e.end <= at + len(context)]
    assert hits, f"no expression in {context!r}: {events}"
    return hits[0]


MONDAY = D(2025, 3, 17)


def _dates(text: str, anchor: dt.date | None = MONDAY) -> list[tuple[str, dt.date | None, str]]:
    return [(e.text, e.date, e.precision) for e in extract_event_dates(text, anchor)]


# --------------------------------------------------------------------------- seed articles

def test_alaska_meeting_is_august_15() -> None:
    text = _article("003")
    ev = _find(extract_event_dates(text, D(2025, 8, 12)), text, "in Alaska on August 15")
    assert ev.date == D(2025, 8, 15)
    assert ev.precision == "day"
    assert "August 15" in ev.text


def test_tuesday_night_and_wednesday_in_a_wednesday_article() -> None:
    text = _article("001")
    events = extract_event_dates(text, D(2025, 2, 19))
    tuesday = _find(events, text, "on Tuesday night")
    assert tuesday.date == D(2025, 2, 18)
    assert tuesday.precision == "day"
    wednesday = _find(events, text, "Turkey on Wednesday")
    assert wednesday.date == D(2025, 2, 19)  # the publication day itself counts


def test_undated_article_leaves_thursday_unresolved() -> None:
    text = _article("000")
    events = extract_event_dates(text, None)
    thursday = _find(events, text, "on Thursday")
    assert thursday.text == "Thursday"
    assert thursday.date is None
    assert thursday.anchor is None
    assert thursday.precision == "day"
    assert all(e.date is None for e in events)  # nothing in it carries its own year


def test_no_date_in_twenty_five_years() -> None:
    assert _dates("Russia hasn't held a free election in 25 years") == []
    text = _article("001")
    at = text.index("in 25 years")
    assert not [e for e in extract_event_dates(text, D(2025, 2, 19)) if at <= e.start < at + 12]


@pytest.mark.parametrize("text", [
    "a €40 billion defense initiative",
    "a proposed 30-day ceasefire in Ukraine",
    "Russia may attack",
    "RUSSIA MAY ATTACK",
    "over 10 years, $5 and 3,000 troops",
    "a population of 2000 people",
    "Theresa May said the march was peaceful.",
    "prices fall in a hot summer",
    "the Arab Spring protests",
    "Black Friday sales",
    "a few days ago",  # no number to count back
])
def test_not_dates(text: str) -> None:
    assert _dates(text) == []


def test_seed_article_004_amounts_are_no_dates() -> None:
    text = _article("004")
    events = extract_event_dates(text, D(2025, 3, 17))
    assert [e.text for e in events] == ["last spring"]


# --------------------------------------------------------------------------- absolute

@pytest.mark.parametrize(("text", "expr", "date", "precision"), [
    ("signed on Feb. 23, 2025 in Kyiv", "Feb. 23, 2025", D(2025, 2, 23), "day"),
    ("on 15 August 2025", "15 August 2025", D(2025, 8, 15), "day"),
    ("dated 2025-02-19.", "2025-02-19", D(2025, 2, 19), "day"),
    ("the Oct. 11 , 2008 meeting", "Oct. 11 , 2008", D(2008, 10, 11), "day"),
    ("on Thursday, Feb. 20, 2025", "Thursday, Feb. 20, 2025", D(2025, 2, 20), "day"),
    ("in March 2025", "March 2025", D(2025, 3, 1), "month"),
    ("in May 2024", "May 2024", D(2024, 5, 1), "month"),
    ("Crimea was annexed in 2014.", "2014", D(2014, 1, 1), "year"),
    ("sanctions since 2014 have", "2014", D(2014, 1, 1), "year"),
    ("2014's annexation", "2014", D(2014, 1, 1), "year"),
    ("in the summer of 2014", "summer of 2014", D(2014, 6, 1), "season"),
    ("in winter 2025", "winter 2025", D(2024, 12, 1), "season"),
])
def test_absolute(text: str, expr: str, date: dt.date, precision: str) -> None:
    assert _dates(text) == [(expr, date, precision)]
    # its own year: resolves even in an undated article
    assert _dates(text, None) == [(expr, date, precision)]


def test_feb_23_is_one_expression_not_feb() -> None:
    events = extract_event_dates("Talks resumed on Feb. 23, 2025, officials said.", None)
    assert [e.text for e in events] == ["Feb. 23, 2025"]


def test_between_two_years() -> None:
    assert _dates("between 2010 and 2014") == [("2010", D(2010, 1, 1), "year"),
                                               ("2014", D(2014, 1, 1), "year")]


def test_years_outside_1900_2100_are_not_dates() -> None:
    assert _dates("in 1850 and in 2500; on Feb. 23, 1850") == []


# --------------------------------------------------------------------------- relative

@pytest.mark.parametrize(("text", "date", "precision"), [
    ("yesterday", D(2025, 3, 16), "day"),
    ("today", D(2025, 3, 17), "day"),
    ("tomorrow", D(2025, 3, 18), "day"),
    ("last night", D(2025, 3, 16), "day"),
    ("last week", D(2025, 3, 10), "week"),  # the Monday of that week
    ("this week", D(2025, 3, 17), "week"),
    ("earlier this month", D(2025, 3, 1), "month"),
    ("next month", D(2025, 4, 1), "month"),
    ("last year", D(2024, 1, 1), "year"),
    ("last spring", D(2024, 3, 1), "season"),  # in March, spring 2025 has only begun
    ("last winter", D(2024, 12, 1), "season"),  # Dec 2024 - Feb 2025, just over
    ("this winter", D(2024, 12, 1), "season"),  # just over, for a past clause
    ("this summer", D(2025, 6, 1), "season"),  # the one that starts this year
    ("two weeks ago", D(2025, 3, 3), "week"),
    ("three years ago", D(2022, 1, 1), "year"),
    ("some 25 years ago", D(2000, 1, 1), "year"),
    # messy quantities go to dateparser
    ("twenty-five years ago", D(2000, 1, 1), "year"),
    ("a decade ago", D(2015, 1, 1), "year"),
    ("a fortnight ago", D(2025, 3, 3), "day"),
    ("eighteen months ago", D(2023, 9, 1), "month"),
])
def test_relative(text: str, date: dt.date, precision: str) -> None:
    (ev,) = extract_event_dates(f"It happened {text}.", D(2025, 3, 17))  # a Monday
    assert (ev.text, ev.date, ev.precision) == (text, date, precision)
    assert ev.anchor == D(2025, 3, 17)


def test_last_spring_in_seed_004() -> None:
    text = _article("004")
    ev = _find(extract_event_dates(text, D(2025, 3, 17)), text, "last spring")
    assert (ev.date, ev.precision) == (D(2024, 3, 1), "season")


def test_earlier_this_month_in_seed_000_with_an_anchor() -> None:
    text = _article("000")
    ev = _find(extract_event_dates(text, D(2025, 2, 27)), text, "earlier this month")
    assert (ev.date, ev.precision) == (D(2025, 2, 1), "month")


def test_relative_without_anchor_is_kept_unresolved() -> None:
    got = _dates("last week, on Thursday, in February and on August 15", None)
    assert got == [("last week", None, "week"), ("Thursday", None, "day"),
                   ("February", None, "month"), ("August 15", None, "day")]


@pytest.mark.parametrize(("text", "date"), [
    ("Trump on Thursday said", D(2025, 2, 13)),  # anchor is Wednesday 19 Feb 2025
    ("the leaders will meet on Friday, officials said", D(2025, 2, 21)),
    ("they were set to hold a summit on Wednesday", D(2025, 2, 19)),
    ("he spoke last Wednesday", D(2025, 2, 12)),
    ("he will visit next Wednesday", D(2025, 2, 26)),
    ("Earnings will be released Monday, it said", D(2025, 2, 24)),
])
def test_weekday_follows_tense(text: str, date: dt.date) -> None:
    (ev,) = extract_event_dates(text, D(2025, 2, 19))
    assert ev.date == date


@pytest.mark.parametrize(("text", "anchor", "date"), [
    ("in February", D(2025, 8, 12), D(2025, 2, 1)),  # nearest within half a year
    ("she visited in December", D(2025, 2, 19), D(2024, 12, 1)),
    ("will visit in March", D(2025, 2, 19), D(2025, 3, 1)),
    ("the vote on January 5", D(2024, 12, 20), D(2025, 1, 5)),
    ("was held on December 30", D(2025, 1, 3), D(2024, 12, 30)),
    ("payable April 10", D(1987, 4, 1), D(1987, 4, 10)),
    ("last February", D(2025, 8, 12), D(2025, 2, 1)),
    ("next February", D(2025, 2, 19), D(2026, 2, 1)),
])
def test_year_less_dates_pick_the_plausible_year(text: str, anchor: dt.date,
                                                 date: dt.date) -> None:
    (ev,) = extract_event_dates(text, anchor)
    assert ev.date == date


def test_plans_may_lie_more_than_half_a_year_ahead() -> None:
    text = "Should he stay until the next scheduled elections in September?"
    (ev,) = extract_event_dates(text, D(2011, 2, 7))
    assert ev.date == D(2011, 9, 1)


def test_sunday_paper_weeks() -> None:
    sunday = D(2011, 1, 30)
    assert _dates("protests last week", sunday) == [("last week", D(2011, 1, 24), "week")]
    assert _dates("a vote this week", sunday) == [("this week", D(2011, 1, 31), "week")]


def test_a_quotation_has_its_own_tense() -> None:
    text = "He said: “We are preparing for a worse outbreak in the autumn.” It claimed lives."
    (ev,) = extract_event_dates(text, D(2009, 6, 30))
    assert ev.date == D(2009, 9, 1)


def test_may_is_a_month_only_with_a_date_word() -> None:
    anchor = D(2025, 8, 12)
    assert _dates("in May", anchor) == [("May", D(2025, 5, 1), "month")]
    assert _dates("on May 9", anchor) == [("May 9", D(2025, 5, 9), "day")]
    assert _dates("Russia may 9 times attack", anchor) == []
    assert _dates("signed by May", anchor) == []


def test_a_month_for_which_figures_are_given_or_that_names_an_event_is_a_date() -> None:
    # TimeBank: "turnover for October", "the job figures for January", "the October slaying"
    anchor = D(1989, 10, 30)
    assert _dates("The average daily share turnover for October is almost 148 million shares.",
                  anchor) == [("October", D(1989, 10, 1), "month")]
    assert _dates("The job figures for January extended a surge in hiring.", anchor) == [
        ("January", D(1989, 1, 1), "month")]
    assert _dates("They gathered evidence in the October slaying of Dr. Slepian.", anchor) == [
        ("October", D(1989, 10, 1), "month")]
    # the politician and the march, not the months
    assert _dates("Support for May grew after the vote.", anchor) == []
    assert _dates("Thousands joined the March on Washington.", anchor) == []


# --------------------------------------------------------------------------- timeline date

def _ev(text: str, date: dt.date | None, precision: str = "day") -> EventDate:
    return EventDate(text, 0, len(text), date, precision, None)  # type: ignore[arg-type]


def test_timeline_date_prefers_a_close_reported_day() -> None:
    pub = D(2025, 2, 19)
    assert timeline_date([_ev("Tuesday night", D(2025, 2, 18))], pub) == D(2025, 2, 18)


def test_timeline_date_falls_back_to_publication() -> None:
    pub = D(2025, 2, 19)
    assert timeline_date([], pub) == pub
    assert timeline_date([_ev("2014", D(2014, 1, 1), "year")], pub) == pub
    assert timeline_date([_ev("March 2025", D(2025, 3, 1), "month")], pub) == pub
    assert timeline_date([_ev("last week", D(2025, 2, 10))], pub) == pub  # not one day
    far = D(2025, 1, 2)
    assert timeline_date([_ev("Jan. 2, 2025", far)], pub) == pub


def test_timeline_date_rule_is_tunable() -> None:
    pub = D(2025, 2, 19)
    ahead = [_ev("Friday", D(2025, 2, 21))]
    assert timeline_date(ahead, pub, rule=TimelineRule(max_after=0)) == pub
    assert timeline_date(ahead, pub, rule=TimelineRule(max_after=3)) == D(2025, 2, 21)


def test_timeline_date_undated() -> None:
    assert timeline_date([_ev("Thursday", None)], None) is None
    assert DEFAULT_RULE.undated_use_event
    assert timeline_date([_ev("Feb. 23, 2025", D(2025, 2, 23))], None) == D(2025, 2, 23)
    rule = TimelineRule(undated_use_event=False)
    assert timeline_date([_ev("Feb. 23, 2025", D(2025, 2, 23))], None, rule=rule) is None


def test_timeline_date_on_seed_001() -> None:
    text = _article("001")
    at = text.index("Kallas' comments came")
    passage = text[at:text.index("\n", at)]
    events = extract_event_dates(passage, D(2025, 2, 19))
    assert timeline_date(events, D(2025, 2, 19), passage) == D(2025, 2, 18)


def test_day_spans_point_at_a_reported_timeline_date() -> None:
    text = "Protesters marched on Tuesday night. Officials met last week and will meet Friday."
    pub = D(2025, 2, 19)  # a Wednesday
    events = extract_event_dates(text, pub)
    day = timeline_date(events, pub, text)
    assert day == D(2025, 2, 18)
    assert [text[s:e] for s, e in day_spans(events, day, text)] == ["Tuesday night"]
    # the publication day is not named here, and no day means no span
    assert day_spans(events, pub, text) == ()
    assert day_spans(events, None, text) == ()
    # "last week" is no single day; "will meet Friday" is a plan, not a reported day
    for expr in ("last week", "Friday"):
        (ev,) = [e for e in events if e.text == expr]
        assert ev.date is not None and day_spans(events, ev.date, text) == ()


def test_day_spans_need_a_past_tense_clause() -> None:
    pub = D(2025, 2, 19)
    for text, reported in [("The army clashed with crowds on Tuesday.", True),
                           ("Leaders are set to meet on Tuesday.", False),
                           ("Tuesday: a summary of events.", False)]:
        events = extract_event_dates(text, pub)
        assert bool(day_spans(events, D(2025, 2, 18), text)) == reported, text


def _dated(text: str, pub: dt.date | None) -> tuple[tuple[EventDate, ...], dt.date | None]:
    events = extract_event_dates(text, pub)
    return events, timeline_date(events, pub, text)


def test_later_passages_follow_the_day_their_lead_reports() -> None:
    pub = D(2011, 1, 26)  # a Wednesday paper
    lead = lead_day(*_dated("Thousands of protesters clashed with police in Cairo on Tuesday.", pub))
    assert lead == D(2011, 1, 25)
    body = _dated("Police fired tear gas and water cannons at the crowds.", pub)
    assert body[1] == pub and follow_lead(*body, pub, lead) == D(2011, 1, 25)
    # a passage that names its own day keeps it, even the publication day
    own = _dated("On Wednesday the crowds came back.", pub)
    assert follow_lead(*own, pub, lead) == pub
    background = _dated("Mubarak has ruled since 1981.", pub)
    assert follow_lead(*background, pub, lead) == D(2011, 1, 25)


def test_a_lead_without_a_day_of_its_own_changes_nothing() -> None:
    pub = D(2011, 1, 26)
    assert lead_day(*_dated("Egypt's government faces its biggest protests in decades.", pub)) is None
    assert lead_day(*_dated("Mubarak spoke last week about reforms.", pub)) is None  # no one day
    body = _dated("Police fired tear gas.", pub)
    assert follow_lead(*body, pub, None) == pub
    # undated articles are left alone: an inherited day would look like a publication date
    undated = _dated("Police fired tear gas.", None)
    assert follow_lead(*undated, None, D(2011, 1, 25)) is None


LEAD = ("Tens of thousands of protesters clashed with riot police in central Cairo on Tuesday, "
        "in the largest demonstration Egypt has seen in a generation, witnesses and officials "
        "said, as crowds filled the streets around the square and chanted against the "
        "government of President Hosni Mubarak until late in the evening.")
BODY = ("Police fired tear gas and water cannons at the crowds, and several hundred people "
        "were detained in the capital and in the port city of Suez, according to rights "
        "groups who counted the arrests, while hospitals treated dozens of injured marchers "
        "and the interior ministry blamed the opposition for the unrest across the country.")


@pytest.mark.parametrize("published", ["2011-01-26", None])
def test_build_places_a_body_passage_on_its_lead_day(tmp_path: Path, published: str | None) -> None:
    import json

    from index.build import build_index
    from index.embed import FakeEmbedder
    from index.indexdir import open_index

    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"title": "Clashes in Cairo", "date": published,
                               "text": LEAD + "\n\n" + BODY}) + "\n", encoding="utf-8")
    build_index([src], tmp_path / "ix", embedder=FakeEmbedder(16))
    store = open_index(tmp_path / "ix").store
    (aid,) = {p.article_id for p in store.passages(store.all_passage_ids()).values()}
    lead, body = store.article_passages(aid)
    if published:
        assert lead.timeline_date == body.timeline_date == D(2011, 1, 25)
        assert body.event_dates == ()  # the day is inherited, not found in the body
    else:  # an undated article: "on Tuesday" resolves to nothing, so nothing is inherited
        assert lead.timeline_date is None and body.timeline_date is None


def test_dateparser_is_imported_lazily() -> None:
    code = ("import sys, index.dates, bot.timeparse; "
            "sys.exit('dateparser' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --------------------------------------------------------------------------- properties

_dates_st = st.one_of(st.none(), st.dates(), st.dates(D(1990, 1, 1), D(2030, 12, 31)))
_words = st.sampled_from([
    "on", "in", "since", "last", "next", "this", "May", "may", "March", "Feb.", "23", ",",
    "2025", "2014", "1850", "15", "August", "Friday", "Tuesday", "night", "yesterday", "today",
    "week", "month", "year", "spring", "winter", "fall", "ago", "two", "weeks", "will", "said",
    "'s", "-", "2025-02-31", "2025-02-19", "€40", "30-day", "of", "the", "early", "mid-",
    "31", "February", "29", " ", "\n", ".", "twenty-five", "decade", "fortnight", "some",
    "quarter", "third", "a", "earlier", "now", "until", "Christmas", "nineteen", "ninety-six",
    "1990s", "1957-58", "fiscal", '"', "end", "weekend", "JANUARY", "SUNDAY", "recently",
])
_texts = st.one_of(st.text(max_size=200), st.lists(_words, max_size=30).map(" ".join))


@settings(max_examples=400, deadline=None)
@given(text=_texts, anchor=_dates_st)
def test_property_spans_and_range(text: str, anchor: dt.date | None) -> None:
    events = extract_event_dates(text, anchor)
    last_end = 0
    for ev in events:
        assert text[ev.start:ev.end] == ev.text
        assert ev.start >= last_end  # ordered, no overlap
        last_end = ev.end
        assert ev.precision in get_args(Precision)
        assert ev.anchor == anchor
        if ev.date is not None:
            assert 1900 <= ev.date.year <= 2100
    timeline_date(events, anchor, text)


# --------------------------------------------------------------------------- issue 19's classes

MARCH_2013 = D(2013, 3, 20)


@pytest.mark.parametrize(("text", "expr", "date"), [
    ("Police arrested both men in early August.", "early August", D(2012, 8, 1)),
    ("He was fired from his job in July.", "July", D(2012, 7, 1)),
    ("The minister told CNN in August that talks had failed.", "August", D(2012, 8, 1)),
])
def test_a_past_clause_places_a_year_less_month_in_the_last_year(text: str, expr: str,
                                                                  date: dt.date) -> None:
    ev = _find(extract_event_dates(text, MARCH_2013), text, expr)
    assert ev.text == expr
    assert ev.date is not None and (ev.date.year, ev.date.month) == (date.year, date.month)


def test_a_plan_keeps_the_coming_month() -> None:
    (ev,) = extract_event_dates("The summit will be held in August.", MARCH_2013)
    assert ev.date == D(2013, 8, 1)


@pytest.mark.parametrize(("text", "date"), [
    ("The match was postponed until 15:00 GMT Saturday.", D(2013, 3, 23)),  # anchor: Wednesday
    ("The report must be filed by Friday, officials said.", D(2013, 3, 22)),
    ("Talks resumed ahead of Monday's deadline.", D(2013, 3, 25)),
    ("Until Thursday, they had not named him.", D(2013, 3, 14)),  # a past perfect looks back
])
def test_until_by_ahead_of_point_forward(text: str, date: dt.date) -> None:
    evs = [e for e in extract_event_dates(text, MARCH_2013) if e.precision == "day"]
    assert [e.date for e in evs] == [date]


@pytest.mark.parametrize(("text", "expr", "date"), [
    ("He arrived at 10 p.m. Wednesday.", "10 p.m. Wednesday", D(2013, 3, 20)),
    ("They met at noon Thursday.", "noon Thursday", D(2013, 3, 14)),
    ("Bids are due by 5 p.m. EST, Nov. 9.", "5 p.m. EST, Nov. 9", D(2013, 11, 9)),
    ("The court sits at 9 a.m. on Tuesday.", "9 a.m. on Tuesday", D(2013, 3, 19)),
])
def test_a_clock_time_before_its_day_is_in_the_span(text: str, expr: str, date: dt.date) -> None:
    assert _dates(text, MARCH_2013) == [(expr, date, "day")]


@pytest.mark.parametrize("text", ["Chapter 10. Wednesday came.", "Shares rose 3.5 Wednesday.",
                                  "He scored 10.50 Wednesday."])
def test_a_number_before_a_day_is_not_a_clock_time(text: str) -> None:
    assert [e[0] for e in _dates(text, MARCH_2013)] == ["Wednesday"]


@pytest.mark.parametrize(("text", "expr", "date"), [
    ("the pandemic of 2009-2010", "2009-2010", D(2009, 1, 1)),
    ("the expedition of 1957-58", "1957-58", D(1957, 1, 1)),
    ("a 2010 commando raid", "2010", D(2010, 1, 1)),
    ("his 2007 presidential campaign", "2007", D(2007, 1, 1)),
    ("his unsuccessful 1996 campaign", "1996", D(1996, 1, 1)),
])
def test_year_ranges_and_modifier_years(text: str, expr: str, date: dt.date) -> None:
    assert _dates(text, MARCH_2013) == [(expr, date, "year")]


@pytest.mark.parametrize("text", ["a score of 2009-10 points", "the 2000 people", "in 1990-1880"])
def test_not_year_ranges_or_modifiers(text: str) -> None:
    assert [e for e in _dates(text, MARCH_2013) if "-" in e[0] or e[0] == "2000"] == []


def test_fiscal_year_and_the_end_of_the_year() -> None:
    assert _dates("profits this fiscal year", MARCH_2013) == [
        ("this fiscal year", D(2013, 1, 1), "year")]
    assert _dates("sales in fiscal 1989 rose", MARCH_2013) == [
        ("fiscal 1989", D(1989, 1, 1), "year")]
    assert _dates("by the end of the year", MARCH_2013) == [
        ("the end of the year", D(2013, 9, 1), "year-part")]


@pytest.mark.parametrize(("text", "expr", "date", "precision"), [
    ("profits fell in early 2011", "early 2011", D(2011, 1, 1), "year-part"),
    ("it was signed in late last July", "late last July", D(2012, 7, 21), "month-part"),
    ("prices peaked in mid-2011", "mid-2011", D(2011, 5, 1), "year-part"),
    ("by the end of 1990", "the end of 1990", D(1990, 9, 1), "year-part"),
])
def test_early_mid_late_stay_in_the_span_and_precision(text: str, expr: str, date: dt.date,
                                                       precision: str) -> None:
    assert _dates(text, MARCH_2013) == [(expr, date, precision)]


def test_a_generic_today_names_no_day() -> None:
    (ev,) = extract_event_dates("It is faster than can be done today.", MARCH_2013)
    assert (ev.text, ev.date) == ("today", None)
    (ev,) = extract_event_dates("The vote is today.", MARCH_2013)
    assert ev.date == MARCH_2013
    (ev,) = extract_event_dates("Prices are now higher.", MARCH_2013)
    assert (ev.text, ev.date) == ("now", None)


def test_a_quotation_from_another_year_is_not_anchored() -> None:
    text = 'In a 2012 e-mail to his lawyer, he wrote: "Call me Sunday night."'
    sunday = _find(extract_event_dates(text, MARCH_2013), text, "Sunday night")
    assert sunday.date is None
    text = 'He said on Monday: "We will meet on Sunday night."'
    sunday = _find(extract_event_dates(text, MARCH_2013), text, "Sunday night")
    assert sunday.date == D(2013, 3, 24)  # a quotation of the article's own days is anchored


def test_quarters_and_the_quarter_they_refer_back_to() -> None:
    text = ("Profit rose in the third quarter. Sales in the quarter were up 5% from a year "
            "earlier.")
    got = [(e.text, e.date, e.precision) for e in extract_event_dates(text, D(1989, 10, 30))]
    assert got == [("the third quarter", D(1989, 7, 1), "quarter"),
                   ("the quarter", D(1989, 7, 1), "quarter"),
                   ("a year earlier", D(1988, 7, 1), "quarter")]


def test_weekdays_stay_exact() -> None:
    wednesday = D(2013, 3, 20)
    assert _dates("He resigned on Tuesday.", wednesday) == [("Tuesday", D(2013, 3, 19), "day")]
    assert _dates("He will resign on Friday.", wednesday) == [("Friday", D(2013, 3, 22), "day")]
    assert _dates("They get around Monday's ruling.", wednesday) == [
        ("Monday", D(2013, 3, 18), "day")]


@pytest.mark.parametrize(("text", "expr", "date", "precision"), [
    ("prices seen in nineteen ninety-six", "nineteen ninety-six", D(1996, 1, 1), "year"),
    ("by the year two thousand", "the year two thousand", D(2000, 1, 1), "year"),
    ("since January nineteen ninety-seven", "January nineteen ninety-seven", D(1997, 1, 1),
     "month"),
    ("a boom in the 1990s", "the 1990s", D(1990, 1, 1), "decade"),
    ("since the late 1970s", "the late 1970s", D(1970, 1, 1), "decade"),
])
def test_spelled_years_and_decades(text: str, expr: str, date: dt.date, precision: str) -> None:
    assert _dates(text, MARCH_2013) == [(expr, date, precision)]


def test_nineteen_ninety_dollars_is_no_year() -> None:
    assert _dates("it cost nineteen ninety-nine dollars", MARCH_2013) == []


@pytest.mark.parametrize(("text", "anchor", "date"), [
    ("families gathered on Thanksgiving Day", D(1999, 11, 30), D(1999, 11, 25)),
    ("shoppers will be out before Christmas", D(1999, 11, 30), D(1999, 12, 25)),
    ("sales fell last Christmas", D(2000, 3, 1), D(1999, 12, 25)),
    ("churches were full on Easter Sunday", D(2000, 4, 25), D(2000, 4, 23)),
])
def test_holidays(text: str, anchor: dt.date, date: dt.date) -> None:
    (ev,) = extract_event_dates(text, anchor)
    assert (ev.date, ev.precision) == (date, "day")


def test_the_weekend_follows_the_tense() -> None:
    wednesday = D(2013, 3, 20)
    assert _dates("Protests spread over the weekend.", wednesday) == [
        ("the weekend", D(2013, 3, 16), "week")]
    assert _dates("They will march over the weekend.", wednesday) == [
        ("the weekend", D(2013, 3, 23), "week")]


def test_a_month_of_this_or_last_year() -> None:
    assert _dates("In January this year, police came.", D(1998, 2, 19)) == [
        ("January this year", D(1998, 1, 1), "month")]
    assert _dates("But in June last year, leaders fell out.", D(1998, 2, 19)) == [
        ("June last year", D(1997, 6, 1), "month")]


def test_a_quarter_of_a_named_year() -> None:
    text = "Profit fell in the third quarter. In the 1988 period, it earned more."
    got = [(e.text, e.date) for e in extract_event_dates(text, D(1989, 10, 26))]
    assert got == [("the third quarter", D(1989, 7, 1)), ("the 1988 period", D(1988, 7, 1))]
    assert _dates("In the 1988 third quarter, it lost money.", D(1989, 10, 26)) == [
        ("the 1988 third quarter", D(1988, 7, 1), "quarter")]


def test_quarters_as_analysts_write_them() -> None:
    anchor = D(2025, 8, 1)
    assert _dates("Q1 2025 profit rose, and 2024 Q4 sales fell.", anchor) == [
        ("Q1 2025", D(2025, 1, 1), "quarter"), ("2024 Q4", D(2024, 10, 1), "quarter")]
    assert _dates("In Q2-2024 it lost money; Q3 earnings beat estimates.", anchor) == [
        ("Q2-2024", D(2024, 4, 1), "quarter"), ("Q3", D(2025, 7, 1), "quarter")]
    # names and other codes are no quarters
    assert _dates("The Audi Q3 and the FAQ1 list; q2 is lower case.", anchor) == []


def test_halves_of_a_year_as_reports_name_them() -> None:
    from index.eventspan import event_span

    anchor = D(2025, 8, 6)
    text = ("Revenue rose in the first half of 2025 and fell in the second half of last year; "
            "H1 2025 margins beat 2024 H2.")
    got = _dates(text, anchor)
    assert got == [("the first half of 2025", D(2025, 1, 1), "half"),
                   ("the second half of last year", D(2024, 7, 1), "half"),
                   ("H1 2025", D(2025, 1, 1), "half"), ("2024 H2", D(2024, 7, 1), "half")]
    # a half's days, so that a report published after it lies inside a range of it
    first = extract_event_dates(text, anchor)[0]
    assert event_span(first) == (D(2025, 1, 1), D(2025, 6, 30))
    # no year, no half: a heading, a virus, a visa, a match
    assert _dates("The H1 visa, the H1N1 virus, h1 2025 and the first half of the match.",
                  anchor) == []


def test_numeric_dates_where_the_order_is_plain() -> None:
    anchor = D(2025, 8, 20)
    assert _dates("Filed on 15/08/2025, amended on 08/16/2025 and 17.08.2025.", anchor) == [
        ("15/08/2025", D(2025, 8, 15), "day"), ("08/16/2025", D(2025, 8, 16), "day"),
        ("17.08.2025", D(2025, 8, 17), "day")]
    # 5 August in Europe, May 8 in the US: no date rather than a guess; nor a version or address
    assert _dates("Signed 05/08/2025; see 192.168.10.2025 and 31/02/2025.", anchor) == []


def test_fiscal_labels_are_the_years_they_name() -> None:
    # as TimeML writes "fiscal 1989": the year the label names, whatever the company's calendar
    anchor = D(2025, 8, 1)
    assert _dates("Revenue rose in FY2024 and FY'25, and in FY 23.", anchor) == [
        ("FY2024", D(2024, 1, 1), "year"), ("FY'25", D(2025, 1, 1), "year"),
        ("FY 23", D(2023, 1, 1), "year")]
    # a fiscal quarter is of its label's year, not the anchor's nearest quarter
    assert _dates("Nvidia reported Q2 FY2026 results; FY2024 Q4 was weaker.", anchor) == [
        ("Q2 FY2026", D(2026, 4, 1), "quarter"), ("FY2024 Q4", D(2024, 10, 1), "quarter")]
    assert _dates("FYI, the fy2024 memo and FY20245 code.", anchor) == []
    assert _dates("Sales rose in FY99.", D(1999, 11, 2)) == [("FY99", D(1999, 1, 1), "year")]


def test_prepositions_that_look_like_tense_cues() -> None:
    saturday = D(1998, 8, 8)
    text = "Six people died in blasts next to the U.S. embassies in Kenya on Friday."
    assert [e.date for e in extract_event_dates(text, saturday)] == [D(1998, 8, 7)]
    text = "They could lose when the case is heard in May in the appeals court."
    assert [e.date for e in extract_event_dates(text, D(2000, 3, 29))] == [D(2000, 5, 1)]


@settings(max_examples=300, deadline=None)
@given(text=_texts, anchor=_dates_st)
def test_property_windows_find_what_a_full_scan_finds(text: str, anchor: dt.date | None) -> None:
    """The tagger runs each pattern only near a literal hit; that must lose no expression."""
    import index.timetagger as tagger

    windowed = extract_event_dates(text, anchor)
    full = tuple((p, h, None) for p, h, _ in tagger._PATTERNS)
    saved, tagger._PATTERNS = tagger._PATTERNS, full
    try:
        assert extract_event_dates(text, anchor) == windowed
    finally:
        tagger._PATTERNS = saved


def test_this_season_is_the_one_under_way_else_this_years_whatever_the_tense() -> None:
    for text, published, day in [
        ("The swarm of cicadas anticipated this summer is late.", D(2021, 5, 14), D(2021, 6, 1)),
        ("Officials warned how many could die this winter.", D(2021, 10, 8), D(2021, 12, 1)),
        ("Airports were the worst for delays this summer.", D(2022, 9, 8), D(2022, 6, 1)),
        ("Prices rose this spring, the bank said.", D(2022, 10, 20), D(2022, 3, 1)),
    ]:
        (ev,) = extract_event_dates(text, published)
        assert (ev.text, ev.date, ev.precision) == (ev.text, day, "season"), text
