"""Reported speech: "Kallas said (that) …", "…, Kallas said.", "according to Kallas, …", and stance
("Trump blamed local officials"), sentence by sentence outside the quotations already found.

The content runs from the cue to the end of its clause: a sentence can hold several attributions
("Ryan said he was not ready, and suggested that Trump …").
"""

from __future__ import annotations

import bisect
import re

from index.quote_cues import (
    AMBIGUOUS,
    EVIDENCE_CUES,
    NOUNISH,
    PHRASAL,
    SPEECH_CUES,
    STANCE_CUES,
    TELL,
    THOUGHT_CUES,
    Found,
    good_subject,
)
from index.quote_names import FUNCTION, Mention, clause_subject, np_after, np_naming, subject_before
from index.quote_text import Span, Word, quoted_spans, sentences, words

REPORT_CUES = SPEECH_CUES | THOUGHT_CUES | EVIDENCE_CUES
ALL_CUES = REPORT_CUES | STANCE_CUES | frozenset(PHRASAL)
_ADJUNCT = frozenset("""on in at during after before last this earlier later yesterday today
tonight of while when as through via from for with recently afterward told an about""".split())
_NEXT_CUE = re.compile(r",\s+(?:[\w’'.-]+\s+){1,3}?([a-z]+)\b")
_COORD_CUE = re.compile(r",?\s+(?:and|but)\s+(?:also\s+|then\s+|later\s+)?([a-z]+)\b|[;—]\s")


def reported(text: str, direct: list[Found]) -> list[Found]:
    """Reported speech in every sentence not inside a quotation found already."""
    found: list[Found] = []
    spans = sorted([(f.start, f.end) for f in direct] + [(s.start, s.end) for s in quoted_spans(text)])
    starts = [s for s, _ in spans]
    direct_spans = [(f.start, f.end) for f in direct]

    reach: list[int] = []  # the furthest end among the spans starting at or before each start
    for _, e in spans:
        reach.append(max(e, reach[-1]) if reach else e)

    def quoted(pos: int) -> bool:
        k = bisect.bisect_right(starts, pos) - 1
        return k >= 0 and pos < reach[k]

    for sent in sentences(text):
        k = bisect.bisect_right(starts, sent.start) - 1
        if k >= 0 and sent.end <= reach[k]:
            continue
        if sent.end - sent.start > 3000:
            continue  # no sentence is that long: a table, a list or markup
        ws = [w for w in words(text, sent.start, sent.end) if not quoted(w.start)]
        if not ws or sum(w.text.isupper() and len(w.text) > 1 for w in ws) > 0.5 * len(ws):
            continue  # a headline in capitals
        for f in _sentence(text, sent, ws):
            overlap = sum(max(0, min(f.end, e) - max(f.start, s)) for s, e in direct_spans
                          if s < f.end and e > f.start)
            if overlap > 0.5 * (f.end - f.start) or f.end - f.start < 8:
                continue
            found.append(f)
    return found


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " .,;:!?\n":
        end -= 1
    while start < end and text[start] in " ,;:\n—-":
        start += 1
    return start, end


def _sentence(text: str, sent: Span, ws: list[Word]) -> list[Found]:
    out: list[Found] = []
    acc = _according(text, sent, ws)
    if acc is not None:
        return [acc]
    passive = _passive(text, sent, ws) or _headline(text, sent)
    if passive is not None:
        return [passive]
    pos = sent.start
    for i, w in enumerate(ws):
        if w.start < pos or w.lower not in ALL_CUES:
            continue
        f = _one(text, sent, ws, i, out[-1] if out else None)
        if f is not None:
            out.append(f)
            pos = max(f.end, w.end) if f.start > w.start else w.end
    return out


_PASSIVE = re.compile(r"\s*(?:This|That|It|These|Those)\s+(?:was|were|is|has\s+been|had\s+been)\s+"
                      r"(?:also\s+)?([a-z]+)\s+by\s+", re.I)


def _passive(text: str, sent: Span, ws: list[Word]) -> Found | None:
    """'This was stated by Kaja Kallas': the sentence before is what she said."""
    m = _PASSIVE.match(text, sent.start, sent.end)
    if not m or m.group(1).lower() not in SPEECH_CUES or sent.start == 0:
        return None
    speaker = np_naming(text, m.end(), sent.end)
    prev = [s for s in sentences(text) if s.end <= sent.start]
    if speaker is None or not prev:
        return None
    return Found(prev[-1].start, prev[-1].end, m.group(1), m.start(1), speaker, False)


_HEADLINE = re.compile(r"((?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w’'.-]*):\s+(?=[A-Z‘'])")


def _headline(text: str, sent: Span) -> Found | None:
    """'Elizabeth Warren: Donald Trump Is a Proven Failure': a name, a colon, and what they said."""
    m = _HEADLINE.match(text, sent.start, sent.end)
    if not m or m.group(1).split()[0].lower() in FUNCTION or len(words(text, m.end(), sent.end)) < 3:
        return None
    speaker = np_after(text, m.start(1), m.end(1))
    if speaker is None:
        return None
    s, e = _trim(text, m.end(), sent.end)
    return Found(s, e, ":", m.end(1), speaker, False)


def _according(text: str, sent: Span, ws: list[Word]) -> Found | None:
    for i in range(len(ws) - 1):
        if ws[i].lower != "according" or ws[i + 1].lower != "to":
            continue
        m = np_naming(text, ws[i + 1].end, sent.end)
        if m is None:
            return None
        if not text[sent.start:ws[i].start].strip():
            comma = text.find(",", m.end, sent.end)
            if comma < 0:
                return None
            s, e = _trim(text, comma + 1, sent.end)
        else:
            s, e = _trim(text, sent.start, ws[i].start)
        return Found(s, e, "according to", ws[i].start, m, False)
    return None


def _content_end(text: str, start: int, end: int) -> int:
    """Where a reported clause stops: at ", and suggested …", "; ", or the sentence's end."""
    for m in _COORD_CUE.finditer(text, start, end):
        if m.group(1) is None or m.group(1) in ALL_CUES:
            return m.start()
    contrast = re.search(r",\s+(?:but|though|although|while|whereas|yet)\s", text[start:end])
    if contrast:
        end = start + contrast.start()
    for m in _NEXT_CUE.finditer(text, start, end):  # "…, he said there's no precedent"
        if m.group(1).lower() in ALL_CUES:
            return m.start()
    part = re.search(r",\s+(?:[a-z]+ing)\b", text[start:end])
    if part and part.group().split()[-1] in ALL_CUES:
        return start + part.start()
    return end


def _one(text: str, sent: Span, ws: list[Word], i: int, prev: Found | None) -> Found | None:
    w = ws[i]
    cue = w.text
    cue_end = w.end
    low = w.lower
    if low in PHRASAL:
        if i + 1 >= len(ws) or ws[i + 1].lower not in PHRASAL[low]:
            return None
        cue_end = ws[i + 1].end
        cue = text[w.start:cue_end]
    rest = text[cue_end:sent.end]
    tail = words(text, cue_end, sent.end)
    before = text[sent.start:w.start].rstrip()
    speech = low in SPEECH_CUES and low not in AMBIGUOUS
    # "…, Kallas said." : the content comes first
    if speech and not before.endswith(",") and (adjunct(tail) or rest.lstrip().startswith(",")):
        m = subject_before(text, w.start, sent.start)
        comma = before.rfind(",")
        if comma > 0 and good_subject(m) and m is not None and m.start > sent.start + comma:
            s, e = _trim(text, sent.start, sent.start + comma)
            return Found(s, e, cue, w.start, m, False)
    # "…, said Kallas." : inverted
    if speech and before.endswith(",") and not low.endswith("ing"):
        m = np_after(text, cue_end, sent.end)
        if m is not None and (adjunct(words(text, m.end, sent.end)) or text[m.end:m.end + 1] == ",") and \
                (m.kind in ("name", "role") or (m.kind == "other" and len(m.text.split()) <= 3)):
            s, e = _trim(text, sent.start, sent.start + len(before) - 1)
            return Found(s, e, cue, w.start, m, False)
    # "Kallas said (that) …", "…, saying (that) …"
    if len(tail) < 2:
        return None
    m = _subject(text, sent, w, before, prev)
    if not good_subject(m) or m is None:
        return None
    if low in NOUNISH and not re.match(r"\s+that\b", rest):
        return None
    if low in AMBIGUOUS and not re.match(r"(?:\s+[\w’'-]+){0,4}?\s+that\b", rest):
        return None
    if low in THOUGHT_CUES and not re.match(r"\s+(that|it|the|a|he|she|they|we|[A-Z])\b", rest):
        return None
    start = cue_end
    if low in TELL:
        that = re.match(r"\s+(?:[\w.’'-]+\s+){0,5}?(?=that\b)", rest)
        if that:
            start = cue_end + that.end()
    clause = text[start:sent.end]
    if low in REPORT_CUES and re.match(r"\s*(in|on|at|to|during|after|before|about)\b", clause) \
            and not re.search(r"\bthat\b", clause):
        return None
    s, e = _trim(text, start, _content_end(text, start, sent.end))
    return Found(s, e, cue, w.start, m, False)


def _subject(text: str, sent: Span, w: Word, before: str, prev: Found | None) -> Mention | None:
    if w.lower.endswith("ing"):
        if not before.endswith(","):
            m = subject_before(text, w.start, sent.start)  # "with 50 percent saying …"
            return m if m is not None and re.search(r"\bwith\s+[^,]*$", before) else None
        if prev is not None and prev.mention is not None:
            return prev.mention
        return clause_subject(text, sent.start, w.start)
    m = subject_before(text, w.start, sent.start)
    lead = re.search(r"\b(and|but)\s+(?:also\s+|then\s+|later\s+)?$", before + " ")
    if lead and prev is not None and prev.mention is not None:
        return prev.mention
    return m


def adjunct(tail: list[Word]) -> bool:
    """After "…, Kallas said": only an adjunct ("on Thursday", "in a statement"), no clause."""
    return not tail or (tail[0].lower in _ADJUNCT and not any(w.lower == "that" for w in tail))
