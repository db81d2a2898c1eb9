"""What every bench script shares: data paths, record files, baselines, metrics and tables.

Baselines here are deliberately plain, so a figure beside them says what the project adds:
exact inner-product search over given vectors, Okapi BM25 over given texts, and reciprocal
rank fusion of the two. Tables print each figure with its ratio to the strongest baseline.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # scripts run as `python bench/x.py` import the project from here
    sys.path.insert(0, str(ROOT))

DATA_ENV = "TIMELINE_BENCH_DATA"
CACHE_ENV = "TIMELINE_BENCH_CACHE"
MODEL_ENV = "TIMELINE_BENCH_MODEL"


# -- paths ----------------------------------------------------------------------------------
def data_dir() -> Path:
    """``$TIMELINE_BENCH_DATA``, else the nearest ``shared/data`` beside the repository or one
    of its parents (a fresh clone has ../shared beside it; a git worktree may sit deeper)."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    for parent in ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def data_path(name: str, override: str | Path | None = None) -> Path:
    """A file or folder of the shared data (``override`` wins when given)."""
    return Path(override) if override else data_dir() / name


def cache_dir(*parts: str) -> Path:
    """bench/.cache (git-ignored), or ``$TIMELINE_BENCH_CACHE``."""
    base = Path(os.environ.get(CACHE_ENV) or ROOT / "bench" / ".cache")
    return base.joinpath(*parts)


def code_key(*extra: str, sources: Iterable[str] = ("index",)) -> str:
    """A short hash of the project code that shapes an index (every .py under ``sources``:
    ingest, cleaning, chunking, dating, embedding) and of ``extra`` (model, route, selection).
    An index cached under it is rebuilt after any such change instead of being re-read stale."""
    h = hashlib.sha256()
    for src in sources:
        for f in sorted((ROOT / src).rglob("*.py")):
            h.update(str(f.relative_to(ROOT)).encode())
            h.update(f.read_bytes())
    for e in extra:
        h.update(b"\0" + e.encode())
    return h.hexdigest()[:12]


# -- record files ---------------------------------------------------------------------------
def _open(path: Path, mode: str):
    return gzip.open(path, mode, encoding="utf-8") if path.name.endswith(".gz") else open(
        path, mode, encoding="utf-8")


def read_jsonl(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The records of a .jsonl or .jsonl.gz file (the first ``limit`` when given)."""
    out = []
    with _open(path, "rt") as f:
        for line in f:
            if limit is not None and len(out) >= limit:
                break
            if line.strip():
                out.append(json.loads(line))
    return out


def write_jsonl(records: Iterable[Mapping[str, Any]], path: Path) -> int:
    """Write records as .jsonl (.jsonl.gz by name); returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with _open(path, "wt") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_subset(src: Path, dst: Path, limit: int | None) -> int:
    """The first ``limit`` records of a .jsonl(.gz) file as ``dst``, lines copied verbatim."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with _open(src, "rt") as fin, _open(dst, "wt") as fout:
        for line in fin:
            if limit is not None and n >= limit:
                break
            if line.strip():
                fout.write(line if line.endswith("\n") else line + "\n")
                n += 1
    return n


def spread(items: Sequence[Any], n: int | None) -> list[Any]:
    """``n`` items evenly spread over the sequence (all of them for None, 0 or more)."""
    if not n or n >= len(items):
        return list(items)
    return [items[i * len(items) // n] for i in range(n)]


# -- passages and embedding ----------------------------------------------------------------
def fixed_chunks(texts: Sequence[str], size: int = 500) -> list[tuple[int, str]]:
    """Fixed-size character chunks, the naive chunking baseline: (text index, chunk)."""
    return [(n, t[i:i + size]) for n, t in enumerate(texts) for i in range(0, len(t), size)]


def embed_text(title: str, text: str) -> str:
    """What the project embeds for a passage (wherever the project keeps that function)."""
    try:
        from index.embed import embed_text as f  # type: ignore[attr-defined]
    except ImportError:
        from index.embed import embed_text as f
    return f(title, text)


def passage_texts(paths: Sequence[Path], limit: int | None = None) -> list[str]:
    """What a fresh build embeds: each unique passage text once, in corpus order (``limit``:
    only the first that many articles)."""
    from index.chunk import chunk_text
    from index.ingest import read_paths
    from index.models import Article

    out: dict[str, None] = {}
    n = 0
    for a in read_paths(list(paths)):
        if not isinstance(a, Article):
            continue
        n += 1
        if limit and n > limit:
            break
        for c in chunk_text(a.text):
            out.setdefault(embed_text(a.title, c.text), None)
    return list(out)


def load_model(model: str | None = None):
    """The embedder a suite uses: ``model``, else ``$TIMELINE_BENCH_MODEL``, else the default."""
    from index.embed import load_embedder

    return load_embedder(model or os.environ.get(MODEL_ENV) or None)


def model_tag(embedder) -> str:
    return f"{embedder.name}\0{getattr(embedder, 'route', '')}"


# -- baselines ------------------------------------------------------------------------------
class DenseSearch:
    """Exact inner-product search over normalized vectors (the dense-only baseline)."""

    def __init__(self, vectors: np.ndarray) -> None:
        import numpy as np

        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    def scores(self, qvec: np.ndarray) -> np.ndarray:
        return self.vectors @ qvec

    def rank(self, qvec: np.ndarray, k: int | None = None,
             allowed: np.ndarray | None = None) -> list[int]:
        """Row numbers, best first; ``allowed`` is a boolean mask of rows that may be returned."""
        import numpy as np

        s = self.scores(qvec)
        if allowed is not None:
            s = np.where(allowed, s, -np.inf)
        n = len(s) if k is None else min(k, len(s))
        top = np.argpartition(-s, n - 1)[:n] if 0 < n < len(s) else np.arange(len(s))
        top = top[np.argsort(-s[top], kind="stable")]
        return [int(i) for i in top if np.isfinite(s[i])]


_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class BM25:
    """Okapi BM25 (k1 1.5, b 0.75, idf log(1 + (N - df + 0.5) / (df + 0.5))) over an inverted
    index: a query touches only the documents that hold one of its words."""

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> None:
        self.n = len(texts)
        lengths = [0] * self.n
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, t in enumerate(texts):
            counts = Counter(tokens(t))
            lengths[i] = sum(counts.values())
            for w, c in counts.items():
                self.postings[w].append((i, c))
        avg = (sum(lengths) / self.n) if self.n else 1.0
        self.norm = [k1 * (1 - b + b * n / (avg or 1.0)) for n in lengths]
        self.k1 = k1

    def idf(self, word: str) -> float:
        df = len(self.postings.get(word, ()))
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> dict[int, float]:
        out: dict[int, float] = defaultdict(float)
        for w in tokens(query):  # a repeated query word counts again, as in Okapi's sum
            idf = self.idf(w)
            for i, tf in self.postings.get(w, ()):
                out[i] += idf * tf * (self.k1 + 1) / (tf + self.norm[i])
        return out

    def rank(self, query: str, k: int | None = None) -> list[int]:
        s = self.scores(query)
        order = sorted(s, key=lambda i: (-s[i], i))
        return order if k is None else order[:k]


def rrf(rankings: Sequence[Sequence[int]], k: int = 60, depth: int | None = None) -> list[int]:
    """Reciprocal rank fusion (Cormack et al. 2009): sum of 1 / (k + rank) over the lists."""
    score: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for r, i in enumerate(ranking[:depth] if depth else ranking, 1):
            score[i] += 1.0 / (k + r)
    return sorted(score, key=lambda i: (-score[i], i))


# -- metrics --------------------------------------------------------------------------------
def first_hit(flags: Iterable[bool], depth: int = 10) -> int | None:
    """The 1-based rank of the first correct result within ``depth``, or None."""
    for r, ok in enumerate(flags, 1):
        if r > depth:
            return None
        if ok:
            return r
    return None


def rank_metrics(firsts: Sequence[int | None]) -> dict[str, float]:
    """hit@1, hit@5 and MRR@10 from each question's first correct rank (None: not in the top 10)."""
    n = len(firsts) or 1
    return {"hit@1": sum(f == 1 for f in firsts) / n,
            "hit@5": sum(f is not None and f <= 5 for f in firsts) / n,
            "MRR@10": sum(1.0 / f for f in firsts if f is not None and f <= 10) / n}


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks; nan when empty."""
    if not values:
        return float("nan")
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def latency_ms(seconds: Sequence[float]) -> str:
    return f"p50 {percentile(seconds, 50) * 1000:.0f} ms, p95 {percentile(seconds, 95) * 1000:.0f} ms"


class Timer:
    """Collects wall times of calls: ``with timer: ...``."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def __enter__(self) -> Timer:
        self._t = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.times.append(time.perf_counter() - self._t)


def f1(pred: set, gold: set) -> float:
    hit = len(pred & gold)
    if not hit:
        return 0.0
    p, r = hit / len(pred), hit / len(gold)
    return 2 * p * r / (p + r)


# -- question subgroups ---------------------------------------------------------------------
# The rule, applied to the question text alone (never to ids or answers):
#   relative: a time word read against "now": today/yesterday/tomorrow/tonight, "ago", a
#     weekday, or this/last/next/past/coming/previous/earlier this + a calendar unit, a
#     season or a weekday ("this week", "last month", "on Tuesday", "earlier this year");
#   explicit: otherwise, a year (1900-2099) or a month name (alone or with a day);
#   other: the rest.
_UNIT = r"(?:day|days|week|weeks|weekend|month|months|year|years|summer|winter|spring|fall|autumn|season)"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
_RELATIVE = re.compile(
    rf"\b(?:today|yesterday|tomorrow|tonight|ago|{_WEEKDAY}|"
    rf"(?:this|last|next|past|coming|previous|recent)\s+(?:few\s+|couple\s+of\s+|\w+\s+)?{_UNIT}|"
    rf"earlier\s+this\s+{_UNIT}|later\s+this\s+{_UNIT})\b", re.IGNORECASE)
_MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|"
          r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?")
_EXPLICIT = re.compile(rf"\b(?:(?:19|20)\d\d|{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?)\b",
                       re.IGNORECASE)
# "may" and "march" are verbs too: as a month they need a capital or a day number
_VERB_MONTH = re.compile(r"\b(?:may|march)\b")
GROUPS = ("relative time words", "explicit dates or years", "no time words")


def time_group(question: str) -> str:
    if _RELATIVE.search(question):
        return GROUPS[0]
    for m in _EXPLICIT.finditer(question):
        word = m.group(0)
        if _VERB_MONTH.fullmatch(word) and not re.search(r"\d", word):
            continue  # lower-case "may"/"march" alone: the verb
        return GROUPS[1]
    return GROUPS[2]


# -- cross-validation -----------------------------------------------------------------------
def kfold(n: int, k: int = 5, seed: int = 0) -> list[tuple[list[int], list[int]]]:
    """(train, test) row numbers for k shuffled folds; every row is tested exactly once."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    folds = [sorted(order[i::k]) for i in range(min(k, n))]
    return [(sorted(set(order) - set(f)), f) for f in folds if f]


def leave_one_group_out(groups: Sequence[str]) -> list[tuple[str, list[int], list[int]]]:
    """(held-out group, train rows, test rows) for each group."""
    out = []
    for g in sorted(set(groups)):
        test = [i for i, x in enumerate(groups) if x == g]
        train = [i for i, x in enumerate(groups) if x != g]
        out.append((g, train, test))
    return out


def cross_validate(n: int, fit: Callable[[list[int]], Any], score: Callable[[Any, list[int]], None],
                   folds: Sequence[tuple[list[int], list[int]]]) -> list[Any]:
    """Fit on each fold's training rows, let ``score`` see its held-out rows; the fitted values."""
    fitted = []
    for train, test in folds:
        params = fit(train)
        score(params, test)
        fitted.append(params)
    return fitted


# -- tables ---------------------------------------------------------------------------------
def table(rows: Mapping[str, Mapping[str, float]], metrics: Sequence[str], *,
          baselines: Sequence[str], extra: Mapping[str, Mapping[str, str]] | None = None,
          digits: int = 3) -> str:
    """A Markdown table: one row per system, each figure with its ratio to the strongest
    baseline on that metric (the highest of ``baselines``); extra text columns after."""
    extra = extra or {}
    extra_cols = list(dict.fromkeys(c for v in extra.values() for c in v))
    best = {m: max((rows[b][m] for b in baselines if b in rows and not _nan(rows[b].get(m))),
                   default=float("nan")) for m in metrics}
    head = ["system", *metrics, *extra_cols]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in rows.items():
        cells = [name]
        for m in metrics:
            v = r.get(m, float("nan"))
            if _nan(v):
                cells.append("–")
            elif name in baselines and v == best[m]:
                cells.append(f"{v:.{digits}f} (best baseline)")
            elif best[m] and not _nan(best[m]):
                cells.append(f"{v:.{digits}f} ({v / best[m]:.2f}×)")
            else:
                cells.append(f"{v:.{digits}f}")
        cells += [extra.get(name, {}).get(c, "") for c in extra_cols]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _nan(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def progress(items: Sequence[Any], label: str) -> Iterator[Any]:
    """tqdm on a terminal (stderr); otherwise a line at every tenth, for logs."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        yield from tqdm(items, desc=label, leave=False)
        return
    step = max(1, len(items) // 10)
    t0 = time.perf_counter()
    for i, item in enumerate(items, 1):
        yield item
        if i % step == 0 or i == len(items):
            print(f"{label}: {i}/{len(items)} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


# -- the project's index and the baselines' view of the same passages -----------------------
@dataclass
class Corpus:
    """One suite's project index, loaded into a Bot, and every passage of it in one row order:
    the baselines search exactly these passages, with the vectors the project stored."""

    bot: Any  # bot.engine.Bot
    passages: list[Any]  # index.models.Passage, row order
    articles: dict[str, Any]  # article_id -> index.models.Article
    vectors: np.ndarray
    dense: DenseSearch
    bm25: BM25
    build_seconds: float

    @cached_property
    def row_of(self) -> dict[int, int]:
        return {p.passage_id: r for r, p in enumerate(self.passages)}

    @cached_property
    def rows_by_text(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for r, p in enumerate(self.passages):
            out[p.text].append(r)
        return out

    def record_key(self, row: int) -> str:
        """The id of the input record a passage came from (what gold answers name)."""
        return record_key(self.articles[self.passages[row].article_id].origin)

    def published(self, row: int):
        return self.articles[self.passages[row].article_id].published

    def in_range(self, lo, hi) -> np.ndarray:
        """Rows whose timeline date lies in [lo, hi] (open ends allowed): the project's filter."""
        import numpy as np

        return np.array([p.timeline_date is not None and (lo is None or p.timeline_date >= lo)
                         and (hi is None or p.timeline_date <= hi) for p in self.passages])


def record_key(origin: str) -> str:
    """"path#key" -> "key": the record id ingest keeps in an article's origin."""
    return origin.rsplit("#", 1)[-1]


def load_corpus(suite: str, paths: Sequence[Path], embedder, *, selection: str = "",
                reranker=None) -> Corpus:
    """Build (once) and load a suite's project index under bench/.cache/<suite>/.

    The folder is named by ``code_key``: the index/ sources, the model and route, and
    ``selection`` (which records a --limit run took). Indexes of older code are removed."""
    from bot.engine import Bot
    from index.build import build_index
    from index.indexdir import open_index

    root = cache_dir(suite)
    ix = root / f"index-{code_key(model_tag(embedder), selection, *map(str, paths))}"
    done = ix / "bench-complete"
    t0 = time.perf_counter()
    if not done.exists():
        import shutil

        for old in root.glob("index-*"):
            if old != ix and old.is_dir():
                shutil.rmtree(old)
        print(f"[{suite}] building the index in {ix} ...", file=sys.stderr)
        build_index(list(paths), ix, embedder=embedder)
        done.write_text("built\n")
    build = time.perf_counter() - t0
    index = open_index(ix, model=embedder.name)
    bot = Bot(index, embedder, reranker=reranker)
    ids = sorted(index.store.all_passage_ids())
    found = index.store.passages(ids)
    passages = [found[i] for i in ids]
    articles = index.store.articles({p.article_id for p in passages})
    vectors = index.vectors.reconstruct(ids) if ids else None
    texts = [embed_text(articles[p.article_id].title, p.text) for p in passages]
    import numpy as np

    vecs = np.asarray(vectors if vectors is not None else np.zeros((0, embedder.dim)), dtype=np.float32)
    return Corpus(bot, passages, articles, vecs, DenseSearch(vecs), BM25(texts), build)


def baseline_rankings(corpus: Corpus, question: str, qvec: np.ndarray, *, as_of=None,
                      depth: int = 100) -> dict[str, list[int]]:
    """The four baselines' rankings (row numbers, best first) for one question:
    dense only; BM25 only; RRF of the two; dense only inside the project's reading of the
    question's time (``Bot.understand``: focus only, passages by timeline day or reported
    event, and back to dense when nothing in range passes the relevance floor)."""
    import numpy as np

    from bot.rank import RELEVANCE_FLOOR

    dense = corpus.dense.rank(qvec, depth)
    bm25 = corpus.bm25.rank(question, depth)
    out = {"dense only": dense, "BM25 only": bm25, "RRF(dense, BM25)": rrf([dense, bm25])[:depth]}
    q = corpus.bot.understand(question, as_of=as_of)
    out["dense + question's dates"] = dense
    if q.dated:
        allowed = np.zeros(len(corpus.passages), dtype=bool)
        ids = corpus.bot.index.store.filtered_id_array(q.filter()).tolist()
        allowed[[corpus.row_of[i] for i in ids if i in corpus.row_of]] = True
        rows = corpus.dense.rank(qvec, depth, allowed=allowed)
        if rows and float(np.max(corpus.vectors[rows] @ qvec)) >= RELEVANCE_FLOOR:
            out["dense + question's dates"] = rows
    return out


BASELINES = ("dense only", "BM25 only", "RRF(dense, BM25)", "dense + question's dates")


# -- timeline summarization: alignment-based ROUGE ------------------------------------------
def rouge_tokens(text: str) -> list[str]:
    """Lower-cased words without the project's stop words (no stemming)."""
    from index.store import STOPWORDS

    return [w for w in tokens(text) if w not in STOPWORDS]


def _ngrams(toks: Sequence[str], n: int) -> Counter:
    return Counter(zip(*(toks[i:] for i in range(n)), strict=False))


def align_rouge(pred: Mapping[Any, Sequence[str]], ref: Mapping[Any, Sequence[str]],
                ns: Sequence[int] = (1, 2)) -> dict[str, float]:
    """ROUGE-N F of a dated summary against one reference timeline, 'align+ m:1' as the tilse
    toolkit computes it (Martschat & Markert 2017; the measure news-tls reports as AR-N).

    Each predicted date is aligned to the reference date of least cost (precision), and each
    reference date to the predicted date of least cost (recall); cost = (1 - 1/(|days| + 1)) *
    (1 - ROUGE-1 F approximation of the two summaries). Matched n-grams of an aligned pair count
    1/(|days| + 1); unaligned dates add their n-grams to the denominators only. Dates are
    ``datetime.date``; summaries lists of sentences. Tokens: ``rouge_tokens`` (tilse's
    reimplementation stems and drops SMART stop words; here no stemming, and the project's
    stop-word list).
    """
    pdates, rdates = sorted(pred), sorted(ref)
    if not pdates or not rdates:
        return {f"ROUGE-{n}": 0.0 for n in ns}
    ptok = {d: rouge_tokens(" ".join(pred[d])) for d in pdates}
    rtok = {d: rouge_tokens(" ".join(ref[d])) for d in rdates}

    def approx_r1(a: list[str], b: list[str]) -> float:
        ca, cb = Counter(a), Counter(b)
        match = sum(min(c, cb[t]) for t, c in ca.items())
        if not match:
            return 0.0
        p, r = match / sum(ca.values()), match / sum(cb.values())
        return 2 * p * r / (p + r)

    def cost(p, r) -> float:
        return (1 - 1 / (abs((p - r).days) + 1)) * (1 - approx_r1(ptok[p], rtok[r]))

    prec_pairs = [(p, min(rdates, key=lambda r, p=p: cost(p, r))) for p in pdates]
    rec_pairs = [(min(pdates, key=lambda p, r=r: cost(p, r)), r) for r in rdates]
    out = {}
    for n in ns:
        pg = {d: _ngrams(ptok[d], n) for d in pdates}
        rg = {d: _ngrams(rtok[d], n) for d in rdates}

        def matched(p, r, pg=pg, rg=rg) -> float:
            return sum(min(c, rg[r][g]) for g, c in pg[p].items()) / (abs((p - r).days) + 1)

        p_num = sum(matched(p, r) for p, r in prec_pairs)
        p_den = sum(sum(c.values()) for c in pg.values())
        r_num = sum(matched(p, r) for p, r in rec_pairs)
        r_den = sum(sum(c.values()) for c in rg.values())
        prec = p_num / p_den if p_den else 0.0
        rec = r_num / r_den if r_den else 0.0
        out[f"ROUGE-{n}"] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return out
