"""Follow-ups: "and in March?" or "only Fox News" reuse the last question's subject."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.timeparse import parse_time
from index.errors import BadQuery
from web.markup import display_source, plain, shorten

if TYPE_CHECKING:
    from bot.answer import Answer
    from bot.timeline import Timeline

Mode = Literal["ask", "timeline"]

TIMELINE_PREFIX = re.compile(r"^\s*(?:a\s+|the\s+)?timeline\s*(?:of|for|on|about|:|-)?\s+", re.I)
_FILLER = frozenset("and what about how only just from in on of the then also now by at for "
                    "same but instead please sources source outlet s".split())
_ONLY = re.compile(r"^\s*(?:and\s+|but\s+)?(?:only|just)\s+(?:from\s+|in\s+|on\s+|by\s+)?"
                   r"(?P<src>.+?)(?P<rest>\s+(?:in|on|during|since|after|before|until|between|"
                   r"from|last|this|past|over)\b.*)?[\s?.!]*$", re.I)
_LEAD = re.compile(r"^\s*(?:and|but|so|ok|okay)?\s*(?:(?:what|how)\s+about\s+)?", re.I)
_GENERIC_SOURCE_WORDS = frozenset("news the digital online daily times com www".split())


@dataclass(frozen=True)
class Session:
    """One browser tab's memory: the last subject, for follow-ups, and the last result."""

    subject: str | None = None  # the last question with its time words taken out
    sources: tuple[str, ...] = ()  # sources picked by an "only …" follow-up
    mode: Mode = "ask"
    result: Answer | Timeline | None = None
    note: str | None = None


@dataclass(frozen=True)
class Resolved:
    question: str
    mode: Mode
    sources: tuple[str, ...] | None  # None: use the filter
    note: str | None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _norm(text: str) -> str:
    return "".join(_words(text))


def match_sources(phrase: str, known: Sequence[str]) -> list[str]:
    """Known sources a phrase names: 'Fox News' matches 'Fox News Digital' and 'foxnews.com'."""
    whole = _norm(phrase)
    if not whole:
        return []
    exact = [s for s in known if _norm(s) == whole or _norm(display_source(s)) == whole]
    if exact:
        return exact
    key = [w for w in _words(phrase) if w not in _GENERIC_SOURCE_WORDS] or _words(phrase)
    return [s for s in known if whole in _norm(s) or all(w in _norm(s) for w in key)]


def _time_words(message: str, stripped: str) -> str:
    """The words parse_time took out of ``message``, e.g. 'in March' (compared word by word)."""
    words = message.split()
    key = [w.strip("?.!,;:").lower() for w in words]
    sm = difflib.SequenceMatcher(None, key, [w.strip("?.!,;:").lower() for w in stripped.split()],
                                 autojunk=False)
    gone = [" ".join(words[i1:i2]) for op, i1, i2, _, _ in sm.get_opcodes()
            if op in ("delete", "replace")]
    return " ".join(gone).strip(" ?.!,;")


def resolve(message: str, session: Session, *, known_sources: Sequence[str],
            as_of: dt.date | None, timeline_switch: bool = False) -> Resolved:
    """A new question, or a follow-up that only changes the time or the source."""

    text = " ".join(message.split())
    m_tl = TIMELINE_PREFIX.match(text)
    if m_tl and text[m_tl.end():].strip():
        return Resolved(text[m_tl.end():].strip(), "timeline", None, None)
    mode: Mode = "timeline" if timeline_switch else "ask"
    if session.subject is None:
        return Resolved(text, mode, None, None)
    only = _ONLY.match(text)
    if only:
        phrase = parse_time(only["src"], as_of=as_of).text.strip(" ?.!,")
        found = match_sources(phrase, known_sources)
        if not found:
            names = ", ".join(display_source(s) for s in known_sources[:12]) or "none"
            raise BadQuery(f"no source matches “{plain(phrase)}”; the sources are: {names}")
        when = (only["rest"] or "").strip(" ?.!")
        question = f"{session.subject.rstrip(' ?.!')} {when}".strip() + "?"
        what = "only " + ", ".join(display_source(s) for s in found) + (f", {when}" if when else "")
        return Resolved(question, session.mode, tuple(found), _followup_note(session.subject, what))
    tq = parse_time(text, as_of=as_of)
    rest = [w for w in _words(tq.text) if w not in _FILLER]
    if tq.understood is None or rest:
        return Resolved(text, mode, None, None)
    when = _time_words(_LEAD.sub("", text), _LEAD.sub("", tq.text)) or tq.understood
    question = f"{session.subject.rstrip(' ?.!')} {when}?"
    return Resolved(question, session.mode, session.sources or None,
                    _followup_note(session.subject, when))


def _followup_note(subject: str, what: str) -> str:
    return f"Follow-up: reusing “{shorten(subject, 60)}” with {what}"


def subject_of(question: str, as_of: dt.date | None) -> str:

    return parse_time(question, as_of=as_of).text.strip() or question
