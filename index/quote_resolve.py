"""Resolving a speaker mention to a person named in the article.

"Kallas" is the "Kaja Kallas" named before (or after); "she" is the most recent speaker or
sentence subject of that gender; "the EU's top diplomat" is the person described with the same
words, else the most recent speaker. Mentions inside quotations, reported content and parentheses
(photo credits) are never antecedents.
"""

from __future__ import annotations

import bisect
import re

from index.quote_names import (
    LEAD_ADJUNCT,
    NAME_CONNECT,
    ROLE_NOUNS,
    TITLES,
    Mention,
    bare,
    person_mentions,
)
from index.quote_text import sentences, words

_OF_WORDS = frozenset("of for and on".split())
_WEAK_STEMS = frozenset("the former said says also which where while when with from that this their".split())


def stems(ws: list[str]) -> set[str]:
    """Six-letter stems of the content words ("diplomacy", "diplomat" -> "diplom")."""
    out = set()
    for w in ws:
        w = re.sub(r"(’s|'s|’|')$", "", w.lower()).strip(".,;:")
        if len(w) >= 4 and w not in _WEAK_STEMS:
            out.add(w[:6])
    return out


class Resolver:
    """Resolves mentions to names, walking the article in order."""

    def __init__(self, text: str, skip: list[tuple[int, int]]) -> None:
        self.text = text
        # quotations, reported content and parentheses (photo credits) name no antecedents
        self.skip = sorted(skip + [(m.start(), m.end()) for m in re.finditer(r"\([^()\n]*\)", text)])
        merged: list[list[int]] = []
        for a, b in self.skip:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.skip_starts = [a for a, _ in merged]
        self.skip_ends = [b for _, b in merged]
        self.persons = [m for m in person_mentions(text) if not self._inside(m.start)]
        self.gender: dict[str, str] = {}
        for m in self.persons:
            if m.gender and m.name:
                self.gender.setdefault(m.name, m.gender)
        self.fulls = [m for m in self.persons if m.name and " " in m.name]
        self.by_surname: dict[str, list[Mention]] = {}
        for m in self.fulls:
            self.by_surname.setdefault((m.name or "").split()[-1], []).append(m)
        counts: dict[str, int] = {}
        for m in self.persons:
            if m.name:
                counts[m.name] = counts.get(m.name, 0) + 1
        self.counts = counts
        self.lones = self._lones()
        self.described: dict[str, set[str]] = {}
        for m in self.fulls:
            self.described.setdefault(m.name or "", set()).update(self._descriptors(m))
        self.sent_starts = [sp.start for sp in sentences(text)]
        # every person mention by position, and those that open their sentence (its subject)
        self.named = sorted([(m.start, self.full_name(m.name, m.start)) for m in self.persons if m.name]
                            + self.lones)
        self.named_pos = [p for p, _ in self.named]
        self.subjects = [c for c in self.named if self._opens_sentence(c[0])]
        self.subject_pos = [p for p, _ in self.subjects]

    def _inside(self, pos: int) -> bool:
        k = bisect.bisect_right(self.skip_starts, pos) - 1
        return k >= 0 and pos < self.skip_ends[k]

    def full_name(self, name: str, pos: int) -> str:
        """"Kallas" -> "Kaja Kallas" when a full mention with that surname comes earlier (or later)."""
        if " " in name:
            return name
        same = self.by_surname.get(name.split()[-1], [])
        before = [m for m in same if m.start < pos]
        pick = before[-1] if before else same[0] if same else None
        return pick.name if pick is not None and pick.name else name

    def lone_name(self, word: str, pos: int) -> str | None:
        """A single capitalised word that is the surname of a person named in the article."""
        last = bare(word)
        return self.full_name(last, pos) if last in self.by_surname else None

    def antecedent(self, pos: int, gender: str | None, speakers: list[tuple[int, str]]) -> str | None:
        """The most recent person before pos, outside quotations, of a compatible gender: first
        among the speakers and the persons that open a sentence (its subject), then among all."""
        named = self.named[:bisect.bisect_left(self.named_pos, pos)]
        subjects = self.subjects[:bisect.bisect_left(self.subject_pos, pos)]
        spoke = [(p, n) for p, n in speakers if p < pos]
        for cands in (sorted(subjects[-50:] + spoke), sorted(named[-50:] + spoke)):
            for _, name in reversed(cands):
                g = self.gender.get(name)
                if gender in ("m", "f") and g is not None and g != gender:
                    continue
                if gender in ("m", "f") and g is None:
                    self.gender[name] = gender
                return name
        return None

    def _descriptors(self, m: Mention) -> set[str]:
        """Stems of the words that describe a person where named: the title before the name ("the
        head of European diplomacy Kaja Kallas") and an appositive after it ("Kallas, the EU's …,")."""
        run: list[str] = []
        nxt = m.start
        for w in reversed(words(self.text, max(0, m.start - 80), m.start)):
            if not (w.text[:1].isupper() or w.lower in TITLES | ROLE_NOUNS | _OF_WORDS):
                break
            if any(c in self.text[w.end:nxt] for c in ",;:.!?()\"“”\n"):
                break
            run.append(w.text)
            nxt = w.start
        before = " ".join(reversed(run))
        after = ""
        if self.text.startswith(",", m.end):
            after = re.split(r"[,;:.!?()\"“”]", self.text[m.end + 1:m.end + 100])[0]
        return stems(before.split()[-8:] + after.split()[:12])

    def role(self, m: Mention, speakers: list[tuple[int, str]]) -> str | None:
        """A role noun ("the EU's top diplomat"): the most recent person described with the same
        words (else the first one after), else the most recent speaker; None when there is none."""
        want = stems(m.text.split())
        fitting = [(p, n) for p, n in self.named if want & self.described.get(n, set())]
        before = [c for c in fitting if c[0] < m.start]
        if before:
            return before[-1][1]
        spoke = sorted((p, n) for p, n in speakers if p < m.start)
        if spoke:
            return spoke[-1][1]
        return fitting[0][1] if fitting else None

    def _opens_sentence(self, pos: int) -> bool:
        """Whether only an adjunct or a title stands between the sentence's start and pos."""
        k = bisect.bisect_right(self.sent_starts, pos) - 1
        if k < 0:
            return False
        start = self.sent_starts[k]
        lead = LEAD_ADJUNCT.match(self.text, start, pos)
        prefix = self.text[lead.end() if lead else start:pos]
        return all(w[:1].isupper() or w.lower() in TITLES or w.lower() in NAME_CONNECT
                   for w in re.findall(r"[\w’'.-]+", prefix))

    def _lones(self) -> list[tuple[int, str]]:
        """Lone surnames ("Kallas") of persons named in full somewhere in the article."""
        out = []
        inside_full = {w.start for m in self.fulls for w in words(self.text, m.start, m.end)}
        for w in words(self.text):
            if bare(w.text) in self.by_surname and w.start not in inside_full and not self._inside(w.start):
                name = self.lone_name(w.text, w.start)
                if name is not None:
                    out.append((w.start, name))
        return out

    def most_quoted(self, speakers: list[tuple[int, str]]) -> str | None:
        counts: dict[str, int] = {}
        for _, n in speakers:
            counts[n] = counts.get(n, 0) + 1
        return max(counts, key=lambda n: counts[n]) if counts else None
