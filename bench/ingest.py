"""Ingest end to end, stage by stage: the project's build against a naive pipeline (#22).

    python bench/ingest.py [--data reuters|headlines|PATH] [--limit N] [--runs R] [--route ROUTE]

Each run is a whole process, as a user waits for it: interpreter start, imports and model load,
read and clean, chunk, date, embed, store. The project and the naive pipeline alternate (R runs
each, medians reported), so the machine's load hits both alike.

* project: ``index.build.build_index`` into an empty index folder, the embedder loaded first
  (``load_embedder``: the route this CPU runs best, or ``--route``). Stage times come from
  ``BuildReport.timings`` (keys load, read, clean, chunk, date, quotes, embed, store) when the build
  fills them; otherwise the build shows as one row.
* naive: JSON lines read with ``json``, 500-character chunks, the record's own date, plain
  ``SentenceTransformer.encode`` in fp32, a flat FAISS index written to disk and the chunks in
  SQLite.

Data: ``reuters`` = Reuters-21578 (``reuters21578.jsonl.gz``; the issue's figure is 1,500
articles), ``headlines`` = the 1.15M Reuters headlines (``reuters_headlines_1m.jsonl.gz``; the
issue's figure is 100k), both from ``../shared/data`` ($TIMELINE_BENCH_DATA overrides the
folder). The model is converted for OpenVINO once before timing (the first start's cost, not
a build's). Try it small: ``python bench/ingest.py --limit 50 --runs 1``.

Full runs (``--limit 1500`` and ``--data headlines --limit 100000``) belong on a quiet
machine; bench/README.md has the latest figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/ is on sys.path, the repository is not
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import DATA_ENV, ROOT, data_path, fixed_chunks, read_jsonl, write_subset  # noqa: E402

FILES = {"reuters": "reuters21578.jsonl.gz", "headlines": "reuters_headlines_1m.jsonl.gz"}
STAGES = ("imports", "load", "read", "clean", "chunk", "date", "quotes", "embed", "store")
LABELS = {"imports": "imports", "load": "model load", "read": "read", "clean": "clean",
          "chunk": "chunk", "date": "date", "quotes": "quotes", "embed": "embed", "store": "store",
          "build": "build (stages not reported)"}
NAIVE_CHUNK = 500


# ---- children: each one process, printing one JSON line of stage seconds ----

def child_project(data: Path, out: Path, route: str | None, started: float) -> dict[str, float]:
    from index.build import build_index
    from index.embed import load_embedder

    t = {"imports": time.perf_counter() - started}
    t0 = time.perf_counter()
    embedder = load_embedder(None, route=route)
    t["load"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = build_index([data], out, embedder=embedder)
    total = time.perf_counter() - t0
    timings = dict(getattr(report, "timings", None) or {})
    timings.pop("load", None)  # the embedder was loaded above
    if timings:
        t.update(timings)
    else:
        t["build"] = total
    t["passages"] = float(report.passages_added)
    t["route"] = embedder.route  # type: ignore[assignment]
    return t


def child_naive(data: Path, out: Path, started: float) -> dict[str, float]:
    import sqlite3

    import faiss
    import numpy as np
    from sentence_transformers import SentenceTransformer

    from index.embed import resolve_model_path
    from index.settings import DEFAULT_MODEL

    t = {"imports": time.perf_counter() - started}
    t0 = time.perf_counter()
    model = SentenceTransformer(resolve_model_path(DEFAULT_MODEL), device="cpu")
    t["load"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    records = read_jsonl(data)
    t["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    chunks = fixed_chunks(["\n".join(x for x in (r.get("title"), r.get("text") or r.get("body")) if x)
                           for r in records], NAIVE_CHUNK)
    t["chunk"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    dates = [r.get("date") for r in records]
    t["date"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    vecs = np.asarray(model.encode([c for _, c in chunks], normalize_embeddings=True), dtype=np.float32)
    t["embed"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(vecs)
    faiss.write_index(index, str(out / "vectors.faiss"))
    db = sqlite3.connect(out / "chunks.sqlite")
    db.execute("CREATE TABLE chunks (id INTEGER PRIMARY KEY, article INTEGER, date TEXT, text TEXT)")
    db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?)",
                   [(i, a, dates[a], c) for i, (a, c) in enumerate(chunks)])
    db.commit()
    db.close()
    t["store"] = time.perf_counter() - t0
    t["passages"] = float(len(chunks))
    return t


def child_warm(route: str | None) -> dict[str, float]:
    """Converts the model for OpenVINO if it is not cached yet (not timed)."""
    from index.embed import load_embedder

    return {"route": load_embedder(None, route=route).route}  # type: ignore[dict-item]


# ---- driver ----

def run_child(kind: str, data: Path, out: Path, route: str | None) -> dict[str, float]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--data", str(data),
           "--out", str(out)] + (["--route", route] if route else [])
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{kind} run failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def table(project: list[dict], naive: list[dict]) -> str:
    def med(runs: list[dict], key: str) -> float | None:
        vals = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
        return statistics.median(vals) if vals else None

    rows = ["| stage | project s | naive s |", "|---|---|---|"]
    keys = [k for k in (*STAGES, "build") if med(project, k) is not None or med(naive, k) is not None]
    for key in keys:
        p, n = med(project, key), med(naive, key)
        rows.append(f"| {LABELS[key]} | {'' if p is None else f'{p:.2f}'} | "
                    f"{'' if n is None else f'{n:.2f}'} |")
    def rest(runs: list[dict]) -> float:
        return statistics.median(r["wall"] - sum(r.get(k, 0.0) for k in (*STAGES, "build"))
                                 for r in runs)

    rows.append(f"| interpreter start, exit, unreported | {rest(project):.2f} | {rest(naive):.2f} |")
    pw, nw = med(project, "wall"), med(naive, "wall")
    pp, np_ = med(project, "passages"), med(naive, "passages")
    rows.append(f"| **whole process (wall)** | **{pw:.2f}** | **{nw:.2f}** |")
    rows.append(f"| passages | {pp:.0f} | {np_:.0f} |")
    rows.append(f"| passages/s, whole process | {pp / pw:.1f} | {np_ / nw:.1f} |")
    rows.append(f"\nnaive / project wall time: **{nw / pw:.2f}x** "
                f"(route {project[0].get('route')}; medians of {len(project)} run(s) each)")
    return "\n".join(rows)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="reuters", help="reuters, headlines, or a .jsonl(.gz) path")
    p.add_argument("--limit", type=int, default=None, help="first N records (default: all)")
    p.add_argument("--runs", type=int, default=1, help="runs of each pipeline, alternated")
    p.add_argument("--route", default=None, help="the project's embedding route (default: auto)")
    p.add_argument("--child", choices=("project", "naive", "warm"), help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        started = time.perf_counter()  # imports are timed from here, inside the process
        if args.child == "warm":
            result = child_warm(args.route)
        elif args.child == "project":
            result = child_project(Path(args.data), args.out, args.route, started)
        else:
            result = child_naive(Path(args.data), args.out, started)
        print(json.dumps(result))
        return 0

    src = data_path(FILES[args.data]) if args.data in FILES else Path(args.data)
    if not src.exists():
        p.error(f"{src} not found: give --data PATH or ${DATA_ENV}")
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        data = Path(tmp) / src.name  # the first --limit records: both pipelines read only them
        write_subset(src, data, args.limit)
        run_child("warm", data, Path(tmp), args.route)
        project: list[dict] = []
        naive: list[dict] = []
        for n in range(args.runs):
            for kind in (("project", "naive") if n % 2 == 0 else ("naive", "project")):
                out = Path(tmp) / f"{kind}-{n}"
                result = run_child(kind, data, out, args.route)
                (project if kind == "project" else naive).append(result)
                print(f"  {kind} run {n + 1}: {result['wall']:.1f}s, {result['passages']:.0f} passages",
                      file=sys.stderr, flush=True)
    print(f"### {src.name}, {args.limit or 'all'} records\n")
    print(table(project, naive))
    return 0


if __name__ == "__main__":
    sys.exit(main())
