"""Crash safety: SIGKILL `python -m index build` at random moments and check the index each time.

    .venv/bin/python bench/crash.py [--data PATH] [--limit 2000] [--kills 25] [--model fake:64]

Writes the first ``--limit`` articles of ``--data`` (default ../shared/data/reuters21578.jsonl.gz)
to a temporary .jsonl.gz, then starts an incremental build of it again and again, each time killed
with SIGKILL: at a named fault point (index/faults.py: "embedding", "faiss-write",
"sqlite-commit", "manifest-write", the n-th time it is reached, n random) or after a random delay.
After every kill it checks that

* the index loads (``open_index``), or, if nothing was ever committed, refuses with IndexNotFound;
* FAISS and SQLite hold the same set of passage ids (``consistency_problems``);
* the manifest's counts equal counts taken straight from SQLite and FAISS;
* nothing committed before was lost (article and passage counts never go down);
* a search answers (``Bot.ask`` and a direct FAISS search).

A last uninterrupted run must then hold every input article exactly once. Exit status 0 when all
checks pass; ``--json`` prints the figures RELIABILITY.md quotes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/ is on sys.path, the repository is not
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import ROOT, data_path, write_subset  # noqa: E402

DEFAULT_DATA = data_path("reuters21578.jsonl.gz")
PHASES = ("embedding", "faiss-write", "sqlite-commit", "manifest-write", "random")


@dataclass
class Outcome:
    phase: str
    after: int | None  # the fault point's hit count, or None for a random-time kill
    killed: bool
    articles: int
    passages: int
    manifest_repaired: bool  # the manifest on disk was one commit behind, fixed on open
    problems: list[str] = field(default_factory=list)


@dataclass
class CrashReport:
    outcomes: list[Outcome]
    final_articles: int
    expected_articles: int
    final_problems: list[str]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.final_problems and all(not o.problems for o in self.outcomes)

    def by_phase(self) -> dict[str, dict[str, int]]:
        out = {p: {"kills": 0, "survived": 0, "not_killed": 0} for p in PHASES}
        for o in self.outcomes:
            row = out[o.phase]
            if not o.killed:
                row["not_killed"] += 1
                continue
            row["kills"] += 1
            row["survived"] += not o.problems
        return out

    def to_json(self) -> dict[str, object]:
        kills = [o for o in self.outcomes if o.killed]
        return {
            "ok": self.ok, "kills": len(kills), "survived": sum(not o.problems for o in kills),
            "by_phase": self.by_phase(),
            "manifest_repaired_on_open": sum(o.manifest_repaired for o in kills),
            "final_articles": self.final_articles, "expected_articles": self.expected_articles,
            "final_problems": self.final_problems, "seconds": round(self.seconds, 1),
            "problems": [f"kill {i} ({o.phase}): {p}" for i, o in enumerate(self.outcomes, 1)
                         for p in o.problems],
        }


def expected_origins(data: Path) -> set[str]:
    """What a complete build must hold: each readable article once. Like the build, a record that
    repeats an earlier one's id or its exact content (same article id) is the same article."""
    from index.chunk import chunk_text
    from index.ingest import read_file
    from index.models import Article

    origins: set[str] = set()
    ids: set[str] = set()
    for a in read_file(data):
        if isinstance(a, Article) and a.origin not in origins and a.article_id not in ids:
            origins.add(a.origin)
            ids.add(a.article_id)
            if not chunk_text(a.text):
                origins.discard(a.origin)
    return origins


def sql_counts(index_dir: Path) -> tuple[tuple[int, int, int, int], list[str], list[str]]:
    """((articles, passages, dated, undated), problems, origins) straight from SQLite, read-only."""
    conn = sqlite3.connect(f"file:{index_dir / 'store.sqlite'}?mode=ro", uri=True)
    try:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        passages = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        dated = conn.execute("SELECT count(*) FROM articles WHERE published IS NOT NULL").fetchone()[0]
        origins = [r[0] for r in conn.execute("SELECT origin FROM articles")]
        orphans = conn.execute("SELECT count(*) FROM passages WHERE article_id NOT IN "
                               "(SELECT article_id FROM articles)").fetchone()[0]
        empty = conn.execute("SELECT count(*) FROM articles WHERE article_id NOT IN "
                             "(SELECT article_id FROM passages)").fetchone()[0]
    finally:
        conn.close()
    problems = []
    if orphans:
        problems.append(f"{orphans} passages without an article")
    if empty:
        problems.append(f"{empty} articles without passages")
    return (articles, passages, dated, articles - dated), problems, origins


def check_index(index_dir: Path, model: str, question: str,
                before: tuple[int, int]) -> tuple[int, int, bool, list[str]]:
    """Everything that must hold after a kill: (articles, passages, manifest repaired, problems)."""
    from bot.engine import Bot
    from index.embed import load_embedder
    from index.errors import IndexNotFound, TimelineError
    from index.indexdir import consistency_problems, open_index, read_manifest

    problems: list[str] = []
    stale = read_manifest(index_dir)
    try:
        idx = open_index(index_dir, model=model)
    except IndexNotFound:
        if before == (0, 0):
            return 0, 0, False, []  # killed before its first commit: nothing to lose
        return 0, 0, False, ["index no longer loads (IndexNotFound) after a commit"]
    except TimelineError as err:
        return 0, 0, False, [f"index does not load: {err}"]
    try:
        problems += consistency_problems(idx)
        counts, orphans, _ = sql_counts(index_dir)
        problems += orphans
        articles, passages = counts[0], counts[1]
        m = idx.manifest
        on_disk = read_manifest(index_dir)
        for name, mf in (("loaded", m), ("on disk", on_disk)):
            if mf is None or (mf.articles, mf.passages, mf.dated_articles,
                              mf.undated_articles) != counts:
                problems.append(f"manifest {name} counts are not the store's {counts}")
        if len(idx.vectors) != passages:
            problems.append(f"FAISS holds {len(idx.vectors)} vectors for {passages} passages")
        if articles < before[0] or passages < before[1]:
            problems.append(f"lost committed work: {before} -> {(articles, passages)}")
        ids = idx.vectors.ids()[:1]
        _, found = idx.vectors.search(idx.vectors.reconstruct(ids), 3)
        if int(found[0][0]) != int(ids[0]):
            problems.append("a passage's own vector does not find it")
        answer = Bot(idx, load_embedder(model)).ask(question, k=3)
        if not answer.hits:
            problems.append(f"no answer to {question!r}")
        repaired = stale is None or stale != m
        return articles, passages, repaired, problems
    finally:
        idx.close()


def run(data: Path, workdir: Path, *, kills: int = 25, model: str = "fake:64", seed: int = 0,
        batch_passages: int = 32, max_after: int = 4, random_delay: tuple[float, float] = (0.2, 1.2),
        question: str = "What happened to cocoa prices?", log=print) -> CrashReport:
    """Kill ``kills`` builds of ``data`` into ``workdir/index``, checking the index after each."""
    start = time.monotonic()
    rng = random.Random(seed)
    index_dir = workdir / "index"
    cmd = [sys.executable, "-m", "index", "build", str(data), "--index-dir", str(index_dir),
           "--model", model, "--batch-passages", str(batch_passages)]
    base_env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    for k in ("TIMELINE_FAULT", "TIMELINE_FAULT_AFTER"):
        base_env.pop(k, None)
    plan = [PHASES[i % len(PHASES)] for i in range(kills)]
    rng.shuffle(plan)
    outcomes: list[Outcome] = []
    state = (0, 0)
    for i, phase in enumerate(plan, 1):
        env = dict(base_env)
        after = None
        if phase != "random":
            after = rng.randint(1, max_after)
            env.update(TIMELINE_FAULT=phase, TIMELINE_FAULT_AFTER=str(after))
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        if phase == "random":
            time.sleep(rng.uniform(*random_delay))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=600)
        killed = proc.returncode == -signal.SIGKILL
        problems = [] if killed or proc.returncode == 0 else \
            [f"build exited {proc.returncode}: {err.decode(errors='replace').strip()[-300:]}"]
        articles, passages, repaired, found = check_index(index_dir, model, question, state)
        problems += found
        state = (max(state[0], articles), max(state[1], passages))
        outcomes.append(Outcome(phase, after, killed, articles, passages, repaired, problems))
        log(f"kill {i:>2}/{kills} {phase:<14} after={after or '-':<2} "
            f"{'killed' if killed else 'ran to the end':<14} articles={articles:<5} "
            f"passages={passages:<6} {'manifest repaired ' if repaired and killed else ''}"
            f"{'OK' if not problems else 'PROBLEMS: ' + '; '.join(problems)}")
    done = subprocess.run(cmd, cwd=ROOT, env=base_env, capture_output=True, text=True, timeout=1800)
    final: list[str] = []
    if done.returncode != 0:
        final.append(f"final build failed: {done.stderr.strip()[-300:]}")
    articles, _, _, found = check_index(index_dir, model, question, state)
    final += found
    origins = sql_counts(index_dir)[2]
    dupes = [o for o, n in Counter(origins).items() if n > 1]
    want = expected_origins(data)
    missing, extra = want - set(origins), set(origins) - want
    if dupes:
        final.append(f"{len(dupes)} articles stored twice")
    if missing or extra:
        final.append(f"{len(missing)} input articles missing, {len(extra)} unexpected")
    log(f"final run: {articles} articles stored, {len(want)} expected, "
        f"{'OK' if not final else 'PROBLEMS: ' + '; '.join(final)}")
    return CrashReport(outcomes, articles, len(want), final, time.monotonic() - start)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="a .jsonl or .jsonl.gz corpus")
    p.add_argument("--limit", type=int, default=2000, help="articles taken from --data (0 = all)")
    p.add_argument("--kills", type=int, default=25, help="at least 20 for the issue's figure")
    p.add_argument("--model", default="fake:64",
                   help="fake:64 (default, fast) or a real model, e.g. all-MiniLM-L6-v2")
    p.add_argument("--batch-passages", type=int, default=32,
                   help="passages per commit: small means many commits to kill between")
    p.add_argument("--max-after", type=int, default=4,
                   help="a fault point kills on its n-th hit, n random in 1..this")
    p.add_argument("--seed", type=int, default=None, help="default: random (printed)")
    p.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    p.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    args = p.parse_args(argv)
    if not args.data.exists():
        print(f"error: no corpus at {args.data}; give --data PATH", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    with tempfile.TemporaryDirectory(prefix="timeline-crash-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        subset = work / "corpus.jsonl.gz"
        n = write_subset(args.data, subset, args.limit or None)
        print(f"seed {seed}: {n} records from {args.data}, model {args.model}, "
              f"{args.batch_passages} passages per commit", file=sys.stderr)
        report = run(subset, work, kills=args.kills, model=args.model, seed=seed,
                     batch_passages=args.batch_passages, max_after=args.max_after,
                     log=lambda s: print(s, file=sys.stderr, flush=True))
    summary = report.to_json()
    for phase, row in summary["by_phase"].items():  # type: ignore[union-attr]
        print(f"{phase:<15} {row['survived']}/{row['kills']} kills survived"
              + (f" ({row['not_killed']} runs finished first)" if row["not_killed"] else ""))
    print(f"total          {summary['survived']}/{summary['kills']} kills survived; final index "
          f"{report.final_articles}/{report.expected_articles} articles, each once; "
          f"{summary['seconds']} s")
    if args.json:
        print(json.dumps({"seed": seed, "records": n, "model": args.model, **summary}))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
