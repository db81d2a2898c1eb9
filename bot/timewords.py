"""What the question's time readers share: an expression found in a question, how its days are
shown, and the tense that places a year-less or relative expression."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.fmt import human_date
from index.tense import tense_near

__all__ = ["Found", "clause_mode", "days_words"]


@dataclass(frozen=True)
class Found:
    start: int  # span in the question
    end: int
    date_from: dt.date | None
    date_to: dt.date | None
    understood: str


def days_words(start: dt.date, end: dt.date) -> str:
    """"12 Aug 2025", or "4 Aug 2025 – 10 Aug 2025"."""
    return human_date(start) if start == end else f"{human_date(start)} – {human_date(end)}"


_PROGRESSIVE = re.compile(r"\b(?:is|are|am)\s+(?:\w+\s+)?\w+ing\b", re.IGNORECASE)


def clause_mode(question: str, start: int, end: int) -> str:
    """The question's tense: a year-less date lies ahead in "Who will win in November?" and
    "Which airline is slashing flights during November?", else at or before ``as_of``."""
    if tense_near(question, start, end) == "future" or _PROGRESSIVE.search(question, 0, start):
        return "future"
    return "past"
