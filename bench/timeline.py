"""Timeline quality on Timeline17 topics: the project against a dense, publication-dated baseline.

    python bench/timeline.py [--data DIR] [--topics egypt,finan] [--query TOPIC=TEXT] [--no-hits]
                             [--max-questions N] [--corpus-queries] [--gold-span]

DIR (default $TIMELINE_BENCH_DATA, else ../shared/data/t17_dev) holds one folder per topic with
``articles.jsonl.gz`` (dated articles: id, date, text, source) and ``timeline.jsonl`` (the gold
timeline: date + sentences; several journalists' timelines may follow one another, each in date
order, as in h1n1: a date earlier than the line before starts the next timeline).
Per topic it reports
  * date-hit@5: each gold sentence asked as a question (``bot.ask(sentence, k=5)``); a hit when
    a top-5 result's timeline date is the gold date of that sentence;
  * Date-F1: ``bot.timeline(topic query, n_dates=<number of gold dates>)`` against the gold
    dates (F1 of the two date sets); a topic with several gold timelines scores the mean over
    them, each with its own N, as news-tls (Gholipour Ghalandari & Ifrim 2020) does. With
    --gold-span both systems are told each gold timeline's first and last day, as news-tls
    runs it.
The baseline (dense-500): fixed 500-character chunks of the same articles, dense only with the
same model, each chunk dated by its article's publication date; its timeline is the N most
frequent publication dates among as many top chunks for the topic query as the project's
timeline reads (max(1500, 25 N)).

Indexes are built with the project's ``build_index`` under bench/.cache/ (git-ignored), in a
folder named after the dating code (index/chunk.py, dates.py, build.py) and the embedding route,
so a change to how passages are dated rebuilds the index instead of keeping stale dates; the
baseline chunk vectors are cached there as .npy, per route.

Latest run (all-MiniLM-L6-v2 through the openvino-bf16 route, 2 cores, every gold sentence
asked: finan's 451 make its hit@5 meaningful, where 40 are two or three hits either way).
Index build ~7 min the first time (4.5k + 2.9k + 2.4k passages), evaluation ~2-6 min.

    topic    quest tls dates  hit@5 proj  hit@5 base  ratio  F1 proj  F1 base  ratio
    egypt       56   1    20       0.839       0.571   1.47    0.950    1.000   0.95
    finan      451   1    65       0.109       0.044   2.45    0.492    0.385   1.28
    h1n1        89   3    21       0.472       0.337   1.40    0.577    0.505   1.14
    mean       596   5   106       0.473       0.318   1.49    0.673    0.630   1.07

    --gold-span:    Date-F1 1.000 / 0.738 / 0.856 against 1.000 / 0.730 / 0.718, mean 0.865
                    against 0.816 (1.06; h1n1 1.19)
    --corpus-queries ("egypt egyptian cnn", "financial crisis new", "flu h1n1 virus"):
                    Date-F1 0.950 / 0.477 / 0.555 against 1.000 / 0.369 / 0.527, mean 0.661
                    against 0.632 (1.05); with --gold-span too, 0.860 against 0.816 (1.05)

h1n1's file holds three timelines (7, 12 and 15 days); until Nov 2026 the bench scored the union
of their 21 days with N = 21 (0.524 against 0.476). A timeline limited to a range also showed
days that passages inside it only mentioned (9/11 in finan's): the gold-span run was 0.823.
A day named after its article appeared now votes as a plan (bot.timeline.PLANNED_WEIGHT): mean
0.666 -> 0.673, and 0.630 -> 0.661 with --corpus-queries, where egypt's timeline had put Feb 11,
2013 first (the crawl date in the sidebars of 32 scraped pages).

With --max-questions 40 (78 s cached): hit@5 0.875/0.600, 0.075/0.050, 0.425/0.375; mean
0.458/0.342 (1.34x).

Date-F1 and the baseline's depth. Until Nov 2026 the baseline voted with the top 200 chunks
only (mean 0.566, so 1.19x); at the project's depth it scores 0.620. The lead is small because
the dev topics leave event dates little to do: every egypt gold day is a publication day of the
corpus (publication counting gets all 20), and the finan and h1n1 gold timelines end months
before their corpora do (finan's 65 gold days are Sep-Dec 2008, 126 of its 256 articles are
from 2009), so whichever count is used, the days it misses are days after the gold timeline was
written. Every count-based variant tried scored 0.63-0.67 (list below). 14 of finan's and 4 of
h1n1's gold days get no vote at all: no article is published on them and at most one names them.

What moved date-hit@5 (all questions: mean 0.425 -> 0.473, from 0.732/0.106/0.438):
  * a passage naming no day takes the day its article's lead reports (index.dates.follow_lead):
    on unchanged rankings egypt 0.732 -> 0.804, h1n1 unchanged, finan 2 of 451 fewer;
  * the reranker's small credit for an answering sentence that reports the passage's day
    (bot.rank.says_its_day): egypt +0.018, h1n1 +0.034, finan +0.004 (on the old indexes);
  * the rest is the rebuild itself: the old cached indexes held fp32 vectors but were queried
    through the bf16 route; now index, queries and baseline all use one route.
Tried and left out: wider windows for explicit "April 29"-style days (31-366 days back, with
or without a past-tense verb), picking the most-cited or latest day, publication minus one as
the fallback, date-consensus reranking among the top 12, the earliest copy of a story as the
representative, and a day-stating credit anywhere in the passage (+0.05 hit@5, but it cost
bench/quality.py 0.08 hit@1). Date-F1: next-day/neighbour smoothing, burst normalisation by
articles per day, extra weight for days mentioned by later articles (also as a share of the
articles published after the day), a novelty bonus for days unlike the fortnight before, leads
only, publication counts mixed in at any weight, other floors and pools, and a lighter vote
for a passage whose day is only its publication's or its lead's: all 0.63-0.67. With
--gold-span, 15 of finan's 17 wrong days are weekends (its gold holds nearly every weekday of
Sep-Dec 2008); a day-of-week prior learned from the corpus's stated days gained only 0.01.
Topic expansion (bot.timeline.expand_topic) costs 0.016 here (finan 0.538 -> 0.492, three of
65 days among tied votes) and keeps one-word topics from collapsing: "finan" 0.10 -> 0.51,
"Lehman" 0.27 -> 0.49, "h1n1" 0.29 -> 0.52, "tahrir" 0.85 -> 0.95.

bench/timeline_ceiling.py measures that ceiling (the best F1 any vote over the same passages
could reach: 0.907 without the span, 0.913 with it), counts the wrong days outside the gold span,
and scores a supervised date ranker as news-tls uses, learnt leaving one topic out (0.590 and
0.850, below the hand-set vote's 0.673 and 0.865).

Date-F1 before tuning bot/timeline.py (relevance-weighted passage votes, mention 0.5, pool 200+):
0.950 / 0.415 / 0.381, mean 0.582. date-hit@5 depends on ``Bot.ask`` only, not on the timeline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "t17_dev"
DATA_ENV = "TIMELINE_BENCH_DATA"
CACHE = ROOT / "bench" / ".cache" / "timeline"
# A short query per topic folder: data, like the gold timelines. Another folder takes
# --query NAME=TEXT, else the words most of its articles use (corpus_query).
TOPIC_QUERIES = {
    "egypt": "Egypt protests Mubarak",
    "finan": "financial crisis banks",
    "h1n1": "H1N1 swine flu",
}
CHUNK = 500

if TYPE_CHECKING:
    from bot.engine import Bot


@dataclass
class Result:
    topic: str
    questions: int
    timelines: int
    gold_dates: int
    hit_project: float
    hit_base: float
    f1_project: float
    f1_base: float


def read_gold(folder: Path) -> list[dict]:
    lines = (folder / "timeline.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def gold_timelines(gold: Sequence[dict]) -> list[set[str]]:
    """The gold file's timelines as sets of ISO days: a date earlier than the line before
    starts the next one (each journalist's timeline is in date order)."""
    timelines: list[list[str]] = []
    for g in gold:
        day = g["date"][:10]
        if not timelines or day < timelines[-1][-1]:
            timelines.append([])
        timelines[-1].append(day)
    return [set(t) for t in timelines]


def read_raw_articles(folder: Path) -> list[dict]:
    with gzip.open(folder / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def corpus_query(articles: Sequence[dict], n: int = 3) -> str:
    """The n words found in the most articles (English stop words, short words and numbers out):
    a topic query for a folder nobody wrote one for, from its articles only, never its gold."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from index.store import fts_words

    df: Counter[str] = Counter()
    for a in articles:
        df.update({w for w in fts_words(a["text"])
                   if len(w) > 2 and not w.isdigit() and w not in ENGLISH_STOP_WORDS})
    return " ".join(w for w, _ in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def date_f1(pred: set, gold: set) -> float:
    hit = len(pred & gold)
    if not hit:
        return 0.0
    p, r = hit / len(pred), hit / len(gold)
    return 2 * p * r / (p + r)


def fixed_chunks(articles: Sequence[dict], size: int = CHUNK) -> tuple[list[str], list[str]]:
    texts, dates = [], []
    for a in articles:
        t = a["text"]
        for i in range(0, len(t), size):
            texts.append(t[i:i + size])
            dates.append(a["date"][:10])
    return texts, dates


def baseline_dates(ranked: Sequence[int], chunk_dates: Sequence[str], n: int,
                   span: tuple[str, str] | None = None) -> set[str]:
    """The baseline's timeline: the n most frequent publication days among the first
    ``voting_pool(n)`` chunks of ``ranked`` (best first) inside ``span``; ties go to the day
    seen first."""
    from bot.timeline import voting_pool

    top = [i for i in ranked if span is None or span[0] <= chunk_dates[i] <= span[1]]
    top = top[:voting_pool(n)]
    counts = Counter(chunk_dates[i] for i in top)
    first: dict[str, int] = {}
    for r, i in enumerate(top):
        first.setdefault(chunk_dates[i], r)
    return set(sorted(counts, key=lambda d: (-counts[d], first[d]))[:n])


def cached_vectors(texts: list[str], embedder, path: Path):
    import numpy as np

    # the route too: the project's index is embedded through it, so the baseline is as well
    model = f"{embedder.name}\0{getattr(embedder, 'route', '')}"
    key = hashlib.sha256((model + "\0" + "\0".join(texts)).encode()).hexdigest()[:16]
    f = path / f"dense500-{key}.npy"
    if f.exists():
        return np.load(f)
    vecs = np.asarray(embedder.embed(texts), dtype=np.float32)
    path.mkdir(parents=True, exist_ok=True)
    np.save(f, vecs)
    return vecs


# The build skips articles it already holds, so an index built before a change to chunking or
# dating keeps the old timeline dates: the cached project index is named after these sources.
DATING_SOURCES = ("index/chunk.py", "index/dates.py", "index/build.py")


def index_dir(cache: Path, embedder) -> Path:
    """The topic's project index for the current dating code and embedding route.

    Indexes left by older code are removed: they would only be re-read by mistake.
    """
    h = hashlib.sha256(f"{embedder.name}\0{getattr(embedder, 'route', '')}".encode())
    for name in DATING_SOURCES:
        h.update((ROOT / name).read_bytes())
    path = cache / f"index-{h.hexdigest()[:12]}"
    for old in cache.glob("index*"):
        if old != path and old.is_dir():
            shutil.rmtree(old)
    return path


def topic_bot(folder: Path, embedder) -> Bot:
    """The project's bot on a topic folder's articles, its index built or brought up to date."""
    from bot.engine import Bot
    from index.build import build_index
    from index.indexdir import open_index

    ix = index_dir(CACHE / folder.name, embedder)
    build_index([folder / "articles.jsonl.gz"], ix, embedder=embedder)
    return Bot(open_index(ix), embedder)


def spread(items: list, n: int) -> list:
    """n items evenly spread over the list (all of them when n is 0 or more than there are)."""
    if not n or n >= len(items):
        return items
    return [items[i * len(items) // n] for i in range(n)]


def run_topic(folder: Path, query: str | None, embedder, *, hits: bool, max_questions: int = 0,
              gold_span: bool = False, k: int = 5) -> Result:
    import numpy as np

    topic = folder.name
    gold = read_gold(folder)
    gold_dates = {g["date"][:10] for g in gold}
    timelines = gold_timelines(gold)
    questions = spread([(s, g["date"][:10]) for g in gold for s in g["sentences"] if s.strip()],
                       max_questions)
    cache = CACHE / topic
    t0 = time.perf_counter()
    bot = topic_bot(folder, embedder)
    raw = read_raw_articles(folder)
    query = query or corpus_query(raw)
    texts, chunk_dates = fixed_chunks(raw)
    mat = cached_vectors(texts, embedder, cache)
    t_index = time.perf_counter() - t0

    # Date-F1, per gold timeline. The baseline votes with as many chunks as the project's
    # timeline reads, so the two differ in chunking and dating, not in how much they see.
    ranked = [int(i) for i in np.argsort(-(mat @ np.asarray(embedder.embed([query]))[0]))]
    f1s_project, f1s_base = [], []
    for days in timelines:
        # the news-tls protocol: both are told the gold timeline's first and last day
        span = (min(days), max(days)) if gold_span else None
        lo, hi = (dt.date.fromisoformat(d) for d in span) if span else (None, None)
        tl = bot.timeline(query, n_dates=len(days), date_from=lo, date_to=hi)
        f1s_project.append(date_f1({d.date.isoformat() for d in tl.dates}, days))
        f1s_base.append(date_f1(baseline_dates(ranked, chunk_dates, len(days), span), days))
    f1_project = sum(f1s_project) / len(timelines)
    f1_base = sum(f1s_base) / len(timelines)

    # date-hit@5
    hit_p = hit_b = float("nan")
    if hits and questions:
        qvecs = np.asarray(embedder.embed([q for q, _ in questions]))
        hp = hb = 0
        for (q, day), qv in zip(questions, qvecs, strict=True):
            answer = bot.ask(q, k=k)
            hp += any(h.passage.timeline_date and h.passage.timeline_date.isoformat() == day
                      for h in answer.hits[:k])
            best = np.argsort(-(mat @ qv))[:k]
            hb += any(chunk_dates[i] == day for i in best)
        hit_p, hit_b = hp / len(questions), hb / len(questions)
    print(f"  {topic} ({query!r}): indexed in {t_index:.0f}s, evaluated in "
          f"{time.perf_counter() - t0 - t_index:.0f}s: hit@5 {hit_p:.3f} vs {hit_b:.3f}, "
          f"F1 {f1_project:.3f} vs {f1_base:.3f}", file=sys.stderr)
    return Result(topic, len(questions), len(timelines), len(gold_dates), hit_p, hit_b,
                  f1_project, f1_base)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else ("inf" if a else "-")


def print_table(results: Sequence[Result]) -> None:
    print(f"{'topic':<8}{'quest':>6}{'tls':>4}{'dates':>6}{'hit@5 proj':>12}{'hit@5 base':>12}"
          f"{'ratio':>7}{'F1 proj':>9}{'F1 base':>9}{'ratio':>7}")
    n = len(results)
    mean = Result("mean", *(sum(getattr(r, f) for r in results) for f in
                            ("questions", "timelines", "gold_dates")),
                  *(sum(getattr(r, f) for r in results) / n
                    for f in ("hit_project", "hit_base", "f1_project", "f1_base")))
    for r in (*results, mean):
        print(f"{r.topic:<8}{r.questions:>6}{r.timelines:>4}{r.gold_dates:>6}"
              f"{r.hit_project:>12.3f}{r.hit_base:>12.3f}{_ratio(r.hit_project, r.hit_base):>7}"
              f"{r.f1_project:>9.3f}{r.f1_base:>9.3f}{_ratio(r.f1_project, r.f1_base):>7}")


def main() -> int:
    from index.embed import load_embedder

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=Path(os.environ.get(DATA_ENV) or DEFAULT_DATA),
                   help=f"topic folders (default: ${DATA_ENV}, else {DEFAULT_DATA})")
    p.add_argument("--topics", default=None, help="comma-separated topic folders (default: all)")
    p.add_argument("--query", action="append", default=[], metavar="TOPIC=TEXT",
                   help="the timeline query of a topic folder (repeatable)")
    p.add_argument("--corpus-queries", action="store_true",
                   help="every topic's query from its articles (corpus_query), as for a folder "
                        "nobody wrote one for")
    p.add_argument("--model", default=None)
    p.add_argument("--max-questions", type=int, default=0,
                   help="gold sentences asked per topic, evenly spread (default 0: all; 40 is "
                        "quick, but finan's 40 are two or three hits either way)")
    p.add_argument("--no-hits", action="store_true", help="only Date-F1 (quick, for tuning)")
    p.add_argument("--gold-span", action="store_true",
                   help="Date-F1 as news-tls runs it: both systems get the gold timeline's first "
                        "and last day")
    args = p.parse_args()

    queries = {} if args.corpus_queries else dict(TOPIC_QUERIES)
    queries.update(q.split("=", 1) for q in args.query)
    folders = sorted(f for f in args.data.iterdir() if (f / "timeline.jsonl").exists())
    if args.topics:
        wanted = set(args.topics.split(","))
        folders = [f for f in folders if f.name in wanted]
    if not folders:
        print(f"no topic folders in {args.data}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    embedder = load_embedder(args.model)
    results = [run_topic(f, queries.get(f.name), embedder, hits=not args.no_hits,
                          max_questions=args.max_questions, gold_span=args.gold_span)
               for f in folders]
    print(f"data: {args.data} · model: {embedder.name} · {time.perf_counter() - t0:.0f}s")
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
