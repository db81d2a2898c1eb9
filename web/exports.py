"""Downloads of the last result: CSV for a spreadsheet, JSON for TimelineJS."""

from __future__ import annotations

import atexit
import csv
import datetime as dt
import html
import io
import json
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.answer import Answer
from bot.fmt import event_note, said_by
from bot.timeline import Timeline
from web.markup import display_source
from web.render import hit_day, result_hits

CSV_FIELDS = ("n", "date", "event_date", "source", "title", "url", "published", "said_by", "text",
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
        day = hit_day(h, result)
        w.writerow([_cell(v) for v in (
            i, day.isoformat() if day else "", event_note(a, p) or "", display_source(a.source),
            a.title, a.url or "", a.published.isoformat() if a.published else "",
            "; ".join(said_by((q.speaker, q.occasion) for q in p.quotes)), p.text,
            " … ".join(p.text[s:e] for s, e in h.highlights),
            "; ".join(display_source(r.source) for r in h.also_in), h.rank, f"{h.score:.4f}",
            p.passage_id)])
    return buf.getvalue()


def export_timelinejs(result: Answer | Timeline) -> dict[str, Any]:
    """TimelineJS JSON; it renders text as HTML, so every text is escaped. Undated are left out."""
    headline = result.query if isinstance(result, Answer) else result.topic
    events = []
    for h in result_hits(result):
        day = hit_day(h, result)
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


EXPORT_PREFIX = "timeline-bot-export-"


class Exports:
    """The folder the page's downloads are written to.

    Without a folder given, a temporary one is made, and removed when the app stops (or, at
    the latest, when the process exits): stopped apps left /tmp/timeline-bot-export-* behind.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.owned = folder is None
        self.folder = Path(tempfile.mkdtemp(prefix=EXPORT_PREFIX)) if folder is None else folder
        if self.owned:
            atexit.register(self.close)

    def write(self, result: Answer | Timeline) -> tuple[Path | None, Path | None]:
        """(CSV, TimelineJS JSON) of a result, or (None, None) when it has no excerpt."""
        if not result_hits(result):
            return None, None
        self.prune()
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        folder = self.folder / stamp
        folder.mkdir(parents=True, exist_ok=True)
        csv_path = folder / "timeline-bot.csv"
        csv_path.write_text(export_csv(result), encoding="utf-8-sig")  # BOM: Excel reads UTF-8
        json_path = folder / "timeline-bot-timelinejs.json"
        json_path.write_text(json.dumps(export_timelinejs(result), ensure_ascii=False, indent=1),
                             encoding="utf-8")
        return csv_path, json_path

    def prune(self, max_age_s: float = 3600) -> None:
        """Gradio serves its own copy of a download, so ours can go after an hour."""
        cutoff = time.time() - max_age_s
        for folder in self.folder.glob("*"):
            try:
                if folder.is_dir() and folder.stat().st_mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                pass

    def close(self) -> None:
        """Remove the folder if this object made it; safe to call twice."""
        if self.owned:
            shutil.rmtree(self.folder, ignore_errors=True)
