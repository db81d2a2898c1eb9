"""Who said what: quotations and reported speech in an article, each with its speaker and cue.

``extract_quotes(text)`` finds
- direct quotations: text in quotation marks tied to a speech verb next to it ("…," Kallas said;
  Kallas said: "…"), with the pieces of one quotation that a "she said" splits joined into one
  span, and a quotation that goes on over several paragraphs kept whole;
- reported speech: "Kallas said that …", "…, Kallas said.", "according to Kallas, …".
The speaker is the noun phrase that is the cue's subject (a pronoun included), resolved within the
article (see ``index.quote_names``). Rules over a closed list of cue verbs; no model, a few ms an
article. Measured by ``bench/suites/quotes.py`` on PolNeAR.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass

from index.quote_names import ROLE_NOUNS, TITLES, Mention, Resolver, clause_subject, np_after, subject_before
from index.quote_text import Span, Word, ends_sentence, paragraphs, quoted_spans, sentences, words


@dataclass(frozen=True)
class Quote:
    """One attribution: the quoted or reported content span and who said it."""

    speaker: str | None  # resolved name ("Kaja Kallas"), or None when it cannot be told
    start: int  # span of the content (quotation marks included for a direct quotation)
    end: int
    speaker_start: int | None  # span of the speaker mention that is the cue's subject
    speaker_end: int | None
    cue: str | None  # the cue as written: "said", "told", "according to"
    direct: bool

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _forms(lemma: str) -> set[str]:
    irregular = {
        "say": "say says said saying", "tell": "tell tells told telling",
        "write": "write writes wrote writing written", "think": "think thinks thought",
        "know": "know knows knew", "feel": "feel feels felt", "find": "find finds found",
        "show": "show shows showed", "speak": "speak speaks spoke", "read": "read reads",
        "swear": "swear swears swore", "predict": "predict predicts predicted predicting",
        "admit": "admit admits admitted admitting", "quip": "quip quips quipped quipping",
        "fear": "fear fears feared", "hope": "hope hopes hoped",
    }
    if lemma in irregular:
        return set(irregular[lemma].split())
    s = lemma + ("es" if re.search(r"(s|sh|ch|x|z)$", lemma) else "s")
    if lemma.endswith("e"):
        ed, ing = lemma + "d", lemma[:-1] + "ing"
    elif re.search(r"[^aeiou]y$", lemma):
        s, ed, ing = lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"
    else:
        ed, ing = lemma + "ed", lemma + "ing"
    return {lemma, s, ed, ing}


_SPEECH = """say tell add write ask reply respond continue declare explain note state argue warn insist
claim tweet post recall conclude announce acknowledge admit suggest predict vow promise urge caution
complain concede contend counter remark observe emphasize emphasise stress joke quip shout yell chant
testify report describe maintain assert allege boast confirm deny agree wonder lament mention
reiterate repeat recount reveal speculate propose demand plead pledge threaten answer charge
criticize assure brag comment exclaim whisper retort scoff snap thunder scream murmur mutter
acknowledge announce estimate advise reason muse opine interject
""".split()
_THOUGHT = "think believe hope fear worry feel".split()
SPEECH_CUES = frozenset().union(*(_forms(v) for v in _SPEECH))
THOUGHT_CUES = frozenset().union(*(_forms(v) for v in _THOUGHT))
REPORT_CUES = SPEECH_CUES | THOUGHT_CUES
# Cue words that are as often nouns ("a post", "the report", "a charge"): never a cue next to a quote.
_NOUNISH = frozenset("""post posts report reports claim claims state states comment comments answer
answers charge charges demand demands pledge pledges promise promises note notes counter read reads
repeat joke jokes chant chants hope hopes fear fears feel feels estimate estimates""".split())
# Cues that report speech only when a "that" clause follows.
_AMBIGUOUS = _NOUNISH | frozenset("""posted continue continues continuing continued reported read
described mentioned expected expecting""".split())
_TELL = frozenset("tell tells told telling ask asks asked asking assure assured urge urged advise advised".split())
_END = re.compile(r"[.!?]")
_OPENS = "“\"'«‘"


def _cue_words(ws: list[Word], cues: frozenset[str]) -> list[int]:
    return [i for i, w in enumerate(ws) if w.lower in cues]


def _good_subject(m: Mention | None) -> bool:
    if m is None:
        return False
    if m.kind in ("name", "pronoun", "role"):
        return True
    last = m.text.split()[-1].lower()
    return (m.kind == "other" and len(m.text.split()) <= 6 and last.isalpha()
            and last not in _NOT_HEAD and not last.endswith("ly"))


_NOT_HEAD = frozenset("""than to and or but that which who whom whose is was be been being are were not
as if so it this there here then also what when where why how very more most less much many some
any all each both no nor of in on at by for with from into about after before while since has had
have will would could should may might must can do does did just only even still ever never again
because although though unless until whether said says""".split())


@dataclass
class _Found:
    start: int
    end: int
    cue: str | None
    cue_pos: int
    mention: Mention | None
    direct: bool


def _after_attribution(text: str, q: Span, limit: int) -> tuple[str, int, int, Mention | None] | None:
    """A cue right after a quotation: '"…," Kallas said' or '"…," said Kallas'.
    Returns (cue, cue start, end of the attribution clause, speaker mention)."""
    end = min(limit, q.end + 300)
    ws = words(text, q.end, end)
    lead = text[q.end:ws[0].start] if ws else ""
    inner_end = text[max(q.start, q.end - 3):q.end]
    if not ("," in lead or "—" in lead or any(c in inner_end for c in ",?!—-")):
        return None
    for i, w in enumerate(ws[:40]):
        gap = text[q.end:w.start]
        if ends_sentence(gap) or any(c in gap for c in "“”\"\n()"):
            return None
        if w.lower not in SPEECH_CUES or w.lower in _NOUNISH:
            continue
        if i == 0:
            m = np_after(text, w.end, end)
        else:
            m = subject_before(text, w.start, q.end)
            if m is None or m.start < q.end or not _title_words(text[q.end:m.start]):
                continue
        clause_end = _clause_end(text, w.end, end)
        return w.text, w.start, clause_end, m
    return None


def _title_words(gap: str) -> bool:
    """Only a speaker's title between a quotation and its speaker ("EU policy chief Kaja Kallas")."""
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
    for back in range(1, min(len(ws), 7) + 1):
        w = ws[-back]
        if w.lower not in SPEECH_CUES or w.lower in _NOUNISH:
            continue
        between = [x.lower for x in ws[len(ws) - back + 1:]]
        if "that" in between or (not punct and (between or w.lower in _TELL)):
            continue  # 'said that "…"' is reported speech with a quotation in it
        if any(c in text[w.end:q.start] for c in ".!?\"“”"):
            continue
        if w.lower.endswith("ing"):
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


def _direct(text: str, paras: list[Span]) -> list[_Found]:
    found: list[_Found] = []
    segs = quoted_spans(text)
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
        floor = max(sents[si].start, para.start) if sents else para.start
        if floor == q.start and si > 0 and text[sents[si - 1].end - 1:sents[si - 1].end] == ":":
            floor = sents[si - 1].start
        lead = text[floor:q.start].strip()
        after = _after_attribution(text, q, limit)
        if after is not None:
            cue, cue_pos, clause_end, m = after
            start, end = q.start, q.end
            if lead and lead[-1] not in ":—" and not _ends_with_cue(text, floor, q.start):
                # 'It is "undermining our constitution," he warned': a quotation mixed into a
                # sentence is reported speech, the whole sentence its content
                found.append(_Found(floor, q.end, cue, cue_pos, m, False))
                last_end = clause_end
                continue
            # '"…," she said. "…"': the second piece belongs to the same quotation
            between = words(text, cue_pos + len(cue), clause_end)
            for nxt in segs:
                if any(x.lower in SPEECH_CUES for x in between):
                    break  # '"…," she said, adding, "…"': the second piece has a cue of its own
                if nxt.start >= clause_end and nxt.start < limit and not text[clause_end:nxt.start].strip():
                    end = nxt.end
                    clause_end = nxt.end
                    break
            found.append(_Found(start, end, cue, cue_pos, m, True))
            last_end = clause_end
            continue
        before = _before_attribution(text, q, floor)
        if before is not None and _closes_clause(text, q):
            cue, cue_pos, m = before
            if found and found[-1].end <= cue_pos and (m is None or m.start < found[-1].end) \
                    and not text[found[-1].end:cue_pos].count("."):
                m = found[-1].mention  # '"…," she said, adding: "…"'
            found.append(_Found(q.start, q.end, cue, cue_pos, m, True))
            last_end = q.end
            continue
        # a quotation standing alone as a paragraph after one attributed to someone just before
        if found and q.start == para.start and q.end >= para.end - 1 and len(words(text, q.start, q.end)) >= 4:
            prev = found[-1]
            prev_para = max(0, bisect.bisect_right(para_starts, prev.start) - 1)
            if pi - prev_para <= 1 and prev.direct:
                found.append(_Found(q.start, q.end, None, prev.cue_pos, prev.mention, True))
                last_end = q.end
    return found


def _reported(text: str, direct: list[_Found]) -> list[_Found]:
    found: list[_Found] = []
    spans = [(f.start, f.end) for f in direct] + [(s.start, s.end) for s in quoted_spans(text)]

    def quoted(pos: int) -> bool:
        return any(s <= pos < e for s, e in spans)

    for sent in sentences(text):
        if any(s <= sent.start and sent.end <= e for s, e in spans):
            continue
        ws = [w for w in words(text, sent.start, sent.end) if not quoted(w.start)]
        if sum(w.text.isupper() and len(w.text) > 1 for w in ws) > 0.5 * len(ws):
            continue  # a headline in capitals
        f = _according(text, sent, ws) or _verb_report(text, sent, ws)
        if f is None:
            continue
        overlap = sum(max(0, min(f.end, e) - max(f.start, s)) for s, e in spans[:len(direct)])
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


def _according(text: str, sent: Span, ws: list[Word]) -> _Found | None:
    for i in range(len(ws) - 1):
        if ws[i].lower != "according" or ws[i + 1].lower != "to":
            continue
        m = np_after(text, ws[i + 1].end, sent.end)
        if m is None:
            return None
        comma = text.find(",", m.end, sent.end)
        if i == 0 or text[sent.start:ws[i].start].strip() == "":
            if comma < 0:
                return None
            s, e = _trim(text, comma + 1, sent.end)
        else:
            s, e = _trim(text, sent.start, ws[i].start)
        return _Found(s, e, "according to", ws[i].start, m, False)
    return None


def _verb_report(text: str, sent: Span, ws: list[Word]) -> _Found | None:
    for i in _cue_words(ws, REPORT_CUES):
        w = ws[i]
        rest = text[w.end:sent.end]
        tail_words = words(text, w.end, sent.end)
        before_cue = text[sent.start:w.start]
        # "…, Kallas said." / "…, said Kallas." : the content comes first
        if len(tail_words) <= 8 and before_cue.rstrip().endswith(",") is False:
            m = subject_before(text, w.start, sent.start)
            comma = before_cue.rfind(",")
            if comma > 0 and _good_subject(m) and m is not None and m.start > sent.start + comma \
                    and _tail_is_adjunct(tail_words) and (w.lower in SPEECH_CUES or not tail_words):
                s, e = _trim(text, sent.start, sent.start + comma)
                if w.lower not in _AMBIGUOUS:
                    return _Found(s, e, w.text, w.start, m, False)
        if before_cue.rstrip().endswith(",") and len(tail_words) <= 10 and w.lower in SPEECH_CUES \
                and w.lower not in _AMBIGUOUS and not w.lower.endswith("ing"):
            m = np_after(text, w.end, sent.end)
            if m is not None and m.kind in ("name", "pronoun", "role", "other"):
                s, e = _trim(text, sent.start, sent.start + before_cue.rstrip().rfind(","))
                return _Found(s, e, w.text, w.start, m, False)
        # "Kallas said (that) …", "…, saying (that) …"
        if len(tail_words) < 3:
            continue
        if w.lower.endswith("ing"):
            if not before_cue.rstrip().endswith(","):
                continue
            m = clause_subject(text, sent.start, w.start)
        else:
            m = subject_before(text, w.start, sent.start)
        if not _good_subject(m):
            continue
        if w.lower in _AMBIGUOUS and not re.match(r"\s+that\b", rest):
            continue
        if w.lower in THOUGHT_CUES and not re.match(r"\s+(that|it|the|a|he|she|they|we|[A-Z])\b", rest):
            continue
        start = w.end
        if w.lower in _TELL:
            that = re.match(r"\s+(?:[\w.’'-]+\s+){0,5}?(?=that\b)", rest)
            if that:
                start = w.end + that.end()
        if re.match(r"\s*(in|on|at|to|during|after|before|about)\b", text[start:sent.end]) and \
                not re.search(r"\bthat\b", text[start:sent.end]):
            continue
        s, e = _trim(text, start, sent.end)
        return _Found(s, e, w.text, w.start, m, False)
    return None


_ADJUNCT = frozenset("""on in at to during after before last this earlier later yesterday today
tonight of while when as through via from for with recently afterward told in an about""".split())


def _tail_is_adjunct(tail: list[Word]) -> bool:
    """After "…, Kallas said": only an adjunct ("on Thursday", "in a statement"), no clause."""
    return not tail or (tail[0].lower in _ADJUNCT and not any(w.lower == "that" for w in tail))


def extract_quotes(text: str) -> tuple[Quote, ...]:
    """Every quotation and reported statement in text, in order, with speaker and cue."""
    paras = paragraphs(text)
    direct = _direct(text, paras)
    reported = _reported(text, direct)
    allf = sorted(direct + reported, key=lambda f: f.start)
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
              f.mention.end if f.mention else None, f.cue, f.direct)
        for f, name in zip(ordered, names)
    ]
    return tuple(sorted(out, key=lambda q: q.start))


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
        return r.antecedent(m.start, None, speakers)
    if m.text[:1].isupper() or re.match(r"(the|a|an) [A-Z]", m.text):
        single = m.text.split()[-1]
        return r.lone_name(single, m.start) or re.sub(r"^(the|a|an) ", "", m.text, flags=re.I)
    return None
