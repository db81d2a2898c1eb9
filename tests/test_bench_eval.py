"""The evaluation harness (bench/eval.py, bench/suites, bench/common.py, baselines.py,
metrics.py, tables.py): each suite runs on a handful of records with the fake embedder, and
the measures it rests on are right."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest

from bench import baselines, common, metrics, rerank_cv, tables
from bench.eval import SUITES, run_suite


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(common.CACHE_ENV, str(tmp_path / "cache"))


def _section(out: str, heading: str) -> list[str]:
    """The Markdown table rows under ``heading`` (a line that starts with it)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break
    return rows


def _row(rows: list[str], system: str) -> list[str]:
    return next(r for r in rows if r.startswith(f"| {system} |")).strip("| ").split(" | ")


def _figure(cell: str) -> float:
    return float(cell.split()[0])


SYSTEMS = ("dense only", "BM25 only", "RRF(dense, BM25)", "dense + question's dates")


def test_questions_suite_puts_the_project_beside_every_baseline():
    out = run_suite("questions", 12, model="fake:64")
    rows = _section(out, "All questions (12)")
    for system in ("project (`Bot.ask`)", "project, reranker retuned (held-out folds)", *SYSTEMS):
        cells = _row(rows, system)
        assert all(0.0 <= _figure(c) <= 1.0 for c in cells[1:4])
    # the lexical fake embedder still finds most seed answers through BM25
    assert _figure(_row(rows, "BM25 only")[1]) > 0.3
    # asked again as a reader on the story's last day: seed questions of every date in the story
    assert _row(rows, "project, asked as of the corpus' last day (2025-08-12)")
    for group in metrics.GROUPS:
        assert f"{group.capitalize()} (" in out
    assert "Latency per question" in out and "held-out folds" in out


def test_rtqa_suite_asks_as_of_and_without():
    out = run_suite("rtqa", 4, model="fake:64")
    rows = _section(out, "All questions (4)")
    assert _row(rows, "project, asked without as-of")
    # gold passages are in the small corpus: exact lexical search finds some of them
    assert max(_figure(_row(rows, s)[2]) for s in SYSTEMS) > 0.0
    counts = [int(line.split("(")[-1].split(")")[0]) for line in out.splitlines()
              if any(line.startswith(g.capitalize() + " (") for g in metrics.GROUPS)]
    assert sum(counts) == 4
    assert "Range floor" in out  # the floor of a question's own time, cross-validated


def test_t17_suite_scores_dates_and_timelines():
    out = run_suite("t17", 1, model="fake:64")
    hits = _section(out, "Gold sentences asked as questions")
    timelines = _section(out, "Timelines (")
    for system in ("project (`Bot.ask` / `Bot.timeline`)", *SYSTEMS):
        assert len(_row(hits, system)) == 4 and len(_row(timelines, system)) == 4
    assert "egypt" in out and "finan" in out and "h1n1" in out
    # the mean over topics, as issue figures were given: each topic's date-hit@5 weighs the same
    per_topic = [float(line.split(" | ")[4].split(" / ")[0]) for line in out.splitlines()
                 if line.startswith(("| egypt |", "| finan |", "| h1n1 |"))]
    by_topic = _section(out, "The same, per topic, then the mean over the 3 topics")
    project = _row(by_topic, "project (`Bot.ask` / `Bot.timeline`)")
    assert len(per_topic) == 3
    assert _figure(project[2]) == pytest.approx(sum(per_topic) / 3, abs=0.002)


def test_a_given_weight_vector_is_what_the_suite_asks_with():
    seen = []

    class Spy(rerank_cv.RecordingReranker):
        def scores(self, question, items, *, weights):
            seen.append(question)
            return super().scores(question, items, weights=weights)

    run_suite("questions", 5, model="fake:64", reranker=Spy(rerank_cv.reranker_for({"w_dense": 1.0})))
    assert seen  # the project's own rows ran through the given reranker
    assert rerank_cv.reranker_for({"w_dense": 1.0, "w_coverage": 0.0}).w_dense == 1.0


def test_unknown_suite_is_refused_and_the_helpers_suites_are_registered():
    assert {"rtqa", "questions", "t17", "timex", "quotes"} <= set(SUITES)
    with pytest.raises(SystemExit, match="unknown suite"):
        run_suite("nope")


# -- the measures ---------------------------------------------------------------------------
def test_bm25_matches_okapi_by_hand():
    docs = ["cod quota accord", "cod cod herring", "ceasefire talks"]
    bm = baselines.BM25(docs)
    avg = 8 / 3
    idf = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    want = [idf * 1 * 2.5 / (1 + 1.5 * (0.25 + 0.75 * 3 / avg)),
            idf * 2 * 2.5 / (2 + 1.5 * (0.25 + 0.75 * 3 / avg))]
    got = bm.scores("cod")
    assert got[0] == pytest.approx(want[0]) and got[1] == pytest.approx(want[1])
    assert 2 not in got
    assert bm.rank("cod") == [1, 0]


def test_dense_search_is_exact_and_respects_the_mask():
    import numpy as np

    vecs = np.eye(4, dtype=np.float32)
    q = np.array([0.1, 0.9, 0.5, 0.0], dtype=np.float32)
    dense = baselines.DenseSearch(vecs)
    assert dense.rank(q) == [1, 2, 0, 3]
    assert dense.rank(q, 2, allowed=np.array([True, False, True, True])) == [2, 0]


def test_rrf_and_rank_metrics():
    assert baselines.rrf([[1, 2, 3], [2, 3]]) == [2, 3, 1]
    assert baselines.rrf([[1, 2, 3], [3, 2]]) == [3, 2, 1]  # 1/63 + 1/61 edges out 2/62
    m = metrics.rank_metrics([1, 3, None, 10])
    assert m == {"hit@1": 0.25, "hit@5": 0.5, "MRR@10": pytest.approx((1 + 1 / 3 + 0.1) / 4)}
    assert metrics.first_hit([False, False, True]) == 3
    assert metrics.first_hit([False] * 10 + [True]) is None


def test_kfold_tests_every_row_once_and_trains_on_the_rest():
    folds = metrics.kfold(23, 5)
    tested = sorted(i for _, test in folds for i in test)
    assert tested == list(range(23))
    for train, test in folds:
        assert not set(train) & set(test) and len(train) + len(test) == 23
    groups = ["a", "b", "a", "c"]
    assert [(g, test) for g, _, test in metrics.leave_one_group_out(groups)] == [
        ("a", [0, 2]), ("b", [1]), ("c", [3])]


@pytest.mark.parametrize("question, group", [
    ("Which country elected a new president this week?", metrics.GROUPS[0]),
    ("What did the court decide on Tuesday?", metrics.GROUPS[0]),
    ("Who resigned last month?", metrics.GROUPS[0]),
    ("Which airline is slashing 31,000 flights during November?", metrics.GROUPS[1]),
    ("Which seat has been held by the Conservatives since 1964?", metrics.GROUPS[1]),
    ("Who may become the next prime minister?", metrics.GROUPS[2]),
    ("A US embassy in what country was attacked by protesters?", metrics.GROUPS[2]),
])
def test_time_groups_follow_the_documented_rule(question, group):
    assert metrics.time_group(question) == group


def test_percentiles():
    assert metrics.percentile([3, 1, 2], 50) == 2
    assert metrics.percentile([0, 10], 95) == pytest.approx(9.5)
    assert math.isnan(metrics.percentile([], 50))


def test_table_gives_each_figure_its_ratio_to_the_strongest_baseline():
    out = tables.table({"project": {"hit@1": 0.6}, "a": {"hit@1": 0.5}, "b": {"hit@1": 0.4}},
                       ["hit@1"], baselines=["a", "b"])
    assert "| project | 0.600 (1.20×) |" in out
    assert "| a | 0.500 (best baseline) |" in out and "| b | 0.400 (0.80×) |" in out


def test_align_rouge_as_tilse_computes_it():
    d = dt.date
    ref = {d(2011, 1, 25): ["Protesters fill Cairo streets"], d(2011, 2, 11): ["Mubarak resigns"]}
    assert metrics.align_rouge(ref, ref) == {"ROUGE-1": 1.0, "ROUGE-2": 1.0}
    # the right words one day off count half; the unaligned reference day counts in recall only
    shifted = {d(2011, 1, 26): ["Protesters fill Cairo streets"]}
    r = metrics.align_rouge(shifted, ref)
    prec, rec = 0.5 * 4 / 4, 0.5 * 4 / 6
    assert r["ROUGE-1"] == pytest.approx(2 * prec * rec / (prec + rec))
    assert metrics.align_rouge({}, ref)["ROUGE-2"] == 0.0


def test_reranker_cv_prefers_the_weights_that_rank_the_answer_first():
    import numpy as np

    # candidate 0 is right and wins on coverage; candidate 1 is wrong and wins on dense
    rec = rerank_cv.Recorded(np.array([[0.4, 0.5, 0.5, 1.0, 0.0, 0.0, 0.0],
                                       [0.9, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0]]),
                             np.array([0.5, 0.9]), np.array([True, False]))
    w = rerank_cv.fit_weights([rec] * 5, floor=0.3)
    assert (np.array([rec.feats[0] @ w]) > rec.feats[1] @ w).all()
    folds = rerank_cv.cross_validate([rec] * 5, k=5)
    assert sorted(i for f in folds for i in f.test) == list(range(5))


def test_reranker_cv_learns_to_rank_a_source_published_after_as_of_lower():
    import numpy as np

    # the wrong candidate matches better but was published after the as-of day (feature -1)
    rec = rerank_cv.Recorded(np.array([[0.5, 0.5, 0.5, 0.5, 0.0, 0.0, 0.0],
                                       [0.9, 0.9, 0.9, 0.5, 0.0, 0.0, -1.0]]),
                             np.array([0.5, 0.9]), np.array([True, False]))
    w = rerank_cv.fit_weights([rec] * 5, floor=0.3)
    assert w[rerank_cv.WEIGHTS.index("w_later")] > 0
    assert rec.feats[0] @ w > rec.feats[1] @ w


def test_ablation_shows_what_a_feature_earns_on_held_out_folds():
    import numpy as np

    # only coverage (feature 3) puts the right candidate first: without it, hit@1 falls to 0
    rec = rerank_cv.Recorded(np.array([[0.4, 0.5, 0.5, 1.0, 0.0, 0.0, 0.0],
                                       [0.9, 0.6, 0.6, 0.0, 0.0, 0.0, 0.0]]),
                             np.array([0.5, 0.9]), np.array([True, False]))
    out = rerank_cv.ablation([rec] * 5, k=5)
    rows = {line.split("|")[1].strip(): line.split("|")[2:6] for line in out.splitlines()[2:]}
    assert float(rows["every feature"][0]) == 1.0 and float(rows["without coverage"][0]) == 0.0
    assert rows["without coverage"][3].strip() == "+0.500"
    assert float(rows["without dense"][0]) == 1.0 and rows["without dense"][3].strip() == "+0.000"


def test_replay_ranks_the_recorded_candidates_as_the_weights_say():
    import numpy as np

    rec = rerank_cv.Recorded(np.array([[0.4, 0.5, 0.5, 1.0, 0.0, 0.0, 0.0],
                                       [0.9, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0],
                                       [0.2, 0.1, 0.1, 0.0, 0.0, 0.0, 0.0]]),
                             np.array([0.5, 0.9, 0.2]), np.array([True, False, False]))
    assert rerank_cv.replay_first(rec, rerank_cv.as_vector(
        {"w_dense": 1, "w_sentence": 0, "w_top2": 0, "w_coverage": 0, "w_stated_day": 0,
         "w_period": 0, "w_later": 0}), 0.3) == 2
    assert rerank_cv.replay_first(rec, rerank_cv.as_vector(
        {"w_dense": 0, "w_sentence": 0, "w_top2": 0, "w_coverage": 1, "w_stated_day": 0,
         "w_period": 0, "w_later": 0}), 0.3) == 1
    assert rerank_cv.replay_first(rec, rerank_cv.current_weights(), 0.6) is None  # under the floor


def test_timex_suite_scores_the_tagger_beside_dateparser(monkeypatch):
    """The timex suite on three TimeBank documents, without HeidelTime (Java): both columns
    scored, the missing one said so."""
    from bench.suites import timex

    monkeypatch.setattr(timex, "_heideltime_home", lambda: None)
    out = timex.run(limit=3)
    assert "DATE+TIME (" in out and "all types (" in out
    row = next(line for line in out.splitlines() if line.startswith("| value F1"))
    project, dateparser, heideltime = (c.strip() for c in row.strip("|").split("|")[1:])
    assert 0 <= float(dateparser) <= 100 and 0 < float(project) <= 100
    assert heideltime == "n/a" and "HeidelTime did not run here" in out


def test_the_gap_is_fitted_to_lose_few_right_results_after_the_first():
    import numpy as np

    w = rerank_cv.as_vector({"w_dense": 1, "w_sentence": 0, "w_top2": 0, "w_coverage": 0,
                             "w_stated_day": 0, "w_period": 0, "w_later": 0})
    # the first result (0.95) is wrong; a right one scores 0.35 below it, a wrong one 0.6 below
    rec = rerank_cv.Recorded(np.array([[0.95, 0, 0, 0, 0, 0, 0], [0.6, 0, 0, 0, 0, 0, 0],
                                       [0.35, 0, 0, 0, 0, 0, 0]]),
                             np.array([0.95, 0.6, 0.35]), np.array([False, True, False]))
    assert rerank_cv.replay_first(rec, w, 0.3) == 2
    assert rerank_cv.replay_first(rec, w, 0.3, gap=0.3) is None  # the gap dropped it
    assert rerank_cv.gap_cuts([rec], w, 0.3, 0.4) == (0.0, 1.0)
    assert rerank_cv.fit_gap([rec], w, 0.3) == 0.35  # the narrowest that keeps the right one


def test_a_limited_run_keeps_the_full_runs_cached_index(tmp_path):
    """A --limit run once deleted the full run's index: the next full run rebuilt it."""
    from index.embed import FakeEmbedder

    src = tmp_path / "c.jsonl"
    src.write_text(json.dumps({"id": "1", "title": "T", "date": "2025-01-02",
                               "text": "Talks resumed in Geneva on Monday."}) + "\n")
    stale = common.cache_dir("s", "index-0123456789ab")  # named before selections were
    stale.mkdir(parents=True)
    common.load_corpus("s", [src], FakeEmbedder(16))
    common.load_corpus("s", [src], FakeEmbedder(16), selection="limit=1")
    names = sorted(p.name.rsplit("-", 1)[0] for p in common.cache_dir("s").glob("index-*"))
    assert names == ["index-all", "index-limit=1"]


def test_the_day_rule_is_chosen_leaving_each_topic_out():
    from bench.suites.t17 import _loto

    # "a" is right on the big topic only, "b" on the two small ones: the big topic, left out,
    # is scored with "b" (the others' choice), and each small one with "a" (2 of 3 left in)
    big = [{"a": True, "b": False}] * 4
    small = [{"a": False, "b": True}]
    line = _loto({"big": big, "s1": small, "s2": small}, ["a", "b"], "a")
    assert "big: b; s1: a; s2: a" in line
    assert "Held-out topics: 0.000, 0.000 per topic" in line
    assert "a 0.667, b 0.333" in line
    assert _loto({"big": big}, ["a", "b"], "a").endswith("Leave-one-topic-out needs two topics.")
    # a tie on the training topics goes to the shipped option
    assert "s1: b" in _loto({"s1": small, "s2": [{"a": True, "b": True}]}, ["a", "b"], "b")
