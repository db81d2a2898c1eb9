"""Answers: dated excerpts with their sources, in relevance or time order; JSON and text forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from index.models import Article, Passage

Order = Literal["relevance", "time"]
ORDERS: tuple[Order, ...] = ("relevance", "time")


@dataclass(frozen=True)
class SourceRef:
    """Another outlet that carried the same passage (merged as a near-duplicate)."""

    source: str
    title: str
    published: dt.date | None
    passage_id: int
    url: str | None


@dataclass(frozen=True)
class Hit:
    rank: int  # by relevance, 1 = best, whatever order the answer is laid out in
    score: float
    passage: Passage
    article: Article
    highlights: tuple[tuple[int, int], ...]  # spans in passage.text
    also_in: tuple[SourceRef, ...] = ()

    @property
    def timeline_date(self) -> dt.date | None:
        return self.passage.timeline_date

    def to_json(self) -> dict[str, Any]:
        a, p = self.article, self.passage
        return {
            "rank": self.rank, "score": round(self.score, 4), "text": p.text, "title": a.title,
            "source": a.source, "url": a.url, "published": _iso(a.published),
            "date_source": a.date_source,
            "event_dates": [{"text": e.text, "date": _iso(e.date), "precision": e.precision,
                             "start": e.start, "end": e.end} for e in p.event_dates],
            "timeline_date": _iso(p.timeline_date), "article_id": p.article_id,
            "passage_id": p.passage_id, "ordinal": p.ordinal,
            "highlights": [list(span) for span in self.highlights],
            "also_in": [r.source for r in self.also_in],
            "also_in_detail": [{"source": r.source, "title": r.title, "published": _iso(r.published),
                                "passage_id": r.passage_id, "url": r.url} for r in self.also_in],
        }


@dataclass(frozen=True)
class Answer:
    query: str
    search_text: str  # the question with its time words taken out
    date_from: dt.date | None
    date_to: dt.date | None
    sources: tuple[str, ...]
    order: Order
    understood: str | None  # what was read from the question, in words
    hits: tuple[Hit, ...]
    undated_set_aside: int = 0  # matching passages left out by a date range for lack of a date
    message: str | None = None  # e.g. "no relevant passages"

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "filters": {"from": _iso(self.date_from), "to": _iso(self.date_to),
                        "sources": list(self.sources)},
            "understood": self.understood, "order": self.order,
            "undated_set_aside": self.undated_set_aside, "message": self.message,
            "results": [h.to_json() for h in self.hits],
        }

    def summary(self) -> str:
        """One line: '7 passages from 3 articles, 19 Feb 2025 – 12 Aug 2025 · 1 undated'."""
        if not self.hits:
            return self.message or "no relevant passages"
        articles = {h.passage.article_id for h in self.hits}
        dates = sorted(d for h in self.hits if (d := h.timeline_date))
        undated = sum(1 for h in self.hits if h.timeline_date is None)
        line = f"{_plural(len(self.hits), 'passage')} from {_plural(len(articles), 'article')}"
        if dates:
            span = human_date(dates[0]) if dates[0] == dates[-1] else \
                f"{human_date(dates[0])} – {human_date(dates[-1])}"
            line += f", {span}"
        if undated:
            line += f" · {undated} undated"
        if self.undated_set_aside:
            line += f" · {self.undated_set_aside} undated set aside by the date range"
        return line


def ordered(hits: Sequence[Hit], order: Order) -> tuple[Hit, ...]:
    """Relevance, or oldest first with undated last (each group keeps relevance order)."""
    if order == "relevance":
        return tuple(sorted(hits, key=lambda h: h.rank))
    dated = sorted((h for h in hits if h.timeline_date), key=lambda h: (h.timeline_date, h.rank))
    return tuple(dated) + tuple(h for h in hits if h.timeline_date is None)


def reordered(answer: Answer, order: Order) -> Answer:
    return replace(answer, order=order, hits=ordered(answer.hits, order))


def human_date(d: dt.date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else "undated"


def event_note(hit: Hit) -> str | None:
    """'15 Aug 2025 — "on August 15"' when the passage is about a day other than its publication."""
    p = hit.passage
    if p.timeline_date is None or p.timeline_date == hit.article.published:
        return None
    for e in p.event_dates:
        if e.date == p.timeline_date:
            return f"{human_date(e.date)} — “{e.text}”"
    return None


def render_text(answer: Answer, *, width: int = 100) -> str:
    """The readable timeline the CLI prints."""
    import textwrap

    lines = [f"Q: {answer.query}"]
    if answer.understood:
        lines.append(f"   (read as: {answer.understood})")
    lines.append(answer.summary())
    heading_undated = False
    for h in answer.hits:
        if answer.order == "time" and h.timeline_date is None and not heading_undated:
            lines.append("\n── undated ──")
            heading_undated = True
        a = h.article
        when = human_date(h.timeline_date)
        lines.append(f"\n{when}  #{h.rank}  {a.source} — {a.title}")
        note = event_note(h)
        published = human_date(a.published) if a.published else "undated"
        lines.append(f"   published {published} ({a.date_source})" + (f" · event {note}" if note else ""))
        lines.extend(textwrap.wrap(_mark(h.passage.text, h.highlights), width=width,
                                   initial_indent="   ", subsequent_indent="   "))
        if h.also_in:
            lines.append(f"   also in {_plural(len(h.also_in), 'source')}: "
                         + ", ".join(r.source for r in h.also_in))
    return "\n".join(lines)


def _mark(text: str, spans: Sequence[tuple[int, int]]) -> str:
    out, pos = [], 0
    for s, e in spans:
        out += [text[pos:s], "»", text[s:e], "«"]
        pos = e
    return "".join(out + [text[pos:]])


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None
