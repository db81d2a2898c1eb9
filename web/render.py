"""Answers and timelines as HTML inside the chat's Markdown, and the page's small Markdown texts.

One HTML block with no blank line in it: Markdown passes such a block through untouched.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from bot.answer import Answer
from bot.fmt import event_note, human_date, plural, said_by
from bot.rank import Hit
from bot.timeline import Timeline
from web.markup import display_source, esc, mark_layers, shorten

if TYPE_CHECKING:
    from bot.engine import CorpusStats

def hit_html(hit: Hit, number: int) -> str:
    a, p = hit.article, hit.passage
    date = human_date(p.timeline_date) if p.timeline_date else "Undated"
    parts = [f'<div class="tl-hit"><div class="tl-head"><span class="tl-num">{number}</span>'
             f'<span class="tl-date">{esc(date)}</span></div>']
    note = event_note(hit.article, hit.passage)
    if note:
        parts.append(f'<div class="tl-event">event date {esc(note)}</div>')
    published = f"published {human_date(a.published)}" if a.published else "publication date unknown"
    parts.append(f'<div class="tl-src"><b>{esc(display_source(a.source))}</b> · '
                 f'{esc(a.title)} <span class="tl-pub">({esc(published)})</span></div>')
    who = said_by((q.speaker, q.occasion) for q in p.quotes)
    if who:
        parts.append(f'<div class="tl-said">said by {esc("; ".join(who))}</div>')
    # quoted words (in quotation marks) apart from reported speech, which is not word for word
    layers = {"tl-quote": [(q.start, q.end) for q in p.quotes if q.speaker and q.direct],
              "tl-reported": [(q.start, q.end) for q in p.quotes if q.speaker and not q.direct]}
    parts.append(f'<div class="tl-text">{mark_layers(p.text, hit.highlights, layers)}</div>')
    if hit.also_in:
        names = ", ".join(display_source(r.source) for r in hit.also_in)
        parts.append(f'<div class="tl-also">also in {plural(len(hit.also_in), "source")}: '
                     f"{esc(names)}</div>")
    parts.append("</div>")
    return "".join(parts)


def _head_html(summary: str, read_as: str | None, note: str | None,
               message: str | None = None) -> str:
    out = [f'<div class="tl-summary">{esc(summary)}</div>']
    if note:
        out.append(f'<div class="tl-followup">{esc(note)}</div>')
    if read_as:
        out.append(f'<div class="tl-understood">read as: {esc(read_as)}</div>')
    if message:
        out.append(f'<div class="tl-message">{esc(message)}</div>')
    return "".join(out)


def answer_html(answer: Answer, note: str | None = None) -> str:
    """Summary line first, then what was understood, then the excerpts (undated under a heading)."""
    parts = ['<div class="tl-answer">']
    if answer.date_answer:  # a "when" question leads with its date
        parts.append(f'<div class="tl-when">When: {esc(answer.date_answer.label)}</div>')
    parts.append(_head_html(answer.summary(), answer.read_as, note))
    if answer.hits and answer.message:
        parts.append(f'<div class="tl-message">{esc(answer.message)}</div>')
    undated_heading = False
    for i, h in enumerate(answer.hits, 1):
        if answer.order == "time" and h.timeline_date is None and not undated_heading:
            parts.append('<div class="tl-group">Undated</div>')
            undated_heading = True
        parts.append(hit_html(h, i))
    parts.append("</div>")
    return "".join(parts)


def timeline_summary(tl: Timeline) -> str:
    if not tl.dates:
        return "no dated passages on this topic"
    n = sum(len(d.hits) for d in tl.dates)
    first, last = tl.dates[0].date, tl.dates[-1].date
    span = human_date(first) if first == last else f"{human_date(first)} – {human_date(last)}"
    return f"Timeline: {plural(len(tl.dates), 'date')}, {plural(n, 'excerpt')}, {span}"


def timeline_html(tl: Timeline, note: str | None = None) -> str:
    parts = ['<div class="tl-answer">',
             _head_html(timeline_summary(tl), tl.read_as, note, tl.message)]
    number = 0
    for d in tl.dates:
        parts.append(f'<div class="tl-group">{esc(human_date(d.date))}</div>')
        for h in d.hits:
            number += 1
            parts.append(hit_html(h, number))
    parts.append("</div>")
    return "".join(parts)


def result_hits(result: Answer | Timeline | None) -> list[Hit]:
    """The excerpts of an answer or a timeline, in the order they are shown and numbered."""
    if isinstance(result, Answer):
        return list(result.hits)
    if isinstance(result, Timeline):
        return [h for d in result.dates for h in d.hits]
    return []


def hit_day(hit: Hit, result: Answer | Timeline | None) -> dt.date | None:
    if isinstance(result, Timeline):
        for d in result.dates:
            if any(h is hit for h in d.hits):
                return d.date
    return hit.timeline_date


def stats_markdown(stats: CorpusStats) -> str:
    if stats.first_date and stats.last_date:
        span = f"{human_date(stats.first_date)} – {human_date(stats.last_date)}"
    else:
        span = "no dates"
    return (f"**{stats.articles:,}** articles · **{stats.passages:,}** passages  \n"
            f"{span} · **{stats.undated_articles:,}** undated "
            f"article{'' if stats.undated_articles == 1 else 's'} · "
            f"{plural(len(stats.sources), 'source')}")


def hit_choices(result: Answer | Timeline | None) -> list[tuple[str, int]]:
    """(label, passage id) for the context picker; labels are plain text."""
    out = []
    for i, h in enumerate(result_hits(result), 1):
        day = hit_day(h, result)
        label = f"{i} · {human_date(day) if day else 'Undated'} · " \
                f"{display_source(h.article.source)} — {shorten(h.article.title, 60)}"
        out.append((label, h.passage.passage_id))
    return out



def upload_report_markdown(summary: dict[str, Any]) -> str:
    """What the uploader sees: titles added, files skipped and why (all escaped)."""
    lines = []
    added = summary.get("added") or []
    if added:
        lines.append(f"**Added {plural(len(added), 'article')}** — searchable now:")
        lines += [f"- {esc(t)}" for t in added[:30]]
        if len(added) > 30:
            lines.append(f"- … and {len(added) - 30} more")
    if summary.get("already_indexed"):
        lines.append(f"{plural(summary['already_indexed'], 'article')} already in the corpus.")
    skipped = summary.get("skipped") or []
    if skipped:
        lines.append(f"**Skipped {len(skipped)}:**")
        lines += [f"- {esc(s['file'])}: {esc(s['reason'])}" for s in skipped[:30]]
    if not lines:
        lines.append("Nothing new to add.")
    return "\n".join(lines)
