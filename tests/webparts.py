"""Shared by the web tests (not a test module): hits and answers made by hand, and what a
browser would show of a fragment."""

from __future__ import annotations

import datetime as dt
import html
import re

from bot.answer import Answer
from bot.rank import Hit, SourceRef
from index.models import Article, EventDate, Passage
from tests.conftest import ROOT

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "<svg onload=alert(1)>", "![x](http://127.0.0.1:9/x.png)")
AS_OF = dt.date(2025, 8, 12)


def make_hit(text: str, *, title: str = "A title", source: str = "Fox News Digital",
             published: dt.date | None = dt.date(2025, 8, 12), day: dt.date | None = None,
             events: tuple[EventDate, ...] = (), spans: tuple[tuple[int, int], ...] = (),
             rank: int = 1, url: str | None = None, also: tuple[SourceRef, ...] = ()) -> Hit:
    art = Article(origin="o", title=title, text=text, source=source, url=url, published=published,
                  date_source="metadata" if published else "none")
    p = Passage(passage_id=rank, article_id=art.article_id, ordinal=0, start=0, end=len(text),
                text=text, event_dates=events, timeline_date=day if day else published)
    return Hit(rank=rank, score=1.0 / rank, passage=p, article=art, highlights=spans, also_in=also)


def answer_of(*hits: Hit, order: str = "time", understood: str | None = None) -> Answer:
    return Answer(query="q", search_text="q", date_from=None, date_to=None, sources=(),
                  order=order, understood=understood, read_as=understood,
                  hits=tuple(hits))  # type: ignore[arg-type]


def text_of(fragment: str) -> str:
    """What a browser would show: tags dropped, entities decoded."""
    fragment = fragment.replace("<br>", "\n").replace("</div>", "\n")
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))
