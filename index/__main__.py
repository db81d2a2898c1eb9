"""``python -m index``: build an index directory and look inside it."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from index.errors import TimelineError, run_command
from index.settings import load_settings


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return run_command(args.func, args)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m index", description=__doc__)
    sub = p.add_subparsers(required=True, metavar="COMMAND")
    index_dir = dict(type=Path, default=None,
                     help="index directory (default: $TIMELINE_INDEX_DIR, else "
                          "~/.local/share/timeline-bot/index)")

    b = sub.add_parser("build", help="index files and folders of articles (incremental)")
    b.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    b.add_argument("--index-dir", **index_dir)
    b.add_argument("--model", default=None,
                   help="sentence-transformers name or path (default: the packaged "
                        "all-MiniLM-L6-v2, or the model the index was built with)")
    b.add_argument("--rebuild", action="store_true", help="start over (uploads are kept)")
    b.add_argument("--ray", nargs="?", const="local", default=None, metavar="ADDRESS",
                   help="run on a Ray cluster: ray://host:10001 or auto joins one; without an "
                        "address a local Ray instance starts on this machine")
    b.add_argument("--batch-passages", type=int, default=None, metavar="N",
                   help="passages embedded per commit (default 2048): what a kill can lose")
    b.set_defaults(func=_build)

    s = sub.add_parser("stats", help="counts, dates and model of an index")
    s.add_argument("--index-dir", **index_dir)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=_stats)

    ls = sub.add_parser("list", help="one line per article")
    ls.add_argument("--index-dir", **index_dir)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)

    a = sub.add_parser("analyse", help="event dates (and quotes) of article records read as JSON "
                                       "lines on stdin (id, text, published, title)")
    a.add_argument("--json", action="store_true", help="JSON lines out (the only format)")
    a.set_defaults(func=_analyse)
    return p


def _analyse(args: argparse.Namespace) -> int:
    from index.analyse import run

    bad = list(run(sys.stdin, sys.stdout))
    for message in bad:
        print(message, file=sys.stderr)
    return 1 if bad else 0


def _build(args: argparse.Namespace) -> int:
    from index.build import FLUSH_PASSAGES, BuildOptions, build_index

    index_dir = args.index_dir or load_settings().index_dir
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise TimelineError(f"no such file or folder: {', '.join(missing)}")
    if args.ray:
        from index.ray_build import build_with_ray

        report = build_with_ray(args.paths, index_dir, model=args.model, rebuild=args.rebuild,
                                address=None if args.ray == "local" else args.ray)
        print(report.summary())
        print(f"index: {index_dir}")
        return 0
    from index.progress import TerminalProgress

    with TerminalProgress() as progress:
        report = build_index(args.paths, index_dir, model=args.model, rebuild=args.rebuild,
                             progress=progress,
                             options=BuildOptions(flush_every=args.batch_passages or FLUSH_PASSAGES))
    print(report.summary())
    print(f"index: {index_dir}")
    return 0


def _stats(args: argparse.Namespace) -> int:
    from index.indexdir import open_index

    idx = open_index(args.index_dir or load_settings().index_dir)
    m, (lo, hi) = idx.manifest, idx.store.date_span()
    out = {"articles": m.articles, "passages": m.passages, "dated_articles": m.dated_articles,
           "undated_articles": m.undated_articles, "model": m.model, "dim": m.dim,
           "index_type": m.index_type, "schema_version": m.schema_version,
           "first_date": lo.isoformat() if lo else None, "last_date": hi.isoformat() if hi else None,
           "index_dir": str(idx.path)}
    if args.json:
        print(json.dumps(out))
    else:
        for key, value in out.items():
            print(f"{key:>17}: {value}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from index.indexdir import open_index

    idx = open_index(args.index_dir or load_settings().index_dir)
    for art, n in idx.store.iter_articles():
        row = {"article_id": art.article_id, "title": art.title, "source": art.source,
               "published": art.published.isoformat() if art.published else None,
               "date_source": art.date_source, "passages": n, "origin": art.origin,
               "url": art.url}
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{row['published'] or 'undated':>10}  {n:>3}  {art.source[:24]:<24}  {art.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
