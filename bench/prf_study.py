"""Does pseudo-relevance feedback help the dense search? A study on RealTimeQA's dev questions.

    python bench/prf_study.py [--folds 5]

Each passage scores its cosine to the question plus beta times its cosine to the centroid of
the question's top m dense hits. (m, beta) is chosen by k-fold cross-validation (MRR@10 on the
training folds) and scored on the held-out fold, beside plain dense search (beta 0) on the rtqa
suite's index and stored vectors. Not shipped: every fold chose beta 0 on 3 Dec.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if TYPE_CHECKING:
    import numpy as np

MS = (3, 5, 10, 20)
BETAS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8)


def first_right(scores: np.ndarray, right: np.ndarray) -> int | None:
    import numpy as np

    from bench.metrics import first_hit

    return first_hit(bool(right[row]) for row in np.argsort(-scores)[:10])


def main(argv: list[str] | None = None) -> int:
    import numpy as np

    from bench.common import data_path, load_corpus, load_model, read_jsonl
    from bench.metrics import GROUPS, rank_metrics, time_group

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--folds", type=int, default=5)
    args = p.parse_args(argv)
    folder = data_path("rtqa")
    questions = read_jsonl(folder / "questions_dev.jsonl")
    embedder = load_model(None)
    corpus = load_corpus("rtqa", [folder / "articles.jsonl.gz"], embedder)
    vecs = corpus.vectors
    keys = np.array([corpus.record_key(r) for r in range(len(corpus.passages))])
    sims = embedder.embed([q["question"] for q in questions]) @ vecs.T
    right = [np.isin(keys, list(q["gold_ids"])) for q in questions]

    def firsts(m: int, beta: float, idx) -> list[int | None]:
        out = []
        for i in idx:
            s = sims[i]
            if beta:
                c = vecs[np.argpartition(-s, m)[:m]].mean(axis=0)
                s = s + beta * (vecs @ (c / np.linalg.norm(c)))
            out.append(first_right(s, right[i]))
        return out

    def mrr(f: list[int | None]) -> float:
        return rank_metrics(f)["MRR@10"]

    order = np.random.default_rng(0).permutation(len(questions))
    folds = np.array_split(order, args.folds)
    held: dict[int, int | None] = {}
    for k, test in enumerate(folds):
        train = np.concatenate([f for j, f in enumerate(folds) if j != k])
        m, beta = max(((m, b) for m in MS for b in BETAS), key=lambda mb: mrr(firsts(*mb, train)))
        print(f"fold {k + 1}: m {m}, beta {beta}", flush=True)
        held.update(zip(test.tolist(), firsts(m, beta, test), strict=True))
    dense = dict(enumerate(firsts(MS[0], 0.0, range(len(questions)))))
    groups = [time_group(q["question"]) for q in questions]
    print("| questions | dense hit@1 / MRR@10 | dense + feedback, held out |\n|---|---|---|")
    for g in ("all", *GROUPS):
        rows = [i for i in range(len(questions)) if g == "all" or groups[i] == g]
        d = rank_metrics([dense[i] for i in rows])
        h = rank_metrics([held[i] for i in rows])
        print(f"| {g} ({len(rows)}) | {d['hit@1']:.3f} / {d['MRR@10']:.3f} "
              f"| {h['hit@1']:.3f} / {h['MRR@10']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
