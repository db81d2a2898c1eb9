"""Which ranking signals earn their place on held-out folds: a study beside the shipped ranker.

    python bench/feature_study.py [--limit N] [--folds 5] [--tokens]

One pass of the project (``Bot.ask``, shipped reranker) over RealTimeQA's dev questions, each
asked as of its date, records every candidate the reranker saw: its text, title, cosines,
dates and whether it is right. Linear models over wider sets of features are then fitted
listwise (softmax cross-entropy over each question's candidates, L2) on the training folds and
replayed on the held-out one, beside the shipped weights replayed on the same candidates.

The features beyond the shipped six are the text signals issue #18 proposed (phrase, number,
name and rarest-term matches, the best sentence's coverage, the lead, length, the fused rank)
and, where the reader gave an "as of" day, closeness to it. "dense + as-of prior" is the
baseline that tells what closeness alone does. "Answer type" asks whether the best sentence
holds what the question's form wants: a number for "how many", a name for "who". ``--tokens``
adds token MaxSim: a soft word match read from the model's token vectors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if TYPE_CHECKING:
    import numpy as np

SHIPPED = ("dense", "best", "top2", "coverage", "stated_day", "period")
TEXT = ("best_coverage", "phrase", "numbers", "names", "rarest", "lead", "length", "fused")
AS_OF = ("near_week", "near_month", "after")
# Answer type: a quantity question rewards a number it does not hold in the best sentence; a
# "who" question, a name it does not hold.
ANSWER = ("quantity", "who_name")
FEATURES = SHIPPED + TEXT + AS_OF + ANSWER
# Late interaction (ColBERT's MaxSim) over the model's own token vectors: each content token of
# the question (its time words out, as searched) matched to its closest content token among a
# candidate's sentences, each sentence encoded alone as the sentence pass does; the mean.
# Optional (``--tokens``): it needs torch and a second encoding of every candidate.
TOKENS = ("maxsim",)
L2 = 0.01

_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d[\d,.]*")
_CAPITAL = re.compile(r"\b[A-Z][\w'’-]*")
_ASKS_QUANTITY = re.compile(r"\b(?:how\s+(?:many|much|long|old|far|often|big|large|tall|high)"
                            r"|what\s+(?:percentage|percent|share|proportion|number|amount"
                            r"|fraction|price))\b", re.IGNORECASE)
_ASKS_WHO = re.compile(r"(?:^|[.?!]\s+)(?:who|whom|whose)\b", re.IGNORECASE)
_QUANTITY = re.compile(r"\d[\d,.]*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten"
                       r"|dozens?|hundreds?|thousands?|millions?|billions?|half|third|quarter"
                       r"|percent)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Seen:
    """One candidate as the reranker saw it, and its metadata."""

    text: str
    title: str
    dense: float
    fused: float
    sims: tuple[float, ...]
    stated_day: bool
    in_period: bool
    ordinal: int
    day: dt.date | None  # timeline day, else publication day
    correct: bool


@dataclass(frozen=True)
class Asked:
    question: str
    as_of: dt.date | None
    group: str
    weights: dict[str, float]  # the question terms' idf
    seen: tuple[Seen, ...]


class _Recorder:
    """Scores like the shipped reranker and keeps what it was shown."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.gap, self.first_gap, self.last = inner, inner.gap, inner.first_gap, None
        self.spread = inner.spread

    def scores(self, question: str, items: Sequence[Any], *, weights: Any) -> list[float]:
        self.last = (list(items), dict(weights))
        return self.inner.scores(question, items, weights=weights)


def record(limit: int | None) -> list[Asked]:
    from bench.common import load_corpus, load_model, progress
    from bench.metrics import time_group
    from bench.suites.rtqa import select
    from bot.rerank import FeatureReranker, says_its_day

    questions, articles, tag = select(limit)
    corpus = load_corpus("rtqa", [articles], load_model(), selection=tag)
    rec = _Recorder(FeatureReranker())
    corpus.bot.reranker = rec
    out = []
    for q in progress(questions, "recording"):
        as_of = dt.date.fromisoformat(q["question_date"])
        corpus.bot.ask(q["question"], k=10, as_of=as_of)
        items, weights = rec.last or ([], {})
        rec.last = None
        seen = []
        for it in items:
            rows = corpus.rows_by_text.get(it.text, [])
            p = corpus.passages[rows[0]] if rows else None
            day = (p.timeline_date or corpus.published(rows[0])) if p else None
            seen.append(Seen(it.text, it.title, it.dense, it.fused, it.sentences.sims,
                             says_its_day(it), it.in_period, p.ordinal if p else -1, day,
                             any(corpus.record_key(r) in q["gold_ids"] for r in rows)))
        out.append(Asked(q["question"], as_of, time_group(q["question"]), weights, tuple(seen)))
    return out


def matrix(a: Asked) -> np.ndarray:
    """(candidates, FEATURES) for one question."""
    import numpy as np

    from bot.rerank import _stem, content_terms, content_words, coverage
    from index.chunk import split_sentences
    from index.store import STOPWORDS

    stems = [_stem(w) for w in content_words(a.question)]
    phrases = set(zip(stems, stems[1:], strict=False))
    numbers = {n.strip(".,") for n in _NUMBER.findall(a.question)}
    names = {_stem(m.group(0).lower().strip("'’")) for m in _CAPITAL.finditer(a.question)
             if m.start() > 0 and m.group(0).lower() not in STOPWORDS}
    rarest = max(a.weights, key=a.weights.__getitem__) if a.weights else None
    asks_quantity, asks_who = bool(_ASKS_QUANTITY.search(a.question)), bool(_ASKS_WHO.search(a.question))
    q_quantities = {n.group(0).lower().strip(".,") for n in _QUANTITY.finditer(a.question)}
    q_names = {m.group(0).lower() for m in _CAPITAL.finditer(a.question)}

    def share(wanted: set, found: set) -> float:
        return len(wanted & found) / len(wanted) if wanted else 0.0

    rows = []
    for s in a.seen:
        text = f"{s.title}\n{s.text}"
        spans = split_sentences(s.text) or [(0, len(s.text))]
        best = max(range(len(s.sims)), key=s.sims.__getitem__) if s.sims else 0
        lo, hi = spans[min(best, len(spans) - 1)]
        words = [_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]
        terms = content_terms(text)
        top2 = sorted(s.sims)[-2:] or [0.0]
        delta = (s.day - a.as_of).days if s.day and a.as_of else None
        best_sentence = s.text[lo:hi]
        new_quantity = bool({n.group(0).lower().strip(".,") for n in _QUANTITY.finditer(best_sentence)}
                            - q_quantities)
        new_name = bool({m.group(0).lower() for m in _CAPITAL.finditer(best_sentence)
                         if m.start() > 0} - q_names)
        rows.append([
            s.dense, max(s.sims, default=0.0), sum(top2) / len(top2), coverage(a.weights, text),
            float(s.stated_day), float(s.in_period), coverage(a.weights, s.text[lo:hi]),
            share(phrases, set(zip(words, words[1:], strict=False))),
            share(numbers, {n.strip(".,") for n in _NUMBER.findall(text)}), share(names, terms),
            float(rarest in terms) if rarest else 0.0, float(s.ordinal == 0),
            math.log1p(len(s.text)) / 7, s.fused * 60,
            math.exp(-abs(delta) / 7) if delta is not None else 0.0,
            math.exp(-abs(delta) / 30) if delta is not None else 0.0,
            float(delta is not None and delta > 0),
            float(asks_quantity and new_quantity), float(asks_who and new_name)])
    return np.array(rows, dtype=np.float64).reshape(len(a.seen), len(FEATURES))


def token_maxsim(asked: Sequence[Asked], model: str | None = None) -> list[np.ndarray]:
    """Per question, each candidate's MaxSim (``TOKENS``)."""
    import numpy as np
    from sentence_transformers import SentenceTransformer

    from bot.understand import understand
    from index.chunk import split_sentences
    from index.embed import resolve_model_path
    from index.settings import DEFAULT_MODEL
    from index.store import STOPWORDS

    st = SentenceTransformer(resolve_model_path(model or DEFAULT_MODEL), device="cpu")

    def is_content(piece: str) -> bool:
        bare = piece.removeprefix("##")
        return piece not in st.tokenizer.all_special_tokens and bool(_WORD.match(bare)) \
            and bare.lower() not in STOPWORDS

    def content_tokens(texts: Sequence[str]) -> dict[str, np.ndarray]:
        texts = sorted(set(texts))
        out = {}
        for t, e in zip(texts, st.encode(texts, output_value="token_embeddings", batch_size=64,
                                         convert_to_numpy=False), strict=True):
            pieces = st.tokenizer.convert_ids_to_tokens(
                st.tokenizer(t, truncation=True, max_length=st.max_seq_length)["input_ids"])
            v = e.float().numpy()[[i for i, w in enumerate(pieces[:len(e)]) if is_content(w)]]
            out[t] = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        return out

    def sentences(text: str) -> list[str]:
        return [text[lo:hi] for lo, hi in split_sentences(text) or [(0, len(text))]]

    searched = [understand(a.question, as_of=a.as_of).text for a in asked]
    q_tokens = content_tokens(searched)
    s_tokens = content_tokens([x for a in asked for s in a.seen for x in sentences(s.text)])
    out = []
    for a, q in zip(asked, searched, strict=True):
        qv = q_tokens[q]
        col = []
        for s in a.seen:
            pv = np.vstack([s_tokens[x] for x in sentences(s.text)])
            col.append(float((qv @ pv.T).max(axis=1).mean()) if len(qv) and len(pv) else 0.0)
        out.append(np.array(col, dtype=np.float64))
    return out


def fit(data: Sequence[tuple[np.ndarray, np.ndarray]], cols: Sequence[int]) -> np.ndarray:
    """Listwise: maximise each question's softmax mass on its right candidates."""
    import numpy as np
    from scipy.optimize import minimize

    qs = [(x[:, cols], y) for x, y in data if y.any() and (~y).any()]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros(len(cols))
        for x, y in qs:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            mass = p[y].sum() + 1e-12
            total -= math.log(mass)
            grad -= (x[y] * p[y, None]).sum(0) / mass - (x * p[:, None]).sum(0)
        n = max(len(qs), 1)
        return total / n + L2 * w @ w, grad / n + 2 * L2 * w

    w0 = np.zeros(len(cols))
    w0[0] = 1.0
    return minimize(loss, w0, jac=True, method="L-BFGS-B").x


def first(x: np.ndarray, y: np.ndarray, w: np.ndarray, cols: Sequence[int]) -> int | None:
    """Rank of the first right candidate, scored with ``w`` on ``cols``, replayed as the
    harness replays (floor on passage and best-sentence cosine; no gap: ranks only)."""
    import numpy as np

    from bench.rerank_cv import Recorded, replay_first
    from bot.rank import RELEVANCE_FLOOR

    rec = Recorded(x[:, list(cols)], np.maximum(x[:, 0], x[:, 1]), y)
    return replay_first(rec, w, RELEVANCE_FLOOR)


def held_out(data, cols: Sequence[int], k: int) -> list[int | None]:
    from bench.metrics import kfold

    firsts: list[int | None] = [None] * len(data)
    for train, test in kfold(len(data), k):
        w = fit([data[i] for i in train], cols)
        for i in test:
            x, y = data[i]
            firsts[i] = first(x, y, w, cols)
    return firsts


def study(asked: Sequence[Asked], k: int = 5, maxsim: Sequence[np.ndarray] | None = None) -> str:
    """``maxsim``: ``token_maxsim``'s column, to study it too."""
    import numpy as np

    from bench.metrics import GROUPS, rank_metrics
    from bot.rerank import FeatureReranker

    data = [(matrix(a), np.array([s.correct for s in a.seen], dtype=bool)) for a in asked]
    if maxsim is not None:
        data = [(np.column_stack([x, m]), y) for (x, y), m in zip(data, maxsim, strict=True)]
    col = {f: i for i, f in enumerate(FEATURES + TOKENS)}
    shipped = FeatureReranker()
    w_now = np.array([shipped.w_dense, shipped.w_sentence, shipped.w_top2, shipped.w_coverage,
                      shipped.w_stated_day, shipped.w_period])
    firsts = {
        "dense (the candidates' cosine)": [first(x, y, np.ones(1), [0]) for x, y in data],
        "shipped weights": [first(x, y, w_now, range(len(SHIPPED))) for x, y in data],
    }
    sets = {"shipped six, fitted listwise": SHIPPED, "+ text signals": SHIPPED + TEXT,
            "+ as-of prior": SHIPPED + AS_OF, "+ both": SHIPPED + TEXT + AS_OF,
            "+ answer type": SHIPPED + ANSWER,
            "dense + as-of prior (baseline)": ("dense", *AS_OF)}
    if maxsim is not None:
        sets["+ token MaxSim"] = SHIPPED + TOKENS
    for name, names in sets.items():
        firsts[f"{name}, held out"] = held_out(data, [col[f] for f in names], k)
    groups = [a.group for a in asked]
    ceiling = np.mean([y.any() for _, y in data])
    head = "| ranking | all hit@1 / MRR@10 | " + " | ".join(
        f"{g} ({groups.count(g)})" for g in GROUPS) + " |"
    lines = [f"{len(asked)} questions; a right passage is among the candidates for "
             f"{ceiling:.3f} of them (the ceiling of any reranker here). {k}-fold, replayed.", "",
             head, "|---" * (2 + len(GROUPS)) + "|"]
    for name, f in firsts.items():
        cells = [rank_metrics(f)] + [rank_metrics([f[i] for i, g in enumerate(groups) if g == grp])
                                     for grp in GROUPS]
        lines.append(f"| {name} | " + " | ".join(f"{m['hit@1']:.3f} / {m['MRR@10']:.3f}"
                                                  if n else "–" for m, n in zip(
                                                      cells, [len(groups), *map(groups.count, GROUPS)],
                                                      strict=True)) + " |")
    full = [col[f] for f in SHIPPED + TEXT]
    base = rank_metrics(firsts["+ text signals, held out"])["MRR@10"]
    lines += ["", "Each text signal dropped from \"+ text signals\" (held-out MRR@10 it adds):", ""]
    for f in TEXT:
        m = rank_metrics(held_out(data, [c for c in full if c != col[f]], k))["MRR@10"]
        lines.append(f"- {f}: {base - m:+.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--limit", type=int, default=None, help="only N questions")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--tokens", action="store_true", help="study token MaxSim too (torch, ~5 min)")
    args = p.parse_args(argv)
    asked = record(args.limit)
    print(study(asked, args.folds, token_maxsim(asked) if args.tokens else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
