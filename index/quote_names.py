"""Who is speaking: the noun phrase that is a cue's subject, and person-like names.

Rules over capitalised words and a few closed word lists of general English (titles, pronouns,
role nouns, organisation words). Resolving a mention to a person is ``index.quote_resolve``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from index.quote_text import Word, words

Kind = Literal["name", "pronoun", "role", "other"]

PRONOUNS = {"he": "m", "she": "f", "they": "p", "i": "1", "we": "p", "you": "2", "it": "n"}
_HONORIFIC = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "lady": "f"}
# Words that precede a name as its title or office, not part of the name.
TITLES = frozenset("""mr mrs ms miss dr sir lady president vice secretary sen senator rep representative
gov governor mayor minister prime chancellor premier king queen prince princess pope judge justice
gen general col lt adm admiral ambassador chief director chairman chairwoman chair speaker leader
spokesman spokeswoman spokesperson attorney commissioner candidate nominee former deputy acting
state foreign defense defence policy security affairs high lord rev reverend father sheikh ayatollah
dictator premier officer official diplomat economist analyst professor prof founder ceo executive
head host anchor correspondent reporter editor columnist author strategist adviser advisor aide
pollster activist lawyer coach manager treasurer comptroller councilman councilwoman supervisor
assemblyman assemblywoman congressman congresswoman republican democrat democratic gop the""".split())
# Capitalised words that mark an organisation or a place rather than a person.
NON_PERSON = frozenset("""department house party committee union council news post times journal
university college institute foundation center centre association agency bank court congress
senate assembly parliament ministry office campaign administration government republicans democrats
americans states kingdom republic nations city county street island islands america africa europe
asia arabia korea york jersey texas california washington east west north south united national
international federal company corp inc group network press tv radio daily magazine fund church
army navy force forces police school board commission service club league organization
organisation coalition alliance movement caucus monday tuesday wednesday thursday friday saturday
sunday images photo photos getty ap afp epa january february march april may june july august
september october november december
twitter facebook instagram youtube fox cnn abc nbc cbs msnbc reuters""".split())
# Capitalised words that begin a sentence without naming anyone.
FUNCTION = frozenset("""the a an but and or in on at for if when while this that these those it he she
they we i you his her their our its as after before despite meanwhile also so yet still however
although though because since even with without by from to of under over according some many most
all other one two three asked speaking there here what who why how where which then now later
earlier last next first new no not another each every such both mr mrs ms""".split())
# Nouns naming someone by role ("the senator said"); resolved to a named person.
ROLE_NOUNS = frozenset("""diplomat official president senator governor candidate minister secretary
chief leader spokesman spokeswoman spokesperson mayor chancellor ambassador director chairman
chairwoman representative congressman congresswoman lawmaker politician nominee head envoy premier
dictator king queen general commander judge prosecutor attorney businessman billionaire
frontrunner front-runner democrat republican economist adviser advisor aide""".split())
_SKIP_LEFT = frozenset("""also has have had will would could should may might must later then once
previously recently repeatedly again publicly privately reportedly herself himself themselves
itself further only just even already often frequently still never has not flatly quickly
subsequently initially originally simply finally last week yesterday today""".split())
_DET = frozenset("the a an this that his her their its our one another".split())
NAME_CONNECT = frozenset("de del la le van von der bin al da di du st".split())


@dataclass(frozen=True)
class Mention:
    """A noun phrase that names or refers to someone, with its character span."""

    start: int
    end: int
    text: str
    kind: Kind
    name: str | None = None  # for names: the person's name, titles stripped
    gender: str | None = None  # m, f, p (plural) or None when unknown


def _is_cap(w: str) -> bool:
    return w[:1].isupper()


def _titlecase(w: str) -> bool:
    return w[:1].isupper() and (len(w) == 1 or any(c.islower() for c in w[1:]))


def bare(w: str) -> str:
    """The word without a possessive ending: "Kallas'" and "EU's" -> "Kallas", "EU"."""
    if w.endswith(("’s", "'s")):
        return w[:-2]
    return w[:-1] if w.endswith(("’", "'")) else w


def person_name(run: list[str]) -> str | None:
    """The person's name in a run of capitalised words ("Secretary of State Marco Rubio" ->
    "Marco Rubio"), or None when the run looks like an organisation or a place."""
    toks = [bare(t) for t in run]
    if not toks or any(t.lower() in NON_PERSON for t in toks):
        return None
    honorific = any(t.lower().rstrip(".") in _HONORIFIC.keys() | {"dr"} for t in toks[:-1])
    if toks[-1].lower() in TITLES | ROLE_NOUNS and not honorific:
        return None  # "EU Foreign Policy Chief" is a role; "Mr. King" is a name
    while len(toks) > 1 and toks[0].lower().rstrip(".") in TITLES | FUNCTION:
        toks = toks[1:]
    # A title can also sit just before the name inside a longer run ("EU Policy Chief Kaja Kallas").
    for i in range(len(toks) - 1, 0, -1):
        if toks[i - 1].lower() in TITLES:
            toks = toks[i:]
            break
    if not toks or not all(_titlecase(t) or t.lower() in NAME_CONNECT for t in toks):
        return None
    if len(toks) > 3:
        toks = toks[-3:] if len(toks[-2]) <= 2 else toks[-2:]
    return " ".join(toks)


def _cap_runs(ws: list[Word], text: str) -> list[list[Word]]:
    """Runs of capitalised words separated by spaces only (a name can't cross punctuation)."""
    runs: list[list[Word]] = []
    cur: list[Word] = []
    for w in ws:
        gap = text[cur[-1].end:w.start] if cur else ""
        joined = bool(cur) and (gap.strip() in ("", ".") and "\n" not in gap)
        if _is_cap(w.text) or (cur and w.lower in NAME_CONNECT and joined):
            if cur and not joined:
                runs.append(cur)
                cur = []
            cur.append(w)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def person_mentions(text: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """Person-like names in text[start:end]."""
    if start == 0 and end is None:
        return list(_all_person_mentions(text))
    return _person_mentions(text, start, end)


@lru_cache(maxsize=4)
def _all_person_mentions(text: str) -> tuple[Mention, ...]:
    return tuple(_person_mentions(text, 0, None))


def _person_mentions(text: str, start: int, end: int | None) -> list[Mention]:
    out = []
    for run in _cap_runs(words(text, start, end), text):
        while run and run[-1].lower in NAME_CONNECT:
            run = run[:-1]
        if not run:
            continue
        name = person_name([w.text for w in run])
        if name is None:
            continue
        first = run[0].lower.rstrip(".")
        titled = first in TITLES and first not in FUNCTION
        if " " not in name and not titled:
            continue  # a lone capitalised word: a person only once known as one (see Resolver)
        gender = _HONORIFIC.get(first)
        tail = name.split()[0]
        s = next(w.start for w in run if w.text.startswith(tail))
        out.append(Mention(s, run[-1].end, text[s:run[-1].end], "name", name, gender))
    return out


_DAYTIME = frozenset("""monday tuesday wednesday thursday friday saturday sunday morning afternoon evening
night week month year today yesterday tonight weekend""".split())
_COORD = frozenset("and but or then".split())


def subject_before(text: str, pos: int, floor: int) -> Mention | None:
    """The noun phrase that ends just before pos (the subject of a cue at pos), not before floor.
    Skips adverbs, auxiliaries and a time adjunct ("Kallas on Thursday has also said"), an
    appositive or relative clause set off by commas ("Kallas, who served as prime minister, said"),
    and goes back to the clause's subject over a coordination ("She emphasized …, and noted")."""
    ws = words(text, floor, pos)
    i = len(ws)
    while i > 0:
        w = ws[i - 1].lower
        if w in _SKIP_LEFT:
            i -= 1
        elif w in _DAYTIME and i > 1 and ws[i - 2].lower in ("on", "in", "last", "this", "late", "early"):
            i -= 2
        elif w in _DAYTIME and i > 2 and ws[i - 3].lower in ("on", "in", "late", "early"):
            i -= 3
        else:
            break
    if i == 0:
        return None
    end = ws[i - 1].end
    tail = text[end:pos]
    if ws[i - 1].lower in _COORD and "," not in tail:
        return clause_subject(text, floor, ws[i - 1].start)
    if "," in tail or "—" in tail or "(" in tail or ")" in tail:
        near = _np_ending(ws[:i], text) if "(" not in tail and ")" not in tail else None
        prev = text.rfind(",", floor, end)
        if ")" in tail:
            prev = text.rfind("(", floor, end)
        seg = text[prev + 1:end].strip().lower() if prev > floor else ""
        relative = seg.split(" ")[0] in ("who", "which", "whose", "whom", "the", "a", "an", "who's")
        if near is not None and near.kind in ("name", "pronoun") and not relative:
            return near
        if prev > floor:
            inner = subject_before(text, prev, floor)
            if inner is not None and inner.kind in ("name", "pronoun", "role"):
                return inner
        return near if near is not None and near.kind == "role" else None
    return _np_ending(ws[:i], text)


LEAD_ADJUNCT = re.compile(r"\s*(?:(?:On|In|At|Later|Earlier|Last|This|During|After|Before|Meanwhile|However|"
                           r"But|And|Still|Yet|Also|Instead|Separately|Then|Now|Today|Yesterday|Since|"
                           r"Under|With|For|From)\b[^,]{0,50},\s*)")


def clause_subject(text: str, floor: int, pos: int) -> Mention | None:
    """The subject that opens a clause at floor ("Polish Prime Minister Donald Tusk used …,
    warning": the speaker of the participle), preferring a name set off after a role noun
    ("The EU's foreign policy chief, Kaja Kallas, has …")."""
    lead = LEAD_ADJUNCT.match(text, floor, pos)
    if lead:
        floor = lead.end()
    m = np_after(text, floor, pos)
    if m is None:
        return None
    rest = text[m.end:pos]
    if rest.startswith(","):
        nxt = np_after(text, m.end + 1, pos)
        if nxt is not None and nxt.kind == "name" and text[nxt.end:nxt.end + 1] == ",":
            return nxt
    return m


def _np_ending(ws: list[Word], text: str) -> Mention | None:
    last = ws[-1]
    pron = last.lower
    if pron in PRONOUNS:
        return Mention(last.start, last.end, last.text, "pronoun", None, PRONOUNS[pron])
    j = len(ws)
    while j > 0 and (_is_cap(ws[j - 1].text) or ws[j - 1].lower in NAME_CONNECT):
        gap = text[ws[j - 1].end:ws[j].start] if j < len(ws) else ""
        if gap.strip() not in ("", "."):
            break
        j -= 1
    if j < len(ws) and _is_cap(last.text):
        run = ws[j:]
        while run and run[0].lower in FUNCTION and run[0].lower not in TITLES - {"the"}:
            run = run[1:]
        if not run:
            return None
        name = person_name([w.text for w in run])
        start = run[0].start
        if name is not None:
            start = next((w.start for w in run if w.text.startswith(name.split()[0])), start)
        gender = _HONORIFIC.get(run[0].lower.rstrip("."))
        kind: Kind = "name" if name is not None else "role" if bare(last.lower) in ROLE_NOUNS else "other"
        return Mention(start, last.end, text[start:last.end], kind, name, gender)
    # a common noun phrase: back to its determiner ("the EU's top diplomat", "officials")
    k = len(ws) - 1
    while k > 0 and len(ws) - k < 6 and ws[k].lower not in _DET:
        if text[ws[k - 1].end:ws[k].start].strip() not in ("",):
            break
        k -= 1
    if ws[k].lower not in _DET:
        k = len(ws) - 1
    head = bare(last.lower)
    if ws[k].lower not in _DET:  # "EU chief diplomat": back over its capitalised modifiers
        while k > 0 and len(ws) - k < 6 and not text[ws[k - 1].end:ws[k].start].strip() \
                and (_is_cap(ws[k - 1].text) or ws[k - 1].lower in ROLE_NOUNS | TITLES):
            k -= 1
    kind = "role" if head in ROLE_NOUNS else "other"
    return Mention(ws[k].start, last.end, text[ws[k].start:last.end], kind)


def np_naming(text: str, pos: int, limit: int) -> Mention | None:
    """The noun phrase at pos, or the person it goes on to name before any punctuation ("by the
    head of European diplomacy Kaja Kallas in an interview" -> "Kaja Kallas")."""
    m = np_after(text, pos, limit)
    if m is not None and m.kind == "name" and " " in (m.name or ""):
        return m
    stop = re.compile(r"[,;:.!?()\"“”\n]").search(text, pos, limit)
    names = person_mentions(text, pos, stop.start() if stop else limit)
    return names[0] if names else m


def np_after(text: str, pos: int, limit: int) -> Mention | None:
    """The noun phrase starting at pos ("said Kallas", "according to the EU's top diplomat")."""
    ws = words(text, pos, limit)
    if not ws:
        return None
    if ws[0].lower in PRONOUNS:
        return Mention(ws[0].start, ws[0].end, ws[0].text, "pronoun", None, PRONOUNS[ws[0].lower])
    out: list[Word] = []
    for w in ws:
        if out and text[out[-1].end:w.start].strip() not in ("", "."):
            break
        if not out and w.lower in _DET:
            out.append(w)
            continue
        if _is_cap(w.text) or w.lower in NAME_CONNECT or (out and out[-1].lower in _DET | {"of"}):
            out.append(w)
            continue
        if out and not _is_cap(out[-1].text) and re.fullmatch(r"[a-z][a-z\-]*", w.text):
            out.append(w)
            if len(out) > 5:
                break
            continue
        if not out and re.fullmatch(r"[a-z][a-z\-]*", w.text):
            out.append(w)
            continue
        break
    if not out:
        return None
    return _np_ending(out, text)
