"""Seed questions: bench/questions.jsonl asked of the bundled corpus (data/articles).

A result is correct when its text contains one of the question's expected phrases (quotes and
spaces folded). The questions were written by the project; the reranker was once tuned on
them, which is why the retuned row is the held-out folds' figure.
"""

from __future__ import annotations

import json

from bench.common import ROOT, load_corpus, load_model
from bench.suites._retrieval import Question, run_suite

QUESTIONS = ROOT / "bench" / "questions.jsonl"
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def fold(text: str) -> str:
    return " ".join(text.translate(_FOLD).split())


def load_questions(limit: int | None = None) -> list[dict]:
    from bench.common import spread

    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    return spread(rows, limit)


def run(limit: int | None = None, *, model: str | None = None, reranker=None) -> str:
    from index.settings import BUNDLED_CORPUS

    rows = load_questions(limit)
    embedder = load_model(model)
    corpus = load_corpus("questions", [BUNDLED_CORPUS], embedder)
    expects = [[fold(w) for w in ([r["expect"]] if isinstance(r["expect"], str) else r["expect"])]
               for r in rows]

    def is_correct(i: int, key: str, text: str) -> bool:
        t = fold(text)
        return any(w in t for w in expects[i])

    out = run_suite(f"questions: bench/questions.jsonl on data/articles ({len(corpus.passages)} "
                    f"passages, model {embedder.name})", corpus,
                    [Question(r["q"]) for r in rows], is_correct, reranker=reranker,
                    last_day=max((a.published for a in corpus.articles.values() if a.published),
                                 default=None))
    print(out)
    return out
