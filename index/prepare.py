"""The prepare stage of a build: an article's passages, dated and ready to embed.

``prepare(article) -> Prepared`` is the one place passages are cut, dated and given their
quotations (``index.quotes``: found on the whole article, so speakers resolve across it), for the
single-machine builder (index/build.py) and the Ray workers (index/ray_build.py) alike. It is a
pure function of the article: no model, no index.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from index.chunk import chunk_text
from index.dates import extract_event_dates, follow_lead, lead_day, timeline_date
from index.embed import embed_text
from index.models import Article, EventDate, Quote
from index.quotes import extract_quotes, quotes_in
from index.timings import timed


@dataclass(frozen=True)
class PreparedPassage:
    """A passage before it has an id: its span, its dates, and what gets embedded."""

    ordinal: int
    start: int  # character span in the article's cleaned text
    end: int
    text: str
    embed_text: str  # the title travels with the passage (index.embed.embed_text)
    text_hash: str  # of embed_text: equal text is embedded once, and never again
    event_dates: tuple[EventDate, ...]
    timeline_date: dt.date | None
    quotes: tuple[Quote, ...] = ()  # spans relative to the passage text


@dataclass(frozen=True)
class Prepared:
    article: Article
    passages: tuple[PreparedPassage, ...]  # in ordinal order, the lead first


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def prepare(article: Article) -> Prepared:
    """Chunk the article's (already cleaned) text, date each passage and find who says what."""
    with timed("chunk"):
        chunks = chunk_text(article.text)
    with timed("quotes"):
        quotes = extract_quotes(article.text) if chunks else ()
    with timed("date"):
        dated: list[tuple[tuple[EventDate, ...], dt.date | None]] = []
        lead: dt.date | None = None
        for c in chunks:
            events = extract_event_dates(c.text, article.published)
            day = timeline_date(events, article.published, c.text)
            if c.ordinal == 0:
                lead = lead_day(events, day)
            dated.append((events, follow_lead(events, day, article.published, lead)))
    passages = []
    for c, (events, day) in zip(chunks, dated, strict=True):
        text = embed_text(article.title, c.text)
        passages.append(PreparedPassage(c.ordinal, c.start, c.end, c.text, text, text_hash(text),
                                        events, day, quotes_in(quotes, c.start, c.end)))
    return Prepared(article, tuple(passages))
