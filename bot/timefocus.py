"""Focus or background: whether a time expression in a question places what is asked.

"What did Kallas say in August?" asks about August; "How many have fled since Russia's
invasion began on February 24?" does not ask about 24 February. Decided by clear rules on the
question's syntax (bot/timeparse.py reads the expressions; this module only judges where
they stand), so background time is shown but sets no filter.
"""

from __future__ import annotations

import re

from index.timevocab import MONTH_FULL

__all__ = ["is_background", "is_deictic", "is_possessive"]

_F = re.IGNORECASE

# Words that open a clause or phrase describing something else: a time expression inside one
# places that thing ("since its creation in 1964", "the team that won on Sunday"), not what the
# question asks about. An expression's own keyword ("since March 2025") is not counted, nor a
# sentence's first word ("When did...", "Who won..."). "which", "whose" and "what" ask the
# question wherever they stand ("Liz Truss became prime minister of which country?"): only
# after a comma do they open a relative clause. "When" and "while" are not among the openers:
# their clause gives the time of what is asked ("What was Biden talking about when he made this
# remark this week?", "What did Kallas say while visiting Kyiv in August?").
_OPENERS = re.compile(
    r"\b(?:since|after|before|until|till|because|although|though|once|"
    r"that|where)\b|(?P<wh>\b(?:who|whom)\b|,\s*(?:which|whose)\b)", _F)
_WH = re.compile(r"\b(?:what|which|who|whom|whose|how|when|where|why)\b", _F)
_SENTENCE = re.compile(r"[.?!]\s+|^")
_ASIDE_BREAK = re.compile(r"[,;:()]|\s[-–—]\s")


def is_background(question: str, start: int, end: int) -> bool:
    """Whether the time expression at [start, end) only describes the background: it is a
    possessive ("this year's Super Bowl") or lies inside a subordinate or relative clause or
    a since/after/before phrase of its sentence, or in an aside set off by commas ("Which
    company, founded in 1998, announced...")."""
    if is_possessive(question, end):
        return True
    sentence = max(m.end() for m in _SENTENCE.finditer(question, 0, start))
    if _in_context_sentence(question, start, end):
        return True
    first = re.match(r"\s*\w+", question[sentence:start])
    head = sentence + (first.end() if first else 0)  # the first word may ask the question
    breaks = [b.end() for b in _ASIDE_BREAK.finditer(question, sentence, start)]
    clause = max(head, breaks[-1] - 1 if breaks else 0)  # from the comma: ", which ..."
    for m in _OPENERS.finditer(question, clause, start):
        # "who" or ", which" opens a relative clause only if another word asks the question:
        # "To much fanfare, which company launched...?" asks with it
        if not m.group("wh") or _asks_elsewhere(question, sentence, m.start(), m.end()):
            return True
    after = re.match(r"\s*,", question[end:])
    return bool(breaks and question[breaks[-1] - 1] == "," and question[breaks[-1]:start].strip()
                and after and end + after.end() < len(question) - 1)


def is_possessive(question: str, end: int) -> bool:
    """Whether the expression ending at ``end`` is a possessive ("this year's", "Tuesday's")."""
    return question[end - 2:end] in ("'s", "’s") or question[end:end + 2] in ("'s", "’s")


def _in_context_sentence(question: str, start: int, end: int) -> bool:
    """A date in a statement before or after the sentence that asks ("73 monuments were removed
    in 2021. How many remain?") sets the scene; the asking sentence holds the focus. Words
    relative to the day of asking ("this week", "on Tuesday") still say when the news is."""
    stop = re.compile(r"[.?!](?:\s|$)").search(question, end)
    if stop is None or question[stop.start()] == "?" or "?" not in question:
        return False
    return not is_deictic(question[start:end])


def is_deictic(words: str) -> bool:
    """Whether a time expression is relative to the day of asking ("this week's", "on
    Tuesday"), unlike a date ("on February 24") that names its day whenever it is read. A
    named month is read as a date, its year aside: "the death of George Floyd last May"
    names an event, not when the news is."""
    return bool(_DEICTIC.search(words)) and not _MONTH_NAMED.search(words)


_MONTH_NAMED = re.compile(rf"\b(?:{MONTH_FULL})\b", _F)
_DEICTIC = re.compile(r"\b(?:today|yesterday|tomorrow|this|last|next|coming|past|earlier|later|"
                      r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", _F)


def _asks_elsewhere(question: str, sentence: int, start: int, end: int) -> bool:
    stop = re.compile(r"[.?!](?:\s|$)").search(question, end)
    limit = stop.end() if stop else len(question)
    if not question[:limit].rstrip().endswith("?"):
        return True  # not a question: a relative clause
    return any(not (start <= w.start() < end) for w in _WH.finditer(question, sentence, limit))
