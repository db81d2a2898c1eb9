"""The relevance floor of a question's own time (``bot.answer.RANGE_FLOOR``), chosen by k-fold
cross-validation.

It matters only where nothing in the question's time ("this week", as of the day of asking)
reaches the usual floor: those questions are asked again at each floor of the grid. The usual
floor itself (``RELEVANCE_FLOOR``) means no second look: the answer falls back to any date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bench.metrics import first_hit, kfold, rank_metrics
from bench.tables import table
from bot.rank import RELEVANCE_FLOOR

RANGE_FLOORS = (0.10, 0.15, 0.20, 0.25, RELEVANCE_FLOOR)
K = 10


def study(bot, questions: Sequence, is_correct: Callable[[int, object], bool], *,
          folds: int = 5) -> str:
    """``questions``: each with ``text`` and ``as_of``; ``is_correct(i, hit)``. Markdown."""
    from bot.answer import RANGE_FLOOR, answer

    firsts: list[dict[float, int | None]] = []
    fell_back = {f: 0 for f in RANGE_FLOORS}
    for i, q in enumerate(questions):
        uq = bot.understand(q.text, as_of=q.as_of)
        if uq.fallback_filter() is None:
            continue  # the question's time set no range of its own
        row: dict[float, int | None] = {}
        for f in RANGE_FLOORS:
            with bot.snapshot() as index:
                a = answer(index, bot.ranker, uq, k=K, range_floor=f)
            if f == RELEVANCE_FLOOR and not (a.fell_back or not a.hits):
                break  # something in its time reached the usual floor: no floor of the grid matters
            row[f] = first_hit(is_correct(i, h) for h in a.hits)
            fell_back[f] += a.fell_back
        else:
            firsts.append(row)
    if not firsts:
        return "Range floor: no question's own time left nothing at the usual floor."

    def mrr(rows: Sequence[int], f: float) -> float:
        return rank_metrics([firsts[r][f] for r in rows])["MRR@10"]

    held: list[int | None] = [None] * len(firsts)
    chosen = []
    for train, test in kfold(len(firsts), min(folds, len(firsts))):
        # ties go to the higher floor: the less shown, the better
        f = max(RANGE_FLOORS, key=lambda x: (round(mrr(train, x), 9), x))
        chosen.append(f)
        for r in test:
            held[r] = firsts[r][f]
    every = max(RANGE_FLOORS, key=lambda x: (round(mrr(range(len(firsts)), x), 9), x))

    def name(f: float) -> str:
        return (f"floor {f:.2f}" + (" (the usual: fall back at once)" if f == RELEVANCE_FLOOR else "")
                + (" (shipped)" if f == RANGE_FLOOR else ""))

    figures = {name(f): rank_metrics([r[f] for r in firsts]) for f in RANGE_FLOORS}
    figures["each fold's floor, held out"] = rank_metrics(held)
    extra = {name(f): {"fell back to any date": str(fell_back[f])} for f in RANGE_FLOORS}
    return "\n".join([
        f"Range floor (bot.answer.RANGE_FLOOR): the {len(firsts)} questions whose own time left "
        "nothing at the usual floor, asked again at each floor of their time before falling back "
        f"to any date. Chosen by {len(chosen)}-fold cross-validation (MRR@10 on the training "
        f"folds): {', '.join(f'{f:.2f}' for f in chosen)}; on all of them {every:.2f}.", "",
        table(figures, ("hit@1", "hit@5", "MRR@10"), baselines=[name(RELEVANCE_FLOOR)],
              extra=extra)])
