"""What finding who-said-what adds to a build's prepare stage (#20), CPU per article.

    python bench/quotes_cost.py [--data reuters|egypt|finan|h1n1|PATH] [--limit N]

Reads the articles as a build does, then times, single-threaded (process CPU time, so a busy
machine shifts it less than wall time), ``index.quotes.extract_quotes`` on each cleaned article
against the whole ``index.prepare.prepare`` (chunk, date and quotes). Baseline: prepare as it
was, without quotations (prepare minus extraction). In a build, prepare runs in the read thread
while the previous batch is embedded, so ``BuildReport.timings["quotes"]`` (wall seconds) is an
upper bound of what extraction adds; bench/ingest.py prints that stage for a whole build.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import data_path, write_subset  # noqa: E402

FILES = {"reuters": "reuters21578.jsonl.gz", "egypt": "t17_dev/egypt/articles.jsonl.gz",
         "finan": "t17_dev/finan/articles.jsonl.gz", "h1n1": "t17_dev/h1n1/articles.jsonl.gz"}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--data", default="reuters")
    p.add_argument("--limit", type=int, default=1500)
    args = p.parse_args()
    from index.ingest import read_paths
    from index.models import Article
    from index.prepare import prepare
    from index.quotes import extract_quotes

    src = data_path(FILES[args.data]) if args.data in FILES else Path(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "articles.jsonl"
        write_subset(src, subset, args.limit)
        articles = [a for a in read_paths([subset]) if isinstance(a, Article)]
    if not articles:
        print("no articles read")
        return 1
    n = len(articles)
    chars = sum(len(a.text) for a in articles) / n
    start = time.process_time()
    quotes = sum(len(extract_quotes(a.text)) for a in articles)
    q = time.process_time() - start
    start = time.process_time()
    for a in articles:
        prepare(a)
    whole = time.process_time() - start
    print(f"{args.data}: {n} articles, {chars:,.0f} characters each on average, {quotes} quotations")
    print("| step | CPU ms per article | ratio |\n|---|---|---|")
    print(f"| prepare without quotations (baseline) | {1000 * (whole - q) / n:.1f} | 1.00× |")
    print(f"| extract_quotes | {1000 * q / n:.1f} | {q / max(whole - q, 1e-9):.2f}× |")
    print(f"| prepare with quotations | {1000 * whole / n:.1f} | {whole / max(whole - q, 1e-9):.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
