"""What the web app shows and does, as plain functions: no Gradio here, so tests call them directly.

Article text is untrusted. Every piece of it goes through ``esc`` (HTML-escaped, then the
characters Markdown or LaTeX would act on turned into numeric entities) before any markup of
ours (``<mark>``, ``<div>``) is put around it; the chat renders Markdown, so a ``[x](javascript:…)``
or ``![x](http://…)`` in an article must reach it as inert text.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import gzip
import hashlib
import html
import io
import json
import logging
import re
import shutil
import tempfile
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from bot.answer import Answer, Hit, event_note, human_date, reordered
from bot.timeline import Timeline
from index.errors import BadDocument, BadQuery, TimelineError

if TYPE_CHECKING:
    from bot.engine import Bot, Context, CorpusStats

log = logging.getLogger("timeline-bot.ui")

Mode = Literal["ask", "timeline"]

# -- uploads ----------------------------------------------------------------------------------
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".json", ".csv")
ALLOWED_SUFFIXES = (*TEXT_SUFFIXES, *(s + ".gz" for s in TEXT_SUFFIXES))
MAX_UPLOAD_MB = 25
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024  # per file; launch(max_file_size=...) enforces it too
MAX_UPLOAD_FILES = 20  # per upload: one build should stay a few minutes at most
MAX_GZIP_RATIO_BYTES = 200 * 1024 * 1024  # what one .gz may expand to (25 MB of text → at most 200 MB)
_SNIFF = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# An upload is stored as "<32 hex of its content hash>-<slug><suffix>": never the user's name
# as a path, yet the slug keeps the source readable ("kallas-interview.txt").
_STORED_NAME = re.compile(r"^[0-9a-f]{32}-(?P<slug>[a-z0-9-]*)(?P<suffix>(?:\.[a-z]+){1,2})$")

TIMELINE_PREFIX = re.compile(r"^\s*(?:a\s+|the\s+)?timeline\s*(?:of|for|on|about|:|-)?\s+", re.I)

# html.escape's five characters, plus those Markdown (links, images, emphasis, code, tables),
# GFM autolinks and KaTeX act on, each turned into an entity in ONE pass (a second pass would
# re-escape the '#' and '&' of the first one's entities).
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_[](){}#!|~$:@^=+-"}


def esc(text: str) -> str:
    """Untrusted text -> inert HTML that Markdown leaves alone; line breaks kept as <br>."""
    out = text.replace("\r\n", "\n").translate(_ESCAPES)
    return out.replace("\n", "<br>")


def plain(text: str) -> str:
    """Untrusted text for a label or a one-line message: no markup characters at all."""
    return re.sub(r"[<>&\"'`\\\[\]()*_#!|~$]", "", " ".join(text.split()))


def mark(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escape each piece of ``text`` first, then wrap the highlighted pieces in <mark>."""
    out, pos = [], 0
    for s, e in sorted((max(0, int(s)), min(len(text), int(e))) for s, e in spans):
        if s < pos or e <= s:
            continue  # overlapping or empty span: never break the text for it
        out += [esc(text[pos:s]), "<mark>", esc(text[s:e]), "</mark>"]
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def display_source(source: str) -> str:
    """An uploaded file's stored name shown as the slug the user will recognise."""
    m = _STORED_NAME.match(source)
    return f"{m['slug'] or 'upload'}{m['suffix']}" if m else source


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _shorten(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


# -- answers as HTML (inside the chat's Markdown) ------------------------------------------------
# One HTML block with no blank line in it: Markdown passes such a block through untouched.

def hit_html(hit: Hit, number: int) -> str:
    a, p = hit.article, hit.passage
    date = human_date(p.timeline_date) if p.timeline_date else "Undated"
    parts = [f'<div class="tl-hit"><div class="tl-head"><span class="tl-num">{number}</span>'
             f'<span class="tl-date">{esc(date)}</span></div>']
    note = event_note(hit)
    if note:
        parts.append(f'<div class="tl-event">event date {esc(note)}</div>')
    published = f"published {human_date(a.published)}" if a.published else "publication date unknown"
    parts.append(f'<div class="tl-src"><b>{esc(display_source(a.source))}</b> · '
                 f'{esc(a.title)} <span class="tl-pub">({esc(published)})</span></div>')
    parts.append(f'<div class="tl-text">{mark(p.text, hit.highlights)}</div>')
    if hit.also_in:
        names = ", ".join(display_source(r.source) for r in hit.also_in)
        parts.append(f'<div class="tl-also">also in {_plural(len(hit.also_in), "source")}: '
                     f"{esc(names)}</div>")
    parts.append("</div>")
    return "".join(parts)


def _head_html(summary: str, understood: str | None, note: str | None) -> str:
    out = [f'<div class="tl-summary">{esc(summary)}</div>']
    if note:
        out.append(f'<div class="tl-followup">{esc(note)}</div>')
    if understood:
        out.append(f'<div class="tl-understood">read as: {esc(understood)}</div>')
    return "".join(out)


def answer_html(answer: Answer, note: str | None = None) -> str:
    """Summary line first, then what was understood, then the excerpts (undated under a heading)."""
    parts = ['<div class="tl-answer">', _head_html(answer.summary(), answer.understood, note)]
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
    return f"Timeline: {_plural(len(tl.dates), 'date')}, {_plural(n, 'excerpt')}, {span}"


def timeline_html(tl: Timeline, note: str | None = None) -> str:
    parts = ['<div class="tl-answer">', _head_html(timeline_summary(tl), tl.understood, note)]
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


def _hit_day(hit: Hit, result: Answer | Timeline | None) -> dt.date | None:
    if isinstance(result, Timeline):
        for d in result.dates:
            if any(h is hit for h in d.hits):
                return d.date
    return hit.timeline_date


# -- the timeline panel: a small SVG, every text escaped ----------------------------------------

def timeline_svg(result: Answer | Timeline | None, *, width: int = 460) -> str:
    hits = result_hits(result)
    points = [(i, h, d) for i, h in enumerate(hits, 1) if (d := _hit_day(h, result))]
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
        tip = f"#{i} · {human_date(d)} · {display_source(h.article.source)}\n{_shorten(h.passage.text, 120)}"
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
    foot = f'<div class="tl-plot-note">{_plural(undated, "undated excerpt")} not on the axis</div>' \
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


# -- exports ---------------------------------------------------------------------------------------
CSV_FIELDS = ("n", "date", "event_date", "source", "title", "url", "published", "text",
              "highlighted", "also_in", "rank", "score", "passage_id")


def _cell(value: object) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ is kept as text."""
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def export_csv(result: Answer | Timeline) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_FIELDS)
    for i, h in enumerate(result_hits(result), 1):
        a, p = h.article, h.passage
        day = _hit_day(h, result)
        w.writerow([_cell(v) for v in (
            i, day.isoformat() if day else "", event_note(h) or "", display_source(a.source),
            a.title, a.url or "", a.published.isoformat() if a.published else "", p.text,
            " … ".join(p.text[s:e] for s, e in h.highlights),
            "; ".join(display_source(r.source) for r in h.also_in), h.rank, f"{h.score:.4f}",
            p.passage_id)])
    return buf.getvalue()


def export_timelinejs(result: Answer | Timeline) -> dict[str, Any]:
    """TimelineJS JSON; it renders text as HTML, so every text is escaped. Undated are left out."""
    headline = result.query if isinstance(result, Answer) else result.topic
    events = []
    for h in result_hits(result):
        day = _hit_day(h, result)
        if day is None:
            continue
        a = h.article
        body = html.escape(h.passage.text)
        if a.url and re.match(r"https?://", a.url, re.I):  # never a javascript: link
            body += f' <a href="{html.escape(a.url)}">{html.escape(display_source(a.source))}</a>'
        events.append({
            "start_date": {"year": day.year, "month": day.month, "day": day.day},
            "text": {"headline": html.escape(a.title), "text": body},
            "group": display_source(a.source),
            "unique_id": f"passage-{h.passage.passage_id}",
        })
    return {"title": {"text": {"headline": html.escape(headline), "text": ""}}, "events": events}


# -- context, corpus -------------------------------------------------------------------------------

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


def stats_markdown(stats: CorpusStats) -> str:
    if stats.first_date and stats.last_date:
        span = f"{human_date(stats.first_date)} – {human_date(stats.last_date)}"
    else:
        span = "no dates"
    return (f"**{stats.articles:,}** articles · **{stats.passages:,}** passages  \n"
            f"{span} · **{stats.undated_articles:,}** undated "
            f"article{'' if stats.undated_articles == 1 else 's'} · "
            f"{_plural(len(stats.sources), 'source')}")


def hit_choices(result: Answer | Timeline | None) -> list[tuple[str, int]]:
    """(label, passage id) for the context picker; labels are plain text."""
    out = []
    for i, h in enumerate(result_hits(result), 1):
        day = _hit_day(h, result)
        label = f"{i} · {human_date(day) if day else 'Undated'} · " \
                f"{display_source(h.article.source)} — {_shorten(h.article.title, 60)}"
        out.append((label, h.passage.passage_id))
    return out


# -- follow-ups ------------------------------------------------------------------------------------
_FILLER = frozenset("and what about how only just from in on of the then also now by at for "
                    "same but instead please sources source outlet s".split())
_ONLY = re.compile(r"^\s*(?:and\s+|but\s+)?(?:only|just)\s+(?:from\s+|in\s+|on\s+|by\s+)?"
                   r"(?P<src>.+?)(?P<rest>\s+(?:in|on|during|since|after|before|until|between|"
                   r"from|last|this|past|over)\b.*)?[\s?.!]*$", re.I)
_LEAD = re.compile(r"^\s*(?:and|but|so|ok|okay)?\s*(?:(?:what|how)\s+about\s+)?", re.I)
_GENERIC_SOURCE_WORDS = frozenset("news the digital online daily times com www".split())


@dataclass(frozen=True)
class Session:
    """One browser tab's memory: the last subject, for follow-ups, and the last result."""

    subject: str | None = None  # the last question with its time words taken out
    sources: tuple[str, ...] = ()  # sources picked by an "only …" follow-up
    mode: Mode = "ask"
    result: Answer | Timeline | None = None
    note: str | None = None


@dataclass(frozen=True)
class Resolved:
    question: str
    mode: Mode
    sources: tuple[str, ...] | None  # None: use the filter
    note: str | None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _norm(text: str) -> str:
    return "".join(_words(text))


def match_sources(phrase: str, known: Sequence[str]) -> list[str]:
    """Known sources a phrase names: 'Fox News' matches 'Fox News Digital' and 'foxnews.com'."""
    whole = _norm(phrase)
    if not whole:
        return []
    exact = [s for s in known if _norm(s) == whole or _norm(display_source(s)) == whole]
    if exact:
        return exact
    key = [w for w in _words(phrase) if w not in _GENERIC_SOURCE_WORDS] or _words(phrase)
    return [s for s in known if whole in _norm(s) or all(w in _norm(s) for w in key)]


def _time_words(message: str, stripped: str) -> str:
    """The words parse_time took out of ``message``, e.g. 'in March' (compared word by word)."""
    words = message.split()
    key = [w.strip("?.!,;:").lower() for w in words]
    sm = difflib.SequenceMatcher(None, key, [w.strip("?.!,;:").lower() for w in stripped.split()],
                                 autojunk=False)
    gone = [" ".join(words[i1:i2]) for op, i1, i2, _, _ in sm.get_opcodes()
            if op in ("delete", "replace")]
    return " ".join(gone).strip(" ?.!,;")


def resolve(message: str, session: Session, *, known_sources: Sequence[str],
            as_of: dt.date | None, timeline_switch: bool = False) -> Resolved:
    """A new question, or a follow-up that only changes the time or the source."""
    from bot.timeparse import parse_time

    text = " ".join(message.split())
    m_tl = TIMELINE_PREFIX.match(text)
    if m_tl and text[m_tl.end():].strip():
        return Resolved(text[m_tl.end():].strip(), "timeline", None, None)
    mode: Mode = "timeline" if timeline_switch else "ask"
    if session.subject is None:
        return Resolved(text, mode, None, None)
    only = _ONLY.match(text)
    if only:
        phrase = parse_time(only["src"], as_of=as_of).text.strip(" ?.!,")
        found = match_sources(phrase, known_sources)
        if not found:
            names = ", ".join(display_source(s) for s in known_sources[:12]) or "none"
            raise BadQuery(f"no source matches “{plain(phrase)}”; the sources are: {names}")
        when = (only["rest"] or "").strip(" ?.!")
        question = f"{session.subject.rstrip(' ?.!')} {when}".strip() + "?"
        what = "only " + ", ".join(display_source(s) for s in found) + (f", {when}" if when else "")
        return Resolved(question, session.mode, tuple(found), _followup_note(session.subject, what))
    tq = parse_time(text, as_of=as_of)
    rest = [w for w in _words(tq.text) if w not in _FILLER]
    if tq.understood is None or rest:
        return Resolved(text, mode, None, None)
    when = _time_words(_LEAD.sub("", text), _LEAD.sub("", tq.text)) or tq.understood
    question = f"{session.subject.rstrip(' ?.!')} {when}?"
    return Resolved(question, session.mode, session.sources or None,
                    _followup_note(session.subject, when))


def _followup_note(subject: str, what: str) -> str:
    return f"Follow-up: reusing “{_shorten(subject, 60)}” with {what}"


def subject_of(question: str, as_of: dt.date | None) -> str:
    from bot.timeparse import parse_time

    return parse_time(question, as_of=as_of).text.strip() or question


# -- the handlers --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    k: int = 8
    date_from: str = ""
    date_to: str = ""
    sources: tuple[str, ...] = ()
    order: str = "time"
    timeline: bool = False


@dataclass(frozen=True)
class Turn:
    """What one question produces for the page."""

    user: str  # the question as typed (plain text)
    html: str  # the assistant message
    session: Session
    plot: str
    choices: list[tuple[str, int]] = field(default_factory=list)
    csv_path: Path | None = None
    json_path: Path | None = None


ProgressFn = Callable[[float, str], None]


class Handlers:
    """The app's actions over one Bot; build_app wires them to the page, tests call them."""

    def __init__(self, bot: Bot, *, export_dir: Path | None = None) -> None:
        self.bot = bot
        # Uploads are serialized: one build at a time (the index's file lock guards other processes).
        self.update_lock = threading.Lock()
        self.export_dir = export_dir or Path(tempfile.mkdtemp(prefix="timeline-bot-export-"))

    # questions
    def ask(self, message: str, session: Session, filters: Filters) -> Turn:
        from bot.query import parse_day

        date_from = parse_day(filters.date_from, "From")
        date_to = parse_day(filters.date_to, "To")
        as_of = self.bot.date_span[1]
        r = resolve(message, session, known_sources=self.bot.stats().sources, as_of=as_of,
                    timeline_switch=filters.timeline)
        sources = r.sources if r.sources is not None else tuple(filters.sources)
        result: Answer | Timeline
        if r.mode == "timeline":
            result = self.bot.timeline(r.question, n_dates=filters.k, date_from=date_from,
                                       date_to=date_to, sources=sources)
            body = timeline_html(result, r.note)
        else:
            result = self.bot.ask(r.question, k=filters.k, date_from=date_from, date_to=date_to,
                                  sources=sources, order=filters.order)
            body = answer_html(result, r.note)
        new = Session(subject=subject_of(r.question, as_of), sources=r.sources or (), mode=r.mode,
                      result=result, note=r.note)
        csv_path, json_path = self.write_exports(result)
        return Turn(" ".join(message.split()), body, new, timeline_svg(result), hit_choices(result),
                    csv_path, json_path)

    def reorder(self, session: Session, order: str) -> tuple[Session, str | None]:
        """The last answer laid out in another order (None when there is nothing to redo)."""
        if not isinstance(session.result, Answer) or order not in ("time", "relevance"):
            return session, None
        result = reordered(session.result, order)  # type: ignore[arg-type]
        return replace(session, result=result), answer_html(result, session.note)

    def write_exports(self, result: Answer | Timeline) -> tuple[Path | None, Path | None]:
        if not result_hits(result):
            return None, None
        self._prune_exports()
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        folder = self.export_dir / stamp
        folder.mkdir(parents=True, exist_ok=True)
        csv_path = folder / "timeline-bot.csv"
        csv_path.write_text(export_csv(result), encoding="utf-8-sig")  # BOM: Excel reads UTF-8
        json_path = folder / "timeline-bot-timelinejs.json"
        json_path.write_text(json.dumps(export_timelinejs(result), ensure_ascii=False, indent=1),
                             encoding="utf-8")
        return csv_path, json_path

    def _prune_exports(self, max_age_s: float = 3600) -> None:
        """Gradio serves its own copy of a download, so ours can go after an hour."""
        import time

        cutoff = time.time() - max_age_s
        for folder in self.export_dir.glob("*"):
            try:
                if folder.is_dir() and folder.stat().st_mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                pass

    def context(self, passage_id: int | str | None, *, whole: bool = False) -> str:
        if passage_id in (None, ""):
            raise BadQuery("pick an excerpt first (ask a question, then choose its number)")
        try:
            pid = int(passage_id)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise BadQuery("pick an excerpt from the list") from None
        ctx = self.bot.context(pid)
        if ctx is None:
            raise BadQuery("that excerpt is no longer in the index; ask again")
        return context_text(ctx, whole=whole)

    def stats(self) -> str:
        return stats_markdown(self.bot.stats())

    def sources(self) -> list[str]:
        return list(self.bot.stats().sources)

    # API
    def search_json(self, question: str, k: int = 8, date_from: str = "", date_to: str = "",
                    order: str = "relevance", sources: Sequence[str] = ()) -> dict[str, Any]:
        from bot.query import parse_day

        answer = self.bot.ask(question, k=int(k), date_from=parse_day(date_from, "from"),
                              date_to=parse_day(date_to, "to"), sources=tuple(sources or ()),
                              order=order or "relevance")
        return answer.to_json()

    def timeline_json(self, topic: str, n: int = 8) -> dict[str, Any]:
        if not 1 <= int(n) <= 100:
            raise BadQuery("the number of dates must be between 1 and 100")
        return self.bot.timeline(topic, n_dates=int(n)).to_json()

    # uploads
    def add_articles(self, files: Sequence[str | Path] | None,
                     progress: ProgressFn | None = None) -> dict[str, Any]:
        """Check, copy into <index>/uploads/, index incrementally, reload: searchable at once."""
        from index.build import build_index

        files = [f for f in (files or []) if f]
        if not files:
            raise BadDocument("no file given: choose one or more article files")
        if len(files) > MAX_UPLOAD_FILES:
            raise BadDocument(f"{len(files)} files at once; the limit is {MAX_UPLOAD_FILES} per upload")
        say = progress or (lambda frac, text: None)
        with self.update_lock:
            index_dir = self.bot.index.path
            stored, refused = store_uploads(files, index_dir)
            added: list[str] = []
            skipped = [{"file": name, "reason": reason} for name, reason in refused]
            unchanged = 0
            if stored:
                say(0.05, f"reading {_plural(len(stored), 'file')}")
                report = build_index([p for p, _ in stored], index_dir, embedder=self.bot.embedder,
                                     progress=_build_progress(say))
                names = {str(p.resolve()): name for p, name in stored}
                for s in report.skipped:
                    skipped.append({"file": names.get(s.origin.split("#", 1)[0], "record"),
                                    "reason": s.reason})
                    if s.origin in names:  # nothing of it was indexed: do not keep it
                        Path(s.origin).unlink(missing_ok=True)
                added = list(report.added_titles)
                unchanged = report.unchanged
                say(0.95, "loading the updated index")
                self.bot.reload()
        stats = self.bot.stats()
        return {"added": added, "added_count": len(added), "already_indexed": unchanged,
                "skipped": skipped, "articles": stats.articles, "passages": stats.passages}


def _build_progress(say: ProgressFn) -> Callable[[str, int, int | None], None]:
    def cb(stage: str, done: int, total: int | None) -> None:
        if stage == "embedding" and total:
            say(0.1 + 0.8 * done / total, f"embedding {done}/{total} passages")
        elif stage == "writing":
            say(0.9, "writing the index")
        else:
            say(0.08, f"{stage} {done}")
    return cb


def upload_report_markdown(summary: dict[str, Any]) -> str:
    """What the uploader sees: titles added, files skipped and why (all escaped)."""
    lines = []
    added = summary.get("added") or []
    if added:
        lines.append(f"**Added {_plural(len(added), 'article')}** — searchable now:")
        lines += [f"- {esc(t)}" for t in added[:30]]
        if len(added) > 30:
            lines.append(f"- … and {len(added) - 30} more")
    if summary.get("already_indexed"):
        lines.append(f"{_plural(summary['already_indexed'], 'article')} already in the corpus.")
    skipped = summary.get("skipped") or []
    if skipped:
        lines.append(f"**Skipped {len(skipped)}:**")
        lines += [f"- {esc(s['file'])}: {esc(s['reason'])}" for s in skipped[:30]]
    if not lines:
        lines.append("Nothing new to add.")
    return "\n".join(lines)


# -- upload checks --------------------------------------------------------------------------------

def allowed_suffix(name: str) -> str | None:
    low = name.lower()
    return next((s for s in sorted(ALLOWED_SUFFIXES, key=len, reverse=True) if low.endswith(s)), None)


def check_upload(path: Path, name: str) -> str | None:
    """Why a file is refused, or None. Checked by content as well as by its name."""
    suffix = allowed_suffix(name)
    if suffix is None:
        return f"not an article file; accepted: {', '.join(TEXT_SUFFIXES)} (or .gz of them)"
    try:
        size = path.stat().st_size
    except OSError:
        return "the upload did not arrive; try again"
    if size > MAX_UPLOAD_BYTES:
        return f"{size / 1048576:.1f} MB is over the {MAX_UPLOAD_MB} MB limit per file"
    if size == 0:
        return "empty file"
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
        if suffix.endswith(".gz"):
            if magic != _GZIP_MAGIC:
                return "named .gz but is not gzip-compressed"
            head = _gunzip_checked(path)
            if isinstance(head, str):
                return head
        else:
            if magic == _GZIP_MAGIC:
                return f"gzip-compressed: name it {suffix}.gz"
            with open(path, "rb") as fh:
                head = fh.read(_SNIFF)
    except OSError as err:
        return f"cannot read it ({err.strerror or err})"
    return _check_text(head, suffix.removesuffix(".gz"))


def _gunzip_checked(path: Path) -> bytes | str:
    """The first bytes of a gzip file after checking all of it decompresses within the cap."""
    head, total = b"", 0
    try:
        with gzip.open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                if len(head) < _SNIFF:
                    head += chunk[: _SNIFF - len(head)]
                total += len(chunk)
                if total > MAX_GZIP_RATIO_BYTES:
                    return f"decompresses past {MAX_GZIP_RATIO_BYTES // 1048576} MB"
    except (OSError, EOFError, zlib.error):
        return "corrupt gzip file"
    return head


def _check_text(head: bytes, kind: str) -> str | None:
    if head.startswith(_UTF16_BOMS):
        return None  # UTF-16 text has NULs by design; the reader decodes it
    if b"\x00" in head:
        return "binary content, not text"
    if not head.strip():
        return "empty file"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if kind == ".json" and start not in (b"{", b"["):
        return "not JSON (it should start with { or [)"
    if kind == ".jsonl" and start != b"{":
        return "not JSON Lines (each line should be a {...} object)"
    if kind == ".csv" and not any(c in head.split(b"\n", 1)[0] for c in (b",", b";", b"\t")):
        return "not CSV (no header row with columns)"
    return None


def _slug(name: str) -> str:
    stem = name
    for s in sorted(ALLOWED_SUFFIXES, key=len, reverse=True):
        if stem.lower().endswith(s):
            stem = stem[: -len(s)]
            break
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:48]


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()[:32]


def store_uploads(files: Sequence[str | Path], index_dir: Path
                  ) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Copy accepted files into ``<index_dir>/uploads/`` under generated names.

    Returns ([(stored path, name shown to the user)], [(name, reason refused)]). The user's file
    name is only ever shown (cleaned), never used as a path: the stored name is the content hash
    plus a [a-z0-9-] slug plus an allowed suffix, so the same file uploaded twice is one file.
    """
    from index.indexdir import UPLOADS_DIR

    folder = Path(index_dir) / UPLOADS_DIR
    stored: list[tuple[Path, str]] = []
    refused: list[tuple[str, str]] = []
    for f in files:
        src = Path(f)
        name = plain(src.name)[:120] or "file"
        reason = check_upload(src, src.name)
        if reason:
            refused.append((name, reason))
            continue
        folder.mkdir(parents=True, exist_ok=True)
        digest = _file_hash(src)
        suffix = allowed_suffix(src.name)
        assert suffix is not None
        existing = sorted(folder.glob(f"{digest}-*"))
        target = existing[0] if existing else folder / f"{digest}-{_slug(src.name)}{suffix}"
        if not existing:
            tmp = folder / f".{digest}.partial"
            shutil.copyfile(src, tmp)
            tmp.replace(target)
        if target.resolve().parent != folder.resolve():  # belt and braces: never outside uploads/
            refused.append((name, "bad file name"))
            continue
        stored.append((target, name))
    return stored, refused


def one_line(err: BaseException) -> str:
    """A TimelineError's own message on one line; anything else a generic one (logged in full)."""
    if isinstance(err, TimelineError):
        return " ".join(str(err).split()) or type(err).__name__
    log.exception("unexpected error in the app", exc_info=err)
    return "Something went wrong on the server (details are in its log); please try again."
