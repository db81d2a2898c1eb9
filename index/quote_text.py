"""Text layout for quotation extraction: sentences, words and quotation-mark spans.

Everything here is character offsets into the original text, so that quotations and speakers found
on top of it can be marked in the UI. Rules, not a model: English news prose, with curly, straight
and doubled single quotes ('' as some outlets set them).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

# Abbreviations that end in a period without ending a sentence.
_ABBREV = frozenset("""mr mrs ms dr sen rep gov gen lt col sgt capt st jr sr prof rev hon
no vs etc inc co corp ltd u.s u.k u.n e.u d.c jan feb mar apr aug sept sep oct nov dec
a.m p.m ariz calif colo conn fla ga ill ind kan ky la mass md mich minn miss mo mont neb nev
okla ore pa tenn tex va vt wash wis wyo""".split())

_SENT_END = re.compile(r"[.!?]+[\"”’']*(?=\s+[\"“‘'(\[]*[A-Z0-9])|\n")
WORD = re.compile(r"[^\W_][\w’'.\-]*[^\W_]|[^\W_]")

OPEN_MARKS = "“«"
CLOSE_MARKS = "”»"


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int
    lower: str


@lru_cache(maxsize=4)
def _all_words(text: str) -> tuple[list[Word], list[int]]:
    ws = [Word(m.group(), m.start(), m.end(), m.group().lower()) for m in WORD.finditer(text)]
    return ws, [w.start for w in ws]


def words(text: str, start: int = 0, end: int | None = None) -> list[Word]:
    """The words lying wholly in text[start:end], possessive endings kept ("EU's"), trailing
    periods dropped. Tokenised once per text."""
    ws, starts = _all_words(text)
    end = len(text) if end is None else end
    i = bisect.bisect_left(starts, start)
    j = bisect.bisect_left(starts, end)
    out = ws[i:j]
    if out and out[-1].end > end:
        out = out[:-1]
    return out


@lru_cache(maxsize=4)
def sentences(text: str) -> list[Span]:
    """Sentence spans; a newline always ends one, an abbreviation's period does not."""
    out = []
    start = 0
    for m in _SENT_END.finditer(text):
        if m.group() != "\n":
            before = re.search(r"([A-Za-z.]+)\.+$", text[start:m.start() + 1])
            if before:
                token = before.group(1).lower().rstrip(".")
                if token in _ABBREV or len(token) == 1:
                    continue
        end = m.end()
        if text[start:end].strip():
            s, e = _strip(text, start, end)
            out.append(Span(s, e))
        start = end
    if text[start:].strip():
        s, e = _strip(text, start, len(text))
        out.append(Span(s, e))
    return out


def ends_sentence(gap: str) -> bool:
    """Whether a stretch of text holds a sentence end (an abbreviation's period does not count)."""
    for m in re.finditer(r"[.!?]", gap):
        if m.group() == ".":
            before = re.search(r"([A-Za-z.]+)\.$", gap[:m.end()])
            if before and (before.group(1).lower().rstrip(".") in _ABBREV or len(before.group(1)) == 1):
                continue
        return True
    return False


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@lru_cache(maxsize=4)
def paragraphs(text: str) -> list[Span]:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = _strip(text, m.start(), m.end())
        if e > s:
            out.append(Span(s, e))
    return out


_MARK = re.compile(r"[“”«»\"]|''")


def _marks(text: str, para: Span) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each double quotation mark in a paragraph; kind: open, close, either."""
    out = []
    for m in _MARK.finditer(text, para.start, para.end):
        c = m.group()
        kind = "open" if c in OPEN_MARKS else "close" if c in CLOSE_MARKS else "either"
        out.append((m.start(), m.end(), kind))
    return out


@lru_cache(maxsize=4)
def quoted_spans(text: str) -> list[Span]:
    """Spans of double-quoted text, marks included; a quote left open at a paragraph's end goes on
    into the next paragraph when that one opens with a quotation mark (the multi-paragraph style)."""
    paras = paragraphs(text)
    out: list[Span] = []
    carry: int | None = None  # start of a quote left open by the previous paragraph
    for n, para in enumerate(paras):
        open_at: int | None = None
        marks = _marks(text, para)
        if carry is not None and not (marks and marks[0][0] == para.start):
            out.append(Span(carry, paras[n - 1].end))
            carry = None
        for k, (s, e, kind) in enumerate(marks):
            if carry is not None and k == 0:
                open_at, carry = carry, None
                continue
            if open_at is None:
                # an open mark, or a stray close mark opening a paragraph
                if kind == "close" and s == para.start or kind in ("open", "either"):
                    open_at = s
            elif kind in ("close", "either"):
                out.append(Span(open_at, e))
                open_at = None
            elif kind == "open" and not text[open_at + 1:s].strip():
                open_at = s
        if open_at is not None:
            nxt = paras[n + 1] if n + 1 < len(paras) else None
            if nxt is not None and text[nxt.start] in OPEN_MARKS + '"' + "'":
                carry = open_at
            else:
                out.append(Span(open_at, para.end))
    if carry is not None:
        out.append(Span(carry, paras[-1].end))
    return out
