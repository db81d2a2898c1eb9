"""Reading around an excerpt: the passage between its neighbours, or the whole article."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.fmt import human_date
from web.markup import display_source

if TYPE_CHECKING:
    from bot.engine import Context

def context_text(ctx: Context, *, whole: bool = False) -> str:
    """Plain text for a read-only box: the passage between its neighbours, or the whole article."""
    a, p = ctx.article, ctx.passage
    head = [f"{display_source(a.source)} — {a.title}",
            "published " + (human_date(a.published) if a.published else "date unknown")
            + (f" · {a.url}" if a.url else ""), ""]
    if whole:
        t = a.text
        inside = 0 <= p.start < p.end <= len(t)
        body = f"{t[:p.start]}▶ {t[p.start:p.end]} ◀{t[p.end:]}" if inside else t
    else:
        pieces = []
        if ctx.before:
            pieces.append(("… " if ctx.before.ordinal > 0 else "") + ctx.before.text)
        pieces.append(f"▶ {p.text} ◀")
        if ctx.after:
            pieces.append(ctx.after.text + " …")
        body = "\n\n".join(pieces)
    return "\n".join(head) + body
