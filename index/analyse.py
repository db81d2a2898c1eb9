"""``python -m index analyse --json``: what the index would store about each article, as JSON lines.

Reads article records (``id``, ``text``, optional ``published`` and ``title``), one JSON object a
line, and writes one line per record: the event dates of its passages, with offsets into
``text``, and its quotations. It is the contract by which anyone can check the tagger on their
own data. The text is chunked as the build chunks it and each passage is dated against
``published``, so the dates are the ones a search would see; cleaning is not applied (give the
article's body text).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from index.chunk import chunk_text
from index.dates import extract_event_dates


@dataclass(frozen=True)
class Record:
    id: str | int
    text: str
    published: dt.date | None
    title: str = ""


class BadRecord(ValueError):
    """A line that is not an article record; its message names what is wrong."""


def parse_record(line: str) -> Record:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as e:
        raise BadRecord(f"not JSON ({e.msg} at column {e.colno})") from None
    if not isinstance(raw, dict):
        raise BadRecord("not a JSON object")
    rid, text, published = raw.get("id"), raw.get("text"), raw.get("published")
    if rid is None or not isinstance(rid, (str, int)):
        raise BadRecord('needs an "id" (string or number)')
    if not isinstance(text, str):
        raise BadRecord(f'record {rid}: needs a "text" string')
    day = None
    if published not in (None, ""):
        try:
            day = dt.date.fromisoformat(str(published)[:10])
        except ValueError:
            raise BadRecord(f'record {rid}: "published" is not an ISO date: {published!r}') from None
    title = raw.get("title")
    return Record(rid, text, day, title if isinstance(title, str) else "")


def _quote_extractor() -> Callable[[str], Iterable[Any]] | None:
    try:
        from index.quotes import extract_quotes  # the quotes helper's module, when present
    except ImportError:
        return None
    return extract_quotes


def analyse(record: Record, quotes: Callable[[str], Iterable[Any]] | None = None
            ) -> dict[str, Any]:
    """The event dates the index stores for ``record``'s passages, offsets into its text."""
    dates = []
    for chunk in chunk_text(record.text):
        for e in extract_event_dates(chunk.text, record.published):
            dates.append({"start": chunk.start + e.start, "end": chunk.start + e.end,
                          "text": e.text, "date": e.date.isoformat() if e.date else None,
                          "precision": e.precision})
    return {"id": record.id, "published": record.published.isoformat() if record.published
            else None, "event_dates": dates,
            "quotes": [q.to_json() for q in quotes(record.text)] if quotes else []}


def run(lines: Iterable[str], out: TextIO) -> Iterator[str]:
    """Write one JSON line per input line; yield the message of each line that is no record.

    A bad line gets an ``{"line": n, "error": ...}`` line in its place, so each record keeps
    its place and nothing after a bad line is lost. Blank lines are skipped.
    """
    quotes = _quote_extractor()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = analyse(parse_record(line), quotes)
        except BadRecord as e:
            row = {"line": n, "error": str(e)}
            yield f"line {n}: {e}"
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
