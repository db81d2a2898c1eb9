"""Reading a speaker from a question: "What did Kallas say about Putin?" asks for Kallas's words.

``read_speaker(question)`` gives the name as written and the rest of the question (what it is
about) with the "what did X say" frame taken off, or None for a question that asks about a person
or anything else rather than for someone's words ("Who won the election?"). The ranking side
matches the name against the speakers ``index.quotes`` found in the passages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SpeakerQuery:
    name: str  # as written in the question: "Kallas", "Kaja Kallas"
    rest: str  # the question without the frame: "Putin's intentions", "since June", ""
    timeline: bool = False  # "timeline of what Kallas said"


# A name: one to four capitalised words ("Kallas", "Kaja Kallas", "Recep Tayyip Erdoğan").
_NAME = r"(?P<name>[A-Z][\w’'.\-]*(?:\s+(?:(?:de|van|von|bin|al|la|le|da)\s+)?[A-Z][\w’'.\-]*){0,3})"
_SAY = (r"(?:say|said|saying|says|tell|told|think|thought|thinks|write|wrote|written|tweet|tweeted|"
        r"claim|claimed|warn|warned|argue|argued|announce|announced|state|stated|promise|promised|"
        r"comment|commented|mean|meant)")
_ABOUT = (r"(?:\s+(?:anything\s+|publicly\s+|recently\s+|so\s+far\s+)*"
          r"(?:about|on|of|regarding|concerning|over)\b)?")
_REMARKS = (r"(?:comments?|remarks?|statements?|views?|words|quotes?|quotations?|position|stance|"
            r"response|reaction|warnings?|criticism|speech|speeches|claims?|promises?|tweets?)")


def _frames(name: str) -> list[re.Pattern[str]]:
    """The forms of a question that asks for someone's words, around a name pattern."""
    return [
        # what did Kallas say about …, what has Assad said since …, what does Kallas think of …
        re.compile(rf"^(?i:what)\s+(?i:did|does|do|has|have|had|will|would)\s+{name}\s+(?i:{_SAY}){_ABOUT}(?P<rest>.*)$"),
        # what Kallas said about …, what Kallas has said
        re.compile(rf"^(?i:what)\s+{name}\s+(?i:(?:has\s+|had\s+|have\s+)?{_SAY}){_ABOUT}(?P<rest>.*)$"),
        # did/has Kallas say anything about …
        re.compile(rf"^(?i:did|does|has|have)\s+{name}\s+(?i:{_SAY}){_ABOUT}(?P<rest>.*)$"),
        # how did Kallas react to …
        re.compile(rf"^(?i:how)\s+(?i:did|does|has|have)\s+{name}\s+(?i:react|respond|reply|answer|comment)"
                   rf"(?:\s+(?i:to|on|about))?(?P<rest>.*)$"),
        # Kallas's comments on elections
        re.compile(rf"^{name}(?:’s|'s|’|')\s+(?i:{_REMARKS}){_ABOUT}(?P<rest>.*)$"),
        # quotes from Kallas on Russia, statements by Kallas
        re.compile(rf"^(?i:{_REMARKS})\s+(?i:from|by)\s+{name}{_ABOUT}(?P<rest>.*)$"),
        # Kallas on Russia (checked further below)
        re.compile(rf"^{name}\s+(?i:on|about)\s+(?P<rest>.+)$"),
    ]


_FRAMES = _frames(_NAME)
# A question typed all in lower case ("what did kallas say?"): the same frames, a name of one to
# three lower-case words, taken only when the corpus has such a speaker.
_LOWER_FRAMES = _frames(r"(?P<name>[a-z][\w’'.\-]*(?:\s+[a-z][\w’'.\-]*){0,2})")
_TIMELINE = re.compile(r"^(?i:(?:a\s+|the\s+)?(?:timeline|chronology|history)\s+of\s+|show\s+me\s+|list\s+)")
# "X on Monday …", "X on 3 March …": the bare form's "on" is a time, not a topic.
_TIME_FIRST = re.compile(r"(?i:(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|"
                         r"may|june|july|august|september|october|november|december|\d+)\b")
# Capitalised words that open a question without being anyone's name.
_NOT_NAMES = frozenset("""what who whom whose which when where why how did does do has have had is are
was were will would can could should the a an this that these those there it he she they we you i and or but
if in on at for from to of by with about news talks sanctions attacks strikes reports report war
vote votes debate reaction reactions comments statement statements policy views update updates
protests ban tariffs pressure progress focus latest timeline chronology history show list tell give
find any all some more most""".split())


def read_speaker(question: str, *, known: Callable[[str], bool] | None = None
                 ) -> SpeakerQuery | None:
    """The speaker a question asks about, or None. With ``known`` (whether a name is one of the
    corpus's speakers, by full name or surname), the bare "X on Y" form fires only for those,
    and so does a name in a question typed all in lower case."""
    q = " ".join((question or "").split()).strip()
    q = q.rstrip("?.! ")
    timeline = False
    t = _TIMELINE.match(q)
    if t:
        q = q[t.end():]
        timeline = True
    lower = known is not None and not any(c.isupper() for c in q)
    frames = _LOWER_FRAMES if lower else _FRAMES
    for n, frame in enumerate(frames):
        m = frame.match(q)
        if not m:
            continue
        name = re.sub(r"(’s|'s|’|')$", "", m.group("name")).strip()
        if not _is_name(name):
            continue
        bare = n == len(frames) - 1
        if (bare or lower) and not _known(name, known):
            continue
        if bare and _TIME_FIRST.match(m.group("rest")):
            continue  # "Biden on Wednesday announced …" is news about Biden, not his views
        rest = m.group("rest").strip(" ,:;-")
        return SpeakerQuery(name, rest, timeline)
    return None


def _is_name(name: str) -> bool:
    return name.split()[0].lower() not in _NOT_NAMES


def _known(name: str, known: Callable[[str], bool] | None) -> bool:
    return len(name.split()) <= 3 if known is None else known(name)
