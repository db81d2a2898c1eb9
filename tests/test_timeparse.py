"""Time constraints in questions: each form, the words that must stay words, properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.timeparse import TimeQuery, combine_ranges, parse_time

D = dt.date
AS_OF = D(2025, 8, 12)  # a Tuesday


def test_kallas_in_august_2025() -> None:
    q = parse_time("What did Kallas say in August 2025?", as_of=AS_OF)
    assert (q.date_from, q.date_to) == (D(2025, 8, 1), D(2025, 8, 31))
    assert "August" not in q.text and "2025" not in q.text
    assert q.text == "What did Kallas say?"
    assert q.understood == "August 2025"


@pytest.mark.parametrize(("question", "date_from", "date_to"), [
    ("What happened in 2025?", D(2025, 1, 1), D(2025, 12, 31)),
    ("What happened on 15 August 2025?", D(2025, 8, 15), D(2025, 8, 15)),
    ("What happened on August 15, 2025?", D(2025, 8, 15), D(2025, 8, 15)),
    ("What happened on 2025-08-15?", D(2025, 8, 15), D(2025, 8, 15)),
    ("What happened on 15/08/2025?", D(2025, 8, 15), D(2025, 8, 15)),
    ("Sanctions since 08.15.2025", D(2025, 8, 15), None),
    ("What did Kallas say in February?", D(2025, 2, 1), D(2025, 2, 28)),
    ("What did Kallas say in August?", D(2025, 8, 1), D(2025, 8, 31)),  # as_of's month counts
    ("What did Kallas say in December?", D(2024, 12, 1), D(2024, 12, 31)),
    ("Sanctions since March 2025", D(2025, 3, 1), None),
    ("Sanctions after June 2025", D(2025, 7, 1), None),
    ("Sanctions before June 2025", None, D(2025, 5, 31)),
    ("Sanctions until June 2025", None, D(2025, 6, 30)),
    ("Sanctions through June 2025", None, D(2025, 6, 30)),
    ("Talks between February and March 2025", D(2025, 2, 1), D(2025, 3, 31)),
    ("Talks from February to March 2025", D(2025, 2, 1), D(2025, 3, 31)),
    ("Talks between December and January 2025", D(2024, 12, 1), D(2025, 1, 31)),
    ("Talks from 2023 to 2024", D(2023, 1, 1), D(2024, 12, 31)),
    ("Talks in early March 2025", D(2025, 3, 1), D(2025, 3, 10)),
    ("Talks in late February 2025", D(2025, 2, 21), D(2025, 2, 28)),
    ("News last week", D(2025, 8, 4), D(2025, 8, 10)),
    ("News this week", D(2025, 8, 11), D(2025, 8, 12)),  # up to the day of asking
    ("News this year", D(2025, 1, 1), D(2025, 8, 12)),
    ("News last month", D(2025, 7, 1), D(2025, 7, 31)),
    ("News this month", D(2025, 8, 1), D(2025, 8, 12)),
    ("News last year", D(2024, 1, 1), D(2024, 12, 31)),
    ("News yesterday", D(2025, 8, 11), D(2025, 8, 11)),
    ("News today", D(2025, 8, 12), D(2025, 8, 12)),
    ("News in the past 3 days", D(2025, 8, 10), D(2025, 8, 12)),
    ("News over the past two weeks", D(2025, 7, 30), D(2025, 8, 12)),
    ("News in the last 2 months", D(2025, 6, 14), D(2025, 8, 12)),
    ("Since March 2025, what changed before June 2025?", D(2025, 3, 1), D(2025, 5, 31)),
])
def test_forms(question: str, date_from: dt.date | None, date_to: dt.date | None) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to) == (date_from, date_to)
    assert q.understood


@pytest.mark.parametrize(("question", "text"), [
    ("In August 2025, what did Kallas say?", "What did Kallas say?"),
    ("Sanctions since March 2025", "Sanctions"),
    ("Talks between February and March 2025 on Ukraine", "Talks on Ukraine"),
    ("What was agreed at last week's summit?", "What was agreed at last week's summit?"),
    ("in 2025", ""),
])
def test_time_words_are_taken_out(question: str, text: str) -> None:
    assert parse_time(question, as_of=AS_OF).text == text


@pytest.mark.parametrize("question", [
    "Russia may attack",
    "Could Russia attack in may?",
    "Will the troops march on Kyiv?",
    "What is in the 2025 budget?",
    "What about the 2025 budget talks?",
    "Is a 30-day ceasefire possible?",
    "What did May say about Brexit?",
    "Who served in May's cabinet?",
    "What happened on 31 February 2025?",
    "Did anything happen in 1850?",
    "Who scored in the second half of the match?",
    "What did he say at the end of the day?",
    "How did the Audi Q3 sell?",
    "Who paid for 2000 tickets?",
    "What happened on 7-1 August?",
    "What happened in the year of the dragon?",
    "What happened on 05/08/2025?",  # 5 August or May 8: not read
    "Who was named person of the year?",
])
def test_no_constraint(question: str) -> None:
    q = parse_time(question, as_of=AS_OF)
    # "the 2025 budget", asked in 2025, is a ranking hint (below), never a filter
    assert (q.text, q.date_from, q.date_to, q.understood) == (question, None, None, None)


def test_without_as_of_a_year_less_month_is_left_alone() -> None:
    assert parse_time("in February", as_of=None) == TimeQuery("in February", None, None, None)
    assert parse_time("news last week", as_of=None).date_from is None
    q = parse_time("What did Kallas say in August 2025?", as_of=None)
    assert (q.date_from, q.date_to) == (D(2025, 8, 1), D(2025, 8, 31))


def test_understood_words() -> None:
    assert parse_time("since 1 March 2025", as_of=AS_OF).understood == "since 1 Mar 2025"
    assert parse_time("since March 2025", as_of=AS_OF).understood == "since 1 Mar 2025"
    assert parse_time("after June 2025", as_of=AS_OF).understood == "after June 2025"
    assert parse_time("last week", as_of=AS_OF).understood.startswith("last week")


def test_contradiction_keeps_the_first_constraint() -> None:
    q = parse_time("since 2025 before 2020", as_of=AS_OF)
    assert (q.date_from, q.date_to) == (D(2025, 1, 1), None)
    assert q.text == "Before 2020" or q.text == "before 2020"


def test_combine_ranges() -> None:
    assert combine_ranges(None, None, None, None) == (None, None)
    assert combine_ranges(D(2025, 1, 1), D(2025, 12, 31), D(2025, 3, 1), None) == (
        D(2025, 3, 1), D(2025, 12, 31))
    assert combine_ranges(None, D(2025, 5, 1), D(2025, 6, 1), None) == (
        D(2025, 6, 1), D(2025, 5, 1))  # no overlap: the caller says so


_words = st.sampled_from([
    "in", "on", "since", "after", "before", "until", "between", "and", "from", "to", "last",
    "this", "the", "past", "early", "late", "week", "month", "year", "days", "May", "may",
    "March", "February", "Feb.", "15", "31", "29", "2025", "2024", "1850", "3000", ",", "?",
    "yesterday", "today", "two", "2025-02-30", "2025-08-15", "'s", "-",
])
_questions = st.one_of(st.text(max_size=120), st.lists(_words, max_size=20).map(" ".join))


@settings(max_examples=400, deadline=None)
@given(question=_questions, as_of=st.one_of(st.none(), st.dates()))
def test_property_never_fails_and_range_is_ordered(question: str, as_of: dt.date | None) -> None:
    q = parse_time(question, as_of=as_of)
    if q.date_from is not None and q.date_to is not None:
        assert q.date_from <= q.date_to
    if q.date_from is None and q.date_to is None:
        assert q.understood is None and q.text == question


# --------------------------------------------------------------------------- the shared engine

def test_a_year_less_month_follows_the_question_tense() -> None:
    asked = D(2022, 8, 18)
    q = parse_time("Which airline is slashing 31,000 flights during November?", as_of=asked)
    assert (q.date_from, q.date_to) == (D(2022, 11, 1), D(2022, 11, 30))
    q = parse_time("What did the airline cut in November?", as_of=asked)
    assert (q.date_from, q.date_to) == (D(2021, 11, 1), D(2021, 11, 30))


@pytest.mark.parametrize(("question", "day"), [
    ("What did Biden say on Tuesday?", D(2025, 8, 12)),  # as_of is a Tuesday: that day
    ("What did Biden say on Monday?", D(2025, 8, 11)),
    ("Who will speak on Friday?", D(2025, 8, 15)),
    ("What happened last Tuesday?", D(2025, 8, 5)),
    ("Who plays next Sunday?", D(2025, 8, 17)),
    # bare, news style: "a shooting Wednesday", "signed an executive order Monday"
    ("Multiple people were killed in a shooting Sunday in which city?", D(2025, 8, 10)),
    ("Biden signed an executive order Monday calling for what?", D(2025, 8, 11)),
    ("Dozens were missing early Thursday after floods in which state?", D(2025, 8, 7)),
])
def test_weekdays_are_read(question: str, day: dt.date) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to) == (day, day)
    assert "day" not in q.text.lower().replace("today", "")


def test_weekday_words_that_are_not_days() -> None:
    assert parse_time("What is Black Friday?", as_of=AS_OF).date_from is None
    assert parse_time("Who won on Tuesday?", as_of=None).date_from is None
    for question in ("What did the Sunday Times report?", "Who plays Wednesday Addams?",
                     "Which shops open every Sunday?", "Who stars in Wednesday?",
                     "What happened on Good Friday?", "Which stores close the Sunday before?"):
        assert parse_time(question, as_of=AS_OF).date_from is None, question



# -- focus against background ------------------------------------------------------------------

@pytest.mark.parametrize(("question", "as_of", "background"), [
    # inside a since-clause: the invasion's day, not the answer's
    ("How many refugees have fled since Russia's invasion began on February 24?", D(2022, 4, 29),
     "24 Feb 2022"),
    ("Which party has held the seat since its creation in 1964?", AS_OF, "1964"),
    ("Who performed at this year's Super Bowl halftime show?", D(2022, 2, 18),
     "this year (1 Jan 2022 – 18 Feb 2022)"),  # a possessive describes the noun
    ("Which team that won on Sunday was fined?", AS_OF, "10 Aug 2025"),  # relative clause
    ("Who resigned after the scandal in March 2025?", AS_OF, "March 2025"),
    # a weekday's possessive names the day of what is asked about, as "this year's" does
    ("The broadcast of Tuesday's leadership debate was cut short when what happened?", AS_OF,
     "12 Aug 2025"),
    ("What did Biden say in Monday's speech?", AS_OF, "11 Aug 2025"),
    ("Who will win Sunday’s final?", AS_OF, "17 Aug 2025"),
])
def test_background_time_is_no_filter(question: str, as_of: dt.date, background: str) -> None:
    q = parse_time(question, as_of=as_of)
    assert (q.date_from, q.date_to, q.understood) == (None, None, None)
    assert q.background == (background,)
    assert q.text == question  # its words still describe what is asked about


@pytest.mark.parametrize(("question", "date_from", "date_to"), [
    ("What did Kallas say in August?", D(2025, 8, 1), D(2025, 8, 31)),
    ("Who won the election last week?", D(2025, 8, 4), D(2025, 8, 10)),
    ("What has Kallas said since March 2025?", D(2025, 3, 1), None),  # "since" is its own word
    ("Since March 2025, what changed?", D(2025, 3, 1), None),
    ("What did Kallas say, in August, about Russia?", D(2025, 8, 1), D(2025, 8, 31)),
    ("When did talks start in 2024?", D(2024, 1, 1), D(2024, 12, 31)),  # interrogative "when"
    ("Which company, founded in 1998, cut jobs this week?", D(2025, 8, 11), D(2025, 8, 12)),
    ("Who was named person of the year for 2024?", D(2024, 1, 1), D(2024, 12, 31)),  # "for"
    ("What did Orbitel forecast for the first half of 2026?", D(2026, 1, 1), D(2026, 6, 30)),
    # a when- or while-clause gives the time of what is asked: the words were said then
    ("What was Biden talking about when he made this remark last week?", D(2025, 8, 4),
     D(2025, 8, 10)),
    ("What did Kallas say while visiting Kyiv in August?", D(2025, 8, 1), D(2025, 8, 31)),
])
def test_focus_time_filters(question: str, date_from: dt.date, date_to: dt.date | None) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to) == (date_from, date_to)


@pytest.mark.parametrize(("question", "as_of", "date_from", "date_to"), [
    ("What happened last weekend?", AS_OF, D(2025, 8, 9), D(2025, 8, 10)),
    ("Who will play this weekend?", AS_OF, D(2025, 8, 16), D(2025, 8, 17)),
    ("What happened this weekend?", D(2025, 8, 10), D(2025, 8, 9), D(2025, 8, 10)),  # a Sunday
    ("What did he say earlier this month?", AS_OF, D(2025, 8, 1), D(2025, 8, 12)),
    ("What is planned later this week?", AS_OF, D(2025, 8, 12), D(2025, 8, 17)),
    # "this" week, month or year: the part that has happened, or in the future tense the rest
    ("Which company cut jobs this week?", D(2022, 8, 18), D(2022, 8, 15), D(2022, 8, 18)),
    ("Who will play this week?", AS_OF, D(2025, 8, 12), D(2025, 8, 17)),
    ("Which team won the most games this month?", AS_OF, D(2025, 8, 1), D(2025, 8, 12)),
    ("What will happen next month?", AS_OF, D(2025, 9, 1), D(2025, 9, 30)),
    ("Who plays next week?", AS_OF, D(2025, 8, 18), D(2025, 8, 24)),
    ("What was said next year?", D(2025, 12, 30), D(2026, 1, 1), D(2026, 12, 31)),
    ("What happens tomorrow?", AS_OF, D(2025, 8, 13), D(2025, 8, 13)),
    # a year-less month by tense: asked in August, a progressive means the coming November
    ("Which airline is slashing 31,000 flights during November?", D(2022, 8, 18),
     D(2022, 11, 1), D(2022, 11, 30)),
])
def test_relative_words_by_tense(question: str, as_of: dt.date, date_from: dt.date,
                                 date_to: dt.date) -> None:
    q = parse_time(question, as_of=as_of)
    assert (q.date_from, q.date_to) == (date_from, date_to)


@pytest.mark.parametrize(("question", "focus"), [
    # "which" / "who" asking the question where they stand
    ("To much fanfare, which company launched its own tequila this week?", True),
    ("In addition to Halloween, which holiday was celebrated this week?", True),
    ("Liz Truss became prime minister of which country this week?", True),
    # a relative clause when something else asks
    ("Olivia Newton-John, who died this week aged 73, was beaten by which act?", False),
    ("The film, which opens next week, is the how-manyth Bond film?", False),
])
def test_wh_words_ask_or_open_a_clause(question: str, focus: bool) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.understood is not None, bool(q.background)) == (focus, not focus)


@pytest.mark.parametrize(("question", "focus"), [
    # a date in a statement that sets the scene, before the sentence that asks
    ("A total of 73 monuments were removed in 2021. How many remain standing?", None),
    # words relative to the day of asking still say when the news is
    ("The court ruled on several cases this week. Which one was NOT among them?",
     "this week (11 Aug 2025 – 12 Aug 2025)"),
    ("Which monuments were removed in 2021?", "2021"),  # the asking sentence itself
    # a named month is a date, its year read from "last": it names the event, not the news
    ("Derek Chauvin was convicted in the death of George Floyd last May. How long could his "
     "sentence be?", None),
])
def test_dates_in_a_scene_setting_sentence_are_background(question: str, focus: str | None
                                                          ) -> None:
    assert parse_time(question, as_of=AS_OF).understood == focus


@pytest.mark.parametrize(("question", "words"), [
    ("What did Apple earn in fiscal 2024?", "fiscal 2024"),
    ("What did Apple earn in FY2024?", "FY2024"),
    ("What did Nvidia report for Q2 FY2025?", "Q2 FY2025"),
    ("What did Nvidia report for the first quarter of fiscal 2025?",
     "the first quarter of fiscal 2025"),
    ("What did Tesla report in the last fiscal year?", "last fiscal year"),
])
def test_a_fiscal_period_is_background(question: str, words: str) -> None:
    # Apple's fiscal 2024 ended in September 2024, Nvidia's in January 2024: no filter can hold
    # every company's, so the words stay in the search and the reader is told why
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to, q.text) == (None, None, question)
    assert q.background == (f"{words}, a fiscal period (its days vary by company or government)",)
    assert q.background_periods == ()


def test_recently_is_background_that_ranks_never_a_filter() -> None:
    q = parse_time("Which chain recently debuted a bag of bacon?", as_of=AS_OF)
    assert (q.date_from, q.date_to) == (None, None)
    assert q.background_periods == ((D(2025, 7, 13), AS_OF),)
    assert q.text == "Which chain recently debuted a bag of bacon?"
    days = parse_time("Which nation plunged into chaos in recent days?", as_of=AS_OF)
    assert days.background_periods == ((D(2025, 8, 5), AS_OF),)
    assert parse_time("Which chain recently debuted bacon?", as_of=None).background_periods == ()
    # the same cue in other words: "just" before a past verb, "newly", "latest", "a new study"
    for question in ("Which pop star just netted the most nominations?",
                     "According to newly released data, what sales rose?",
                     "Which company is one of the latest to drop Parler?",
                     "According to a new study, which activity is most dangerous?"):
        q = parse_time(question, as_of=AS_OF)
        assert q.background_periods == ((D(2025, 7, 13), AS_OF),), question
        assert (q.date_from, q.date_to) == (None, None)
    for question in ("What did he just say?", "Which new products were shown?"):
        assert parse_time(question, as_of=AS_OF).background_periods == (), question
    # "the past few days" is as vague: a hint as far back as "in recent days", never a filter;
    # a counted "the past two days" stays a filter
    few = parse_time("What did Kallas say over the past few days?", as_of=AS_OF)
    assert (few.date_from, few.date_to, few.background_periods) == (None, None,
                                                                     ((D(2025, 8, 5), AS_OF),))
    weeks = parse_time("Who resigned in the last couple of weeks?", as_of=AS_OF)
    assert weeks.background_periods == ((D(2025, 7, 13), AS_OF),)
    two = parse_time("What did Kallas say in the past two days?", as_of=AS_OF)
    assert (two.date_from, two.date_to, two.background_periods) == (D(2025, 8, 11), AS_OF, ())



@pytest.mark.parametrize(("question", "date_from", "date_to"), [
    # the passage tagger's relative words, read the same way in questions (as of Tue 12 Aug)
    ("What did Biden say last night?", D(2025, 8, 11), D(2025, 8, 11)),
    ("Who speaks tonight?", AS_OF, AS_OF),
    ("What happened this morning?", AS_OF, AS_OF),
    ("What did Trump say earlier today?", AS_OF, AS_OF),
    ("What did he say the day before yesterday?", D(2025, 8, 10), D(2025, 8, 10)),
    ("What happened two days ago?", D(2025, 8, 10), D(2025, 8, 10)),
    ("What did Kallas say a week ago?", D(2025, 8, 4), D(2025, 8, 10)),
    ("Which talks collapsed 3 months ago?", D(2025, 5, 1), D(2025, 5, 31)),
    ("What happened over the weekend?", D(2025, 8, 9), D(2025, 8, 10)),
    ("What will happen over the weekend?", D(2025, 8, 16), D(2025, 8, 17)),
])
def test_night_morning_ago_and_the_weekend(question: str, date_from: dt.date, date_to: dt.date) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to) == (date_from, date_to)
    assert not any(w in q.text.lower() for w in ("night", "morning", "ago", "weekend", "today"))


def test_the_weekend_without_over_names_no_weekend() -> None:
    q = parse_time("What did they plan for the weekend before the vote?", as_of=AS_OF)
    assert (q.date_from, q.date_to) == (None, None)


@pytest.mark.parametrize("question, as_of, hint", [
    ("Who is facing off in the 2021 World Series?", dt.date(2021, 10, 29), (2021, 1, 1)),
    ("Which colours are Pantone's 2021 picks?", dt.date(2020, 12, 11), (2021, 1, 1)),  # next year's
    ("Who was freed over the 2002 kidnapping of Daniel Pearl?", dt.date(2021, 1, 29), None),
    ("What is the mascot of the Tokyo 2020 Paralympic Games?", dt.date(2021, 8, 20), None),
    ("How many votes were cast in 2021 and why?", dt.date(2021, 10, 29), None),  # not a modifier
])
def test_a_year_naming_the_edition_in_the_news_is_a_hint(question, as_of, hint) -> None:
    tq = parse_time(question, as_of=as_of)
    edition = [p for p in tq.background_periods if p == (dt.date(*hint), dt.date(hint[0], 12, 31))] \
        if hint else []
    assert len(edition) == (1 if hint else 0)
    if hint:
        assert (tq.date_from, tq.date_to) == (None, None) and tq.text == question


@pytest.mark.parametrize(("question", "date_from", "date_to"), [
    # the passage tagger's seasons (meteorological), read the same way in questions (as of 12 Aug)
    ("What happened in the spring of 2020?", D(2020, 3, 1), D(2020, 5, 31)),
    ("What happened in summer 2024?", D(2024, 6, 1), D(2024, 8, 31)),
    ("What was agreed last winter?", D(2024, 12, 1), D(2025, 2, 28)),
    ("What will happen next spring?", D(2026, 3, 1), D(2026, 5, 31)),
    ("What did Kallas say this summer?", D(2025, 6, 1), AS_OF),  # under way: its days so far
    ("What will Kallas do this summer?", AS_OF, D(2025, 8, 31)),
    ("Which state could face water cuts this autumn?", D(2025, 9, 1), D(2025, 11, 30)),  # to come
    ("What happened in late summer 2020?", D(2020, 8, 1), D(2020, 8, 31)),
    ("What happened in early spring?", D(2025, 3, 1), D(2025, 3, 31)),
])
def test_seasons_are_read(question: str, date_from: dt.date, date_to: dt.date) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to) == (date_from, date_to)
    assert not any(w in q.text.lower() for w in ("spring", "summer", "autumn", "winter", " in the"))


@pytest.mark.parametrize(("question", "date_from", "date_to"), [
    # a month with a relative word, as the passage tagger reads it (as of 12 Aug 2025): "in
    # March last year" was read as the nearest March, and "last March" not at all
    ("What happened in March last year?", D(2024, 3, 1), D(2024, 3, 31)),
    ("What will happen in June next year?", D(2026, 6, 1), D(2026, 6, 30)),
    ("Who won in May this year?", D(2025, 5, 1), D(2025, 5, 31)),
    ("What did Kallas say last March?", D(2025, 3, 1), D(2025, 3, 31)),
    ("What did Kallas say last September?", D(2024, 9, 1), D(2024, 9, 30)),
    ("What is planned for next March?", D(2026, 3, 1), D(2026, 3, 31)),
    ("What did Kallas say this August?", D(2025, 8, 1), AS_OF),  # under way: its days so far
])
def test_a_month_with_a_relative_word(question: str, date_from: dt.date, date_to: dt.date) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to) == (date_from, date_to)
    assert not any(w in q.text.lower() for w in ("year", "last", "next", "this", " in?"))


@pytest.mark.parametrize(("question", "date_from", "date_to", "understood"), [
    # halves, as companies report them; and a range's year said once after it (as of 12 Aug)
    ("What did Orbitel earn in the first half of 2025?", D(2025, 1, 1), D(2025, 6, 30),
     "the first half of 2025"),
    ("What did Orbitel earn in H2 2024?", D(2024, 7, 1), D(2024, 12, 31),
     "H2 2024 (1 Jul 2024 – 31 Dec 2024)"),  # the passage tagger's half
    ("What happened during the second half of March 2025?", D(2025, 3, 16), D(2025, 3, 31),
     "the second half of March 2025"),
    ("What happened in the second half of last year?", D(2024, 7, 1), D(2024, 12, 31),
     "the second half of last year (1 Jul 2024 – 31 Dec 2024)"),
    ("What is planned for the first half of next year?", D(2026, 1, 1), D(2026, 6, 30),
     "the first half of next year (1 Jan 2026 – 30 Jun 2026)"),
    ("What happened between March and May last year?", D(2024, 3, 1), D(2024, 5, 31),
     "1 Mar 2024 – 31 May 2024"),
    ("How many books were challenged between September and November of last year?",
     D(2024, 9, 1), D(2024, 11, 30), "1 Sep 2024 – 30 Nov 2024"),
])
def test_halves_and_a_ranges_relative_year(question: str, date_from: dt.date, date_to: dt.date,
                                           understood: str) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to, q.understood) == (date_from, date_to, understood)
    assert not any(w in q.text.lower() for w in ("half", "year", "march", "between", " of?"))


@pytest.mark.parametrize("question", [
    "What did Orbitel earn in h1 2025?",  # lower case: no label
    "How did the H1N1 virus spread?",
    "What happened in H3 2025?",
])
def test_what_is_no_half(question: str) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to, q.text) == (None, None, question)


def test_a_half_of_this_year_is_a_half_of_the_year_in_january_too() -> None:
    q = parse_time("What happened in the first half of this year?", as_of=D(2025, 1, 20))
    assert (q.date_from, q.date_to) == (D(2025, 1, 1), D(2025, 1, 20))  # not 1-15 January


@pytest.mark.parametrize(("question", "date_from", "date_to", "understood"), [
    # days of one month, a month's edges and its weeks, as a journalist writes them (12 Aug)
    ("What happened between 10 and 15 August?", D(2025, 8, 10), D(2025, 8, 15),
     "10 Aug 2025 – 15 Aug 2025"),
    ("What happened from 10 to 15 August 2024?", D(2024, 8, 10), D(2024, 8, 15),
     "10 Aug 2024 – 15 Aug 2024"),
    ("What did Putin say on August 15-16?", D(2025, 8, 15), D(2025, 8, 16),
     "15 Aug 2025 – 16 Aug 2025"),
    ("Who will attend the summit on 1-2 September?", D(2025, 9, 1), D(2025, 9, 2),
     "1 Sep 2025 – 2 Sep 2025"),
    ("What was agreed at the end of February?", D(2025, 2, 21), D(2025, 2, 28),
     "late February 2025"),
    ("What did Kallas say at the beginning of August?", D(2025, 8, 1), D(2025, 8, 10),
     "early August 2025"),
    ("What did Kallas say in the first week of August?", D(2025, 8, 1), D(2025, 8, 7),
     "the first week of August 2025"),
    ("What happened in the last week of July?", D(2025, 7, 25), D(2025, 7, 31),
     "the last week of July 2025"),
    ("What happened this past weekend?", D(2025, 8, 9), D(2025, 8, 10),
     "this past weekend (9 Aug 2025 – 10 Aug 2025)"),
    ("What happened on the weekend of 2-3 August?", D(2025, 8, 2), D(2025, 8, 3),
     "2 Aug 2025 – 3 Aug 2025"),
    ("What happened in the week of 4 August?", D(2025, 8, 4), D(2025, 8, 10),
     "the week of 4 Aug 2025"),
    ("What did Kallas say on the 5th of August?", D(2025, 8, 5), D(2025, 8, 5), "5 Aug 2025"),
    ("What happened a fortnight ago?", D(2025, 7, 28), D(2025, 8, 3),
     "a fortnight ago (28 Jul 2025 – 3 Aug 2025)"),
])
def test_days_edges_and_weeks_of_a_month(question: str, date_from: dt.date, date_to: dt.date,
                                         understood: str) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to, q.understood) == (date_from, date_to, understood)
    assert not any(w in q.text.lower() for w in ("august", "february", "july", "september",
                                                 "week", " on?", " at?", "-", " of?",
                                                 "ago"))


@pytest.mark.parametrize(("question", "date_from", "date_to"), [
    # two dates joined by "and" / "or" under one preposition: one range over both (12 Aug)
    ("What did von der Leyen say in 2024 and 2025?", D(2024, 1, 1), D(2025, 12, 31)),
    ("What happened in March and April?", D(2025, 3, 1), D(2025, 4, 30)),
    ("What happened in March or April last year?", D(2024, 3, 1), D(2024, 4, 30)),
    ("What happened in August and in September 2024?", D(2024, 8, 1), D(2024, 9, 30)),
])
def test_two_dates_joined_make_one_range(question: str, date_from: dt.date, date_to: dt.date
                                         ) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to) == (date_from, date_to)
    assert q.text.startswith("What ") and not any(ch.isdigit() for ch in q.text)
    assert not any(w in q.text for w in (" and", " or", "March", "August", "year"))


def test_a_year_joined_to_a_modifier_stays_a_word() -> None:
    q = parse_time("What happened in 2024 and 2025 budgets?", as_of=AS_OF)
    assert (q.date_from, q.date_to) == (D(2024, 1, 1), D(2024, 12, 31))
    assert q.text == "What happened and 2025 budgets?"


@pytest.mark.parametrize("question", [
    "Who led the Arab Spring protests?", "Why do prices fall in a hot summer?",
    "Who won medals at the 2020 Summer Olympics?", "What is a summer school?",
])
def test_season_words_that_name_no_season(question: str) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to, q.background) == (None, None, ())


def test_a_seasons_possessive_is_a_hint() -> None:
    q = parse_time("What was decided about this summer's Olympic Games?", as_of=D(2021, 7, 9))
    assert (q.date_from, q.date_to) == (None, None)
    assert q.background_periods == ((D(2021, 6, 1), D(2021, 7, 9)),)


@pytest.mark.parametrize(("question", "date_from", "date_to", "understood"), [
    ("What has Kallas said since Monday?", D(2025, 8, 11), None, "since 11 Aug 2025"),
    ("What happened since last week?", D(2025, 8, 4), None, "since last week (from 4 Aug 2025)"),
    ("Who resigned after last week?", D(2025, 8, 11), None, "after last week (from 11 Aug 2025)"),
    ("What was agreed before last month?", None, D(2025, 6, 30),
     "before last month (up to 30 Jun 2025)"),
    ("What has been said since the summer?", D(2025, 6, 1), None, "since summer (from 1 Jun 2025)"),
    ("Which talks ran until two days ago?", None, D(2025, 8, 10),
     "until two days ago (up to 10 Aug 2025)"),
])
def test_since_after_before_until_open_a_relative_period(question: str, date_from, date_to,
                                                          understood: str) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to, q.understood) == (date_from, date_to, understood)
    assert not any(w in q.text.lower().split() for w in ("since", "after", "before", "until"))
    # a possessive's keyword governs its noun: "this week" stays the hint it was
    poss = parse_time("Before this week's ceremony, who was honoured?", as_of=AS_OF)
    assert poss.background_periods == ((D(2025, 8, 11), AS_OF),)
    # what follows the keyword in a clause of its own is still background
    bg = parse_time("How many have fled since the invasion began last week?", as_of=AS_OF)
    assert (bg.date_from, bg.date_to) == (None, None) and bg.background


@pytest.mark.parametrize(("question", "date_from", "date_to"), [
    # the passage tagger's quarters (as of 12 Aug 2025)
    ("What happened in the first quarter of 2025?", D(2025, 1, 1), D(2025, 3, 31)),
    ("Which banks lost money in the 2024 fourth quarter?", D(2024, 10, 1), D(2024, 12, 31)),
    ("What did Apple report in the second quarter?", D(2025, 4, 1), D(2025, 6, 30)),
    ("What did Apple report in the third quarter?", D(2025, 7, 1), AS_OF),  # under way
    ("What will happen in the fourth quarter?", D(2025, 10, 1), D(2025, 12, 31)),
    # as analysts write them
    ("What did Orbitel report in Q1 2025?", D(2025, 1, 1), D(2025, 3, 31)),
    ("Which banks lost money in 2024 Q4?", D(2024, 10, 1), D(2024, 12, 31)),
    ("What did Apple report for Q2?", D(2025, 4, 1), D(2025, 6, 30)),
])
def test_quarters_are_read(question: str, date_from: dt.date, date_to: dt.date) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to) == (date_from, date_to)
    assert "quarter" not in q.text and " in" not in q.text and "Q" not in q.text


@pytest.mark.parametrize(("question", "date_from", "date_to"), [
    # early / mid / late of a relative month or year, as of a dated one ("late 2024")
    ("What happened late last year?", D(2024, 9, 1), D(2024, 12, 31)),
    ("What is planned for early next year?", D(2026, 1, 1), D(2026, 4, 30)),
    ("What happened in mid-last month?", D(2025, 7, 11), D(2025, 7, 20)),
    ("What happened early this year?", D(2025, 1, 1), D(2025, 4, 30)),
    ("What happened at the end of last year?", D(2024, 9, 1), D(2024, 12, 31)),
    ("What was agreed at the beginning of this month?", D(2025, 8, 1), D(2025, 8, 10)),
    # "the year", "the month" after an edge: this one, as the passage tagger reads them
    ("What happened at the start of the year?", D(2025, 1, 1), D(2025, 4, 30)),
    ("How many fires have there been since the start of the year?", D(2025, 1, 1), None),
    ("What was agreed at the beginning of the month?", D(2025, 8, 1), D(2025, 8, 10)),
    ("What is planned for the end of the year?", D(2025, 9, 1), D(2025, 12, 31)),
])
def test_early_mid_late_narrow_a_relative_month_or_year(question: str, date_from: dt.date,
                                                         date_to: dt.date) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to) == (date_from, date_to)
    assert not any(w in q.text.lower() for w in ("early", "mid", "late", "year", "month", " in?",
                                                 "end", "beginning", " at"))


@pytest.mark.parametrize(("question", "date_from"), [
    ("What happened in the past 24 hours?", D(2025, 8, 11)),  # asked at some hour of the 12th
    ("What did Putin say in the last 48 hours?", D(2025, 8, 10)),
    ("What happened over the past fortnight?", D(2025, 7, 30)),
])
def test_hours_and_a_fortnight_reach_back_from_as_of(question: str, date_from: dt.date) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to) == (date_from, AS_OF)
    assert not any(w in q.text for w in ("hours", "fortnight", "past"))


@pytest.mark.parametrize(("question", "date_from", "date_to"), [
    ("What happened between Monday and Wednesday?", D(2025, 8, 4), D(2025, 8, 6)),  # the last run
    ("What happened from last week to this week?", D(2025, 8, 4), AS_OF),
    ("What was said between last summer and this spring?", D(2024, 6, 1), D(2025, 5, 31)),
])
def test_two_relative_periods_make_one_range(question: str, date_from: dt.date,
                                             date_to: dt.date) -> None:
    q = parse_time(question, as_of=AS_OF)
    assert (q.date_from, q.date_to) == (date_from, date_to)
    assert q.text in ("What happened?", "What was said?")
