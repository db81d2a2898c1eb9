"""``python -m bot``: ask questions of an index, or lay out the timeline of a topic."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.questions import Asked, read_questions
from bot.render import render_text, render_timeline
from bot.understand import MAX_DATES, MAX_K, MAX_QUESTION_CHARS, check_dates, check_k, parse_day
from index.errors import TimelineError, run_command
from index.settings import load_settings

if TYPE_CHECKING:
    from bot.engine import Bot


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return run_command(args.func, args)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = p.add_subparsers(required=True, metavar="COMMAND")
    a = sub.add_parser(
        "ask", help="dated excerpts that answer each question",
        description=f"Questions are limited to {MAX_QUESTION_CHARS} characters. With '-', each "
                    "line of stdin is a question, or a JSON object with \"question\" and any of "
                    "\"as_of\", \"from\", \"to\", \"sources\" (these override the flags).")
    a.add_argument("questions", nargs="+", metavar="QUESTION",
                   help="one or more questions; '-' reads one question per line from stdin")
    _common(a)
    a.add_argument("--k", type=int, default=8, help=f"results per question (1-{MAX_K}, default 8)")
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
    t.add_argument("--dates", type=int, default=8, help=f"how many dates (1-{MAX_DATES}, default 8)")
    t.set_defaults(func=_timeline)
    return p


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index-dir", type=Path, default=None,
                   help="default: $TIMELINE_INDEX_DIR, else ~/.local/share/timeline-bot/index")
    p.add_argument("--model", default=None, help="override the model the index was built with")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                   help="the day relative time words ('this week', 'in March') are read against; "
                        "an answer ranks sources published after it lower, a timeline leaves "
                        "them out. "
                        "Default: today if the corpus reaches within 4 weeks of it, else the "
                        "corpus' last date")
    p.add_argument("--server", metavar="URL", default=None,
                   help="ask a running app (python app.py) at URL instead of loading the model "
                        "here: fast for many questions")
    p.add_argument("--reranker", default=None, metavar="NAME_OR_PATH",
                   help="a sentence-transformers cross-encoder (local path or cached name) to "
                        "rerank with, instead of the built-in feature reranker")


def _ask(args: argparse.Namespace) -> int:
    check_k(args.k)
    defaults = Asked("", parse_day(args.date_from, "--from"), parse_day(args.date_to, "--to"),
                     tuple(args.sources), parse_day(args.as_of, "--as-of"))
    stdin = sys.stdin if "-" in args.questions else []
    questions = read_questions(args.questions, stdin, defaults)  # all checked before any load
    if not questions:
        raise TimelineError("no question given: pass QUESTION or pipe lines to '-'")
    order = args.order or ("relevance" if args.json else "time")
    ask = _asker(args, order)
    for i, asked in enumerate(questions):
        result = ask(asked)
        if args.json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        else:
            print(("\n" if i else "") + render_text(result), flush=True)
    return 0


def _asker(args: argparse.Namespace, order: str):  # noqa: ANN202 - a closure over one backend
    if args.server:
        from bot.remote import Remote

        remote = Remote(args.server)
        return lambda a: remote.search(a, k=args.k, order=order)
    bot = _load_bot(args)

    def ask(a: Asked) -> dict[str, Any]:
        return bot.ask(a.question, k=args.k, date_from=a.date_from, date_to=a.date_to,
                       sources=a.sources, order=order, as_of=a.as_of).to_json()
    return ask


def _load_bot(args: argparse.Namespace) -> Bot:
    from bot.engine import Bot
    from bot.rerank import CrossEncoderReranker

    reranker = CrossEncoderReranker(args.reranker) if args.reranker else None
    return Bot.load(args.index_dir or load_settings().index_dir, model=args.model, reranker=reranker)


def _timeline(args: argparse.Namespace) -> int:
    check_dates(args.dates)
    topic = " ".join(args.topic)
    as_of = parse_day(args.as_of, "--as-of")
    if args.server:
        from bot.remote import Remote

        tl = Remote(args.server).timeline(topic, n_dates=args.dates,
                                          as_of=as_of.isoformat() if as_of else "")
    else:
        tl = _load_bot(args).timeline(topic, n_dates=args.dates, as_of=as_of).to_json()
    print(json.dumps(tl, ensure_ascii=False) if args.json else render_timeline(tl))
    return 0


if __name__ == "__main__":
    sys.exit(main())
