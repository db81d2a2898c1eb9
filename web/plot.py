"""The timeline panel: the excerpts as numbered dots on a small SVG time axis, every text escaped."""

from __future__ import annotations

import datetime as dt
import html

from bot.answer import Answer
from bot.fmt import human_date, plural
from bot.timeline import Timeline
from web.markup import display_source, esc, shorten
from web.render import hit_day, result_hits


def timeline_svg(result: Answer | Timeline | None, *, width: int = 460) -> str:
    hits = result_hits(result)
    points = [(i, h, d) for i, h in enumerate(hits, 1) if (d := hit_day(h, result))]
    undated = len(hits) - len(points)
    if not points:
        msg = "Ask a question: its dated excerpts appear here on a time axis." if not hits else \
            "None of these excerpts has a date."
        return f'<div class="tl-plot-empty">{esc(msg)}</div>'
    lo = min(d for _, _, d in points)
    hi = max(d for _, _, d in points)
    pad = max(3, (hi - lo).days // 12)
    lo, hi = lo - dt.timedelta(days=pad), hi + dt.timedelta(days=pad)
    span = max(1, (hi - lo).days)
    left, right, axis_y = 16, width - 16, 40

    def x(d: dt.date) -> float:
        return left + (right - left) * (d - lo).days / span

    placed: list[tuple[float, int]] = []
    dots = []
    for i, h, d in points:
        # the lowest row where no dot is closer than its width: near dates never overlap
        level = next(n for n in range(len(placed) + 1)
                     if all(abs(px - x(d)) >= 20 for px, lv in placed if lv == n))
        placed.append((x(d), level))
        y = axis_y + 26 + 24 * level
        tip = f"#{i} · {human_date(d)} · {display_source(h.article.source)}\n{shorten(h.passage.text, 120)}"
        dots.append(
            f'<g class="tl-dot"><title>{html.escape(tip)}</title>'
            f'<line x1="{x(d):.1f}" y1="{axis_y}" x2="{x(d):.1f}" y2="{y - 9}" class="tl-stem"/>'
            f'<circle cx="{x(d):.1f}" cy="{y}" r="9"/>'
            f'<text x="{x(d):.1f}" y="{y + 4}" text-anchor="middle">{i}</text></g>')
    height = axis_y + 26 + 24 * max(lv for _, lv in placed) + 16
    ticks = []
    for t, label in _ticks(lo, hi):
        ticks.append(f'<line x1="{x(t):.1f}" y1="{axis_y - 4}" x2="{x(t):.1f}" y2="{axis_y + 4}" '
                     f'class="tl-tick"/><text x="{x(t):.1f}" y="{axis_y - 10}" '
                     f'text-anchor="middle" class="tl-ticklabel">{label}</text>')
    foot = f'<div class="tl-plot-note">{plural(undated, "undated excerpt")} not on the axis</div>' \
        if undated else ""
    return (f'<div class="tl-plot"><svg viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-label="excerpts on a time axis">'
            f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" class="tl-axis"/>'
            + "".join(ticks) + "".join(dots) + "</svg>" + foot + "</div>")


def _ticks(lo: dt.date, hi: dt.date, most: int = 7) -> list[tuple[dt.date, str]]:
    """Axis ticks: months over a long span, days over a short one."""
    if (hi - lo).days > 90:
        months = []
        d = dt.date(lo.year, lo.month, 1)
        while d <= hi:
            if d >= lo:
                months.append(d)
            d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
        step = max(1, -(-len(months) // most))
        return [(m, f"{m:%b %Y}") for m in months[::step]]
    step = max(1, -(-(hi - lo).days // most))
    days = [lo + dt.timedelta(days=i) for i in range(1, (hi - lo).days, step)]
    return [(d, f"{d.day} {d:%b}") for d in days]
