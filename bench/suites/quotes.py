"""The ``quotes`` suite: who said what, measured on PolNeAR (``../shared/data/quotes/polnear_dev.jsonl.gz``).

Each article's gold attributions have a content span, a ``direct`` flag (in quotation marks), the
source (speaker) mention's span and text, and the cue. ``index.quotes.extract_quotes`` is run on the
article text and scored as follows.

Detection, direct and reported speech apart (a gold attribution is "direct" when its ``direct`` flag
is set, "reported" otherwise; a prediction by its own ``direct`` flag). Within one article and one
kind, a predicted span and a gold span *match* when their character overlap is at least half the
shorter of the two; matching is one-to-one, greedy by overlap, largest first. Precision = matched
predictions / predictions, recall = matched gold / gold, F1 their harmonic mean, all summed over the
articles (micro).

Speaker accuracy, over the matched pairs whose gold attribution names a source: correct when the
predicted ``speaker_start``/``speaker_end`` overlaps the gold source span, or when the predicted
``speaker`` name contains the gold source's surname (its last word, when that is capitalised).

Baselines, computed in the same run:
- speakers: the nearest person-like name before each detected quotation (a capitalised name of two
  or more words or with a title, or the lone surname of such a name) on the same matched pairs;
- detection: every span in quotation marks is a direct quotation; every sentence with said/says/
  told/according to, from its start to its end, is reported speech.

Articles are split in two halves by a hash of their id: the rules were developed looking at the
"dev" half only, and the "held-out" half is reported apart to show how they carry over.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_NAME = Path("data") / "quotes" / "polnear_dev.jsonl.gz"

TARGETS = {
    "direct F1": 0.90,
    "direct speaker acc": 0.85,
    "reported F1": 0.60,
}
Span = tuple[int, int]


def data_path() -> Path:
    """$TIMELINE_QUOTES_DATA, else shared/data/quotes beside the repository or one of its parents."""
    env = os.environ.get("TIMELINE_QUOTES_DATA")
    if env:
        return Path(env)
    for parent in ROOT.parents:
        p = parent / "shared" / DATA_NAME
        if p.exists():
            return p
    return ROOT.parent / "shared" / DATA_NAME


def load(path: Path | None = None, limit: int | None = None) -> list[dict]:
    path = path or data_path()
    if not path.exists():
        raise FileNotFoundError(f"PolNeAR data not found at {path}: put shared/data beside the repository "
                                "or set TIMELINE_QUOTES_DATA")
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            out.append(json.loads(line))
            if limit is not None and len(out) >= limit:
                break
    return out


def half(article_id: str) -> str:
    """'dev' or 'held-out', fixed by a hash of the id (not by anything in the text)."""
    return "dev" if hashlib.sha1(article_id.encode()).digest()[0] % 2 == 0 else "held-out"


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(pred: Sequence[Span], gold: Sequence[Span]) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index) overlapping by >= half the shorter span."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            o = overlap(p, g)
            shorter = min(p[1] - p[0], g[1] - g[0])
            if shorter > 0 and o >= 0.5 * shorter:
                pairs.append((o, i, j))
    pairs.sort(reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def surname(speaker: str | None) -> str | None:
    if not speaker:
        return None
    last = speaker.split()[-1].rstrip(".,").removesuffix("'s").removesuffix("’s").rstrip("'’")
    return last if last[:1].isupper() else None


def speaker_ok(span: Span | None, name: str | None, gold: dict) -> bool:
    gs, ge = gold["speaker_start"], gold["speaker_end"]
    if span is not None and gs is not None and overlap(span, (gs, ge)) > 0:
        return True
    sn = surname(gold["speaker"])
    return bool(sn and name and sn in name)


@dataclass
class Tally:
    pred: int = 0
    gold: int = 0
    hit: int = 0

    def add(self, pred: int, gold: int, hit: int) -> None:
        self.pred += pred
        self.gold += gold
        self.hit += hit

    @property
    def f1(self) -> float:
        p = self.hit / self.pred if self.pred else 0.0
        r = self.hit / self.gold if self.gold else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def prf(self) -> str:
        p = self.hit / self.pred if self.pred else 0.0
        r = self.hit / self.gold if self.gold else 0.0
        return f"{p:.2f} / {r:.2f}"


@dataclass
class Acc:
    n: int = 0
    ok: int = 0

    @property
    def value(self) -> float:
        return self.ok / self.n if self.n else 0.0


@dataclass
class Scores:
    articles: int = 0
    det: dict[str, Tally] = field(default_factory=lambda: {"direct": Tally(), "reported": Tally()})
    base_det: dict[str, Tally] = field(default_factory=lambda: {"direct": Tally(), "reported": Tally()})
    spk: dict[str, Acc] = field(default_factory=lambda: {"direct": Acc(), "reported": Acc(), "all": Acc()})
    base_spk: dict[str, Acc] = field(
        default_factory=lambda: {"direct": Acc(), "reported": Acc(), "all": Acc()})


def nearest_name_baseline(text: str) -> Callable[[int], tuple[Span | None, str | None]]:
    """For a position: the nearest person-like name before it (span, name)."""
    from index.quote_names import person_mentions
    from index.quote_resolve import Resolver

    names = [((m.start, m.end), m.name) for m in person_mentions(text)]
    lones = Resolver(text, []).lones
    names += [((p, p + len(n.split()[-1])), n) for p, n in lones]
    names.sort()
    starts = [s for (s, _), _ in names]

    def at(pos: int) -> tuple[Span | None, str | None]:
        import bisect

        k = bisect.bisect_left(starts, pos) - 1
        while k >= 0 and names[k][0][1] > pos:
            k -= 1
        return (names[k][0], names[k][1]) if k >= 0 else (None, None)

    return at


def baseline_detect(text: str) -> tuple[list[Span], list[Span]]:
    import re

    from index.quote_text import quoted_spans, sentences

    direct = [(s.start, s.end) for s in quoted_spans(text)]
    cue = re.compile(r"\b(said|says|told|according to)\b")
    reported = [(s.start, s.end) for s in sentences(text) if cue.search(text, s.start, s.end)]
    return direct, reported


def score(records: Iterable[dict], timings: list[float]) -> dict[str, Scores]:
    from index.quotes import extract_quotes

    out = {"dev": Scores(), "held-out": Scores(), "all": Scores()}
    for rec in records:
        text = rec["text"]
        t0 = time.perf_counter()
        pred = extract_quotes(text)
        timings.append(time.perf_counter() - t0)
        base_speaker = nearest_name_baseline(text)
        b_direct, b_reported = baseline_detect(text)
        for part in (out[half(rec["id"])], out["all"]):
            part.articles += 1
            for kind, flag, bspans in (("direct", True, b_direct), ("reported", False, b_reported)):
                gold = [g for g in rec["quotes"] if g["direct"] is flag]
                mine = [q for q in pred if q.direct is flag]
                gspans = [(g["start"], g["end"]) for g in gold]
                pairs = match([(q.start, q.end) for q in mine], gspans)
                part.det[kind].add(len(mine), len(gold), len(pairs))
                part.base_det[kind].add(len(bspans), len(gold), len(match(bspans, gspans)))
                for i, j in pairs:
                    g, q = gold[j], mine[i]
                    if g["speaker"] is None and g["speaker_start"] is None:
                        continue
                    span = (q.speaker_start, q.speaker_end) if q.speaker_start is not None else None
                    ok = speaker_ok(span, q.speaker, g)
                    bspan, bname = base_speaker(q.start)
                    bok = speaker_ok(bspan, bname, g)
                    for key in (kind, "all"):
                        part.spk[key].n += 1
                        part.spk[key].ok += ok
                        part.base_spk[key].n += 1
                        part.base_spk[key].ok += bok
    return out


def _ratio(mine: float, base: float) -> str:
    return f"{mine / base:.2f}×" if base else "–"


def table(scores: dict[str, Scores], timings: list[float]) -> str:
    parts = ("dev", "held-out", "all")
    head = "| measure | target | " + " | ".join(
        f"{p} ({scores[p].articles} art.): project | baseline | ratio" for p in parts) + " |"
    lines = [
        "## quotes: PolNeAR attribution (train+dev articles)",
        "",
        "Detection F1 by overlap >= 50% of the shorter span, one-to-one; speaker accuracy on the matched "
        "quotations. Baselines: all quotation-marked spans / sentences with said|says|told|according to "
        "(detection); nearest preceding person-like name (speaker).",
        "",
        head,
        "|---|---|" + "---|---|---|" * len(parts),
    ]

    def row(name: str, target: str, vals: list[tuple[float, float]]) -> None:
        cells = " | ".join(f"{m:.3f} | {b:.3f} | {_ratio(m, b)}" for m, b in vals)
        lines.append(f"| {name} | {target} | {cells} |")

    for kind in ("direct", "reported"):
        row(f"{kind} detection F1", f">= {TARGETS[kind + ' F1']:.2f}",
            [(scores[p].det[kind].f1, scores[p].base_det[kind].f1) for p in parts])
        lines.append(f"| {kind} detection P / R | | " + " | ".join(
            f"{scores[p].det[kind].prf()} | {scores[p].base_det[kind].prf()} |" for p in parts) + " |")
    for kind in ("direct", "reported", "all"):
        target = ">= 0.85" if kind == "direct" else ">= baseline + 0.15" if kind == "all" else ""
        row(f"{kind} speaker accuracy (n={scores['all'].spk[kind].n})", target,
            [(scores[p].spk[kind].value, scores[p].base_spk[kind].value) for p in parts])
    ms = [t * 1000 for t in timings]
    lines += [
        "",
        f"Speed: {statistics.mean(ms):.1f} ms per article on average, median {statistics.median(ms):.1f}, "
        f"max {max(ms):.1f} ({len(ms)} articles, one process).",
    ]
    return "\n".join(lines)


def run(limit: int | None = None) -> str:
    """Score the project and its baselines on the first ``limit`` articles (all when None)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    records = load(limit=limit)
    timings: list[float] = []
    scores = score(records, timings)
    out = table(scores, timings)
    print(out)
    return out


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None)
    run(ap.parse_args().limit)
