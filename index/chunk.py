"""Sentence-aware passages of roughly 40-120 words that never cut a sentence."""

from __future__ import annotations

import re
from collections.abc import Iterator

from index.models import Chunk

MIN_WORDS = 40
MAX_WORDS = 120
# A lone sentence longer than this is still one passage: sentences are never cut.
_TAIL_WORDS = 15

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen sen rep gov lt col sgt capt cmdr adm maj st jr sr rev hon pres
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    inc corp co ltd llc bros vs etc no nos vol fig approx est dept univ ave blvd mt ft
    u.s u.k u.n e.u u.s.a d.c a.m p.m""".split()
)
# End punctuation, optional closing quotes/brackets, then space and something that can open a sentence.
_BOUNDARY = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_NEWLINE = re.compile(r"\n+")
_WORD = re.compile(r"\S+")
_ATTRIBUTION = re.compile(
    r"\b(said|says|told|added|stated|warned|noted|argued|urged|wrote|posted|asked|insisted|"
    r"explained|according to)\b",
    re.IGNORECASE,
)
_OPENS_QUOTE = re.compile(r"""^\s*["“]""")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``; newlines always end a sentence."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in _NEWLINE.split(text):
        start = text.index(line, pos) if line else pos
        pos = start + len(line)
        spans.extend(_split_line(line, start))
    return spans


def _split_line(line: str, offset: int) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _BOUNDARY.finditer(line):
        if _is_abbreviation(line, m.start()):
            continue
        yield from _trimmed(line, start, m.end(), offset)
        start = m.end()
    yield from _trimmed(line, start, len(line), offset)


def _is_abbreviation(line: str, dot: int) -> bool:
    if line[dot] != ".":
        return False
    word = line[:dot].rsplit(None, 1)[-1] if line[:dot].strip() else ""
    word = word.lstrip("\"'“‘([").lower()
    # A single initial ("D. Trump") or a known abbreviation ("U.S.", "Feb.").
    return len(word) == 1 and word.isalpha() or word in _ABBREVIATIONS


def _trimmed(line: str, start: int, end: int, offset: int) -> Iterator[tuple[int, int]]:
    piece = line[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        yield offset + start + lead, offset + start + lead + len(stripped)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def chunk_text(text: str, *, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> list[Chunk]:
    """Pack whole sentences into passages, preferring paragraph ends as breaks.

    A quote and its attribution ("...," she said.) stay together where the sizes allow.
    """
    sentences = split_sentences(text)
    if not sentences:
        return []
    para_end = _paragraph_ends(text, sentences)
    groups: list[list[int]] = [[]]
    words = 0
    for i, (s, e) in enumerate(sentences):
        n = _words(text[s:e])
        current = groups[-1]
        if current and words + n > max_words:
            keep = _best_break(text, sentences, current, i, min_words)
            groups[-1], carry = current[:keep], current[keep:]
            groups.append(carry)
            words = sum(_words(text[slice(*sentences[j])]) for j in carry)
        groups[-1].append(i)
        words += n
        if para_end[i] and words >= min_words:
            groups.append([])
            words = 0
    groups = [g for g in groups if g]
    if len(groups) > 1:
        tail = groups[-1]
        tail_words = sum(_words(text[slice(*sentences[j])]) for j in tail)
        prev_words = sum(_words(text[slice(*sentences[j])]) for j in groups[-2])
        if tail_words < _TAIL_WORDS and prev_words + tail_words <= max_words + _TAIL_WORDS:
            groups[-2:] = [groups[-2] + tail]
    return [
        Chunk(ordinal=k, start=sentences[g[0]][0], end=sentences[g[-1]][1],
              text=text[sentences[g[0]][0]:sentences[g[-1]][1]])
        for k, g in enumerate(groups)
    ]


def _paragraph_ends(text: str, sentences: list[tuple[int, int]]) -> list[bool]:
    ends = []
    for i, (_, e) in enumerate(sentences):
        nxt = sentences[i + 1][0] if i + 1 < len(sentences) else len(text)
        ends.append("\n\n" in text[e:nxt] or i + 1 == len(sentences))
    return ends


def _best_break(text: str, sentences: list[tuple[int, int]], group: list[int], incoming: int,
                min_words: int) -> int:
    """How many sentences of ``group`` to keep before ``incoming``: the latest break that keeps
    a quote with its attribution, and leaves at least ``min_words`` behind."""
    counts = [_words(text[slice(*sentences[j])]) for j in group]
    following = [*group[1:], incoming]
    for keep in range(len(group), 0, -1):
        if keep < len(group) and sum(counts[:keep]) < min_words:
            break
        if not _splits_quote(text, sentences, group[keep - 1], following[keep - 1]):
            return keep
    return len(group)


def _splits_quote(text: str, sentences: list[tuple[int, int]], a: int, b: int) -> bool:
    first, second = text[slice(*sentences[a])], text[slice(*sentences[b])]
    unattributed_quote = _OPENS_QUOTE.match(first) and not _ATTRIBUTION.search(first)
    return bool(unattributed_quote and _ATTRIBUTION.search(second)) or bool(
        _ATTRIBUTION.search(first) and _OPENS_QUOTE.match(second) and not _ATTRIBUTION.search(second)
        and first.rstrip().endswith(("said.", "added.", "told."))
    )
