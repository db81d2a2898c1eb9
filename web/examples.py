"""The page's example questions, drawn from the loaded corpus rather than fixed seed questions.

Its most covered people (names that say things: "X said", "said X") and names, counted once
per article over an even sample of passages, and one "timeline of …". No NER model: capitalised
runs not at a sentence start are names enough for an example.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.store import Store

SAMPLE_PASSAGES = 600  # enough to find what a corpus is about; cheap at start-up
_NAME = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}"
_IN_TEXT = re.compile(rf"(?<=[a-z,;:] )({_NAME})\b")  # after a lowercase word: not a sentence start
_SPEAKER = re.compile(rf"\b({_NAME}) (?:said|says|told|added|warned|wrote)\b"
                      rf"|\b(?:said|says|told) ({_NAME})\b")
_NOT_NAMES = frozenset(
    """January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday The This That These Those It He She
    They We I You His Her Their Our But And Or If When While After Before Mr Mrs Ms Dr President
    Minister Prime Secretary General Chief Getty Images Share Follow Reuters AP AFP""".split())


def corpus_examples(store: Store, *, most: int = 4) -> list[str]:
    """Up to ``most`` questions about what the corpus covers; [] for an empty corpus."""
    ids = store.all_passage_ids()
    if not ids:
        return []
    step = max(1, len(ids) // SAMPLE_PASSAGES)
    passages = store.passages(ids[::step][:SAMPLE_PASSAGES]).values()
    speakers: Counter[str] = Counter()
    names: Counter[str] = Counter()
    seen: set[tuple[str, str, str]] = set()
    for p in passages:
        for m in _SPEAKER.finditer(p.text):
            who = _surname(m.group(1) or m.group(2))
            if who and (p.article_id, "s", who) not in seen:
                seen.add((p.article_id, "s", who))
                speakers[who] += 1
        for m in _IN_TEXT.finditer(p.text):
            name = _clean(m.group(1))
            if name and (p.article_id, "n", name) not in seen:
                seen.add((p.article_id, "n", name))
                names[name] += 1
    people = [w for w, _ in speakers.most_common(2)]
    things = [n for n, _ in names.most_common(8) if _surname(n) not in people][:2]
    out = [f"What did {who} say?" for who in people]
    out += [f"What was said about {name}?" for name in things]
    if people or things:
        out = out[: most - 1] + [f"timeline of {(people or things)[0]}"]
    return out


def _clean(name: str) -> str | None:
    words = [w for w in name.split() if w not in _NOT_NAMES]
    return " ".join(words) if words else None


def _surname(name: str) -> str | None:
    """A speaker by the last word of the name ("Kaja Kallas" and "Kallas" are one person)."""
    cleaned = _clean(name)
    return cleaned.split()[-1] if cleaned else None
