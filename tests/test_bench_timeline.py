"""The Timeline17 bench's own scoring: what its Date-F1 figures rest on."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from bench.timeline import baseline_dates, date_f1, gold_timelines
from bench.timeline_ceiling import FEATURES, ceiling, day_features
from bot.retrieve import Candidate
from bot.timeline import Evidence, Voter
from index.models import Passage


def test_gold_file_with_several_timelines_splits_where_dates_restart():
    rows = [{"date": d} for d in ("2009-04-27", "2009-04-28", "2009-05-04",
                                  "2009-03-18", "2009-04-29",
                                  "2009-04-04", "2009-04-04T00:00:00", "2009-05-04")]
    assert gold_timelines(rows) == [{"2009-04-27", "2009-04-28", "2009-05-04"},
                                    {"2009-03-18", "2009-04-29"},
                                    {"2009-04-04", "2009-05-04"}]
    assert gold_timelines([{"date": "2011-01-25"}, {"date": "2011-01-26"}]) == [
        {"2011-01-25", "2011-01-26"}]


def test_date_f1():
    assert date_f1({"a", "b"}, {"a", "b"}) == 1.0
    assert date_f1({"a", "b"}, {"c"}) == 0.0 and date_f1(set(), {"c"}) == 0.0
    assert abs(date_f1({"a", "b"}, {"a", "c", "d", "e"}) - 2 * 0.5 * 0.25 / 0.75) < 1e-9


def test_baseline_counts_publication_days_of_the_best_chunks_inside_the_span():
    days = ["2009-01-02", "2009-01-01", "2009-01-02", "2009-01-03", "2009-01-03", "2009-01-09"]
    ranked = [0, 1, 2, 3, 4, 5]
    # Jan 2 and Jan 3 have two chunks each; Jan 1 and Jan 9 one, and Jan 1 ranks first
    assert baseline_dates(ranked, days, 2) == {"2009-01-02", "2009-01-03"}
    assert baseline_dates(ranked, days, 3) == {"2009-01-01", "2009-01-02", "2009-01-03"}
    assert baseline_dates(list(reversed(ranked)), days, 3) == {
        "2009-01-09", "2009-01-02", "2009-01-03"}
    assert baseline_dates(ranked, days, 5, span=("2009-01-03", "2009-01-31")) == {
        "2009-01-03", "2009-01-09"}


def _evidence(*voters: tuple[str, dt.date | None, dt.date | None], lo: dt.date | None = None,
              hi: dt.date | None = None) -> Evidence:
    """Evidence from (article, publication day, timeline day) triples, one passage each."""
    import numpy as np

    return Evidence("topic", None, "topic", np.zeros(2, dtype=np.float32), lo, hi, tuple(
        Voter(Candidate(i, 0.0, 0.5, i, None), Passage(i, a, 0, 0, 1, "text", (), day), pub)
        for i, (a, pub, day) in enumerate(voters)))


def test_ceiling_finds_only_gold_days_that_some_passage_votes_for():
    d = dt.date
    ev = _evidence(("a", d(2008, 9, 15), d(2008, 9, 15)), ("b", d(2008, 9, 16), d(2008, 9, 14)),
                   ("c", d(2009, 3, 2), d(2009, 3, 2)))
    gold = frozenset({d(2008, 9, 14), d(2008, 9, 15), d(2008, 10, 3), d(2008, 10, 6)})
    # two of the four gold days have a vote; the other two picks can only be wrong
    assert ceiling(ev, gold) == date_f1({"x", "y", "p", "q"}, {"x", "y", "r", "s"}) == 0.5
    assert ceiling(_evidence(), gold) == 0.0
    # a range leaves out what it does not cover
    ranged = _evidence(("a", d(2008, 9, 15), d(2008, 9, 15)), lo=d(2008, 10, 1))
    assert ceiling(ranged, gold) == 0.0


def test_day_features_count_articles_relative_to_the_busiest_day():
    d = dt.date
    sat, mon = d(2008, 9, 13), d(2008, 9, 15)
    days, rows = day_features(_evidence(("a", mon, mon), ("b", mon, mon), ("c", mon, sat)))
    assert days == [sat, mon]
    col = {f: i for i, f in enumerate(FEATURES)}
    sat_row, mon_row = rows
    assert mon_row[col["placed"]] == 0.0 and mon_row[col["published"]] == 0.0
    assert sat_row[col["placed"]] == pytest.approx(math.log(2) - math.log(3))
    assert sat_row[col["published"]] == pytest.approx(-math.log(4))  # published on Monday only
    assert (sat_row[col["weekend"]], mon_row[col["weekend"]]) == (1.0, 0.0)
