"""The measures: hit@k and MRR, percentiles and latency, Date-F1, the question subgroup rule,
cross-validation folds, and alignment-based ROUGE for timelines."""

from __future__ import annotations

import math
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from bench.baselines import tokens


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
