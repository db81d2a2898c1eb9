"""Reading a question once: its text, time, as-of day and limits."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.understand import (
    MAX_DATES,
    check_dates,
    check_k,
    default_as_of,
    parse_day,
    understand,
)
from index.errors import BadQuery

D = dt.date
TODAY = D(2026, 12, 2)


def test_as_of_is_today_for_a_current_corpus_else_its_last_date():
    assert default_as_of(D(2026, 11, 20), TODAY) == (TODAY, "today")
    assert default_as_of(D(2026, 12, 5), TODAY) == (TODAY, "today")  # dated ahead: still today
    assert default_as_of(D(2025, 8, 12), TODAY) == (D(2025, 8, 12), "corpus")
    assert default_as_of(None, TODAY) == (TODAY, "today")


def test_relative_words_read_against_the_corpus_say_so():
    q = understand("What did Kallas say last week?", corpus_last=D(2025, 8, 13), today=TODAY)
    assert q.understood == "last week (4 Aug 2025 – 10 Aug 2025)"
    assert q.as_of == D(2025, 8, 13) and q.as_of_from == "corpus" and q.relative
    assert q.text == "What did Kallas say?"
    assert q.read_as is not None and q.read_as.startswith(q.understood)
    # a guessed "as of" makes the reading uncertain: shown, not applied (soft before hard)
    assert (q.date_from, q.date_to) == (None, None) and q.unapplied
    assert ("13 Aug 2025, the corpus' latest date; not applied as a filter: set 'as of' to "
            "apply it") in q.read_as
    absolute = understand("What did Kallas say in August 2025?", corpus_last=D(2025, 8, 13),
                          today=TODAY)
    assert (absolute.date_from, absolute.date_to) == (D(2025, 8, 1), D(2025, 8, 31))


@pytest.mark.parametrize("question, topicless", [
    ("What happened last week?", True),
    ("Show me the news from February", True),
    ("Any updates this month?", True),
    ("What were the main stories in 2025?", True),
    ("What did Kallas say last week?", False),
    ("Who won the election last week?", False),
    ("What's new?", True),  # no time either: the latest articles
    ("Kallas", False),
])
def test_a_time_with_no_topic_is_read_as_a_request_for_that_times_articles(question, topicless):
    q = understand(question, corpus_last=D(2025, 8, 13), today=TODAY)
    assert q.topicless is topicless


def test_no_topic_within_the_given_dates_is_topicless_too():
    q = understand("What happened?", date_from=D(2025, 2, 1), date_to=D(2025, 2, 28),
                   corpus_last=D(2025, 8, 13), today=TODAY)
    assert q.topicless and (q.date_from, q.date_to) == (D(2025, 2, 1), D(2025, 2, 28))


def test_a_topicless_question_applies_even_a_guessed_reading():
    # its time is all it asks: held back, it would answer nothing
    q = understand("What happened last week?", corpus_last=D(2025, 8, 13), today=TODAY)
    assert (q.date_from, q.date_to) == (D(2025, 8, 4), D(2025, 8, 10)) and not q.unapplied
    assert q.read_as.endswith("13 Aug 2025, the corpus' latest date; set 'as of' to change it")


def test_a_given_as_of_moves_the_reading():
    q = understand("What did Kallas say last week?", as_of=D(2025, 3, 5),
                   corpus_last=D(2025, 8, 13), today=TODAY)
    assert (q.date_from, q.date_to) == (D(2025, 2, 24), D(2025, 3, 2))
    assert q.as_of_from == "given" and q.read_as.endswith("as of 5 Mar 2025; with reports up to 5 Mar 2025")
    # the period's reports of the days after it are searched too: a week, never past as-of
    assert q.reports_to == D(2025, 3, 5) and q.filter().date_to == D(2025, 3, 5)
    late = understand("What did Kallas say three weeks ago?", as_of=D(2025, 3, 20), today=TODAY)
    assert (late.date_from, late.date_to, late.reports_to) == (
        D(2025, 2, 24), D(2025, 3, 2), D(2025, 3, 9))
    # a longer period's, for as long as it lasted: a year's figures come out in the months
    # after it, a month's in the month after
    month = understand("What did Kallas say last month?", as_of=D(2025, 4, 20), today=TODAY)
    assert (month.date_to, month.reports_to) == (D(2025, 3, 31), D(2025, 4, 20))
    early = understand("What did Kallas say last month?", as_of=D(2025, 4, 2), today=TODAY)
    assert early.reports_to == D(2025, 4, 2)
    year = understand("What share of babies were born out of wedlock last year?",
                      as_of=D(2022, 8, 12), today=TODAY)
    assert (year.date_from, year.date_to, year.reports_to) == (
        D(2021, 1, 1), D(2021, 12, 31), D(2022, 8, 12))
    old_month = understand("What did Kallas say in March last year?", as_of=D(2025, 10, 1),
                           today=TODAY)
    assert (old_month.date_from, old_month.date_to, old_month.reports_to) == (
        D(2024, 3, 1), D(2024, 3, 31), D(2024, 5, 1))
    # a coming period: what was announced of it in the week before the day of asking
    ahead = understand("Who plays next week?", as_of=D(2025, 3, 5), today=TODAY)
    assert (ahead.date_from, ahead.date_to) == (D(2025, 3, 10), D(2025, 3, 16))
    assert ahead.reports_to is None and ahead.reports_from == D(2025, 2, 26)
    assert (ahead.filter().date_from, ahead.filter().date_to) == (D(2025, 2, 26), D(2025, 3, 16))
    assert ahead.read_as.endswith("as of 5 Mar 2025; with reports from 26 Feb 2025")
    explicit = understand("What did Kallas say in February 2025?", as_of=D(2025, 3, 5), today=TODAY)
    assert explicit.reports_to is None and explicit.reports_from is None
    # a named coming year is searched with what was announced of it lately, as "next week" is:
    # nothing is published in 2024 when the question is asked in October 2022
    named = understand("Which two supermarkets plan to merge in 2024?", as_of=D(2022, 10, 20),
                       today=TODAY)
    assert (named.date_from, named.date_to, named.reports_from) == (
        D(2024, 1, 1), D(2024, 12, 31), D(2022, 10, 13))
    assert named.filter().date_from == D(2022, 10, 13)
    assert named.read_as == "2024, as of 20 Oct 2022; with reports from 13 Oct 2022"
    # against a guessed as-of (the corpus' last day) the question's tense says it was asked
    # before 2024: what was reported of it on any earlier day is searched too
    guessed = understand("Which two supermarkets plan to merge in 2024?",
                         corpus_last=D(2022, 10, 20), today=TODAY)
    assert guessed.as_of_from == "corpus" and guessed.reports_from is None
    assert guessed.reports_before and (guessed.date_from, guessed.date_to) == (
        D(2024, 1, 1), D(2024, 12, 31))
    assert (guessed.filter().date_from, guessed.filter().date_to) == (None, D(2024, 12, 31))
    assert guessed.read_as == ("2024, spoken of as ahead, so reports from before it are searched "
                               "too; set 'as of' to say when it was asked")
    # the same when the past year is read against today, and a given date filter still holds
    stamp = understand("Which justice will be featured on a stamp in 2023?",
                       date_from=D(2022, 1, 1), today=TODAY)
    assert stamp.as_of_from == "today" and stamp.reports_before
    assert (stamp.filter().date_from, stamp.filter().date_to) == (D(2022, 1, 1), D(2023, 12, 31))
    # spoken of as past, or read against a given as-of: the year is the period searched
    past = understand("Which supermarkets merged in 2024?", corpus_last=D(2025, 3, 1), today=TODAY)
    assert not past.reports_before and past.filter().date_from == D(2024, 1, 1)
    given = understand("Which supermarkets plan to merge in 2024?", as_of=D(2025, 3, 1), today=TODAY)
    assert not given.reports_before and given.filter().date_from == D(2024, 1, 1)
    current = understand("What happened this week?", corpus_last=TODAY, today=TODAY)
    assert current.as_of == TODAY and current.read_as.endswith("as of today")


def test_relative_background_leaves_a_named_range_applied():
    # "a new study" is relative to the day of asking, 2020 is not: with a guessed as-of the
    # year still filters, and is not widened by the reports of the week after it
    q = understand("According to a new study, how many people died in 2020?",
                   corpus_last=D(2022, 1, 1), today=TODAY)
    assert not q.unapplied and (q.filter().date_from, q.filter().date_to) == (
        D(2020, 1, 1), D(2020, 12, 31))
    given = understand("According to a new study, how many people died in 2020?",
                       as_of=D(2022, 1, 1), today=TODAY)
    assert given.reports_to is None and given.hints == ((D(2021, 12, 2), D(2022, 1, 1)),)


def test_absolute_time_needs_no_as_of_note():
    q = understand("What did Kallas say in August 2025?", corpus_last=D(2025, 8, 13), today=TODAY)
    assert not q.relative and q.read_as == q.understood == "August 2025"
    plain = understand("Kallas on Russia", today=TODAY)
    assert plain.understood is None and plain.read_as is None and not plain.dated


def test_question_time_and_filters_combine_and_can_exclude_each_other():
    q = understand("What did Kallas say in August 2025?", date_from=D(2025, 8, 10),
                   sources=("Fox News Digital",), today=TODAY)
    assert (q.date_from, q.date_to) == (D(2025, 8, 10), D(2025, 8, 31))
    flt = q.filter()
    assert (flt.date_from, flt.date_to, flt.sources) == (D(2025, 8, 10), D(2025, 8, 31),
                                                         ("Fox News Digital",))
    clash = understand("What did Kallas say in August 2025?", date_to=D(2025, 3, 1), today=TODAY)
    assert clash.no_overlap


@pytest.mark.parametrize(("call", "message"), [
    (lambda: understand("   "), "empty"),
    (lambda: understand("x" * 501), "limit is 500"),
    (lambda: understand("talks", date_from=D(2025, 3, 1), date_to=D(2025, 2, 1)), "after --to"),
    (lambda: check_k(0), "between 1 and 50"),
    (lambda: check_dates(MAX_DATES + 1), f"between 1 and {MAX_DATES}"),
    (lambda: parse_day("March", "--as-of"), "--as-of needs a date as YYYY-MM-DD"),
])
def test_limits_are_checked_where_the_work_starts(call, message: str):
    with pytest.raises(BadQuery, match=message):
        call()


def test_long_stories_have_room():
    assert check_dates(500) == 500  # issue 19: a war or a trial has hundreds of dated turns


def test_background_time_relative_to_as_of_becomes_a_ranking_hint():
    as_of = dt.date(2021, 11, 5)  # a Friday
    summit = understand("Which countries signed the pledge at this week's COP26 summit?", as_of=as_of)
    assert (summit.date_from, summit.date_to) == (None, None)  # background: no filter
    assert summit.hints == ((dt.date(2021, 11, 1), as_of),)
    # a date names its day whenever it is read: it sets no hint
    since = understand("How many have fled since the invasion began on February 24?", as_of=as_of)
    assert since.hints == () and "background" in (since.understood or "")
    assert "rank higher" in (summit.understood or "") and "rank higher" not in (since.understood or "")
    # a past period's hint takes in the reports of the week after it, up to "as of"
    last = understand("Who won the game that was played last week?", as_of=as_of)
    assert last.hints == ((dt.date(2021, 10, 25), as_of),)
    # against a guessed "as of" (the corpus' last date) the reading is too uncertain to use
    guessed = understand("Which countries signed the pledge at this week's COP26 summit?",
                         corpus_last=dt.date(2021, 11, 5), today=dt.date(2026, 1, 1))
    assert guessed.as_of_from == "corpus" and guessed.hints == ()
