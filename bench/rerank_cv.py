"""Retuning the project's reranker honestly: weights chosen by k-fold cross-validation.

One pass of the real pipeline records, per question, the candidates the reranker scored
(``RecordingReranker`` wraps the project's ``FeatureReranker``, so the pass is also the
project's own run). A grid of weight vectors is then scored on those features, per fold, on
the training questions only; each fold's best vector is what the held-out questions are asked
with, through ``Bot`` again. The relevance floor is calibrated the same way: the floor that
best separates right from wrong top results (F1 of "show the top result") on the training
folds, reported on the held-out ones.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from bench.metrics import kfold

if TYPE_CHECKING:
    import numpy as np

# FeatureReranker's weights, in the order of ``features``
WEIGHTS = ("w_dense", "w_sentence", "w_top2", "w_coverage", "w_stated_day", "w_period", "w_later")
GRID = {
    "w_dense": (0.0, 0.2, 0.5, 1.0),
    "w_sentence": (0.35, 0.7, 1.4),
    "w_top2": (0.0, 0.45, 0.9),
    "w_coverage": (0.0, 0.1, 0.2, 0.4, 0.8),
    "w_stated_day": (0.0, 0.06, 0.15),
    "w_period": (0.0, 0.1, 0.2, 0.3, 0.5),
    "w_later": (0.0, 0.1, 0.3, 1.0, 3.0),
}
FLOORS = tuple(round(0.1 + 0.025 * i, 3) for i in range(17))  # 0.10 ... 0.50
GAPS = tuple(round(0.2 + 0.05 * i, 2) for i in range(9))  # 0.20 ... 0.60
# The gap below the best result's score may cost at most this share of the right results
# shown after the first (set a priori: a lost answer costs more than a noisy one).
MAX_LOST = 0.01


@dataclass(frozen=True)
class Recorded:
    """One question's candidates as the reranker saw them, with whether each is correct."""

    feats: np.ndarray  # (n, len(WEIGHTS))
    relevance: np.ndarray  # what the floor is judged on: max(passage, best-sentence cosine)
    correct: np.ndarray  # bool


class RecordingReranker:
    """Scores like ``inner`` and keeps the last call's features and texts."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.gap = getattr(inner, "gap", None)
        self.first_gap = getattr(inner, "first_gap", None)
        self.spread = getattr(inner, "spread", None)
        self.last: tuple[Any, list[str]] | None = None

    def scores(self, question: str, items: Sequence[Any], *, weights: Mapping[str, float]) -> list[float]:
        self.last = (features(items, weights), [it.text for it in items])
        return self.inner.scores(question, items, weights=weights)


def features(items: Sequence[Any], weights: Mapping[str, float]) -> np.ndarray:
    import numpy as np

    from bot.rerank import coverage, says_its_day

    return np.array([[it.dense, it.sentences.best, it.sentences.top2,
                      coverage(weights, f"{it.title}\n{it.text}"), float(says_its_day(it)),
                      float(it.in_period), -float(it.later)]
                     for it in items], dtype=np.float64).reshape(len(items), len(WEIGHTS))


def record(rec: RecordingReranker, correct: Callable[[str], bool]) -> Recorded:
    """What the last ``bot.ask`` showed the reranker (nothing when no candidate passed)."""
    import numpy as np

    if rec.last is None:
        z = np.zeros((0, len(WEIGHTS)))
        return Recorded(z, np.zeros(0), np.zeros(0, dtype=bool))
    feats, texts = rec.last
    rec.last = None
    rel = np.maximum(feats[:, 0], feats[:, 1]) if len(feats) else np.zeros(0)
    return Recorded(feats, rel, np.array([correct(t) for t in texts], dtype=bool))


def grid() -> np.ndarray:
    import numpy as np

    return np.array(list(itertools.product(*(GRID[w] for w in WEIGHTS))), dtype=np.float64)


def current_weights() -> np.ndarray:
    import numpy as np

    from bot.rerank import FeatureReranker

    r = FeatureReranker()
    return np.array([getattr(r, w) for w in WEIGHTS], dtype=np.float64)


def reciprocal_ranks(recs: Sequence[Recorded], ws: np.ndarray, floor: float) -> np.ndarray:
    """(questions, weight vectors): 1/rank of the first correct candidate (0 beyond 10 or
    absent). Ties count against the correct one; candidates under the floor are dropped."""
    import numpy as np

    out = np.zeros((len(recs), len(ws)))
    for q, r in enumerate(recs):
        keep = r.relevance >= floor
        if not (r.correct & keep).any():
            continue
        s = r.feats[keep] @ ws.T  # (n, W)
        ok = r.correct[keep]
        best = s[ok].max(axis=0)
        rank = 1 + (s[~ok] >= best).sum(axis=0)
        out[q] = np.where(rank <= 10, 1.0 / rank, 0.0)
    return out


def fit_weights(recs: Sequence[Recorded], floor: float, *, without: int | None = None) -> np.ndarray:
    """The grid's best MRR@10 on ``recs``; ties go to the vector nearest the current one.
    ``without``: that feature's weight held at 0 (the ablation)."""
    import numpy as np

    ws = grid()
    if without is not None:
        ws[:, without] = 0.0
        ws = np.unique(ws, axis=0)
    mrr = reciprocal_ranks(recs, ws, floor).mean(axis=0)
    near = -np.abs(ws - current_weights()).sum(axis=1)
    best = max(range(len(ws)), key=lambda i: (round(mrr[i], 9), near[i]))
    return ws[best]


def as_vector(weights: Mapping[str, float]) -> np.ndarray:
    import numpy as np

    return np.array([weights[w] for w in WEIGHTS], dtype=np.float64)


def shown(r: Recorded, w: np.ndarray, floor: float, gap: float | None = None) -> np.ndarray:
    """The recorded candidates ``Bot.ask`` would show, best first: scored with ``w``, those
    under the floor or scoring ``gap`` below the first one dropped (near-duplicates are not
    merged, unlike ``Bot.ask``)."""
    import numpy as np

    keep = np.flatnonzero(r.relevance >= floor)
    scores = r.feats @ w
    order = keep[np.argsort(-scores[keep], kind="stable")][:10]
    if gap is not None and len(order):
        order = order[scores[order] >= scores[order[0]] - gap]
    return order


def replay_first(r: Recorded, w: np.ndarray, floor: float, gap: float | None = None) -> int | None:
    """The rank of the first correct candidate among those ``shown``."""
    for rank, i in enumerate(shown(r, w, floor, gap), 1):
        if r.correct[i]:
            return rank
    return None


def floor_f1(recs: Sequence[Recorded], floor: float, w: np.ndarray) -> float:
    """F1 of "show the top result when its relevance reaches the floor" against its correctness."""
    tp = fp = fn = 0
    for r in recs:
        if not len(r.feats):
            continue
        top = int((r.feats @ w).argmax())
        shown, right = r.relevance[top] >= floor, bool(r.correct[top])
        tp += shown and right
        fp += shown and not right
        fn += right and not shown
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def fit_floor(recs: Sequence[Recorded], w: np.ndarray) -> float:
    return max(FLOORS, key=lambda f: (round(floor_f1(recs, f, w), 9), -abs(f - 0.30)))


def gap_cuts(recs: Sequence[Recorded], w: np.ndarray, floor: float, gap: float) -> tuple[float, float]:
    """Of the results shown after the first without a gap: the share of right ones and of wrong
    ones that ``gap`` drops."""
    import numpy as np

    right = [0, 0]
    wrong = [0, 0]
    for r in recs:
        before, after = shown(r, w, floor)[1:], set(shown(r, w, floor, gap).tolist())
        dropped = np.array([i not in after for i in before], dtype=bool)
        for tally, mask in ((right, r.correct[before]), (wrong, ~r.correct[before])):
            tally[0] += int((mask & dropped).sum())
            tally[1] += int(mask.sum())
    return right[0] / max(right[1], 1), wrong[0] / max(wrong[1], 1)


def fit_gap(recs: Sequence[Recorded], w: np.ndarray, floor: float) -> float:
    """The narrowest gap that drops at most MAX_LOST of the right results after the first."""
    return next((g for g in GAPS if gap_cuts(recs, w, floor, g)[0] <= MAX_LOST), GAPS[-1])


@dataclass(frozen=True)
class Fold:
    test: list[int]
    weights: dict[str, float]
    floor: float
    gap: float


def cross_validate(recs: Sequence[Recorded], *, k: int = 5, floor: float = 0.30,
                   seed: int = 0) -> list[Fold]:
    """Per fold: weights fitted on the training questions (at the current floor), then the
    floor fitted with those weights."""
    out = []
    for train, test in kfold(len(recs), k, seed):
        tr = [recs[i] for i in train]
        w = fit_weights(tr, floor)
        out.append(Fold(test, dict(zip(WEIGHTS, map(float, w), strict=True)), fit_floor(tr, w),
                        fit_gap(tr, w, floor)))
    return out


def ablation(recs: Sequence[Recorded], *, k: int = 5, floor: float = 0.30, seed: int = 0) -> str:
    """Markdown: what each feature earns on held-out folds. Every row refits the weights per
    fold by the same grid, once with every feature and once with each one held at 0, and
    replays the held-out questions."""
    from bench.metrics import rank_metrics

    folds = kfold(len(recs), k, seed)
    rows: dict[str, dict[str, float]] = {}
    for name, without in [("every feature", None),
                          *((f"without {w[2:]}", j) for j, w in enumerate(WEIGHTS))]:
        firsts: list[int | None] = [None] * len(recs)
        for train, test in folds:
            w = fit_weights([recs[i] for i in train], floor, without=without)
            for i in test:
                firsts[i] = replay_first(recs[i], w, floor)
        rows[name] = rank_metrics(firsts)
    full = rows["every feature"]
    lines = ["| features | hit@1 | hit@5 | MRR@10 | what the feature adds to MRR@10 |",
             "|---|---|---|---|---|"]
    for name, m in rows.items():
        adds = "" if name == "every feature" else f"{full['MRR@10'] - m['MRR@10']:+.3f}"
        lines.append(f"| {name} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['MRR@10']:.3f} | {adds} |")
    return "\n".join(lines)


def reranker_for(weights: Mapping[str, float]) -> Any:
    """A FeatureReranker with these weights (and "gap", if given); the rest as shipped."""
    from bot.rerank import FeatureReranker

    names = {f.name for f in fields(FeatureReranker)}
    return FeatureReranker(**{k: v for k, v in weights.items() if k in names})


def describe(weights: Mapping[str, float]) -> str:
    return ", ".join(f"{k[2:]} {v:g}" for k, v in weights.items())


def cv_report(recs: Sequence[Recorded], folds: Sequence[Fold], held_out_firsts: Sequence[int | None],
              *, floor: float = 0.30, replayed: bool = False) -> str:
    """Markdown: each fold's weights, floor and gap, the weights fitted on all questions, and
    the floor's and the gap's held-out figures against the current ones'."""
    import numpy as np

    from bench.metrics import rank_metrics
    from bot.rerank import FeatureReranker

    cur, cur_gap = current_weights(), FeatureReranker().gap
    lines = ["| fold | questions | weights (training folds) | floor | gap |", "|---|---|---|---|---|"]
    for i, f in enumerate(folds, 1):
        lines.append(f"| {i} | {len(f.test)} | {describe(f.weights)} | {f.floor:.3f} | {f.gap:.2f} |")
    every = fit_weights(recs, floor)
    all_w = dict(zip(WEIGHTS, map(float, every), strict=True))
    f1_new = np.mean([floor_f1([recs[i] for i in f.test], f.floor, as_vector(f.weights))
                      for f in folds])
    f1_cur = np.mean([floor_f1([recs[i] for i in f.test], floor, cur) for f in folds])
    cuts_new = np.mean([gap_cuts([recs[i] for i in f.test], as_vector(f.weights), floor, f.gap)
                        for f in folds], axis=0)
    cuts_cur = gap_cuts(recs, cur, floor, cur_gap) if cur_gap is not None else (0.0, 0.0)
    m = rank_metrics(held_out_firsts)
    how = ("each fold's weights replayed on the candidates the reranker saw" if replayed
           else "asked through `Bot` with each fold's weights")
    lines += ["", f"Weights fitted on all questions (what to ship): {describe(all_w)}; "
              f"floor {fit_floor(recs, every):.3f}; gap {fit_gap(recs, every, floor):.2f}.",
              f"Held-out folds, {how}: hit@1 {m['hit@1']:.3f}, "
              f"hit@5 {m['hit@5']:.3f}, MRR@10 {m['MRR@10']:.3f}.",
              f"Floor, held-out F1 of showing the top result only when it is right: "
              f"{f1_new:.3f} with each fold's floor, {f1_cur:.3f} with the current {floor:.2f}.",
              f"Gap below the first result's score, of the results shown after the first: "
              f"held out, each fold's gap drops {cuts_new[0]:.1%} of the right ones and "
              f"{cuts_new[1]:.1%} of the wrong ones; the current {cur_gap} on every "
              f"question, {cuts_cur[0]:.1%} and {cuts_cur[1]:.1%}."]
    return "\n".join(lines)
