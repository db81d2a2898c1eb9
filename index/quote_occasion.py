"""The occasion of a quotation, when the attribution clause gives one: "told Fox News Digital" ->
"to Fox News Digital", "in an interview with Suspilne", "at the Munich Security Conference".

Read only from the clause around the cue (from the sentence's start, or the last quotation mark,
to its end): an outlet, audience or event named there. Rules, no model; None when the clause
names none, which is most of the time.
"""

from __future__ import annotations

import re

_CAP = r"[A-Z][\w’'&.\-]*"
# A capitalised name, "the" allowed in front and "of (the)" / "and" inside: "the BBC",
# "CNN's State of the Union", "Fox News Digital".
_NP = rf"(?:[Tt]he\s+)?{_CAP}(?:\s+(?:(?:of|for|and|on)\s+(?:the\s+)?)?{_CAP})*"
_AUDIENCE = r"reporters|journalists|the press|lawmakers|supporters|parliament|the parliament"
_TELL = re.compile(rf"^\s+(?P<np>{_NP}|{_AUDIENCE})\b")
_FORMS = [
    (re.compile(rf"\b(?:in|during)\s+an?\s+(?:\w+\s+)?interview\s+(?:with|on|to)\s+(?P<np>{_NP})"),
     "in an interview with {}"),
    (re.compile(rf"\b(?:speaking|talking)\s+(?:to|with)\s+(?P<np>{_NP}|{_AUDIENCE})\b"), "to {}"),
    (re.compile(rf"\b(?:told|tells|telling)\s+(?P<np>{_NP}|{_AUDIENCE})\b"), "to {}"),
]
# Right after the cue only: "said on CNN", "spoke at the Munich Security Conference".
_AFTER_CUE = [
    (re.compile(rf"^,?\s+on\s+(?P<np>{_NP})"), "on {}"),
    (re.compile(rf"^,?\s+(?:at|during)\s+(?P<np>the\s+{_CAP}(?:\s+(?:of\s+(?:the\s+)?)?{_CAP})*)"),
     "at {}"),
]
# Capitalised words that name a time, not an outlet or an event: "told Reuters Monday".
_TIME_WORDS = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february
march april may june july august september october november december""".split())
_CLAUSE_STOP = re.compile(r"[.;!?“”\"\n]")
# The clause's end: a stop followed by a space or the end, so "U.S." and "Fox News Digital."
# read as they should.
_CLAUSE_END = re.compile(r"[.;!?](?=\s|$)|[“”\"\n]")
_TELL_CUES = frozenset(("told", "tell", "tells", "telling"))


def occasion(text: str, cue: str | None, cue_pos: int, start: int, end: int) -> str | None:
    """To whom or where the speaker said it, from the clause of the cue at ``cue_pos``; the
    content (``start``-``end``) is left out: what is said is not where it was said."""
    if not cue or cue == ":":
        return None
    after = cue_pos + len(cue)
    stop = _CLAUSE_END.search(text, after, min(len(text), after + 300))
    hi = stop.start() if stop else min(len(text), after + 300)
    for pattern, form in ([(_TELL, "to {}")] if cue.lower() in _TELL_CUES else []) + _AFTER_CUE:
        m = pattern.match(text[after:min(hi, after + 120)])
        np = _tidy(m.group("np")) if m else None
        if np:
            return form.format(np)
    lo = max(0, cue_pos - 200)
    starts = [m.end() for m in _CLAUSE_STOP.finditer(text, lo, cue_pos)]
    lo = starts[-1] if starts else lo
    if start >= after:
        hi = min(hi, start)
    elif end <= cue_pos:
        lo = max(lo, end)
    clause = text[lo:hi]
    for pattern, form in _FORMS:
        for m in pattern.finditer(clause):
            np = _tidy(m.group("np"))
            if np:
                return form.format(np)
    return None


def _tidy(np: str) -> str | None:
    """The name without trailing time words or possessive; None when nothing is left."""
    words = np.split()
    while words and words[-1].lower().strip("’'s.") in _TIME_WORDS:
        words.pop()
    if words and words[0].lower() == "the" and len(words) == 1:
        return None
    out = " ".join(words).rstrip(".,")
    if not out or out.lower() in _TIME_WORDS or out.lower() in ("the", "it", "this"):
        return None
    return out
