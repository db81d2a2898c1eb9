"""Questions about someone's words: "What did Kallas say about Putin?" searches Kallas's quotations.

``spoken`` reads the speaker a question asks about (``bot.speaker.read_speaker``, checked against
the corpus' speakers) and matches the name to the speakers stored with the passages ("Kallas" ->
"Kaja Kallas", by full name or surname). The question is then searched only in passages where
that person speaks: a passage where others talk *about* Kallas
does not qualify. ``answer_spoken`` and ``timeline_spoken`` run the answer or the timeline so and,
when the restriction leaves nothing, fall back to the question unrestricted and say so. The
speakers facet of the page (``facet``) feeds the same filter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.answer import Answer, answer
from bot.roles import by_name
from bot.speaker import read_speaker
from bot.timeline import Timeline, build_timeline
from bot.understand import Order, Query

if TYPE_CHECKING:
    from bot.rank import Ranker
    from index.indexdir import OpenIndex
    from index.store import Store

FACET_SIZE = 25  # the most quoted people the page offers
_PERSON_WORD = re.compile(r"^[A-Z][\w’'.\-]*$")
_NOT_PERSON_WORDS = frozenset("""the of and for ministry department office house government council
union party army forces police court commission committee agency news times post reports""".split())


def spoken(q: Query, store: Store, chosen: Sequence[str] = ()) -> Query:
    """``q`` with the speaker it asks about, and the stored speakers it is restricted to.

    ``chosen``: speakers picked in the facet; with a speaker in the question too, the ones both
    name. A name no stored speaker matches keeps ``speaker`` with no ``speakers``: the question
    is then searched as written (``answer_spoken`` says so).
    """
    # Asked of the speakers index only when the bare "X on Y" form needs it: listing every
    # speaker per question cost ~13 ms at 1M headlines.
    def known(name: str) -> bool:
        return bool(store.speakers_named(name))

    # "What did the EU policy chief say?": whose words, once the office is read as a name
    asked = read_speaker(q.text, known=known) or (
        read_speaker(by_name(q), known=known) if q.roles else None)
    chosen = tuple(dict.fromkeys(chosen))
    if asked is None:
        if not chosen:
            return q
        return replace(q, speaker=", ".join(chosen), speakers=chosen)
    names = tuple(store.speakers_named(asked.name))
    if chosen:
        names = tuple(n for n in names if n in chosen) or chosen
    if not names:
        return replace(q, speaker=asked.name)
    shown = names[0] if len(names) == 1 else f"{asked.name} ({', '.join(names)})"
    # The search text stays the whole question: the relevance floor was calibrated on whole
    # questions, and on the seed questions "Putin's intentions" alone ranked Kallas's answer
    # 8th where the question ranks it 2nd.
    return replace(q, speaker=shown, speakers=names)


def answer_spoken(index: OpenIndex, ranker: Ranker, q: Query, *, chosen: Sequence[str] = (),
                  k: int = 8, order: Order = "relevance", when: bool | None = None) -> Answer:
    """The answer restricted to the asked speaker's passages; unrestricted (and saying so) when
    that finds nothing."""
    sq = spoken(q, index.store, chosen)
    if q.no_overlap:
        return answer(index, ranker, sq, k=k, order=order, when=when)
    if sq.speaker and not sq.speakers:
        wide = answer(index, ranker, replace(q, speaker=sq.speaker), k=k, order=order, when=when)
        return replace(wide, message=_joined(_not_found(sq.speaker, wide.hits), wide))
    result = answer(index, ranker, sq, k=k, order=order, when=when)
    if result.hits or not sq.speakers:
        return result
    wide = answer(index, ranker, replace(q, speaker=sq.speaker), k=k, order=order, when=when)
    return replace(wide, message=_joined(_none_relevant(sq.speaker or "", wide.hits), wide))


def timeline_spoken(index: OpenIndex, ranker: Ranker, q: Query, *, chosen: Sequence[str] = (),
                    n_dates: int = 8, per_date: int = 2) -> Timeline:
    """"timeline of what Kallas said": the dates of her statements, each with her passages."""
    sq = spoken(q, index.store, chosen)
    if sq.speakers:
        tl = build_timeline(index, ranker, sq, n_dates=n_dates, per_date=per_date)
        if tl.dates:
            return tl
        message = _none_relevant(sq.speaker or "", True)
    elif sq.speaker:
        message = _not_found(sq.speaker, True)
    else:
        return build_timeline(index, ranker, q, n_dates=n_dates, per_date=per_date)
    wide = build_timeline(index, ranker, replace(q, speaker=sq.speaker), n_dates=n_dates,
                          per_date=per_date)
    return replace(wide, message="; ".join(m for m in (message, wide.message) if m))


def facet(store: Store, n: int = FACET_SIZE) -> list[tuple[str, int]]:
    """The corpus' most quoted people, with the number of passages each speaks in."""
    return [(name, count) for name, count in store.speaker_counts() if person_like(name)][:n]


def person_like(name: str) -> bool:
    """A resolved speaker that reads as a person's full name ("Kaja Kallas"), not an
    organisation, a role or a lone word ("Reports", "Starmer’s spokesperson")."""
    words = name.split()
    return (2 <= len(words) <= 4 and all(_PERSON_WORD.match(w) for w in words)
            and not any(w.lower() in _NOT_PERSON_WORDS or w.endswith(("’s", "'s")) for w in words)
            and not name.isupper())


def _joined(ours: str, wide: Answer) -> str:
    """Our note, and the unrestricted answer's own message when it found nothing either."""
    return f"{ours}; {wide.message}" if wide.message and not wide.hits else ours


def _not_found(speaker: str, found: object) -> str:
    tail = "; these passages are about the question" if found else ""
    return f"no passage in the corpus quotes {speaker}{tail}"


def _none_relevant(speaker: str, found: object) -> str:
    tail = "; these passages are about it" if found else ""
    return f"no passage where {speaker} speaks is relevant to this{tail}"
