"""Concurrency: many gradio_client clients search the running app while another one uploads.

    .venv/bin/python bench/load.py [--clients 16] [--questions 25] [--uploads 2] [--index-dir DIR]

Starts ``python app.py --index-dir <private copy> --port <free port>`` (the index dir is copied
first, so yours is never changed; without --index-dir the app builds the bundled corpus with the
real model into a temporary folder), or drives an app already running with ``--url``.

Each of ``--clients`` clients asks ``--questions`` questions through ``/search`` while one more
client uploads ``--uploads`` new articles through ``/add_articles``, one after the other. Checked:

* no request fails;
* every answer has the shape of ``python -m bot ask --json`` (keys, types, one-line texts);
* every answer is exactly (same passages, same order) what the same question gets from the corpus
  before any upload, or after one of the uploads: a search never sees a half-updated index;
* every upload adds its article.

Prints p50/p95/max latency of the searches under that load (seconds) and the error count;
``--json`` prints them as one JSON line. Exit status 0 when everything checks out.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: bench/ is on sys.path, the repository is not
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import ROOT  # noqa: E402

QUESTIONS = (
    "What did Kallas say about Putin's intentions?",
    "What was agreed in Saudi Arabia in February?",
    "What did Kallas say in August 2025?",
    "ceasefire talks with Russia",
    "Alaska summit",
    "sanctions on Russia",
    "What did Norway and Iceland sign in Reykjavik?",
    "cod quota accord fishing dispute",
    "What did the ministers say about herring stocks?",
    "NATO allies and Ukraine",
)
UPLOADS = (
    ("cod accord.txt",
     " date 2025-03-21 Norway and Iceland signed the North Atlantic cod quota accord in Reykjavik on "
     "March 21, ending a decade-long fishing dispute over the herring and cod stocks.\n\nFisheries "
     "ministers said the cod quota accord would be reviewed every three years.\n"),
    ("herring review.md",
     "# Herring stocks review\n\n date 2025-04-02 Fisheries ministers from Norway, Iceland and the "
     "Faroe Islands met in Torshavn on April 2 to review herring stocks, and said the catch limits "
     "agreed in Reykjavik would hold until 2027.\n"),
    ("ceasefire monitors.txt",
     " date 2025-05-09 Observers from twelve countries arrived in Zaporizhzhia on May 9 to monitor "
     "the partial ceasefire, officials in Kyiv said, as talks with Russia resumed in Istanbul.\n"),
)
# The keys every answer carries; later features may add more (a subset check).
ANSWER_KEYS = {"query", "filters", "understood", "read_as", "as_of", "order", "summary",
               "undated_set_aside", "message", "results"}
RESULT_KEYS = {"rank", "score", "text", "title", "source", "url", "published", "date_source",
               "event_dates", "timeline_date", "event_note", "article_id", "passage_id", "ordinal",
               "highlights", "quotes", "also_in", "also_in_detail"}


def shape_problems(answer: Any, k: int) -> list[str]:
    """Why ``answer`` is not a well-formed ask JSON ([] when it is)."""
    if not isinstance(answer, dict) or not set(answer) >= ANSWER_KEYS:
        return [f"answer keys {sorted(answer) if isinstance(answer, dict) else type(answer)}"]
    out = []
    if not isinstance(answer["results"], list) or len(answer["results"]) > k:
        return ["results is not a list of at most k"]
    for i, r in enumerate(answer["results"], 1):
        if not isinstance(r, dict) or not set(r) >= RESULT_KEYS:
            out.append(f"result {i} keys")
            continue
        if r["rank"] != i or not isinstance(r["passage_id"], int) or not r["text"].strip():
            out.append(f"result {i}: rank/passage_id/text")
        for s, e in r["highlights"]:
            if not 0 <= s < e <= len(r["text"]):
                out.append(f"result {i}: highlight outside the text")
        for q in r["quotes"]:
            if not 0 <= q["start"] < q["end"] <= len(r["text"]):
                out.append(f"result {i}: quotation outside the text")
    return out


def key(answer: dict[str, Any]) -> tuple[tuple[int, str], ...]:
    """What must equal one corpus state's answer: the passages, in order, with their text."""
    return tuple((r["passage_id"], r["text"]) for r in answer["results"])


@dataclass
class LoadReport:
    clients: int
    questions: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    inconsistent: list[str] = field(default_factory=list)
    uploads: list[dict[str, Any]] = field(default_factory=list)
    seen_new_state: int = 0  # answers that already reflected an upload
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.errors or self.malformed or self.inconsistent) and \
            len(self.latencies) == self.clients * self.questions

    def to_json(self) -> dict[str, Any]:
        lat = sorted(self.latencies)

        def pct(p: float) -> float | None:
            return round(lat[min(len(lat) - 1, int(p * len(lat)))], 3) if lat else None

        return {"ok": self.ok, "clients": self.clients, "questions_per_client": self.questions,
                "searches": len(lat), "errors": len(self.errors), "malformed": len(self.malformed),
                "inconsistent": len(self.inconsistent),
                "p50_s": round(statistics.median(lat), 3) if lat else None, "p95_s": pct(0.95),
                "max_s": round(lat[-1], 3) if lat else None,
                "answers_after_an_upload": self.seen_new_state,
                "uploads": [{"added_count": u.get("added_count"), "articles": u.get("articles"),
                             "seconds": u.get("seconds")} for u in self.uploads],
                "seconds": round(self.seconds, 1), "first_problems":
                (self.errors + self.malformed + self.inconsistent)[:5]}


def run_load(url: str, *, clients: int = 16, questions: int = 25, uploads: int = 2,
             k: int = 5, workdir: Path, seed: int = 0, auth: tuple[str, str] | None = None,
             question_pool: Sequence[str] = QUESTIONS, log: Callable[[str], None] = print
             ) -> LoadReport:
    """The load test against a running app at ``url``."""
    from gradio_client import Client, handle_file

    def client() -> Client:
        return Client(url, verbose=False, auth=auth)

    def ask(c: Client, q: str) -> dict[str, Any]:
        return c.predict(q, k, "", "", "relevance", api_name="/search")

    report = LoadReport(clients, questions)
    pool = list(dict.fromkeys(question_pool))
    main = client()
    states: list[dict[str, tuple]] = [{q: key(ask(main, q)) for q in pool}]  # before any upload
    files = []
    for name, text in UPLOADS[:uploads]:
        f = workdir / name
        f.write_text(text, encoding="utf-8")
        files.append(f)
    lock = threading.Lock()
    answers: list[tuple[str, dict[str, Any]]] = []
    rng = random.Random(seed)
    plans = [[rng.choice(pool) for _ in range(questions)] for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def searcher(n: int) -> None:
        try:
            c = client()
        except Exception as err:  # noqa: BLE001 - counted as an error
            with lock:
                report.errors.append(f"client {n} could not connect: {err}")
            barrier.wait()
            return
        barrier.wait()
        for q in plans[n]:
            t0 = time.perf_counter()
            try:
                got = ask(c, q)
            except Exception as err:  # noqa: BLE001
                with lock:
                    report.errors.append(f"client {n}: {type(err).__name__}: {err}")
                continue
            dt_s = time.perf_counter() - t0
            with lock:
                report.latencies.append(dt_s)
                answers.append((q, got))

    def uploader() -> None:
        barrier.wait()
        c = main
        for f in files:
            time.sleep(0.5)
            t0 = time.perf_counter()
            try:
                summary = c.predict([handle_file(str(f))], api_name="/add_articles")
            except Exception as err:  # noqa: BLE001
                with lock:
                    report.errors.append(f"upload {f.name}: {type(err).__name__}: {err}")
                continue
            summary = {**summary, "seconds": round(time.perf_counter() - t0, 2)}
            report.uploads.append(summary)
            if summary.get("added_count") != 1:
                report.errors.append(f"upload {f.name} added {summary.get('added_count')}")
            log(f"uploaded {f.name}: {summary.get('articles')} articles, {summary['seconds']} s")
            # The corpus cannot change again before the next upload: record its answers.
            states.append({q: key(ask(c, q)) for q in pool})

    start = time.monotonic()
    threads = [threading.Thread(target=searcher, args=(n,)) for n in range(clients)]
    threads.append(threading.Thread(target=uploader))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report.seconds = time.monotonic() - start
    for q, got in answers:
        bad = shape_problems(got, k)
        if bad:
            report.malformed.append(f"{q!r}: {'; '.join(bad)}")
            continue
        if got["query"] != q:
            report.malformed.append(f"{q!r}: answered {got['query']!r}")
        matches = [i for i, s in enumerate(states) if s[q] == key(got)]
        if not matches:
            report.inconsistent.append(f"{q!r}: passages {[r['passage_id'] for r in got['results']]} "
                                       "match no corpus state")
        elif 0 not in matches:
            report.seen_new_state += 1
    return report


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen | None, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"error: the app exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"error: the app did not answer at {url} within {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--questions", type=int, default=25, help="per client")
    p.add_argument("--uploads", type=int, default=2, choices=range(len(UPLOADS) + 1))
    p.add_argument("--k", type=int, default=5, help="results per search")
    p.add_argument("--index-dir", type=Path, default=None,
                   help="an index to copy and serve (default: build the bundled corpus)")
    p.add_argument("--model", default=None, help="passed to app.py")
    p.add_argument("--url", default=None, help="drive an app already running here instead")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="timeline-load-") as tmp:
        work = Path(tmp)
        proc = None
        url = args.url
        if url is None:
            index_dir = work / "index"
            if args.index_dir is not None:
                shutil.copytree(args.index_dir, index_dir)
            port = free_port()
            cmd = [sys.executable, "app.py", "--index-dir", str(index_dir), "--port", str(port)]
            if args.model:
                cmd += ["--model", args.model]
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=open(work / "app.log", "w"),  # noqa: SIM115
                                    env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"})
            url = f"http://127.0.0.1:{port}/"
        try:
            wait_for(url.rstrip("/") + "/", proc)
            print(f"app at {url}: {args.clients} clients x {args.questions} questions, "
                  f"{args.uploads} uploads", file=sys.stderr, flush=True)
            report = run_load(url, clients=args.clients, questions=args.questions,
                              uploads=args.uploads, k=args.k, workdir=work, seed=args.seed,
                              log=lambda s: print(s, file=sys.stderr, flush=True))
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                if not report.ok if "report" in locals() else True:
                    log_text = (work / "app.log").read_text(errors="replace")
                    print("app log (tail):\n" + log_text[-4000:], file=sys.stderr)
    s = report.to_json()
    print(f"{s['searches']} searches by {args.clients} clients in {s['seconds']} s, "
          f"{args.uploads} uploads meanwhile: p50 {s['p50_s']} s, p95 {s['p95_s']} s, "
          f"max {s['max_s']} s; errors {s['errors']}, malformed {s['malformed']}, "
          f"inconsistent {s['inconsistent']}; {s['answers_after_an_upload']} answers already "
          "saw an upload")
    for problem in s["first_problems"]:
        print(f"  {problem}")
    if args.json:
        print(json.dumps(s))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
