"""Retrieval quality on the bundled corpus: the project against two naive baselines.

    python bench/quality.py [--model NAME_OR_PATH] [--index-dir DIR] [--show-misses]

Reports hit@1, hit@5 and MRR@10 on bench/questions.jsonl (a result is correct when its text
contains one of the question's expected phrases), for
  * project: the full bot (hybrid dense + FTS5 BM25, fusion, rerank, merge),
  * dense-500: fixed 500-character chunks, dense only (same model),
  * bm25-500: the same chunks with plain BM25 (Okapi, k1=1.5, b=0.75).
It also prints the relevance of the top result for on-topic and off-topic questions, the
numbers RELEVANCE_FLOOR in bot/engine.py was calibrated on.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = ROOT / "bench" / "questions.jsonl"
OFF_TOPIC = [
    "What is the capital of Australia?", "How do I bake sourdough bread?",
    "Who won the 2018 FIFA World Cup?", "What is the boiling point of water at sea level?",
    "Best budget smartphone camera", "How many moons does Jupiter have?",
    "Recipe for a vegan lasagna", "Who painted the Mona Lisa?",
]
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    return " ".join(text.translate(_FOLD).split())


def is_correct(question: dict, text: str) -> bool:
    """A passage answers when it contains one of the question's expected phrases."""
    want = question["expect"]
    return any(fold(w) in fold(text) for w in ([want] if isinstance(want, str) else want))


def load_questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]


def scores(ranked: Sequence[Sequence[str]], questions: Sequence[dict]) -> dict[str, float]:
    h1 = h5 = mrr = 0.0
    for texts, q in zip(ranked, questions, strict=True):
        ranks = [i for i, t in enumerate(texts[:10], 1) if is_correct(q, t)]
        first = ranks[0] if ranks else None
        h1 += first == 1
        h5 += bool(first and first <= 5)
        mrr += 1.0 / first if first else 0.0
    n = len(questions)
    return {"hit@1": h1 / n, "hit@5": h5 / n, "mrr@10": mrr / n}


def fixed_chunks(texts: Sequence[str], size: int = 500) -> list[str]:
    return [t[i:i + size] for t in texts for i in range(0, len(t), size)]


def bm25_ranker(chunks: Sequence[str], k1: float = 1.5, b: float = 0.75) -> Callable[[str], list[str]]:
    docs = [Counter(_WORD.findall(c.lower())) for c in chunks]
    lengths = [sum(d.values()) for d in docs]
    avg = sum(lengths) / len(lengths)
    df = Counter(w for d in docs for w in d)
    n = len(docs)

    def rank(query: str) -> list[str]:
        terms = _WORD.findall(query.lower())
        s = []
        for d, length in zip(docs, lengths, strict=True):
            total = 0.0
            for t in terms:
                if t in d:
                    idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                    total += idf * d[t] * (k1 + 1) / (d[t] + k1 * (1 - b + b * length / avg))
            s.append(total)
        order = sorted(range(n), key=lambda i: -s[i])
        return [chunks[i] for i in order[:10]]

    return rank


def dense_ranker(chunks: Sequence[str], embed: Callable[[list[str]], object]) -> Callable[[str], list[str]]:
    import numpy as np

    mat = np.asarray(embed(list(chunks)))

    def rank(query: str) -> list[str]:
        sims = mat @ np.asarray(embed([query]))[0]
        return [chunks[i] for i in np.argsort(-sims)[:10]]

    return rank


def main() -> int:
    from bot.engine import Bot
    from index.build import build_index
    from index.config import BUNDLED_CORPUS
    from index.embed import load_embedder
    from index.ingest import read_paths
    from index.models import Article

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=None)
    p.add_argument("--route", default=None, help="embedding route (default: chosen for this CPU)")
    p.add_argument("--index-dir", type=Path, default=None, help="default: a fresh temporary index")
    p.add_argument("--show-misses", action="store_true")
    args = p.parse_args()

    questions = load_questions()
    embedder = load_embedder(args.model, route=args.route)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index_dir or Path(tmp) / "index"
        build_index([BUNDLED_CORPUS], index_dir, embedder=embedder)
        bot = Bot.load(index_dir, model=embedder.name)
        bot.embedder = embedder
        answers = [bot.ask(q["q"], k=10) for q in questions]
        project = [[h.passage.text for h in a.hits] for a in answers]

        articles = [a for a in read_paths([BUNDLED_CORPUS]) if isinstance(a, Article)]
        chunks = fixed_chunks([a.text for a in articles])
        dense = dense_ranker(chunks, embedder.embed)
        bm25 = bm25_ranker(chunks)
        rows = {
            "project": scores(project, questions),
            "dense-500": scores([dense(q["q"]) for q in questions], questions),
            "bm25-500": scores([bm25(q["q"]) for q in questions], questions),
        }
        para = [i for i, q in enumerate(questions) if q.get("kind") == "paraphrase"]
        rows["project (paraphrases)"] = scores([project[i] for i in para], [questions[i] for i in para])

        print(f"questions: {len(questions)} ({len(para)} paraphrases) · model: {embedder.name}")
        print(f"{'system':<24}{'hit@1':>8}{'hit@5':>8}{'mrr@10':>8}")
        for name, r in rows.items():
            print(f"{name:<24}{r['hit@1']:>8.3f}{r['hit@5']:>8.3f}{r['mrr@10']:>8.3f}")
        base = max(rows["dense-500"]["mrr@10"], rows["bm25-500"]["mrr@10"])
        print(f"MRR@10 ratio, project / best baseline: {rows['project']['mrr@10'] / base:.2f}")

        on = [max((bot._rank(bot.index, embedder.embed([q['q']])[0], q["q"],
                              _no_filter(), pool=60, rerank=1) or [None])[:1],
                  key=lambda s: 0 if s is None else s.relevance) for q in questions]
        off = [bot.ask(q, k=5) for q in OFF_TOPIC]
        on_rel = sorted(s.relevance for s in on if s is not None)
        print(f"top relevance, on-topic: min {on_rel[0]:.3f} median {on_rel[len(on_rel) // 2]:.3f}")
        print(f"off-topic answered with passages: {sum(bool(a.hits) for a in off)}/{len(off)}")
        if args.show_misses:
            for q, texts in zip(questions, project, strict=True):
                if not any(is_correct(q, t) for t in texts[:5]):
                    print("MISS:", q["q"], "| top:", fold(texts[0])[:100] if texts else None)
    return 0


def _no_filter():
    from index.store import Filter

    return Filter()


if __name__ == "__main__":
    sys.exit(main())
