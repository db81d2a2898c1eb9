"""Which ``timeline_date`` rule places passages on the day Timeline17's journalists chose?

For each gold timeline sentence, the article sentences sharing most content words with it
(cheap lexical overlap) stand in for "the passage that reports it"; each candidate rule gives
those sentences (alone, and with a neighbour either side, like a passage) a timeline date, and
the bench counts how often it equals the gold date. "+lead" rules also let a sentence that
names no day of its own take the day its article's lead passage reports (``follow_lead``, as
the build does). No topic is special-cased.

    python bench/timeline_rule.py [/work/shared/data/t17_dev] [--top 3] [--min-overlap 0.4]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.chunk import chunk_text  # noqa: E402
from index.dates import (  # noqa: E402
    DEFAULT_RULE,
    TimelineRule,
    extract_event_dates,
    follow_lead,
    lead_day,
    timeline_date,
)

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "the a an of to in on at for and or but is are was were be been has have had it its this "
    "that with by from as he she they his her their said says will would not no after before "
    "over into than more about also s t who which what when where there".split())


@dataclass(frozen=True)
class Sentence:
    published: dt.date
    text: str  # the sentence
    window: str  # it with one sentence either side, like a passage
    lead: str  # its article's first passage


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def _load_topic(folder: Path) -> tuple[list[Sentence], list[tuple[dt.date, str]]]:
    sents: list[Sentence] = []
    with gzip.open(folder / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            art = json.loads(line)
            lines = [s.strip() for s in art["text"].split("\n") if s.strip()]
            pub = dt.date.fromisoformat(art["date"])
            chunks = chunk_text(art["text"])
            lead = chunks[0].text if chunks else ""
            for i, s in enumerate(lines):
                sents.append(Sentence(pub, s, " ".join(lines[max(0, i - 1):i + 2]), lead))
    gold = []
    for line in (folder / "timeline.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        gold += [(dt.date.fromisoformat(rec["date"]), s) for s in rec["sentences"]]
    return sents, gold


def _matches(sents: list[Sentence], gold: list[tuple[dt.date, str]], top: int,
             min_overlap: float, min_shared: int) -> list[tuple[dt.date, Sentence]]:
    """(gold date, article sentence) pairs: each gold sentence's best lexical matches."""
    index: dict[str, list[int]] = defaultdict(list)
    words = [_words(s.text) for s in sents]
    for i, ws in enumerate(words):
        for w in ws:
            index[w].append(i)
    pairs = []
    for date, g in gold:
        gw = _words(g)
        if not gw:
            continue
        shared: Counter[int] = Counter()
        for w in gw:
            shared.update(index.get(w, ()))
        # Dice, so a long sentence does not match by sheer size
        best = sorted(((2 * n / (len(gw) + len(words[i])), i) for i, n in shared.items()
                       if n >= min_shared), reverse=True)
        best = [(d, i) for d, i in best if d >= min_overlap]
        pairs += [(date, sents[i]) for _, i in best[:top]]
    return pairs


Rule = tuple[TimelineRule | None, bool]  # (None: publication date), follow the lead


def _rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {"published": (None, False)}
    for before in (0, 1, 2, 3, 7, 14, 31, 366):
        for after in (0, 1, 3, 7):
            rule = TimelineRule(before, after)
            mark = " (default)" if rule == DEFAULT_RULE else ""
            rules[f"before<={before} after<={after}{mark}"] = (rule, False)
    for before in (1, 3, 7):
        rules[f"before<={before} after<=0 +lead"] = (TimelineRule(before, 0), True)
    return rules


def _date(s: Sentence, text: str, rule: Rule) -> dt.date:
    timeline, lead = rule
    if timeline is None:
        return s.published
    events = extract_event_dates(text, s.published)
    day = timeline_date(events, s.published, text, timeline)
    if not lead:
        return day
    return follow_lead(events, day, s.published, _lead(s.lead, s.published, timeline))


@cache
def _lead(text: str, published: dt.date, rule: TimelineRule) -> dt.date | None:
    events = extract_event_dates(text, published)
    return lead_day(events, timeline_date(events, published, text, rule))


def _score(pairs: list[tuple[dt.date, Sentence]], rules: dict[str, Rule],
           field: str) -> dict[str, float]:
    hits: Counter[str] = Counter()
    for gold, s in pairs:
        text = getattr(s, field)
        for name, rule in rules.items():
            hits[name] += _date(s, text, rule) == gold
    return {name: hits[name] / max(1, len(pairs)) for name in rules}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default="/work/shared/data/t17_dev", type=Path)
    ap.add_argument("--top", type=int, default=3)
    ap.add_argument("--min-shared", type=int, default=4, help="content words in common")
    ap.add_argument("--min-overlap", type=float, default=0.4, help="Dice of content words")
    args = ap.parse_args(argv)
    rules = _rules()
    t0 = time.perf_counter()
    all_pairs: list[tuple[dt.date, Sentence]] = []
    per_topic: dict[str, dict[str, dict[str, float]]] = {}
    for folder in sorted(p for p in args.data.iterdir() if (p / "timeline.jsonl").exists()):
        sents, gold = _load_topic(folder)
        pairs = _matches(sents, gold, args.top, args.min_overlap, args.min_shared)
        all_pairs += pairs
        per_topic[folder.name] = {f: _score(pairs, rules, f) for f in ("text", "window")}
        print(f"{folder.name}: {len(gold)} gold sentences, {len(pairs)} matched sentences")
    overall = {f: _score(all_pairs, rules, f) for f in ("text", "window")}
    print(f"\n{len(all_pairs)} pairs, {time.perf_counter() - t0:.1f}s; "
          "accuracy = timeline date == gold date")
    topics = sorted(per_topic)
    print(f"{'rule':30} {'sent':>6} {'window':>6}  " + "  ".join(f"{t:>12}" for t in topics))
    ranked = sorted(rules, key=lambda n: -overall["window"][n])
    for name in ranked:
        cols = "  ".join(f"{per_topic[t]['text'][name]:5.3f}/{per_topic[t]['window'][name]:5.3f}"
                         for t in topics)
        print(f"{name:30} {overall['text'][name]:6.3f} {overall['window'][name]:6.3f}  {cols}")


if __name__ == "__main__":
    main()
