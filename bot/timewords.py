"""What the question's time readers share: an expression found in a question, how a day is
shown, and the tense that places a year-less or relative expression."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from index.tense import tense_near

__all__ = ["Found", "clause_mode", "fmt_day"]


@dataclass(frozen=True)
class Found:
    start: int  # span in the question
    end: int
    date_from: dt.date | None
    date_to: dt.date | None
    understood: str


def fmt_day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


_PROGRESSIVE = re.compile(r"\b(?:is|are|am)\s+(?:\w+\s+)?\w+ing\b", re.IGNORECASE)


def clause_mode(question: str, start: int, end: int) -> str:
    """The question's tense: a year-less date lies ahead in "Who will win in November?" and
    "Which airline is slashing flights during November?", else at or before ``as_of``."""
    if tense_near(question, start, end) == "future" or _PROGRESSIVE.search(question, 0, start):
        return "future"
    return "past"
