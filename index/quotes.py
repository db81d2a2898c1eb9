"""Who said what: quotations and reported speech in an article, each with its speaker and cue.

``extract_quotes(text)`` finds
- direct quotations: text in quotation marks tied to a speech verb next to it ("…," Kallas said;
  Kallas said: "…"), with the pieces of one quotation that a "she said" splits joined into one
  span, and a quotation that goes on over several paragraphs kept whole;
- reported speech: "Kallas said that …", "…, Kallas said.", "according to Kallas, …".
The speaker is the noun phrase that is the cue's subject (a pronoun included), resolved within the
article (``index.quote_resolve``). Rules over a closed list of cue verbs; no model, tens of ms an
article. Measured by ``bench/suites/quotes.py`` on PolNeAR.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from index.models import Quote
from index.quote_cues import NOUNISH, SPEECH_CUES, TELL, Found
from index.quote_names import (
    ROLE_NOUNS,
    TITLES,
    Mention,
    clause_subject,
    np_after,
    np_naming,
    person_mentions,
    subject_before,
)
from index.quote_occasion import occasion
from index.quote_reported import adjunct as _adjunct
from index.quote_reported import reported as _reported_speech
from index.quote_resolve import Resolver
from index.quote_text import Span, ends_sentence, paragraphs, quoted_spans, sentences, words


def _after_attribution(text: str, q: Span, limit: int) -> tuple[str, int, int, Mention | None] | None:
    """A cue right after a quotation: '"…," Kallas said' or '"…," said Kallas'.
    Returns (cue, cue start, end of the attribution clause, speaker mention)."""
    end = min(limit, q.end + 300)
    ws = words(text, q.end, end)
    lead = text[q.end:ws[0].start] if ws else ""
    inner_end = text[max(q.start, q.end - 3):q.end]
    full_stop = "." in inner_end and not ("," in lead or any(c in inner_end for c in ",?!—-"))
    if not ("," in lead or "—" in lead or any(c in inner_end for c in ",?!—-.")):
        return None
    for i, w in enumerate(ws[:40]):
        gap = text[q.end:w.start]
        if ends_sentence(gap) or any(c in gap for c in "“”\"\n"):
            return None
        if w.lower not in SPEECH_CUES or (w.lower in NOUNISH and i == 0):
            continue  # '"…," the statement reads' but not '"…," reads …'
        if i == 0:
            m = np_after(text, w.end, end)
        else:
            m = subject_before(text, w.start, q.end)
            if m is None or m.start < q.end or not _title_words(text[q.end:m.start]):
                continue
        clause_end = _clause_end(text, w.end, end)
        if full_stop and not _adjunct(words(text, w.end, clause_end)):
            return None  # '"…." Trump said he …' is a new sentence, not this quotation's cue
        return w.text, w.start, clause_end, m
    return None


def _title_words(gap: str) -> bool:
    """Only a speaker's title between a quotation and its speaker ("EU policy chief Kaja Kallas",
    "his nephew Michel")."""
    ws = re.findall(r"[\w’'.-]+", gap)
    if len(ws) <= 4 and "," not in gap and ws and ws[0].lower() in ("his", "her", "their", "its"):
        return True
    if len(ws) <= 5 and "," not in gap and any(w[:1].isupper() or w.lower() in TITLES for w in ws):
        return True  # "panel Chairman Rep." before "Jason Chaffetz"
    return all(w[:1].isupper() or w.lower() in TITLES or w.lower() in ROLE_NOUNS or w.lower() in _OF
               for w in re.findall(r"[\w’'.-]+", gap))


_OF = frozenset("of for and the on".split())


def _clause_end(text: str, pos: int, limit: int) -> int:
    m = re.compile(r"[.!?:;]|[“\"]|\n").search(text, pos, limit)
    return m.end() if m and m.group() not in "“\"" else (m.start() if m else limit)


def _before_attribution(text: str, q: Span, floor: int) -> tuple[str, int, Mention | None] | None:
    """A cue right before a quotation: 'Kallas said: "…"', 'she argued, "…"', 'told Fox: "…"'."""
    before = text[floor:q.start]
    stripped = before.rstrip()
    if not stripped:
        return None
    ws = words(text, floor, q.start)
    if not ws:
        return None
    punct = stripped[-1] in ":,—"
    if punct and len(ws) >= 2 and ws[-1].lower == "it" and ws[-2].lower in ("put", "puts"):
        return f"{ws[-2].text} it", ws[-2].start, subject_before(text, ws[-2].start, floor)  # 'As X put it:'
    according = re.search(r"\b[Aa]ccording to\s+", before)
    if according and stripped.endswith(","):  # 'According to Limbaugh, "…"'
        m = np_naming(text, floor + according.end(), q.start)
        if m is not None and not text[m.end:q.start].strip(" ,"):
            return "according to", floor + according.start(), m
    if stripped.endswith(":"):  # 'Philip Bump: "…"', 'Here's Clinton in December 1992: "…"'
        names = person_mentions(text, floor, floor + len(stripped))
        if names and not any(x.lower in SPEECH_CUES for x in ws):
            return ":", floor + len(stripped) - 1, names[-1]
    for back in range(1, min(len(ws), 7) + 1):
        w = ws[-back]
        if w.lower not in SPEECH_CUES or w.lower in NOUNISH:
            continue
        between = [x.lower for x in ws[len(ws) - back + 1:]]
        if "that" in between or (not punct and (between or w.lower in TELL)):
            continue  # 'said that "…"' is reported speech with a quotation in it
        if any(c in text[w.end:q.start] for c in ".!?\"“”"):
            continue
        if w.lower.endswith("ing"):
            # 'Nefzi said, adding, "…"': the subject of the cue before, else of the clause
            said = [x for x in ws[:len(ws) - back] if x.lower in SPEECH_CUES and not x.lower.endswith("ing")]
            m = subject_before(text, said[-1].start, floor) if said else None
            if m is None:
                m = clause_subject(text, floor, w.start)
        else:
            m = subject_before(text, w.start, floor)
        return w.text, w.start, m
    return None


def _ends_with_cue(text: str, floor: int, pos: int) -> bool:
    """'Kallas said, "…"': the text before a quotation ends with its cue (and a comma or colon)."""
    ws = words(text, floor, pos)
    return bool(ws) and text[ws[-1].end:pos].strip() in (",", ":") and ws[-1].lower in SPEECH_CUES


def _closes_clause(text: str, q: Span) -> bool:
    """A quotation that ends its clause: '… said: "…."' and not '… suggesting "Trumpization" in …'."""
    inner = text[max(q.start, q.end - 3):q.end]
    after = text[q.end:q.end + 2].lstrip(" ")
    return any(c in inner for c in ".?!,;:…—") or not after or after[0] in ".?!\n;:—)"


def _direct(text: str, paras: list[Span]) -> list[Found]:
    found: list[Found] = []
    segs = quoted_spans(text)
    seg_starts = [s.start for s in segs]
    para_starts = [p.start for p in paras]
    sents = sentences(text)
    sent_starts = [s.start for s in sents]
    last_end = -1  # end of the attribution clause of the last quotation
    for q in segs:
        if q.start < last_end:
            continue
        pi = max(0, bisect.bisect_right(para_starts, q.start) - 1)
        para = paras[pi]
        limit = max(para.end, q.end)
        si = max(0, bisect.bisect_right(sent_starts, q.start) - 1)
        floor = max(sents[si].start, para.start, q.start - 600) if sents else max(para.start, q.start - 600)
        if floor == q.start and si > 0 and text[sents[si - 1].end - 1:sents[si - 1].end] == ":":
            floor = sents[si - 1].start
        lead = text[floor:q.start].strip()
        after = _after_attribution(text, q, limit)
        if after is not None:
            cue, cue_pos, clause_end, m = after
            start, end = q.start, q.end
            if lead and lead[-1] not in ":—," and not _ends_with_cue(text, floor, q.start):
                if not _adjunct(words(text, cue_pos + len(cue), clause_end)):
                    continue  # '… author of "Putin's Playbook," Koffler, argued the …': a title
                # 'It is "undermining our constitution," he warned': a quotation mixed into a
                # sentence is reported speech, the whole sentence its content
                found.append(Found(floor, q.end, cue, cue_pos, m, False))
                last_end = clause_end
                continue
            # '"…," she said. "…"': the second piece belongs to the same quotation
            between = words(text, cue_pos + len(cue), clause_end)
            k = bisect.bisect_left(seg_starts, clause_end)
            # ('"…," she said, adding, "…"': the second piece has a cue of its own)
            if k < len(segs) and not any(x.lower in SPEECH_CUES for x in between):
                nxt = segs[k]
                if nxt.start < limit and not text[clause_end:nxt.start].strip():
                    end = nxt.end
                    clause_end = nxt.end
            found.append(Found(start, end, cue, cue_pos, m, True))
            last_end = clause_end
            continue
        before = _before_attribution(text, q, floor)
        if before is not None and _closes_clause(text, q):
            cue, cue_pos, m = before
            if found and found[-1].end <= cue_pos and (m is None or m.start < found[-1].end) \
                    and not text[found[-1].end:cue_pos].count("."):
                m = found[-1].mention  # '"…," she said, adding: "…"'
            found.append(Found(q.start, q.end, cue, cue_pos, m, True))
            last_end = q.end
            continue
    return found


def extract_quotes(text: str) -> tuple[Quote, ...]:
    """Every quotation and reported statement in text, in order, with speaker and cue."""
    paras = paragraphs(text)
    direct = _direct(text, paras)
    reported = _reported_speech(text, direct)
    allf = sorted(direct + reported, key=lambda f: f.start)
    if not allf:  # most passages quote no one: the speaker resolver is the costly part
        return ()
    skip = [(f.start, f.end) for f in reported] + [(s.start, s.end) for s in quoted_spans(text)]
    resolver = Resolver(text, skip)
    speakers: list[tuple[int, str]] = []
    names: list[str | None] = []
    pending: list[int] = []
    for f in sorted(allf, key=lambda f: f.cue_pos):
        name = _resolve(resolver, f.mention, speakers)
        if name is not None:
            speakers.append((f.mention.start if f.mention else f.cue_pos, name))
        elif f.mention is not None and f.mention.kind == "role":
            pending.append(len(names))
        names.append(name)
    ordered = sorted(allf, key=lambda f: f.cue_pos)
    main = resolver.most_quoted(speakers)
    for k in pending:
        names[k] = main
    out = [
        Quote(name, f.start, f.end, f.mention.start if f.mention else None,
              f.mention.end if f.mention else None, f.cue, f.direct,
              occasion(text, f.cue, f.cue_pos, f.start, f.end))
        for f, name in zip(ordered, names, strict=True)
    ]
    return tuple(sorted(out, key=lambda q: q.start))


def quotes_in(quotes: tuple[Quote, ...], start: int, end: int) -> tuple[Quote, ...]:
    """The quotations whose content overlaps text[start:end] (a passage of the article), with spans
    made relative to the passage and clipped to it; a speaker mention outside it keeps its name but
    loses its span. Extract on the whole article (speakers resolve across it), then cut."""
    out = []
    for q in quotes:
        if q.end <= start or q.start >= end:
            continue
        inside = q.speaker_start is not None and q.speaker_end is not None and \
            start <= q.speaker_start and q.speaker_end <= end
        out.append(replace(
            q, start=max(q.start, start) - start, end=min(q.end, end) - start,
            speaker_start=q.speaker_start - start if inside and q.speaker_start is not None else None,
            speaker_end=q.speaker_end - start if inside and q.speaker_end is not None else None))
    return tuple(out)


def _resolve(r: Resolver, m: Mention | None, speakers: list[tuple[int, str]]) -> str | None:
    if m is None:
        return None
    if m.kind == "name" and m.name:
        name = r.full_name(m.name, m.start)
        if m.gender:
            r.gender.setdefault(name, m.gender)
        return name
    if m.kind == "pronoun":
        if m.gender not in ("m", "f"):
            return None
        return r.antecedent(m.start, m.gender, speakers)
    if m.kind == "role":
        return r.role(m, speakers)
    if m.text.lower() == "who":  # "Kallas, who told Fox News …": the name before the comma
        window = r.text[max(0, m.start - 120):m.start]
        before = re.search(r"([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s*,\s*$", window)
        if before:
            return r.lone_name(before.group(1).split()[-1], m.start) or before.group(1)
        return None
    if m.text[:1].isupper() or re.match(r"(the|a|an) [A-Z]", m.text):
        single = m.text.split()[-1]
        return r.lone_name(single, m.start) or re.sub(r"^(the|a|an) ", "", m.text, flags=re.I)
    return None
