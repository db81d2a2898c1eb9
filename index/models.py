"""The domain records shared by ``index`` and ``bot``: small, typed and frozen."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Literal

DateSource = Literal["metadata", "header", "html-meta", "dateline", "none"]
# A "week" date is the Monday of that week (a weekend: its Saturday); a "quarter" its first day;
# "month-part" / "year-part" (early / mid / late) the first day of that part; a "half" (of a
# year: "the first half of 2025", "H2 2024") 1 January or 1 July; a "decade" its first year's
# 1 January.
Precision = Literal["day", "week", "month", "year", "season", "quarter", "half", "month-part",
                    "year-part", "decade"]


@dataclass(frozen=True)
class Article:
    """One cleaned article, as a parser yields it and the store keeps it."""

    origin: str  # stable identity of where it came from: a path, or "path#record-key"
    title: str
    text: str  # cleaned body text; passage spans point into it
    source: str  # the outlet when known, else the file name
    url: str | None = None
    published: dt.date | None = None
    date_source: DateSource = "none"
    meta: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def article_id(self) -> str:
        """Content hash: the same text, title, date and source give the same id."""
        h = hashlib.sha256()
        for part in (self.title, self.text, self.source, self.url or "",
                     self.published.isoformat() if self.published else "", self.date_source):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        return h.hexdigest()[:20]


@dataclass(frozen=True)
class Skipped:
    """An input that was not indexed, and why (shown to the user by name)."""

    origin: str
    reason: str


@dataclass(frozen=True)
class EventDate:
    """A temporal expression in a passage and what it resolves to."""

    text: str
    start: int  # character span in the passage text
    end: int
    date: dt.date | None  # None when it cannot be resolved (e.g. relative, undated article)
    precision: Precision
    anchor: dt.date | None  # the date it was resolved against


@dataclass(frozen=True)
class Quote:
    """One attribution (``index.quotes``): the quoted or reported content span and who said it."""

    speaker: str | None  # resolved name ("Kaja Kallas"), or None when it cannot be told
    start: int  # span of the content (quotation marks included for a direct quotation)
    end: int
    speaker_start: int | None  # span of the speaker mention that is the cue's subject
    speaker_end: int | None
    cue: str | None  # the cue as written: "said", "told", "according to"
    direct: bool
    occasion: str | None = None  # to whom or where, when the text says: "to Fox News Digital"

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    """A sentence-aware slice of an article, the unit of retrieval."""

    passage_id: int
    article_id: str
    ordinal: int
    start: int  # character span in the article's cleaned text
    end: int
    text: str
    event_dates: tuple[EventDate, ...] = ()
    timeline_date: dt.date | None = None
    quotes: tuple[Quote, ...] = ()  # spans relative to the passage text


@dataclass(frozen=True)
class Chunk:
    """A passage before it has an id: what the chunker yields."""

    ordinal: int
    start: int
    end: int
    text: str
