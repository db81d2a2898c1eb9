"""Time in questions, end to end (issue 17): background time sets no filter, a range finds the
passages that report an event in it, a filter that leaves nothing falls back and says so, and
"when" questions are answered with a date."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.engine import Bot
from bot.rank import Hit, in_period
from bot.when import DateAnswer, asks_ahead, date_answer, is_when_question, spread_days
from index.build import build_index
from index.embed import FakeEmbedder
from index.filters import Filter
from index.indexdir import open_index
from index.models import Article, EventDate, Passage

D = dt.date

RECORDS = [
    {"id": "ua-feb", "date": "2022-02-25", "source": "Wire", "title": "Russia invades Ukraine",
     "text": "Russian troops crossed into Ukraine on Thursday as President Vladimir Putin "
             "launched a full-scale invasion. Explosions were heard in Kyiv before dawn."},
    {"id": "ua-apr", "date": "2022-04-20", "source": "Wire", "title": "Refugees leave Ukraine",
     "text": "More than five million refugees have fled Ukraine since Russia's invasion began on "
             "February 24, the United Nations refugee agency said on Wednesday."},
    {"id": "bowl", "date": "2022-02-14", "source": "Sports Desk", "title": "Halftime show",
     "text": "Dr. Dre, Snoop Dogg, Eminem, Mary J. Blige and Kendrick Lamar performed the Super "
             "Bowl halftime show at SoFi Stadium on Sunday."},
    {"id": "air", "date": "2022-08-17", "source": "Business Desk", "title": "Airline cuts flights",
     "text": "Lufthansa is slashing 31,000 flights in November as the airline struggles with "
             "staff shortages, the carrier said in a statement."},
    {"id": "merger", "date": "2022-04-26", "source": "Business Desk",
     "title": "Chipmaker merger approved",
     "text": "Shareholders of the chipmaker Orbitel approved the merger with Zentra last Friday, "
             "the company said in a filing, clearing the way for the deal."},
    {"id": "grocer", "date": "2022-10-14", "source": "Business Desk", "title": "Grocers to combine",
     "text": "Kroger and Albertsons agreed to merge, the two supermarket chains said on Friday, "
             "in a deal that regulators are expected to scrutinise."},
    {"id": "stores", "date": "2021-05-03", "source": "Business Desk", "title": "Supermarket plans",
     "text": "A supermarket chain said it plans to open 50 new stores in 2024 as it expands into "
             "new regions."},
    {"id": "al-1", "date": "2011-11-13", "source": "Wire", "title": "Arab League suspends Syria",
     "text": "The Arab League voted on Saturday to suspend Syria's membership over its bloody "
             "crackdown on protesters, in a surprise move."},
    {"id": "al-2", "date": "2011-11-12", "source": "Gulf News", "title": "Syria suspended",
     "text": "Arab foreign ministers meeting in Cairo suspended Syria from the Arab League on "
             "Saturday and called for sanctions against Damascus."},
    {"id": "al-3", "date": "2011-11-16", "source": "World Report", "title": "Syria isolated",
     "text": "Syria has been increasingly isolated since the Arab League suspended it on "
             "November 12, and Turkey said it would cut its electricity supplies."},
    {"id": "dunn", "date": "2019-03-13", "source": "Local Desk", "title": "Council news",
     "text": "Councillor Mary Dunn stepped down on Tuesday, saying she could no longer support "
             "the plan."},
    {"id": "series-19", "date": "2019-10-25", "source": "Sports Desk", "title": "World Series",
     "text": "The Nationals and the Astros are facing off in the World Series, which opened in "
             "Houston."},
    {"id": "series-21", "date": "2021-10-28", "source": "Sports Desk", "title": "Fall Classic",
     "text": "The Braves and the Astros faced off in game one of baseball's championship, which "
             "opened in Houston."},
    {"id": "emmy-preview", "date": "2016-07-14", "source": "Arts Desk", "title": "Emmy nominations",
     "text": "The Emmy Awards will be presented on Monday, Sept. 19, and Harbor Lights leads the "
             "nominations, including one for outstanding drama series."},
    {"id": "emmy-night", "date": "2016-09-21", "source": "Arts Desk", "title": "Emmy winners",
     "text": "Iron Coast won the Emmy for outstanding drama series on Monday, the final award "
             "of the night."},
    {"id": "icu", "date": "2020-04-09", "source": "Wire", "title": "Johnson leaves intensive care",
     "text": "Boris Johnson, 55, was taken to hospital on Sunday and moved to intensive care on "
             "Monday, where he spent three nights."},
    {"id": "panel", "date": "2018-06-01", "source": "Local Desk", "title": "Ethics panel",
     "text": "The ethics committee has twelve members drawn from both parties and meets every "
             "month."},
    {"id": "hose-jan", "date": "2022-01-20", "source": "Wire", "title": "Reservoirs low",
     "text": "Southern Water warned that a hosepipe ban could follow in Hampshire, as its "
             "reservoirs stood low after a dry autumn."},
    {"id": "hose-jul", "date": "2022-07-22", "source": "Wire", "title": "Hosepipe ban",
     "text": "Southern Water announced a hosepipe ban for Hampshire and the Isle of Wight after "
             "the driest July on record."},
    {"id": "halv-q4", "date": "2022-02-03", "source": "Business Desk", "title": "Halvorsen results",
     "text": "Halvorsen Foods reported a net profit of $12 million for the fourth quarter of "
             "2021, helped by holiday sales."},
    {"id": "halv-q2", "date": "2022-07-28", "source": "Business Desk", "title": "Halvorsen loss",
     "text": "Halvorsen Foods reported a net loss of $40 million for the second quarter, citing "
             "weak demand."},
    {"id": "orb-q1", "date": "2022-05-05", "source": "Business Desk", "title": "Corvane results",
     "text": "Corvane's Q1 2022 revenue rose 12% to $3.1 billion, helped by demand for its "
             "satellite services, the company said."},
    {"id": "births-low", "date": "2021-07-02", "source": "Wire", "title": "Births fall",
     "text": "Births in England and Wales fell to a record low during the pandemic, the Office "
             "for National Statistics said."},
    {"id": "births-ons", "date": "2022-08-12", "source": "Wire", "title": "Births outside marriage",
     "text": "Just over half of the babies born in England and Wales, 51.3%, were born outside "
             "marriage or civil partnership, the first time since records began, the Office for "
             "National Statistics said."},
]


def _write(path: Path, records: list[dict] = RECORDS) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


def _small_bot(root: Path, embedder, records: list[dict]) -> Bot:
    """A bot over a few records of its own, for a case the shared corpus would perturb."""
    build_index([_write(root / "news.jsonl", records)], root / "index", embedder=embedder)
    return Bot(open_index(root / "index"), embedder)


# -- fast: the store finds passages by the events they report ------------------------------------

def test_a_range_finds_a_passage_by_the_event_it_reports(tmp_path: Path) -> None:
    out = tmp_path / "index"
    build_index([_write(tmp_path / "news.jsonl")], out, embedder=FakeEmbedder(64))
    store = open_index(out).store
    week = (D(2022, 4, 18), D(2022, 4, 24))
    merger = {pid for pid, p in store.passages(store.all_passage_ids()).items()
              if "Orbitel" in p.text}
    assert merger and all(store.passages(merger)[p].timeline_date == D(2022, 4, 26)
                          for p in merger)  # placed on its publication day, after the week
    assert not merger & set(store.filtered_ids(Filter(*week)))  # by timeline day only: out
    assert merger <= set(store.filtered_ids(Filter(*week, events=True)))  # "last Friday": in
    # the SQL form (sources, keyword search) agrees with the in-memory one
    assert merger <= set(store.filtered_ids(Filter(*week, sources=("Business Desk",), events=True)))
    found = store.keyword_search("Orbitel merger", 10, Filter(*week, events=True))
    assert merger & {pid for pid, _ in found}
    # a day named before it came ("on Monday, Sept. 19", in July) is no report of it
    by_text = {p.text.split()[1]: pid for pid, p in store.passages(store.all_passage_ids()).items()}
    night = Filter(D(2016, 9, 19), D(2016, 9, 19), events=True)
    for flt in (night, replace(night, sources=("Arts Desk",))):
        assert set(store.filtered_ids(flt)) == {by_text["Coast"]}
    # published in the range, placed on a day before it (the Monday it tells of)
    thursday = Filter(D(2020, 4, 9), D(2020, 4, 9), events=True)
    for flt in (thursday, replace(thursday, sources=("Wire",))):
        assert by_text["Johnson,"] in set(store.filtered_ids(flt))
        assert not {by_text["Johnson,"]} & set(store.filtered_ids(replace(flt, events=False)))
    # a year-long event does not drag a passage into a one-week range
    year_only = set(store.filtered_ids(Filter(D(2011, 11, 7), D(2011, 11, 13), events=True)))
    assert year_only and not merger & year_only


def test_as_of_finds_an_earlier_source_however_many_later_ones_sound_alike(tmp_path: Path) -> None:
    # 150 later reports word the question closer than March's: without a search of what was
    # placed by the as-of day, March's is not among the candidates and cannot rank first
    later = [{"id": f"late-{i}", "date": f"2025-08-{1 + i % 28:02d}", "source": "Wire",
              "title": f"Talks report {i}",
              "text": f"Putin peace talks ceasefire summit Alaska report number {i}."}
             for i in range(150)]
    early = {"id": "early", "date": "2025-03-10", "source": "Wire", "title": "Ministers meet",
             "text": "Ministers discussed whether Putin wants a ceasefire in the peace talks."}
    bot = _small_bot(tmp_path, FakeEmbedder(64), [*later, early])
    q = "Putin peace talks ceasefire summit Alaska?"
    assert "early" not in _ids(bot.ask(q, k=10))
    a = bot.ask(q, k=10, as_of=D(2025, 4, 1))
    assert _ids(a)[0] == "early"


def test_a_hint_counts_an_event_only_from_an_article_that_could_report_it() -> None:
    # placed on its July day, naming 19 September: a preview, not a report of that week
    ev = EventDate("Monday, Sept. 19", 17, 33, D(2016, 9, 19), "day", D(2016, 7, 14))
    preview = Passage(1, "a", 0, 0, 30, "The Emmys are on Monday, Sept. 19.", (ev,),
                      D(2016, 7, 14))
    week = [(D(2016, 9, 19), D(2016, 9, 22))]
    assert not in_period(preview, week, D(2016, 7, 14))
    assert in_period(preview, week, D(2016, 9, 20))  # published in the week: its news
    assert in_period(preview, week, D(2016, 9, 28))  # a later report naming the day
    assert in_period(preview, week, None)  # undated: its events are all it has
    assert in_period(replace(preview, timeline_date=D(2016, 9, 19)), week, D(2016, 7, 14))


def _hit(rank: int, pid: int, day: dt.date | None, text: str = "It happened.",
         events: tuple[EventDate, ...] = ()) -> Hit:
    p = Passage(pid, "a", 0, 0, len(text), text, events, day)
    return Hit(rank, 1.0 / rank, p, Article("o", "t", text, "s", published=day), ())


def test_date_answer_by_vote_is_the_day_most_passages_report() -> None:
    sat = EventDate("on Saturday", 25, 36, D(2011, 11, 12), "day", D(2011, 11, 13))
    hits = [_hit(1, 1, D(2011, 11, 13), "The Arab League voted on Saturday to suspend Syria.",
                 (sat,)),
            _hit(2, 2, D(2011, 11, 12)), _hit(3, 3, D(2011, 11, 20))]
    got = date_answer(hits, rule="support")
    assert got == DateAnswer(D(2011, 11, 12), "day", 2, (1, 2))
    assert got.label == "12 Nov 2011, reported by 2 passages"


def test_date_answer_by_vote_widens_to_a_month_then_a_single_passage() -> None:
    month = date_answer([_hit(1, 1, D(2020, 3, 2)), _hit(2, 2, D(2020, 3, 9)),
                         _hit(3, 3, D(2021, 1, 1))], rule="support")
    assert (month.date, month.precision, month.support) == (D(2020, 3, 1), "month", 2)
    one = date_answer([_hit(1, 1, D(2020, 3, 2)), _hit(2, 2, None)], rule="support")
    assert (one.date, one.precision, one.support) == (D(2020, 3, 2), "day", 1)
    for rule in ("first", "support"):
        assert date_answer([_hit(1, 1, None)], rule=rule) is None
        assert date_answer([], rule=rule) is None


def _scored(score: float, rank: int, day: dt.date | None, text: str = "It happened.",
            events: tuple[EventDate, ...] = ()) -> Hit:
    return replace(_hit(rank, rank, day, text, events), score=score)


def test_date_answer_first_is_the_earliest_report_among_the_near_best() -> None:
    sat = EventDate("on Saturday", 25, 36, D(2011, 11, 12), "day", D(2011, 11, 13))
    hits = [_scored(0.90, 1, D(2011, 11, 16)),  # a later report, ranked first
            _scored(0.85, 2, D(2011, 11, 13), "The Arab League voted on Saturday to suspend "
                    "Syria.", (sat,)),
            _scored(0.84, 3, D(2011, 11, 12)),  # the first report: within the gap of the best
            _scored(0.50, 4, D(2011, 11, 1))]  # far below the best: not a report of it
    got = date_answer(hits, rule="first", gap=0.1)
    # the day, and every one of the best that reports it (the Saturday passage too)
    assert got == DateAnswer(D(2011, 11, 12), "day", 2, (2, 3))
    assert date_answer(hits, rule="first", gap=0.01).date == D(2011, 11, 16)
    assert date_answer(hits, rule="first", gap=0.5).date == D(2011, 11, 1)
    # nothing near the best is dated: the dated ones vote
    undated_best = [_scored(0.9, 1, None), _scored(0.5, 2, D(2020, 3, 2)),
                    _scored(0.4, 3, D(2020, 3, 2))]
    assert date_answer(undated_best, rule="first", gap=0.1) == DateAnswer(
        D(2020, 3, 2), "day", 2, (2, 3))


def test_when_excerpts_lead_with_the_answered_day_then_spread_over_days() -> None:
    hits = [_scored(0.90, 1, D(2011, 11, 16)),
            _scored(0.88, 2, D(2011, 11, 16)),  # a second report of a day already shown
            _scored(0.85, 3, D(2011, 11, 12)),
            _scored(0.80, 4, None),
            _scored(0.60, 5, D(2011, 11, 12))]
    answer = DateAnswer(D(2011, 11, 12), "day", 2, (3, 5))
    got = spread_days(hits, answer, 0.15)
    # the answered day's best passage, then 0.90 and the undated 0.80 (above 0.88 - 0.15), then
    # the repeats by score; ranks follow the new order and nothing is dropped
    assert [h.passage.passage_id for h in got] == [3, 1, 4, 2, 5]
    assert [h.rank for h in got] == [1, 2, 3, 4, 5]
    # a repeat far better than the next new day keeps its place
    assert [h.passage.passage_id for h in spread_days(hits, answer, 0.01)] == [3, 1, 2, 4, 5]
    # no penalty (a cross-encoder's unknown scale): rank order after the lead
    assert [h.passage.passage_id for h in spread_days(hits, answer, None)] == [3, 1, 2, 4, 5]
    # no answer, or an answer whose passages are not among the hits: nothing leads
    assert [h.passage.passage_id for h in spread_days(hits, None, 0.15)] == [1, 3, 4, 2, 5]
    assert spread_days([], None, 0.15) == []


@pytest.mark.parametrize(("question", "ahead"), [
    ("When is the meeting in Alaska?", True),
    ("When will NASA next attempt to launch Artemis I?", True),
    ("When does the new law take effect?", True),
    ("When's the vote?", True),
    ("When did the Arab League suspend Syria?", False),
    ("When was Syria suspended?", False),
    ("What date is the vote?", True),
    ("Mubarak says he will not run again.", False),  # a statement, not a "when" question
])
def test_asks_ahead(question: str, ahead: bool) -> None:
    assert asks_ahead(question) is ahead


def test_a_coming_event_is_answered_with_the_day_its_reports_name() -> None:
    """Reports of a coming meeting are dated before it: "first" would answer their own day."""
    aug15 = EventDate("on August 15", 22, 34, D(2025, 8, 15), "day", D(2025, 8, 12))
    hits = [_scored(0.78, 1, D(2025, 8, 12)),  # about the meeting, names no day
            _scored(0.77, 2, D(2025, 8, 12), "During a meeting in Alaska on August 15, Putin "
                    "wants a picture.", (aug15,)),
            _scored(0.40, 3, D(2025, 8, 20), "The meeting on August 15 ended.", (aug15,))]
    assert date_answer(hits, gap=0.1).date == D(2025, 8, 12)
    got = date_answer(hits, gap=0.1, ahead=True)
    assert got == DateAnswer(D(2025, 8, 15), "day", 1, (2,))  # the later report is no longer near
    # its excerpts lead with the passage that names the day, though it is placed on its own
    assert [h.passage.passage_id for h in spread_days(hits, got, 0.15)][:1] == [2]
    # nothing near the best names a coming day: the usual rule
    assert date_answer(hits[:1], gap=0.1, ahead=True).date == D(2025, 8, 12)


@pytest.mark.parametrize(("question", "when"), [
    ("When did the Arab League suspend Syria?", True),
    ("In what year did the war end?", True),
    ("What date was the vote?", True),
    ("Who won the election last week?", False),
    ("What did Kallas say when asked about Putin?", False),
])
def test_when_questions(question: str, when: bool) -> None:
    assert is_when_question(question) is when


# -- with the real model ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def news_bot(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Bot:
    root = tmp_path_factory.mktemp("time-questions")
    build_index([_write(root / "news.jsonl")], root / "index", embedder=real_embedder)
    return Bot(open_index(root / "index"), real_embedder)


def _ids(answer) -> list[str]:
    return [_ids_of(h) for h in answer.hits]


@pytest.mark.slow
def test_invasion_day_in_a_since_clause_is_no_one_day_filter(news_bot: Bot) -> None:
    a = news_bot.ask("How many refugees have fled Ukraine since Russia's invasion began on "
                     "February 24?", as_of=D(2022, 4, 29))
    assert (a.date_from, a.date_to) == (None, None)
    assert "background, not a filter: 24 Feb 2022" in a.read_as
    assert _ids(a)[0] == "ua-apr"  # the April answer, not excluded


@pytest.mark.slow
def test_the_year_of_an_edition_in_the_news_ranks_its_passages_higher(news_bot: Bot) -> None:
    q = "Which teams are facing off in the 2021 World Series?"
    a = news_bot.ask(q, as_of=D(2021, 10, 29))
    assert (a.date_from, a.date_to) == (None, None)  # a hint, not a filter
    assert "background, not a filter: 2021, as a name's year" in a.read_as
    assert _ids(a)[:2] == ["series-21", "series-19"]
    # asked years later, 2021 is history: no hint, and the closer wording wins
    b = news_bot.ask(q, as_of=D(2024, 10, 29))
    assert "2021" not in (b.read_as or "") and _ids(b)[0] == "series-19"


@pytest.mark.slow
def test_this_years_super_bowl_is_no_filter(news_bot: Bot) -> None:
    a = news_bot.ask("Who performed at this year's Super Bowl halftime show?", as_of=D(2022, 2, 18))
    assert (a.date_from, a.date_to) == (None, None)
    assert _ids(a)[0] == "bowl"


@pytest.mark.slow
def test_during_november_asked_in_august_is_the_coming_november(news_bot: Bot) -> None:
    a = news_bot.ask("Which airline is slashing 31,000 flights during November?",
                     as_of=D(2022, 8, 18))
    assert (a.date_from, a.date_to) == (D(2022, 11, 1), D(2022, 11, 30))
    # published in August, it reports the November cuts: in range by its event
    assert _ids(a)[:1] == ["air"] and not a.fell_back


@pytest.mark.slow
def test_a_named_coming_year_finds_what_was_announced_of_it(news_bot: Bot) -> None:
    a = news_bot.ask("Which two supermarkets plan to merge in 2024?", as_of=D(2022, 10, 20))
    assert (a.date_from, a.date_to) == (D(2024, 1, 1), D(2024, 12, 31))
    assert a.read_as == "2024, as of 20 Oct 2022; with reports from 13 Oct 2022"
    # the announcement names no year; the passage that names 2024 is about something else
    assert _ids(a)[0] == "grocer" and not a.fell_back
    # without an as-of the corpus' last day (14 Oct 2022) is a guess, and the question's
    # tense says 2024 lay ahead of it: the earlier announcement is still found
    b = news_bot.ask("Which two supermarkets plan to merge in 2024?")
    assert b.to_json()["filters"]["reports_before"] is True and "spoken of as ahead" in b.read_as
    assert _ids(b)[0] == "grocer" and not b.fell_back


@pytest.mark.slow
def test_last_week_includes_a_later_report_of_last_friday(news_bot: Bot) -> None:
    a = news_bot.ask("Which merger did shareholders approve last week?", as_of=D(2022, 4, 29))
    assert (a.date_from, a.date_to) == (D(2022, 4, 18), D(2022, 4, 24))
    assert _ids(a)[:1] == ["merger"] and not a.fell_back
    assert a.hits[0].timeline_date == D(2022, 4, 26)  # its own day is outside the week


@pytest.mark.slow
def test_a_years_figures_are_found_in_the_months_after_it(news_bot: Bot) -> None:
    # published in August, the year's figures name no year; a week of reports after 2021
    # left only the pandemic's record low of births to show
    a = news_bot.ask("What share of babies in England and Wales were born out of wedlock last "
                     "year?", as_of=D(2022, 8, 12))
    assert (a.date_from, a.date_to, a.reports_to) == (D(2021, 1, 1), D(2021, 12, 31), D(2022, 8, 12))
    assert _ids(a)[:1] == ["births-ons"] and not a.fell_back


@pytest.mark.slow
def test_last_july_is_the_last_july_before_as_of(news_bot: Bot) -> None:
    # "last July" was not read at all: January's warning stood beside July's ban
    a = news_bot.ask("Which water company announced a hosepipe ban last July?", as_of=D(2023, 3, 1))
    assert (a.date_from, a.date_to) == (D(2022, 7, 1), D(2022, 7, 31))
    assert a.read_as.startswith("last July (1 Jul 2022 – 31 Jul 2022), as of 1 Mar 2023")
    assert _ids(a) == ["hose-jul"] and not a.fell_back


@pytest.mark.slow
def test_the_second_half_of_a_year_finds_its_quarters_reports(news_bot: Bot) -> None:
    # "the second half of 2021" was not read: the 2022 loss stood beside the 2021 profit
    a = news_bot.ask("What did Halvorsen Foods report in the second half of 2021?",
                     as_of=D(2022, 8, 1))
    assert (a.date_from, a.date_to) == (D(2021, 7, 1), D(2021, 12, 31))
    # published in February, it reports the fourth quarter: in range by its event
    assert _ids(a) == ["halv-q4"] and not a.fell_back
    # asked "for" the half, as results are
    b = news_bot.ask("What did Halvorsen Foods report for the second half of 2021?",
                     as_of=D(2022, 8, 1))
    assert (b.date_from, b.date_to) == (D(2021, 7, 1), D(2021, 12, 31)) and _ids(b) == ["halv-q4"]


@pytest.mark.slow
def test_a_range_of_days_in_one_month_is_read(news_bot: Bot) -> None:
    # "between 18 and 22 September" was not read: July's preview stood beside the winner
    a = news_bot.ask("Which show won the Emmy for outstanding drama series between 18 and 22 "
                     "September 2016?")
    assert (a.date_from, a.date_to) == (D(2016, 9, 18), D(2016, 9, 22))
    assert _ids(a) == ["emmy-night"] and not a.fell_back


@pytest.mark.slow
def test_two_months_joined_by_and_are_one_range(news_bot: Bot) -> None:
    # "in October" alone was read, "and November 2011" searched as words: October had nothing
    a = news_bot.ask("What did the Arab League decide in October and November 2011?",
                     as_of=D(2012, 1, 10))
    assert (a.date_from, a.date_to) == (D(2011, 10, 1), D(2011, 11, 30))
    assert {"al-1", "al-2", "al-3"} <= set(_ids(a)) and not a.fell_back


@pytest.mark.slow
def test_a_quarter_as_analysts_write_it_is_read_in_passages_and_questions(news_bot: Bot) -> None:
    # "Q1 2022" in the May report is its event: a question of the first quarter finds it
    a = news_bot.ask("How much did Corvane's revenue rise in the first quarter of 2022?",
                     as_of=D(2022, 8, 1))
    assert (a.date_from, a.date_to) == (D(2022, 1, 1), D(2022, 3, 31))
    assert _ids(a)[:1] == ["orb-q1"] and not a.fell_back
    # and a question written so reads the quarter too
    b = news_bot.ask("What did Halvorsen Foods report for Q4 2021?", as_of=D(2022, 8, 1))
    assert (b.date_from, b.date_to) == (D(2021, 10, 1), D(2021, 12, 31))
    assert _ids(b) == ["halv-q4"] and not b.fell_back


@pytest.mark.slow
def test_the_past_few_days_rank_their_news_higher_and_filter_nothing(news_bot: Bot) -> None:
    # January's warning words the question better; the ban of the past few days comes first
    a = news_bot.ask("Which water company warned of a hosepipe ban over the past few days?",
                     as_of=D(2022, 7, 25))
    assert (a.date_from, a.date_to) == (None, None)
    assert "over the past few days (18 Jul 2022 – 25 Jul 2022)" in a.read_as
    assert _ids(a)[0] == "hose-jul"


@pytest.mark.slow
def test_a_day_past_is_reported_only_by_what_was_published_since(news_bot: Bot) -> None:
    # The July preview names 19 September too, as a day coming: it cannot say who won
    a = news_bot.ask("The Emmy Awards were presented on Monday. Which show won outstanding "
                     "drama series?", as_of=D(2016, 9, 22))
    assert (a.date_from, a.date_to) == (D(2016, 9, 19), D(2016, 9, 19))
    assert _ids(a) == ["emmy-night"] and not a.fell_back


@pytest.mark.slow
def test_a_days_own_news_counts_though_it_tells_of_the_days_before(news_bot: Bot) -> None:
    # Thursday's report is placed on Monday, the day it names; published on Thursday, it is
    # that day's news
    a = news_bot.ask("Boris Johnson left intensive care on Thursday. How many nights did he "
                     "spend there?", as_of=D(2020, 4, 9))
    assert (a.date_from, a.date_to) == (D(2020, 4, 9), D(2020, 4, 9))
    assert _ids(a)[:1] == ["icu"] and not a.fell_back
    assert a.hits[0].timeline_date == D(2020, 4, 6)


@pytest.mark.slow
def test_a_bare_weekday_is_read_as_news_writes_it(news_bot: Bot) -> None:
    # "approved ... Friday", asked on Wednesday 27 April: the Friday before, with its reports
    a = news_bot.ask("Shareholders approved which chipmaker merger Friday?", as_of=D(2022, 4, 27))
    assert (a.date_from, a.date_to) == (D(2022, 4, 22), D(2022, 4, 22))
    assert a.read_as == "22 Apr 2022, as of 27 Apr 2022; with reports up to 27 Apr 2022"
    assert _ids(a)[:1] == ["merger"] and not a.fell_back


@pytest.mark.slow
def test_a_weekdays_possessive_ranks_that_days_reports_higher(news_bot: Bot) -> None:
    q = "Which merger was agreed in Friday's deal?"
    for as_of, first in ((D(2022, 4, 27), "merger"), (D(2022, 10, 18), "grocer")):
        a = news_bot.ask(q, as_of=as_of)
        assert (a.date_from, a.date_to) == (None, None)  # a hint, not a filter
        assert a.read_as.startswith("background, not a filter: ")
        assert _ids(a)[0] == first, as_of


@pytest.mark.slow
def test_days_ago_is_read_as_the_passages_are(news_bot: Bot) -> None:
    # asked on Monday 14 November 2011: "two days ago" is Saturday the 12th, and the reports
    # of it published up to the day of asking count
    a = news_bot.ask("Which country did the Arab League suspend two days ago?",
                     as_of=D(2011, 11, 14))
    assert (a.date_from, a.date_to) == (D(2011, 11, 12), D(2011, 11, 12))
    assert a.read_as == "two days ago (12 Nov 2011), as of 14 Nov 2011; with reports up to 14 Nov 2011"
    assert set(_ids(a)[:2]) == {"al-1", "al-2"} and not a.fell_back


@pytest.mark.slow
def test_a_filter_that_leaves_nothing_falls_back_and_says_so(news_bot: Bot) -> None:
    a = news_bot.ask("Which airline is slashing flights this week?", as_of=D(2023, 6, 14))
    assert a.fell_back and _ids(a)[0] == "air"
    assert a.message.startswith("nothing relevant in this week")
    assert a.to_json()["fell_back"] is True
    # an explicit date filter is kept: the reader asked for it
    b = news_bot.ask("Which airline is slashing flights?", date_from=D(2023, 6, 1))
    assert not b.fell_back and not b.hits


@pytest.mark.slow
def test_a_weak_match_in_the_weeks_time_comes_before_any_other_date(news_bot: Bot) -> None:
    # The week's report names no committee (cosine about 0.25, under the usual floor); the
    # passage that does is from another year and answers nothing about this week.
    q = "Who resigned from the ethics committee this week?"
    a = news_bot.ask(q, as_of=D(2019, 3, 15))
    assert _ids(a) == ["dunn"] and a.weak and not a.fell_back
    assert a.message == ("only weak matches in this week (11 Mar 2019 – 15 Mar 2019): none "
                         "reached the usual relevance")
    assert a.to_json()["weak"] is True
    # without a time of its own the question gets the usual floor: the week's report is not shown
    b = news_bot.ask("Who resigned from the ethics committee?")
    assert "dunn" not in _ids(b) and not b.weak


@pytest.mark.slow
def test_when_question_leads_with_the_agreed_date(news_bot: Bot) -> None:
    a = news_bot.ask("When did the Arab League suspend Syria?")
    assert a.date_answer is not None
    assert (a.date_answer.date, a.date_answer.precision) == (D(2011, 11, 12), "day")
    assert a.date_answer.support >= 2
    js = a.to_json()["date_answer"]
    assert js["date"] == "2011-11-12" and js["label"].startswith("12 Nov 2011, reported by")
    # the first excerpt is placed on the answered day; the excerpts are those of the same question
    # asked without a date, reordered, none dropped
    assert a.hits[0].timeline_date == D(2011, 11, 12) and a.hits[0].rank == 1
    plain = news_bot.ask("When did the Arab League suspend Syria?", when=False)
    assert sorted(h.passage.passage_id for h in a.hits) == sorted(
        h.passage.passage_id for h in plain.hits)
    assert [h.rank for h in a.hits] == list(range(1, len(a.hits) + 1))
    assert news_bot.ask("Who performed the Super Bowl halftime show?").date_answer is None


@pytest.mark.slow
def test_when_excerpts_show_another_day_before_a_second_report(news_bot: Bot) -> None:
    """Two reports of 12 Nov and a later one: the later day is shown second, above the other
    12 Nov report that ranks above it by relevance alone."""
    question = "When was Syria suspended from the Arab League?"
    plain = [h.timeline_date for h in news_bot.ask(question, when=False).hits]
    assert plain == [D(2011, 11, 12), D(2011, 11, 12), D(2011, 11, 16)]
    a = news_bot.ask(question)
    assert [h.timeline_date for h in a.hits] == [D(2011, 11, 12), D(2011, 11, 16), D(2011, 11, 12)]


@pytest.mark.slow
def test_when_is_a_coming_meeting_answers_its_day(real_bot: Bot) -> None:
    """The seed articles of 12 Aug 2025 report the Alaska meeting "on August 15"."""
    a = real_bot.ask("When is the meeting in Alaska?")
    assert a.date_answer is not None
    assert (a.date_answer.date, a.date_answer.precision) == (D(2025, 8, 15), "day")
    assert "on August 15" in a.hits[0].passage.text
    # asked of the past, the same words keep the usual reading: the day of the reports
    assert real_bot.ask("When was the meeting in Alaska announced?").date_answer.date != D(2025, 8, 15)


def test_page_and_cli_lead_with_the_date_then_the_fallback_note() -> None:
    from bot.answer import Answer
    from bot.render import render_text
    from web.render import answer_html

    hits = (_hit(1, 1, D(2011, 11, 12)), _hit(2, 2, D(2011, 11, 12)))
    a = Answer("When did it happen this week?", "When did it happen?", None, None, (),
               "relevance", "this week", hits, message="nothing relevant in this week: showing "
               "the best passages from any date", date_answer=date_answer(hits), fell_back=True)
    html = answer_html(a)
    assert html.index("When: 12 Nov 2011, reported by 2 passages") < html.index("tl-summary")
    assert "showing the best passages from any date" in html
    text = render_text(a.to_json())
    assert "When: 12 Nov 2011, reported by 2 passages" in text
    assert "(nothing relevant in this week: showing the best passages from any date)" in text


def test_date_answer_without_a_gap_is_the_vote_by_rank() -> None:
    # A cross-encoder's scores have no known scale: "first" cannot tell the near-best reports.
    hits = [_scored(9.0, 1, D(2011, 11, 16)), _scored(8.5, 2, D(2011, 11, 16)),
            _scored(8.4, 3, D(2011, 11, 12))]
    assert date_answer(hits, rule="first", gap=1.0).date == D(2011, 11, 12)  # in these units
    assert date_answer(hits, rule="first", gap=None) == date_answer(hits, rule="support") == DateAnswer(
        D(2011, 11, 16), "day", 2, (1, 2))
    from bot.rerank import CrossEncoderReranker, FeatureReranker
    from bot.when import FIRST_GAP

    assert FeatureReranker().first_gap == FIRST_GAP and CrossEncoderReranker.first_gap is None


@pytest.mark.slow
def test_the_harness_asks_again_only_what_fell_back_at_each_range_floor(news_bot: Bot) -> None:
    from bench import range_floor
    from bench.suites._retrieval import Question

    right = ["dunn", "air", "merger"]
    qs = [Question("Who resigned from the ethics committee this week?", D(2019, 3, 15)),
          Question("Which airline is slashing flights this week?", D(2023, 6, 14)),  # none that week
          Question("Which merger did shareholders approve last week?", D(2022, 4, 29))]
    out = range_floor.study(news_bot, qs, lambda i, h: _ids_of(h) == right[i], folds=2)
    assert "the 2 questions whose own time" in out  # the merger was found in its week
    rows = {r.split(" | ")[0].strip("| "): r.split(" | ") for r in out.splitlines()
            if r.startswith("| floor")}
    # at 0.15 the week's weak report answers the first; the second falls back and still finds
    # its answer; at the usual floor both fall back
    assert rows["floor 0.15 (shipped)"][1].startswith("1.000")
    assert rows["floor 0.30 (the usual: fall back at once)"][1].startswith("0.500")
    assert rows["floor 0.15 (shipped)"][-1].strip(" |") == "1"
    assert rows["floor 0.30 (the usual: fall back at once)"][-1].strip(" |") == "2"


def _ids_of(hit: Hit) -> str:
    return hit.article.origin.rsplit("#", 1)[-1]


@pytest.mark.slow
def test_a_question_with_a_time_and_no_topic_lists_that_times_articles(news_bot: Bot) -> None:
    # "What happened" sounds like no passage: ranked by similarity the floor would drop
    # nearly all. Asked on Friday 29 April, last week is 18-24 April with its reports.
    a = news_bot.ask("What happened last week?", as_of=D(2022, 4, 29), k=5)
    assert sorted(_ids(a)) == ["merger", "ua-apr"]  # each article once, none from another week
    assert a.message == ("no topic in the question: 2 of the 2 articles published in that time, "
                         "each by its first passage, spread over the days")
    assert a.read_as.endswith("with reports up to 29 Apr 2022")  # the merger's day
    assert "fewer than" not in a.summary()
    # days spread evenly over the range, the latest and the earliest among them
    b = news_bot.ask("Show me the news from November 2011", k=2)
    assert [h.timeline_date for h in b.hits] == [D(2011, 11, 16), D(2011, 11, 12)]
    assert b.message.startswith("no topic in the question: 2 of the 3 articles")
    # the page's date fields are a time too
    d = news_bot.ask("What happened?", date_from=D(2011, 11, 1), date_to=D(2011, 11, 30), k=5)
    assert sorted(_ids(d)) == ["al-1", "al-2", "al-3"]
    # no time either: the latest articles, one a day from the corpus' last day back
    e = news_bot.ask("What's new?", k=2)
    assert _ids(e) == ["grocer", "air"]
    assert e.message.startswith("no topic or time in the question: the latest 2 of the 24 dated")
    # as a timeline: the days of that time with the most articles published, oldest first
    tl = news_bot.timeline("What happened last week?", as_of=D(2022, 4, 29))
    assert [(d.date, [_ids_of(h) for h in d.hits]) for d in tl.dates] == [
        (D(2022, 4, 20), ["ua-apr"]), (D(2022, 4, 26), ["merger"])]  # the week's reports
    assert tl.message.startswith("no topic: the 2 days of that time with the most articles")
    # a time with a topic is ranked as ever
    c = news_bot.ask("What did shareholders approve last week?", as_of=D(2022, 4, 29), k=5)
    assert _ids(c) == ["merger"] and c.message is None


def test_a_when_answer_votes_over_the_same_candidates_whatever_k(fake_index: Path) -> None:
    """The date and its excerpts come from the VOTERS best passages, each given the sentence
    pass, whether the reader asked for 3 excerpts or 10; a plain question's pass follows k."""
    from bot.rerank import FeatureReranker
    from bot.when import VOTERS

    class Seen(FeatureReranker):
        def scores(self, question, items, *, weights):
            scored.append(len(items))
            return super().scores(question, items, weights=weights)

    scored: list[int] = []
    bot = Bot(open_index(fake_index), FakeEmbedder(64), reranker=Seen())
    few, many = (bot.ask("When did Kallas meet Rubio?", k=k) for k in (3, VOTERS))
    assert scored[0] == scored[1] > 12  # 12: the pass for any k up to 8 (bot.rank.SENTENCE_PASS)
    assert few.date_answer == many.date_answer
    assert [h.passage.passage_id for h in few.hits] == [h.passage.passage_id for h in many.hits][:3]
    scored.clear()
    bot.ask("What did Kallas say about Rubio?", k=3)
    assert scored == [12]


@pytest.mark.slow
def test_a_season_is_read_as_its_months(news_bot: Bot) -> None:
    a = news_bot.ask("Which water company announced a hosepipe ban this summer?",
                     as_of=D(2022, 8, 20))
    assert a.read_as.startswith("this summer (1 Jun 2022 – 20 Aug 2022), as of 20 Aug 2022")
    assert _ids(a) == ["hose-jul"]
    b = news_bot.ask("What did Southern Water warn about last winter?", as_of=D(2022, 8, 20))
    assert (b.date_from, b.date_to) == (D(2021, 12, 1), D(2022, 2, 28))
    assert _ids(b) == ["hose-jan"]
    # "after last winter": from the day after it, not the winter itself
    c = news_bot.ask("What did Southern Water announce after last winter?", as_of=D(2022, 8, 20))
    assert (c.date_from, c.date_to) == (D(2022, 3, 1), None)
    assert _ids(c) == ["hose-jul"]


@pytest.mark.slow
def test_a_quarter_is_read_as_its_months(news_bot: Bot) -> None:
    a = news_bot.ask("What did Halvorsen Foods report in the second quarter?", as_of=D(2022, 8, 20))
    assert (a.date_from, a.date_to) == (D(2022, 4, 1), D(2022, 6, 30))
    assert _ids(a) == ["halv-q2"]  # published after the quarter, reporting it


@pytest.mark.slow
def test_a_fiscal_quarter_is_no_calendar_filter(tmp_path: Path, real_embedder) -> None:
    corvane = {"id": "corvane", "date": "2024-08-28", "source": "Business Desk",
               "title": "Corvane results",
               "text": "Corvane Outdoor, the camping gear maker, said revenue for its fiscal second "
                       "quarter rose 18 percent to $412 million, helped by strong tent sales."}
    bot = _small_bot(tmp_path, real_embedder, [corvane, *RECORDS[-4:]])
    # read as calendar April-June 2025, "Q2 FY2025" left out the August 2024 report of it
    a = bot.ask("What revenue did Corvane Outdoor report for Q2 FY2025?", as_of=D(2025, 1, 15))
    assert (a.date_from, a.date_to) == (None, None) and not a.fell_back
    assert "Q2 FY2025, a fiscal period (its days vary by company or government)" in a.read_as
    assert _ids(a)[0] == "corvane"


@pytest.mark.slow
def test_a_half_years_report_is_found_by_the_half(tmp_path: Path, real_embedder) -> None:
    # August's report of the first half was dated 2025 as a whole, so a range of January-June
    # left it out and February's outlook answered instead
    records = [
        {"id": "h1", "date": "2025-08-06", "source": "Business Desk", "title": "Orbitel results",
         "text": "Orbitel said revenue rose 10 percent to $2.1 billion in the first half of 2025, "
                 "helped by strong chip sales."},
        {"id": "outlook", "date": "2025-02-03", "source": "Business Desk", "title": "Orbitel outlook",
         "text": "Orbitel expects revenue to grow in 2025 as demand for chips recovers, the company "
                 "said."}]
    bot = _small_bot(tmp_path, real_embedder, records)
    for q in ("How much revenue did Orbitel report for the first half of 2025?",
              "How much revenue did Orbitel report for H1 2025?"):
        a = bot.ask(q, as_of=D(2025, 9, 10))
        assert (a.date_from, a.date_to) == (D(2025, 1, 1), D(2025, 6, 30))
        assert _ids(a)[0] == "h1" and not a.fell_back


@pytest.mark.slow
def test_a_source_published_after_the_as_of_day_ranks_lower(tmp_path: Path, real_embedder) -> None:
    # As of 1 April a reader had March's words; August's, worded closer, were not yet written
    records = [
        {"id": "kallas-mar", "date": "2025-03-12", "source": "Wire", "title": "EU foreign ministers",
         "text": "Kaja Kallas said Vladimir Putin does not intend to make peace, and that Moscow "
                 "cannot be trusted to keep a ceasefire."},
        {"id": "kallas-aug", "date": "2025-08-14", "source": "Wire", "title": "Alaska summit",
         "text": "Kallas said Putin's intentions are clear: he is not serious about peace talks "
                 "and wants the summit to divide Europe from America."},
        {"id": "ports", "date": "2025-03-20", "source": "Business Desk", "title": "Port traffic",
         "text": "Container traffic at Rotterdam rose 4 percent in the first quarter, the port "
                 "authority said."}]
    bot = _small_bot(tmp_path, real_embedder, records)
    q = "What are Putin's intentions in the peace talks?"
    now = bot.ask(q)  # as of the corpus' last day: August's words answer best
    assert _ids(now)[0] == "kallas-aug" and now.published_later == 0
    then = bot.ask(q, as_of=D(2025, 4, 1))
    assert _ids(then)[0] == "kallas-mar"
    assert then.published_later == _ids(then).count("kallas-aug")
    assert then.to_json()["published_later"] == then.published_later
    # with nothing from before the as-of day, the later source is still shown, and said to be
    alone = bot.ask(q, as_of=D(2025, 3, 1))
    assert _ids(alone)[0] == "kallas-aug" and alone.published_later >= 1
    assert "published after 1 Mar 2025, the 'as of' day, ranked lower" in alone.summary()


@pytest.mark.slow
def test_a_seats_year_of_creation_is_background(tmp_path: Path, real_embedder) -> None:
    # read as a filter on 1964, the question found nothing: the by-election is of 2022
    records = [
        {"id": "byelection", "date": "2022-06-24", "source": "Wire", "title": "By-election",
         "text": "The Liberal Democrats won the Tiverton and Honiton by-election, overturning a "
                 "Conservative majority in a seat the Conservatives had held since its creation."},
        {"id": "budget", "date": "2022-06-20", "source": "Business Desk", "title": "Budget",
         "text": "The chancellor said the budget would cut fuel duty for a year."}]
    bot = _small_bot(tmp_path, real_embedder, records)
    a = bot.ask("Which party won the by-election in a seat held by the Conservatives since its "
                "creation in 1964?", as_of=D(2022, 6, 25))
    assert (a.date_from, a.date_to) == (None, None) and not a.fell_back
    assert "background, not a filter: 1964" in a.read_as
    assert _ids(a)[0] == "byelection"
