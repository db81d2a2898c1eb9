"""``python -m bot``: ask questions of an index, or lay out the timeline of a topic."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from index.config import default_index_dir
from index.errors import TimelineError, run_command


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return run_command(args.func, args)


def _parser() -> argparse.ArgumentParser:
    from bot.query import MAX_QUESTION_CHARS

    p = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = p.add_subparsers(required=True, metavar="COMMAND")
    a = sub.add_parser("ask", help="dated excerpts that answer each question",
                       description=f"Questions are limited to {MAX_QUESTION_CHARS} characters.")
    a.add_argument("questions", nargs="+", metavar="QUESTION",
                   help="one or more questions; '-' reads one question per line from stdin")
    _common(a)
    a.add_argument("--k", type=int, default=8, help="results per question (1-50, default 8)")
    a.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    a.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    a.add_argument("--source", dest="sources", action="append", default=[],
                   help="only this outlet (repeatable)")
    a.add_argument("--order", choices=("relevance", "time"), default=None,
                   help="default: time for the readable form, relevance for --json")
    a.set_defaults(func=_ask)

    t = sub.add_parser("timeline", help="the key dates of a topic, with what happened on each")
    t.add_argument("topic", nargs="+", metavar="TOPIC")
    _common(t)
    t.add_argument("--dates", type=int, default=8, help="how many dates (default 8)")
    t.set_defaults(func=_timeline)
    return p


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index-dir", type=Path, default=None,
                   help="default: $TIMELINE_INDEX_DIR, else ~/.local/share/timeline-bot/index")
    p.add_argument("--model", default=None, help="override the model the index was built with")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--reranker", default=None, metavar="NAME_OR_PATH",
                   help="a sentence-transformers cross-encoder (local path or cached name) to "
                        "rerank with, instead of the built-in feature reranker")


def _questions(raw: Sequence[str]) -> list[str]:
    out: list[str] = []
    for q in raw:
        out.extend((line for line in sys.stdin.read().splitlines() if line.strip()) if q == "-" else [q])
    return out


def _ask(args: argparse.Namespace) -> int:
    from bot.answer import render_text
    from bot.query import parse_day, validate

    date_from, date_to = parse_day(args.date_from, "--from"), parse_day(args.date_to, "--to")
    questions = _questions(args.questions)
    if not questions:
        raise TimelineError("no question given: pass QUESTION or pipe lines to '-'")
    order = args.order or ("relevance" if args.json else "time")
    for q in questions:  # every question is checked before the model loads
        validate(q, k=args.k, date_from=date_from, date_to=date_to, order=order)
    bot = _load_bot(args)
    for i, q in enumerate(questions):
        answer = bot.ask(q, k=args.k, date_from=date_from, date_to=date_to,
                         sources=args.sources, order=order)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(("\n" if i else "") + render_text(answer), flush=True)
    return 0


def _load_bot(args: argparse.Namespace):  # noqa: ANN202 - bot.engine is imported lazily
    from bot.engine import Bot
    from bot.rank import CrossEncoderReranker

    reranker = CrossEncoderReranker(args.reranker) if args.reranker else None
    return Bot.load(args.index_dir or default_index_dir(), model=args.model, reranker=reranker)


def _timeline(args: argparse.Namespace) -> int:
    from bot.timeline import render_timeline

    if not 1 <= args.dates <= 100:
        raise TimelineError("--dates must be between 1 and 100")
    bot = _load_bot(args)
    tl = bot.timeline(" ".join(args.topic), n_dates=args.dates)
    print(json.dumps(tl.to_json(), ensure_ascii=False) if args.json else render_timeline(tl))
    return 0


if __name__ == "__main__":
    sys.exit(main())
