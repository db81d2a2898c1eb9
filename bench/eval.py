"""One command per evaluation suite: the project beside its baselines, in the same run.

    python bench/eval.py SUITE [--limit N] [--model NAME] [--weights JSON]

SUITE is one of rtqa, questions, t17, timex, quotes: the module bench/suites/SUITE.py, whose
``run(limit)`` builds or reuses its cached index under bench/.cache, prints its Markdown
tables and returns them. --weights evaluates a FeatureReranker weight vector instead of the
shipped one, e.g. '{"w_dense": 0.5, "w_coverage": 0.4}'.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SUITES = ("rtqa", "questions", "t17", "timex", "quotes")


def run_suite(suite: str, limit: int | None = None, **options: object) -> str:
    """Import bench.suites.<suite> only now (the others may pull heavy or absent modules)."""
    if suite not in SUITES:
        raise SystemExit(f"unknown suite {suite!r}: choose one of {', '.join(SUITES)}")
    module = importlib.import_module(f"bench.suites.{suite}")
    accepted = inspect.signature(module.run).parameters
    return module.run(limit, **{k: v for k, v in options.items() if v is not None and k in accepted})


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("suite", choices=SUITES)
    p.add_argument("--limit", type=int, default=None, help="only N questions (and a smaller corpus)")
    p.add_argument("--model", default=None, help="embedding model (default: the project's)")
    p.add_argument("--weights", default=None, help="FeatureReranker weights as JSON")
    args = p.parse_args(argv)
    reranker = None
    if args.weights:
        from bench.rerank_cv import reranker_for

        reranker = reranker_for(json.loads(args.weights))
    run_suite(args.suite, args.limit, model=args.model, reranker=reranker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
