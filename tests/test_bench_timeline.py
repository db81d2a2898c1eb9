"""The Timeline17 bench's own scoring: what its Date-F1 figures rest on."""

from __future__ import annotations

from bench.timeline import baseline_dates, date_f1, gold_timelines


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
