"""RealTimeQA: news-quiz questions (2020-2022) over 5,070 dated answer passages (2020-2026).

Each question is asked as of its question_date, as a reader asked it, and again without an
as-of date. A result is correct when it comes from one of the question's gold records.
``limit`` N takes N questions spread over the file, asked of the whole corpus; up to
``SMALL`` of them are asked of a small corpus instead, their gold records plus 10 N others
spread over the file (a deterministic index for quick runs and tests).
"""

from __future__ import annotations

import datetime as dt

from bench import range_floor
from bench.common import cache_dir, data_path, load_corpus, load_model, read_jsonl, spread, write_jsonl
from bench.suites._retrieval import Question, record_of, run_suite

SMALL = 20


def select(limit: int | None, folder=None):
    """(questions, corpus file, selection tag)."""
    folder = data_path("rtqa", folder)
    questions = spread(read_jsonl(folder / "questions_dev.jsonl"), limit)
    articles = folder / "articles.jsonl.gz"
    records = read_jsonl(articles)
    if not limit or limit > SMALL:
        return questions, articles, ""
    gold = {g for q in questions for g in q["gold_ids"]}
    chosen = [r for r in records if r["id"] in gold]
    chosen += spread([r for r in records if r["id"] not in gold], 10 * limit)
    path = cache_dir("rtqa", f"subset-{limit}.jsonl.gz")
    write_jsonl(chosen, path)
    return questions, path, f"limit={limit}"


def run(limit: int | None = None, *, model: str | None = None, reranker=None, data=None) -> str:
    questions, articles, tag = select(limit, data)
    embedder = load_model(model)
    corpus = load_corpus("rtqa", [articles], embedder, selection=tag)
    golds = [set(q["gold_ids"]) for q in questions]

    def is_correct(i: int, key: str, text: str) -> bool:
        return key in golds[i]

    asked = [Question(q["question"], dt.date.fromisoformat(q["question_date"])) for q in questions]
    out = run_suite(f"rtqa: RealTimeQA dev, {len(questions)} questions, {len(corpus.passages)} "
                    f"passages, model {embedder.name}", corpus, asked, is_correct, reranker=reranker,
                    note="Asked as of each question's date; baselines read the question's time "
                         "as of the same date.")
    out += "\n" + range_floor.study(corpus.bot, asked, lambda i, h: record_of(h) in golds[i]) + "\n"
    print(out)
    return out
