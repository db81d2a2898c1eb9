"""Timeline17 dev topics: gold timeline sentences asked as questions, and timelines per topic.

Per topic folder of ../shared/data/t17_dev (``articles.jsonl.gz`` + the journalists'
``timeline.jsonl``; several gold timelines may follow one another, each in date order):
  * every gold sentence is asked (``bot.ask(sentence, k=5)``, no as-of): date-hit@1 and @5 when
    a result's timeline date is the sentence's gold day, and ±1-day hit@5;
  * per gold timeline, ``bot.timeline(query, n_dates=N)`` with N its number of days: Date-F1,
    and ROUGE-1/ROUGE-2 F, 'align+ m:1' as tilse computes it (``bench.metrics.align_rouge``),
    each date summarised by its best excerpt; the mean over timelines, as news-tls does.
The topic query is the three words found in most of its articles (``corpus_query``), from the
articles alone, as for a folder nobody wrote a query for.
Baselines date a passage by its article's publication day. A baseline's timeline: the N most
frequent publication days among the first ``voting_pool(N)`` passages it ranks for the query
(as deep as the project reads), each summarised by its best-ranked passage of that day.
``limit`` N: N gold sentences per topic, and 10 N articles spread over each topic.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bench.baselines import BASELINES, baseline_rankings, tokens
from bench.common import cache_dir, data_path, load_corpus, load_model, read_jsonl, spread, write_jsonl
from bench.metrics import Timer, f1, latency_ms, percentile
from bench.tables import table

PROJECT = "project (`Bot.ask` / `Bot.timeline`)"
HIT_METRICS = ("date-hit@1", "date-hit@5", "±1 day hit@5")
TL_METRICS = ("Date-F1", "ROUGE-1 F", "ROUGE-2 F")
K = 5


def gold_timelines(gold: Sequence[dict]) -> list[dict[dt.date, list[str]]]:
    """The gold file's timelines: a date earlier than the line before starts the next one."""
    out: list[dict[dt.date, list[str]]] = []
    last: dt.date | None = None
    for g in gold:
        day = dt.date.fromisoformat(g["date"][:10])
        if not out or (last is not None and day < last):
            out.append({})
        out[-1].setdefault(day, []).extend(s for s in g["sentences"] if s.strip())
        last = day
    return out


# English function words beyond the project's short stop list: a topic query of content words
_FUNCTION_WORDS = frozenset("""
    after again against all also any because been before being between both but can could each
    few further here into just more most much not now off once only other our out over own same
    should some such than then there these those through too under until very while you your
    has had have having one two new many like may might must last first year years time people
    """.split())


def corpus_query(texts: Sequence[str], n: int = 3) -> str:
    """The n words found in the most articles (stop words, short words and numbers left out)."""
    from index.store import STOPWORDS

    stop = STOPWORDS | _FUNCTION_WORDS
    df: Counter[str] = Counter()
    for t in texts:
        df.update({w for w in tokens(t) if len(w) > 2 and not w.isdigit() and w not in stop})
    return " ".join(w for w, _ in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def top_days(rows: Sequence[int], day_of, n: int) -> dict[dt.date, int]:
    """The n most frequent days among ``rows`` (best first), each with its best row; ties go to
    the day seen first."""
    counts = Counter(day_of(r) for r in rows if day_of(r))
    first: dict[dt.date, int] = {}
    for r in rows:
        if day_of(r):
            first.setdefault(day_of(r), r)
    order = sorted(counts, key=lambda d: (-counts[d], rows.index(first[d])))
    return {d: first[d] for d in order[:n]}


def run_topic(folder: Path, embedder, limit: int | None, reranker=None) -> dict:
    from bench.metrics import align_rouge
    from bot.timeline import voting_pool

    articles = folder / "articles.jsonl.gz"
    tag = ""
    if limit:
        raw = spread(read_jsonl(articles), 10 * limit)
        articles = cache_dir("t17", f"{folder.name}-subset-{limit}.jsonl.gz")
        write_jsonl(raw, articles)
        tag = f"limit={limit}"
    corpus = load_corpus(f"t17-{folder.name}", [articles], embedder, selection=tag, reranker=reranker)
    bot = corpus.bot
    gold = read_jsonl(folder / "timeline.jsonl")
    timelines = gold_timelines(gold)
    asked = spread([(s, dt.date.fromisoformat(g["date"][:10])) for g in gold for s in g["sentences"]
                    if s.strip()], limit)

    def pub(r: int):
        return corpus.published(r)

    names = (PROJECT, *BASELINES)
    hits: dict[str, list[list[dt.date | None]]] = {n: [] for n in names}
    date_answers: list[bool] = []
    voters: list[dict[str, bool]] = []
    timer = Timer()
    qvecs = embedder.embed([s for s, _ in asked]) if asked else []
    for (sentence, day), qv in zip(asked, qvecs, strict=True):
        with timer:
            ans = bot.ask(sentence, k=K, when=True)  # each sentence as "when did this happen?"
        hits[PROJECT].append([h.passage.timeline_date for h in ans.hits[:K]])
        da = ans.date_answer
        date_answers.append(da is not None and da.precision == "day" and da.date == day)
        voters.append(_vote_outcomes(bot, sentence, day))
        for name, rows in baseline_rankings(corpus, sentence, qv, depth=K).items():
            hits[name].append([pub(r) for r in rows[:K]])

    query = corpus_query([a.text for a in corpus.articles.values()])
    qvec = embedder.embed([query])[0]
    ranked = baseline_rankings(corpus, query, qvec, depth=None)
    tl_scores: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    tl_timer = Timer()
    for ref in timelines:
        n = len(ref)
        with tl_timer:
            tl = bot.timeline(query, n_dates=n, per_date=1)
        pred = {d.date: [d.hits[0].passage.text] for d in tl.dates if d.hits}
        tl_scores[PROJECT].append({"Date-F1": f1(set(pred), set(ref)), **_rouge(align_rouge(pred, ref))})
        for name, rows in ranked.items():
            days = top_days(rows[:voting_pool(n)], pub, n)
            bpred = {d: [corpus.passages[r].text] for d, r in days.items()}
            tl_scores[name].append({"Date-F1": f1(set(bpred), set(ref)), **_rouge(align_rouge(bpred, ref))})
    return {"topic": folder.name, "query": query, "questions": len(asked), "timelines": len(timelines),
            "days": sum(len(t) for t in timelines), "passages": len(corpus.passages), "hits": hits,
            "golds": [d for _, d in asked], "tl": tl_scores, "times": timer.times,
            "tl_times": tl_timer.times, "date_answers": date_answers,
            "voters": voters}


# The day rules bot/when.py offers, each scored on the same voters: (rule, voters, gap).
DAY_RULES = ([(r, n, None) for r in ("support", "score") for n in (1, 5, 10)]
             + [("first", 10, g) for g in (0.05, 0.1, 0.2, 0.4)])


# The penalties bot/when.py spread_days may take (None: rank order, the answered day's passage
# first), each scored by date-hit@5 on the same voters.
SPREADS = (None, 0.0, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)


def rule_name(rule: str, voters: int, gap: float | None) -> str:
    return f"{rule}/{voters}" + (f" gap {gap}" if gap is not None else "")


def spread_name(penalty: float | None) -> str:
    return f"spread {penalty}"


def _vote_outcomes(bot, sentence: str, day: dt.date) -> dict[str, bool]:
    """Whether each of ``DAY_RULES`` answers the gold day, and whether each of ``SPREADS`` shows
    it among the first K excerpts, on the same voters."""
    from bot.answer import answer
    from bot.when import VOTERS, date_answer, spread_days

    q = bot.understand(sentence)
    with bot.snapshot() as index:
        hits = answer(index, bot.ranker, q, k=VOTERS, when=False).hits
    out = {}
    for rule, n, gap in DAY_RULES:
        extra = {} if gap is None else {"gap": gap}
        da = date_answer(hits, voters=n, rule=rule, **extra)  # type: ignore[arg-type]
        out[rule_name(rule, n, gap)] = da is not None and da.precision == "day" and da.date == day
    shipped = date_answer(hits, gap=bot.ranker.reranker.first_gap)
    for penalty in SPREADS:
        shown = spread_days(hits, shipped, penalty)[:K]
        out[spread_name(penalty)] = day in {h.timeline_date for h in shown}
    return out


def _rouge(scores: dict[str, float]) -> dict[str, float]:
    return {f"{k} F": v for k, v in scores.items()}


def hit_figures(days: Sequence[Sequence[dt.date | None]], golds: Sequence[dt.date]) -> dict[str, float]:
    n = len(golds) or 1
    return {"date-hit@1": sum(bool(d) and d[0] == g for d, g in zip(days, golds, strict=True)) / n,
            "date-hit@5": sum(g in d[:K] for d, g in zip(days, golds, strict=True)) / n,
            "±1 day hit@5": sum(any(x is not None and abs((x - g).days) <= 1 for x in d[:K])
                                for d, g in zip(days, golds, strict=True)) / n}


def run(limit: int | None = None, *, model: str | None = None, reranker=None, data=None) -> str:
    root = data_path("t17_dev", data)
    folders = sorted(f for f in root.iterdir() if (f / "timeline.jsonl").exists())
    embedder = load_model(model)
    results = [run_topic(f, embedder, limit, reranker) for f in folders]
    names = list(results[0]["hits"]) if results else []
    parts = [f"### t17: Timeline17 dev ({', '.join(r['topic'] for r in results)}), model {embedder.name}",
             ""]
    # sentences pooled over topics; timelines averaged per topic, then over topics
    all_golds = [g for r in results for g in r["golds"]]
    hit_rows = {n: hit_figures([d for r in results for d in r["hits"][n]], all_golds) for n in names}
    parts += [f"Gold sentences asked as questions ({len(all_golds)}):", "",
              table(hit_rows, HIT_METRICS, baselines=BASELINES), ""]
    # finan's 451 sentences outweigh the other topics pooled; the retired bench/timeline.py (and
    # the figures of the issues filed from it) averaged per topic, then over topics.
    by_topic = [{n: hit_figures(r["hits"][n], r["golds"]) for n in names} for r in results]
    topic_rows = {n: {m: _mean([t[n][m] for t in by_topic]) for m in HIT_METRICS} for n in names}
    parts += [f"The same, per topic, then the mean over the {len(results)} topics:", "",
              table(topic_rows, HIT_METRICS, baselines=BASELINES), ""]
    tl_rows = {n: {m: _mean([_mean([s[m] for s in r["tl"][n]]) for r in results]) for m in TL_METRICS}
               for n in names}
    parts += [f"Timelines ({sum(r['timelines'] for r in results)} gold timelines, "
              f"{sum(r['days'] for r in results)} days; mean over timelines per topic, then over topics):",
              "", table(tl_rows, TL_METRICS, baselines=BASELINES), ""]
    parts += ["Per topic (project / dense only):", "",
              "| topic | query | passages | questions | date-hit@5 | timelines | Date-F1 | ROUGE-2 F |",
              "|---|---|---|---|---|---|---|---|"]
    for r, t in zip(results, by_topic, strict=True):
        hp, hb = t[PROJECT]["date-hit@5"], t["dense only"]["date-hit@5"]
        fp, fb = (_mean([s["Date-F1"] for s in r["tl"][n]]) for n in (PROJECT, "dense only"))
        rp, rb = (_mean([s["ROUGE-2 F"] for s in r["tl"][n]]) for n in (PROJECT, "dense only"))
        parts.append(f"| {r['topic']} | {r['query']} | {r['passages']} | {r['questions']} | "
                     f"{hp:.3f} / {hb:.3f} | {r['timelines']} | {fp:.3f} / {fb:.3f} | {rp:.3f} / {rb:.3f} |")
    answers = [a for r in results for a in r["date_answers"]]
    if answers:  # every gold sentence counts: no date answered is a miss
        per_topic = _mean([_mean(r["date_answers"]) for r in results if r["date_answers"]])
        parts += ["", f"`date_answer` (bot/when.py) is the gold day, to the day: "
                      f"{sum(answers) / len(answers):.3f} of {len(answers)} gold sentences, "
                      f"{per_topic:.3f} per topic then over topics (the project's first excerpt "
                      f"is a passage of the answered day, when one is placed there)."]
    votes = {r["topic"]: r["voters"] for r in results if r["voters"]}
    if votes:
        from bot.when import FIRST_GAP, RULE, SPREAD, VOTERS

        rules = [rule_name(*r) for r in DAY_RULES]
        parts += ["", "Day rules: " + _loto(votes, rules, rule_name(
            RULE, VOTERS, FIRST_GAP if RULE == "first" else None))]
        parts += ["", f"A \"when\" answer's excerpts (bot/when.py spread_days), date-hit@{K} for "
                      f"each penalty on a day already shown: " + _loto(
                          votes, [spread_name(p) for p in SPREADS], spread_name(SPREAD))]
    times = [t for r in results for t in r["times"]]
    tl_times = [t for r in results for t in r["tl_times"]]
    parts += ["", f"Latency, model loaded: `ask` {latency_ms(times)}; `timeline` "
                  f"p50 {percentile(tl_times, 50):.1f} s over {len(tl_times)} timelines.", ""]
    out = "\n".join(parts)
    print(out)
    return out


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


def _loto(votes: dict[str, Sequence[dict[str, bool]]], names: Sequence[str], shipped: str) -> str:
    """Each option over all sentences, then the one chosen by leave-one-topic-out: each topic
    scored with the option best on the other topics' sentences (ties go to the shipped one),
    pooled over sentences and per topic."""
    every = [v for vs in votes.values() for v in vs]
    each = ", ".join(f"{r} {sum(v[r] for v in every) / len(every):.3f}" for r in names)
    out = f"each over all {len(every)} sentences: {each}."
    if len(votes) < 2:
        return out + " Leave-one-topic-out needs two topics."
    held, per_topic, chosen = 0, [], []
    for topic, test in votes.items():
        train = [v for t, vs in votes.items() if t != topic for v in vs]
        best = max(names, key=lambda r: (sum(v[r] for v in train), r == shipped))
        chosen.append(f"{topic}: {best}")
        held += sum(v[best] for v in test)
        per_topic.append(sum(v[best] for v in test) / len(test))
    return (out + f" Chosen leaving each topic out: {'; '.join(chosen)}. Held-out topics: "
            f"{held / len(every):.3f}, {_mean(per_topic):.3f} per topic (shipped: {shipped}).")
