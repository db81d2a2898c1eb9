"""The readable forms the CLI prints, made from the JSON of an answer or a timeline.

From the JSON, so that an answer from a running app (``ask --server``) reads exactly like one
computed here.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from bot.fmt import human_date, plural, said_by


def render_text(answer: Mapping[str, Any], *, width: int = 100) -> str:
    """An answer's JSON as a readable timeline."""
    lines = [f"Q: {answer['query']}"]
    if answer.get("read_as"):
        lines.append(f"   (read as: {answer['read_as']})")
    if answer.get("date_answer"):
        lines.append(f"When: {answer['date_answer']['label']}")
    lines.append(answer["summary"])
    if answer.get("results") and answer.get("message"):
        lines.append(f"   ({answer['message']})")
    heading_undated = False
    for r in answer["results"]:
        if answer["order"] == "time" and r["timeline_date"] is None and not heading_undated:
            lines.append("\n── undated ──")
            heading_undated = True
        lines.append(f"\n{_day(r['timeline_date'])}  #{r['rank']}  {r['source']} — {r['title']}")
        note = r.get("event_note")
        lines.append(f"   published {_day(r['published'])} ({r['date_source']})"
                     + (f" · event {note}" if note else ""))
        who = said_by((q["speaker"], q.get("occasion")) for q in r.get("quotes", ()))
        if who:
            lines.append(f"   said by {'; '.join(who)}")
        lines.extend(textwrap.wrap(_mark(r["text"], r["highlights"]), width=width,
                                   initial_indent="   ", subsequent_indent="   "))
        if r["also_in"]:
            lines.append(f"   also in {plural(len(r['also_in']), 'source')}: "
                         + ", ".join(r["also_in"]))
    return "\n".join(lines)


def render_timeline(tl: Mapping[str, Any], *, width: int = 96) -> str:
    """A timeline's JSON, date by date."""
    read_as = tl.get("read_as") or tl.get("understood")
    lines = [f"Timeline: {tl['topic']}" + (f"  (read as: {read_as})" if read_as else "")]
    if tl.get("message"):
        lines.append(tl["message"])
    if not tl["dates"]:
        lines.append("no dated passages on this topic")
    for d in tl["dates"]:
        lines.append(f"\n{_day(d['date'])}  (score {d['score']:.2f})")
        for p in d["passages"]:
            lines.append(f"   {p['source']} — {p['title']}")
            who = said_by((q["speaker"], q.get("occasion")) for q in p.get("quotes", ()))
            if who:
                lines.append(f"     said by {'; '.join(who)}")
            lines.extend(textwrap.wrap(p["text"], width=width, initial_indent="     ",
                                       subsequent_indent="     "))
    return "\n".join(lines)


def _day(iso: str | None) -> str:
    return human_date(dt.date.fromisoformat(iso)) if iso else "undated"


def _mark(text: str, spans: Sequence[Sequence[int]]) -> str:
    out, pos = [], 0
    for s, e in spans:
        out += [text[pos:s], "»", text[s:e], "«"]
        pos = e
    return "".join(out + [text[pos:]])
