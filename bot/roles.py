"""A person a question names by office: "the Ukrainian president" is whom the sources call so.

News gives an office before the name ("Ukrainian President Volodymyr Zelenskyy"); a reader often
asks by the office alone ("Will the Ukrainian president be at the summit?"). The passages that
answer may name only the person ("President Zelenskyy should be part of the meeting"), and
neither the embedding nor the keywords know the two are one. ``name_roles`` finds each
"<Name-like modifier> <office>" that no name follows in the question, reads in the corpus the
name its sources write after that same phrase, and, when one name clearly leads, searches the
question with that person's surname after the office. The reading is shown ("read as"), never hidden.

The sources read are the latest placed by the question's time (or the reader's "as of" day):
"the US president" asked as of 2021 is who the news of then called so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from index.filters import Filter
from index.quote_names import FUNCTION, NON_PERSON, TITLES, bare
from index.store import STOPWORDS, surname

if TYPE_CHECKING:
    from bot.understand import Query
    from index.store import Store

# Passages read per office: the latest that hold its phrase.
SOURCES_READ = 100
# A name is taken when it is written after the office at least this many times as often as any
# other: "the US president" over a corpus of two presidencies names neither.
LEAD = 2.0

_OFFICE = (r"(?:(?:vice|deputy|prime|foreign|defen[cs]e|finance|interior|health|economy|"
           r"policy|top|chief|security)\s+)*"
           r"(?:president|minister|premier|chancellor|secretary(?:\s+of\s+state|\s+general)?|"
           r"chief(?:\s+executive)?|leader|king|queen|pope|governor|mayor|ceo|chairman|"
           r"chairwoman|chair|envoy|ambassador|diplomat|spokes(?:man|woman|person))")
_WORD = r"[A-Z][\w.’'&-]*"
# A capitalised modifier (a country, an adjective of one, an organisation) and the office, not
# followed by a name: "Ukrainian president", "EU foreign policy chief", "Apple CEO".
_ROLE = re.compile(rf"\b(?P<mod>(?:{_WORD}\s+){{0,2}}{_WORD})\s+(?P<office>(?i:{_OFFICE}))\b"
                   rf"(?!\s+[A-Z]|\s+(?i:{_OFFICE}|officer|executive)\b)")
# The same in a question typed all in lower case ("will the ukrainian president be there?"): one
# word between "the" and the office, read only when the corpus names someone so.
_ROLE_LOWER = re.compile(rf"\bthe\s+(?P<mod>[a-z][\w.’'&-]*)\s+(?P<office>{_OFFICE})\b"
                         rf"(?!\s+(?:{_OFFICE}|officer|executive)\b)")
# Lower-case words before an office that say which holder, not which office: "the new president".
_WHICH_HOLDER = frozenset("""new current former late next previous first last interim acting
outgoing incoming then same other future""".split())
_NAME_WORD = re.compile(r"[A-Z][\w’'.-]*")
_LETTERED = re.compile(r"[^\W\d_][\w’'-]*")
_LEADING = STOPWORDS | FUNCTION | frozenset("can could should may might must whose".split())
# What may stand before a role that names one known person: "the", or a question's verb.
_DEFINITE = frozenset("""the is are was were will would did does do has have had can could
should may might must""".split())


def role_phrases(text: str) -> list[tuple[str, int]]:
    """Each office the question names without a name, as one person: (its modifier and office,
    where it ends). Only "the X president" (or "X's president", or X opening the question): not
    "which X president" (the person is what is asked), nor "a former", "the next", "ex-".
    Leading question words are no modifier: "Will Ukrainian president" is "Ukrainian president".
    A question typed all in lower case names one word between "the" and the office."""
    if not any(c.isupper() for c in text):
        return [(f"{m.group('mod')} {' '.join(m.group('office').split())}", m.end())
                for m in _ROLE_LOWER.finditer(text)
                if m.group("mod") not in _WHICH_HOLDER | TITLES | _LEADING]
    out = []
    for m in _ROLE.finditer(text):
        mod = m.group("mod").split()
        before = text[:m.start()].split()[-1:]
        while mod and mod[0].lower() in _LEADING:
            before = [mod.pop(0)]
        # "Prime Minister", "Vice President": the capital is the office's own
        while mod and mod[-1].lower() in TITLES:
            mod.pop()
        definite = (not before or before[0].lower() in _DEFINITE
                    or bool(mod) and mod[-1].endswith(("'s", "’s")))
        if mod and definite:
            out.append((" ".join([*mod, *m.group("office").split()]), m.end()))
    return out


def _after_pattern(role: str) -> re.Pattern[str]:
    """The role as the sources write it, then the name after it."""
    words = r"\s+".join(re.sub("['’]", lambda _: "['’]", re.escape(w)) for w in role.split())
    return re.compile(rf"(?<![\w])(?i:{words})\s+(?P<name>[A-Z][^\s,;:()]*"
                      rf"(?:\s+[A-Z][^\s,;:()]*){{0,3}})")


def _name(raw: str) -> str | None:
    """The person's name from the capitalised run after an office, or None: stops at a word
    that is no part of a name ("... Putin On Monday"), drops a possessive."""
    words = []
    for w in raw.split():
        w = w.rstrip(".")
        base = bare(w)
        if (not _NAME_WORD.fullmatch(base) or base.lower() in NON_PERSON
                or base.lower() in FUNCTION or base.lower() in TITLES):
            break
        words.append(base)
        if base != w:
            break
    return " ".join(words) or None


def _title_case(text: str) -> bool:
    """A headline in title case: no word of four letters or more is lower-case, where running
    text has its verbs and common nouns ("met", "officials")."""
    words = [w for w in _LETTERED.findall(text) if len(w) >= 4]
    return len(words) >= 3 and not any(w[0].islower() for w in words)


def named_by_role(store: Store, role: str, flt: Filter) -> str | None:
    """The name the sources write after ``role`` ("Ukrainian president" -> "Volodymyr
    Zelenskyy"), when one clearly leads among the latest passages holding it; else None."""
    after = _after_pattern(role)
    by_surname: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for text in store.phrase_texts(role, SOURCES_READ, flt):
        if _title_case(text):
            continue  # "US President Tony Blair Addresses Students": no end to the name
        for m in after.finditer(text):
            name = _name(m.group("name"))
            if name is None:
                continue
            key = surname(name)
            by_surname[key] += 1
            forms.setdefault(key, Counter())[name] += 1
    ranked = by_surname.most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[0][1] < LEAD * ranked[1][1]):
        return None
    # the fullest of its usual forms: "Volodymyr Zelenskyy" over a bare "Zelenskyy"
    counted = forms[ranked[0][0]]
    return max(counted, key=lambda n: (len(n.split()), counted[n]))


def name_roles(q: Query, store: Store) -> Query:
    """``q`` searched with the name after each office it names by role alone, and the reading
    recorded (``Query.roles``); unchanged when no office is named or no name clearly leads."""
    phrases = role_phrases(q.text)
    if not phrases:
        return q
    flt = Filter(q.date_from, q.date_to or q.known_by, q.sources)
    text, roles, shift = q.text, [], 0
    for role, end in phrases:
        name = named_by_role(store, role, flt)
        # the surname, as news writes a person after the first mention: the full name would
        # favour the passages that introduce them over the ones that quote them
        said = name.split()[-1] if name else ""
        if not said or re.search(rf"\b{re.escape(said)}\b", text, re.IGNORECASE):
            continue
        end += shift
        text = f"{text[:end]} {said}{text[end:]}"
        shift += len(said) + 1
        roles.append((role, name))
    return replace(q, text=text, roles=tuple(roles)) if roles else q


def by_name(q: Query) -> str:
    """The searched text with each office read replaced by the person's full name, for reading
    whose words are asked: "What did the EU policy chief say" -> "What did Kaja Kallas say"."""
    text = q.text
    for role, name in q.roles:
        said = re.escape(name.split()[-1])
        text = re.sub(rf"(?i:\bthe\s+)?{re.escape(role)}\s+{said}", name, text, count=1)
    return text


def roles_read_as(roles: tuple[tuple[str, str], ...]) -> str | None:
    """The read-as part: "Ukrainian president: Volodymyr Zelenskyy, as the sources name it"."""
    if not roles:
        return None
    named = "; ".join(f"{role}: {name}" for role, name in roles)
    return f"{named}, as the sources name {'it' if len(roles) == 1 else 'them'}"


__all__ = ["by_name", "name_roles", "named_by_role", "role_phrases", "roles_read_as"]
