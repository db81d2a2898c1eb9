"""The question-answering suites' common run: the project through ``Bot.ask`` beside the four
baselines on the same index and questions, per subgroup, with the reranker retuned by k-fold
cross-validation (bench/rerank_cv.py) and its held-out figure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench import rerank_cv
from bench.baselines import AS_OF_BASELINE, BASELINES
from bench.common import Corpus, progress
from bench.metrics import GROUPS, Timer, first_hit, latency_ms, rank_metrics, time_group
from bench.tables import table

METRICS = ("hit@1", "hit@5", "MRR@10")
PROJECT = "project (`Bot.ask`)"
RETUNED = "project, reranker retuned (held-out folds)"
REPLAY_NOW = "project, current weights, replayed"
REPLAY_NEW = "project, reranker retuned (held-out folds), replayed"
# Above this many questions the held-out folds are scored by replaying what the reranker saw (a
# model pass costs seconds a question on a loaded machine); the replay of the current weights
# sits beside it as a control.
ASK_AGAIN_UP_TO = 50
NO_AS_OF = "project, asked without as-of"
AS_OF_LAST = "project, asked as of the corpus' last day ({day})"
K = 10


@dataclass(frozen=True)
class Question:
    text: str
    as_of: dt.date | None = None


# is_correct(question number, record key, passage text)
Judge = Callable[[int, str, str], bool]


def run_suite(title: str, corpus: Corpus, questions: Sequence[Question], is_correct: Judge, *,
              folds: int = 5, reranker=None, note: str = "", replay: bool | None = None,
              last_day: dt.date | None = None) -> str:
    from bot.answer import RANGE_FLOOR
    from bot.rank import RELEVANCE_FLOOR
    from bot.rerank import FeatureReranker

    bot = corpus.bot
    given = reranker or bot.reranker or FeatureReranker()
    firsts: dict[str, list[int | None]] = {}
    timers: dict[str, Timer] = {}
    with_as_of = any(q.as_of for q in questions)

    def ask_all(name: str, rows: Sequence[int], ranker, *, as_of: bool = True,
                day: dt.date | None = None) -> None:
        bot.reranker = ranker
        out = firsts.setdefault(name, [None] * len(questions))
        timer = timers.setdefault(name, Timer())
        for i in progress(rows, name):
            q = questions[i]
            with timer:
                ans = bot.ask(q.text, k=K, as_of=day or (q.as_of if as_of else None))
            out[i] = first_hit(is_correct(i, record_of(h), h.passage.text) for h in ans.hits)
            if isinstance(ranker, rerank_cv.RecordingReranker):
                recs[i] = rerank_cv.record(ranker, lambda t, i=i: _text_correct(corpus, i, t, is_correct))
                # its last scoring was its own time's weak matches (bot.answer.RANGE_FLOOR)
                floors[i] = RANGE_FLOOR if ans.weak else RELEVANCE_FLOOR

    recs: list[rerank_cv.Recorded] = [None] * len(questions)  # type: ignore[list-item]
    floors = [RELEVANCE_FLOOR] * len(questions)  # the floor each question's recorded pass ran at
    everyone = range(len(questions))
    ask_all(PROJECT, everyone, rerank_cv.RecordingReranker(given))
    cv = rerank_cv.cross_validate(recs, k=min(folds, len(questions)))
    replay = len(questions) > ASK_AGAIN_UP_TO if replay is None else replay
    if replay:
        now = rerank_cv.current_weights()
        firsts[REPLAY_NOW] = [rerank_cv.replay_first(recs[i], now, floors[i],
                                                        getattr(given, "gap", None))
                              for i in everyone]
        firsts[REPLAY_NEW] = [None] * len(questions)
        for fold in cv:
            w = rerank_cv.as_vector(fold.weights)
            for i in fold.test:
                firsts[REPLAY_NEW][i] = rerank_cv.replay_first(recs[i], w, floors[i], fold.gap)
    else:
        for fold in cv:
            ask_all(RETUNED, fold.test, rerank_cv.reranker_for({**fold.weights, "gap": fold.gap}))
    if with_as_of:
        ask_all(NO_AS_OF, everyone, given, as_of=False)
    elif last_day is not None:
        # questions of every date in the story, asked as a reader on its last day would: an
        # "as of" must not bury its older news (an as-of prior did; bench/README.md)
        ask_all(AS_OF_LAST.format(day=last_day), everyone, given, day=last_day)
    bot.reranker = given

    # baselines on the same passages: rows -> record keys and texts
    qvecs = bot.embedder.embed([q.text for q in questions])
    base_timer = Timer()
    for i, q in enumerate(questions):
        with base_timer:
            ranked = _baselines(corpus, q, qvecs[i])
        for name, rows in ranked.items():
            firsts.setdefault(name, [None] * len(questions))[i] = first_hit(
                is_correct(i, corpus.record_key(r), corpus.passages[r].text) for r in rows[:K])

    groups = [time_group(q.text) for q in questions]
    parts = [f"### {title}", ""]
    if note:
        parts += [note, ""]
    parts += [f"All questions ({len(questions)}):", "",
              _table(firsts, range(len(questions))), ""]
    for g in GROUPS:
        rows = [i for i, x in enumerate(groups) if x == g]
        parts += [f"{g.capitalize()} ({len(rows)}):", ""]
        parts += [_table(firsts, rows), ""] if rows else ["none in this run.", ""]
    current = dict(zip(rerank_cv.WEIGHTS, rerank_cv.current_weights(), strict=True))
    lat = ", ".join(f"{name}: {latency_ms(t.times)}" for name, t in timers.items())
    parts += [f"Latency per question, model loaded: {lat}; the four baselines together "
              f"{latency_ms(base_timer.times)} (exact search in numpy, BM25 in Python).", "",
              f"Reranker retuned by {len(cv)}-fold cross-validation (grid of {len(rerank_cv.grid())} "
              f"weight vectors, MRR@10 on the training folds; current weights: "
              f"{rerank_cv.describe(current)}):",
              "", rerank_cv.cv_report(recs, cv, firsts[REPLAY_NEW if replay else RETUNED],
                                      replayed=replay), "",
              f"Ablation: each feature held at 0 and the others refitted on the training folds, "
              f"held-out questions replayed ({len(cv)} folds):", "",
              rerank_cv.ablation(recs, k=min(folds, len(questions))), ""]
    return "\n".join(parts)


def record_of(hit) -> str:
    """The corpus record a hit comes from."""
    from bench.common import record_key

    return record_key(hit.article.origin)


def _text_correct(corpus: Corpus, i: int, text: str, is_correct: Judge) -> bool:
    """A candidate seen only by its text (what the reranker gets): correct when any passage
    with that text is."""
    rows = corpus.rows_by_text.get(text, ())
    return any(is_correct(i, corpus.record_key(r), text) for r in rows) if rows else is_correct(i, "", text)


def _baselines(corpus: Corpus, q: Question, qvec) -> dict[str, list[int]]:
    from bench.baselines import baseline_rankings

    return baseline_rankings(corpus, q.text, qvec, as_of=q.as_of, depth=K)


def _table(firsts: dict[str, list[int | None]], rows: Sequence[int] | range) -> str:
    figures = {name: rank_metrics([f[i] for i in rows]) for name, f in firsts.items()}
    return table(figures, METRICS, baselines=(*BASELINES, AS_OF_BASELINE))
