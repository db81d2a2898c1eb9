"""Search at scale: 1.15M Reuters headlines, the project's index against exact flat search.

    python bench/search.py embed            # once, ~15-30 min on 2 cores: fills bench/.cache/
    python bench/search.py run [--sizes 10000,100000,0] [--questions 200]
    python bench/search.py cold INDEX_DIR   # (internal) one fresh process: load + first ask

Data: ``--data PATH``, else ``reuters_headlines_1m.jsonl.gz`` in the data folder
(``$TIMELINE_BENCH_DATA``, else ../shared/data beside the repo). Embeddings are cached by text
hash under ``bench/.cache/`` (or ``$TIMELINE_BENCH_CACHE``; float16, git-ignored;
bench/embed_cache.py), so a re-run only measures building and searching. ``run`` builds one index per size
(0 = all) with a cached embedder, then reports build time, memory per passage, size on disk,
cold start, ``Bot.ask`` p50/p95 with and without a date filter, the vector stage (project vs
exact flat on the same vectors, and recall@10), FTS5 keyword latency, and a question with a
month and no topic ("What happened in July 2015?", bot/digest.py) beside the same words ranked
under that month's filter, the path such a question took before.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/ is on sys.path, the repository is not
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import cache_dir, data_path, write_subset  # noqa: E402
from bench.embed_cache import CachedEmbedder, fill  # noqa: E402
from bench.metrics import percentile  # noqa: E402

HEADLINES = "reuters_headlines_1m.jsonl.gz"


# -- building and measuring ------------------------------------------------------------------

def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def mapped_rss(path: Path) -> int:
    """Resident bytes of this process's mappings of ``path`` (mmap-ed FAISS codes)."""
    total, inside = 0, False
    with open("/proc/self/smaps") as fh:
        for line in fh:
            if "-" in line.split(" ", 1)[0]:
                inside = line.rstrip().endswith(str(path.resolve()))
            elif inside and line.startswith("Rss:"):
                total += int(line.split()[1]) * 1024
    return total


def subset(data: Path, n: int) -> Path:
    """The first n records of the corpus, as a file the build reads (cached)."""
    if not n:
        return data
    out = cache_dir(f"subset-{n}.jsonl")
    if not out.exists():
        write_subset(data, out.with_suffix(".tmp"), n)
        os.replace(out.with_suffix(".tmp"), out)
    return out


def build(data: Path, n: int, emb: CachedEmbedder, rebuild: bool) -> tuple[Path, dict]:
    from index.build import build_index

    ix = cache_dir(f"index-{n or 'all'}")
    done = ix / "bench-build.json"
    if done.exists() and not rebuild:
        return ix, json.loads(done.read_text())
    src = subset(data, n)
    t0 = time.perf_counter()
    last = [0.0]

    def progress(stage: str, done_: int, total: int | None) -> None:
        if stage != "reading" and time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  build {n or 'all'}: {stage} {done_}/{total} at {last[0] - t0:.0f}s",
                  flush=True)

    report = build_index([src], ix, embedder=emb, rebuild=True, progress=progress)
    info = {"seconds": time.perf_counter() - t0, "summary": report.summary()[:200],
            "cached": emb.cached, "cache_misses": emb.misses,
            "fill": emb.fill if emb.misses else "none"}
    emb.misses = 0
    done.write_text(json.dumps(info))
    return ix, info


def questions(data: Path, n: int, seed: int = 7) -> list[str]:
    """Questions from random headlines of the whole corpus: their content words."""
    import gzip

    from index.store import STOPWORDS

    rng = random.Random(seed)
    with gzip.open(data, "rt", encoding="utf-8") as fh:
        titles = [json.loads(line)["title"] for i, line in enumerate(fh) if i % 97 == 0]
    out = []
    for t in rng.sample(titles, n):
        words = [w for w in t.replace("-", " ").split() if w.lower() not in STOPWORDS]
        out.append(" ".join(words[:6]) + "?")
    return out


def measure(ix: Path, qs: list[str], emb: CachedEmbedder, model, cold_runs: int,  # noqa: ANN001
            ask_n: int) -> dict:
    import dataclasses
    import datetime as dt

    import numpy as np

    from bot.engine import Bot
    from index.filters import Filter
    from index.indexdir import open_index, warm
    from index.vectors import VectorIndex

    r: dict = {}
    # Latencies are a server's that has answered for a while: its index files in the OS page
    # cache (1.6 GB at 1.15M). Rows read from disk instead cost ~40 ms more per question (seen
    # here on a file evicted since its build), which says more about the disk than the index.
    warm(ix)
    idx = open_index(ix)
    n = len(idx.vectors)
    vec_path = ix / idx.manifest.vectors_file
    base = rss()
    t = time.perf_counter()
    proj = VectorIndex.load(vec_path, mmap=True)
    r["load_s"] = time.perf_counter() - t
    r["proj_rss_load"] = (rss() - base) / n
    idx = dataclasses.replace(idx, vectors=proj)
    r.update(passages=n, kind=proj.kind, nlist=proj.nlist, nprobe=proj.nprobe,
             disk_bytes=vec_path.stat().st_size)
    # The baseline: exact flat search over the very vectors the build stored.
    rows = idx.store.conn.execute("SELECT passage_id, text_hash FROM passages").fetchall()
    ids = np.array([p for p, _ in rows], dtype=np.int64)
    base = rss()
    flat = VectorIndex.new(emb.dim)
    for lo in range(0, len(rows), 100_000):
        flat.add(ids[lo:lo + 100_000], emb.by_hash([h for _, h in rows[lo:lo + 100_000]]))
    r["flat_rss"] = (rss() - base) / n
    flat_path = cache_dir(f"flat-{n}.faiss")
    if not flat_path.exists():
        flat.save(flat_path)
    r["flat_disk_bytes"] = flat_path.stat().st_size
    del rows

    qvecs = model.embed(qs)
    lo_d, hi_d = idx.store.date_span()
    rng = random.Random(3)
    span = max(0, (hi_d - lo_d).days - 30)
    windows = [(d, d + dt.timedelta(days=29)) for d in
               (lo_d + dt.timedelta(days=rng.randint(0, span)) for _ in qs)]
    bots = {"proj": Bot(idx, model), "flat": Bot(dataclasses.replace(idx, vectors=flat), model)}
    for q in qs[:10]:  # warm-up
        for b in bots.values():
            b.ask(q)
    times: dict[str, list[float]] = {}
    rec, rec_f, allowed_n, allowed_sets = [], [], [], []

    def timed(key: str, fn):  # noqa: ANN001, ANN202
        t0 = time.perf_counter()
        out = fn()
        times.setdefault(key, []).append(time.perf_counter() - t0)
        return out

    for i, q in enumerate(qs):
        qv = qvecs[i:i + 1]
        ask = i < ask_n  # end-to-end asks on the first ask_n questions (model-bound, slow)
        flt = Filter(*windows[i])
        allowed = timed("filtered_ids", lambda: idx.store.filtered_id_array(flt))  # noqa: B023
        allowed_n.append(len(allowed))
        allowed_sets.append(allowed)
        for name, vecs in (("proj", proj), ("flat", flat)) if i % 2 else (("flat", flat), ("proj", proj)):
            got = timed(f"vec_{name}", lambda: vecs.search(qv, 60)[1][0])  # noqa: B023
            got_f = timed(f"vecf_{name}", lambda: vecs.search(qv, 60, allowed=allowed)[1][0])  # noqa: B023
            if name == "proj":
                p10, pf10 = got[:10], got_f[:10]
            else:
                e10, ef10 = got[:10], got_f[:10]
        rec.append(len(set(p10) & set(e10)) / max(1, len(e10)))
        ef10 = [x for x in ef10 if x >= 0]
        rec_f.append(len(set(pf10) & set(ef10)) / max(1, len(ef10)))
        timed("fts", lambda: idx.store.keyword_search(q, 60))  # noqa: B023
        timed("fts_filtered", lambda: idx.store.keyword_search(q, 60, flt))  # noqa: B023
        for name in (("proj", "flat") if i % 2 else ("flat", "proj")) if ask else ():
            timed(f"ask_{name}", lambda: bots[name].ask(q))  # noqa: B023
            timed(f"askf_{name}", lambda: bots[name].ask(q, date_from=flt.date_from,  # noqa: B023
                                                      date_to=flt.date_to))  # noqa: B023
        if ask:  # as of a day the reader gives: later sources rank lower (FeatureReranker.w_later)
            timed("askasof_proj", lambda: bots["proj"].ask(q, as_of=flt.date_to))  # noqa: B023
        if ask:  # a time and no topic (bot/digest.py); its baseline: the same words ranked
            month = f"What happened in {flt.date_from:%B %Y}?"
            timed("digest", lambda: bots["proj"].ask(month))  # noqa: B023
            timed("digest_ranked", lambda: ranked(bots["proj"], month))  # noqa: B023
    # mmap: the codes count once paged in; after 200+ queries, those pages are resident too.
    r["proj_rss_after"] = r["proj_rss_load"] + mapped_rss(vec_path) / n
    if proj.nlist:  # how recall and latency trade against the lists scanned
        sweep, chosen = {}, proj.nprobe
        _, exact = flat.search(qvecs, 10)
        for nprobe in sorted({32, 81, 128, 256, 512, chosen}):
            proj.nprobe = nprobe
            lat = []
            for i in range(len(qs)):
                t0 = time.perf_counter()
                proj.search(qvecs[i:i + 1], 60)
                lat.append(time.perf_counter() - t0)
            _, got = proj.search(qvecs, 10)
            rc = np.mean([len(set(g) & set(e)) / 10 for g, e in zip(got, exact, strict=True)])
            sweep[nprobe] = (round(float(rc), 3), round(percentile(lat, 50) * 1000, 2))
        proj.nprobe = chosen
        r["nprobe_sweep"] = sweep
        r["filter_sweep"] = filter_sweep(proj, flat, qvecs, allowed_sets)
    r["recall10"] = float(np.mean(rec))
    r["recall10_filtered"] = float(np.mean(rec_f))
    r["allowed_fraction"] = float(np.mean(allowed_n)) / n
    for key, xs in times.items():
        r[f"{key}_p50"], r[f"{key}_p95"] = percentile(xs, 50) * 1000, percentile(xs, 95) * 1000
    for kind, extra in (("proj", []), ("flat", ["--flat", str(flat_path)])):
        runs = []
        for _ in range(cold_runs):
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, str(Path(__file__)), "cold", str(ix), qs[0], *extra],
                                 capture_output=True, text=True, check=True)
            runs.append(time.perf_counter() - t0)
            r[f"cold_{kind}_detail"] = json.loads(out.stdout.strip().splitlines()[-1])
        r[f"cold_{kind}_s"] = min(runs)
    return r


def filter_sweep(proj, flat, qvecs, allowed_sets) -> dict:  # noqa: ANN001
    """Recall@10 and p50 ms of date-filtered IVF search for several FILTERED_SEEN (allowed
    vectors examined; index/vectors.py), against exact filtered search."""
    import numpy as np

    from index import vectors

    exact = [flat.search(qvecs[i:i + 1], 10, allowed=a)[1][0] for i, a in enumerate(allowed_sets)]
    chosen, out = vectors.FILTERED_SEEN, {}
    try:
        for seen in sorted({6_000, 12_000, 24_000, 48_000, chosen}):
            vectors.FILTERED_SEEN = seen
            lat, rc = [], []
            for i, allowed in enumerate(allowed_sets):
                t0 = time.perf_counter()
                got = proj.search(qvecs[i:i + 1], 60, allowed=allowed)[1][0]
                lat.append(time.perf_counter() - t0)
                want = [x for x in exact[i] if x >= 0]
                rc.append(len(set(got[:10]) & set(want)) / max(1, len(want)))
            out[seen] = (round(float(np.mean(rc)), 3), round(percentile(lat, 50) * 1000, 2))
    finally:
        vectors.FILTERED_SEEN = chosen
    return out


def cmd_embed(args: argparse.Namespace) -> None:
    fill(data_path(HEADLINES, args.data), args.model, args.threads)


def cmd_cold(args: argparse.Namespace) -> None:
    """A fresh process: open the index, load the model, answer one question."""
    t0 = time.perf_counter()
    from bot.engine import Bot
    from index import indexdir
    from index.embed import load_embedder
    from index.vectors import VectorIndex

    if args.flat:  # the baseline: the same store, an exact flat file read whole
        indexdir.VectorIndex = type("FlatLoad", (), {"load": staticmethod(  # type: ignore[misc]
            lambda path, mmap=True: VectorIndex.load(Path(args.flat), mmap=False))})
    t_imp = time.perf_counter()
    idx = indexdir.open_index(Path(args.index_dir))
    t_idx = time.perf_counter()
    emb = load_embedder(idx.manifest.model, route=idx.manifest.embedding_route)  # as Bot.load
    t_model = time.perf_counter()
    answer = Bot(idx, emb).ask(args.question)
    t_ask = time.perf_counter()
    print(json.dumps({"imports": t_imp - t0, "open_index": t_idx - t_imp, "model": t_model - t_idx,
                      "first_ask": t_ask - t_model, "hits": len(answer.hits)}))


def cmd_run(args: argparse.Namespace) -> None:
    from index.embed import load_embedder

    data = data_path(HEADLINES, args.data)
    emb = CachedEmbedder(fill=args.fill)
    print(f"cache: {emb.cached} vectors ({'complete' if emb.complete else 'INCOMPLETE'}), "
          f"route {emb.route}; misses filled by {args.fill}", flush=True)
    model = load_embedder(emb.name, route=emb.route)  # questions embedded as the index was
    qs = questions(data, args.questions)
    results = []
    for n in [int(x) for x in args.sizes.split(",")]:
        emb = CachedEmbedder(fill=args.fill)  # re-read: `embed` may have added shards
        ix, info = build(data, n, emb, args.rebuild)
        print(f"built {ix.name} in {info['seconds']:.0f}s: {info['summary']}", flush=True)
        same = emb if info["cached"] == emb.cached else CachedEmbedder(
            fill=args.fill, limit=info["cached"])
        r = measure(ix, qs, same, model, args.cold_runs, min(args.ask_questions, len(qs)))
        r["ask_questions"] = min(args.ask_questions, len(qs))
        r["cached_vectors"], r["synthetic_vectors"] = info["cached"], info["cache_misses"]
        r["build_s"], r["build_fill"] = info["seconds"], info["fill"]
        results.append(r)
        print(json.dumps(r), flush=True)
    out = Path(args.out) if args.out else cache_dir("search-results.json")
    out.write_text(json.dumps(results, indent=1))
    print(table(results))


def ranked(bot, question: str):  # noqa: ANN001, ANN201
    """The answer ``question`` got before a time with no topic was listed (bot/digest.py): its
    words ranked under its time's filter."""
    from dataclasses import replace

    from bot.attribution import answer_spoken

    q = replace(bot.understand(question), topicless=False)
    with bot.snapshot() as index:
        return answer_spoken(index, bot.ranker, q, k=8)


def table(results: list[dict]) -> str:
    lines = ["| passages | index | build | vector p50 proj / flat | recall@10 (filtered) "
             "| ask p50 / p95 proj | ask p50 flat | ask+date p50 proj / flat "
             "| vector bytes/passage proj (load / warm) / flat | disk proj / flat "
             "| cold start proj / flat | FTS5 p50 / p95 (filtered p50) "
             "| a month, no topic: p50 / ranked p50 | ask as of a day p50 / p95 proj |",
             "|" + "---|" * 14]
    for r in sorted(results, key=lambda r: r["passages"]):
        lines.append(
            f"| {r['passages']:,} | {r['kind']}"
            + (f" (nlist {r['nlist']}, nprobe {r['nprobe']})" if r['nlist'] else "")
            + f" | {r['build_s']:.0f} s | {r['vec_proj_p50']:.1f} / {r['vec_flat_p50']:.1f} ms "
            f"| {r['recall10']:.3f} ({r['recall10_filtered']:.3f}) "
            f"| {r['ask_proj_p50']:.0f} / {r['ask_proj_p95']:.0f} ms | {r['ask_flat_p50']:.0f} ms "
            f"| {r['askf_proj_p50']:.0f} / {r['askf_flat_p50']:.0f} ms "
            f"| {r['proj_rss_load']:.0f} / {r.get('proj_rss_after', float('nan')):.0f} / "
            f"{r['flat_rss']:.0f} B "
            f"| {r['disk_bytes'] / 1e6:.0f} / {r['flat_disk_bytes'] / 1e6:.0f} MB "
            f"| {r['cold_proj_s']:.1f} / {r['cold_flat_s']:.1f} s "
            f"| {r['fts_p50']:.1f} / {r['fts_p95']:.1f} ({r['fts_filtered_p50']:.1f}) ms "
            f"| {r.get('digest_p50', float('nan')):.0f} / "
            f"{r.get('digest_ranked_p50', float('nan')):.0f} ms "
            f"| {r.get('askasof_proj_p50', float('nan')):.0f} / "
            f"{r.get('askasof_proj_p95', float('nan')):.0f} ms |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("embed")
    e.add_argument("--data")
    e.add_argument("--model")
    e.add_argument("--threads", type=int, default=1)
    r = sub.add_parser("run")
    r.add_argument("--data")
    r.add_argument("--sizes", default="10000,100000,0", help="articles per index, 0 = all")
    r.add_argument("--questions", type=int, default=200)
    r.add_argument("--ask-questions", type=int, default=200,
                   help="how many of the questions also go through Bot.ask end to end")
    r.add_argument("--cold-runs", type=int, default=2)
    r.add_argument("--fill", choices=("model", "perturb"), default="model",
                   help="texts missing from the cache: embed them, or perturb cached vectors")
    r.add_argument("--rebuild", action="store_true")
    r.add_argument("--out", help="results JSON (default bench/.cache/search-results.json)")
    c = sub.add_parser("cold")
    c.add_argument("index_dir")
    c.add_argument("question")
    c.add_argument("--flat")
    args = ap.parse_args(argv)
    {"embed": cmd_embed, "run": cmd_run, "cold": cmd_cold}[args.cmd](args)


if __name__ == "__main__":
    main()
