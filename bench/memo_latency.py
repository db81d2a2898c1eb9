"""What the sentence memo (bot/memo.py) saves per question, against the same Bot without it.

    python bench/memo_latency.py [--questions 300] [--capacity 32768]

RealTimeQA's dev questions (N spread over the file, or all with 0), each asked as of its date
through ``Bot.ask`` on the rtqa suite's index: first with the memo's capacity at 0 (the
baseline: every sentence embedded each time), then with it, each pass in a fresh memo. The
saving depends on how often the same passages come back, so run it at more than one N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed_pass(bot, questions, capacity: int) -> tuple[list[float], int]:
    from bot.memo import MemoEmbedder

    bot._memo = MemoEmbedder(bot.embedder, capacity=capacity)
    times = []
    for q in questions:
        t0 = time.perf_counter()
        bot.ask(q["question"], k=10, as_of=dt.date.fromisoformat(q["question_date"]))
        times.append((time.perf_counter() - t0) * 1000)
    return times, len(bot._memo)


def main(argv: list[str] | None = None) -> int:
    from bench.common import data_path, load_corpus, load_model, read_jsonl, spread
    from bench.metrics import percentile
    from bot.memo import CAPACITY

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--questions", type=int, default=300, help="N spread over the file; 0: all")
    p.add_argument("--capacity", type=int, default=CAPACITY)
    args = p.parse_args(argv)
    folder = data_path("rtqa")
    questions = spread(read_jsonl(folder / "questions_dev.jsonl"), args.questions or None)
    embedder = load_model(None)
    bot = load_corpus("rtqa", [folder / "articles.jsonl.gz"], embedder).bot
    bot.ask("a first question loads the model", k=10)
    rows = []
    for name, cap in (("memo off (baseline)", 0), (f"memo of {args.capacity:,}", args.capacity)):
        times, held = timed_pass(bot, questions, cap)
        rows.append((name, percentile(times, 50), percentile(times, 95), held))
    base = rows[0][1]
    print(f"| {len(questions)} rtqa questions, one process | ask p50 | ask p95 | sentences held "
          "| p50 / baseline |")
    print("|---|---|---|---|---|")
    for name, p50, p95, held in rows:
        print(f"| {name} | {p50:.0f} ms | {p95:.0f} ms | {held:,} | {p50 / base:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
