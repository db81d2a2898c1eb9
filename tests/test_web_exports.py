"""CSV and TimelineJS downloads, and the folder they are written to."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from tests.webparts import answer_of, make_hit
from web.exports import CSV_FIELDS, export_csv, export_timelinejs
from web.followups import Session
from web.handlers import Filters, Handlers

pytest_plugins = ("tests.webfixtures",)  # the bot and handlers fixtures


def test_export_csv_shape_and_formula_guard():
    hits = (make_hit("=HYPERLINK(\"http://evil\")", rank=1), make_hit("plain", published=None, rank=2))
    rows = list(csv.reader(io.StringIO(export_csv(answer_of(*hits)))))
    assert tuple(rows[0]) == CSV_FIELDS and len(rows) == 3
    row = dict(zip(CSV_FIELDS, rows[1], strict=True))
    assert row["date"] == "2025-08-12" and row["source"] == "Fox News Digital"
    assert row["text"].startswith("'=")
    assert dict(zip(CSV_FIELDS, rows[2], strict=True))["date"] == ""


def test_export_timelinejs_shape_and_escaping():
    hits = (make_hit("<b>x</b>", title="<i>t</i>", url="javascript:alert(1)"),
            make_hit("y", url="https://example.com/a", rank=2, published=dt.date(2025, 2, 19)),
            make_hit("undated", published=None, rank=3))
    out = export_timelinejs(answer_of(*hits))
    json.dumps(out)
    assert len(out["events"]) == 2  # undated cannot sit on a TimelineJS axis
    ev = out["events"][0]
    assert ev["start_date"] == {"year": 2025, "month": 8, "day": 12}
    assert ev["text"] == {"headline": "&lt;i&gt;t&lt;/i&gt;", "text": "&lt;b&gt;x&lt;/b&gt;"}
    assert ev["group"] == "Fox News Digital"
    assert 'href="https://example.com/a"' in out["events"][1]["text"]["text"]
    assert "javascript" not in json.dumps(out)


def test_exports_written_for_timelines_too(handlers: Handlers):
    turn = handlers.ask("timeline of Kallas on Russia", Session(), Filters())
    data = json.loads(turn.json_path.read_text())
    assert data["events"] and all(set(e) >= {"start_date", "text", "group"} for e in data["events"])
    assert turn.csv_path.read_text(encoding="utf-8-sig").startswith(",".join(CSV_FIELDS))


def test_old_exports_are_pruned(handlers: Handlers):
    import os

    turn = handlers.ask("Kallas Putin", Session(), Filters())
    old = turn.csv_path.parent
    os.utime(old, (0, 0))
    handlers.ask("Kallas Russia", Session(), Filters())
    assert not old.exists()


def test_csv_says_who_speaks_in_each_excerpt(handlers: Handlers):
    import csv
    import io

    turn = handlers.ask("What did Koffler say?", Session(), Filters())
    rows = list(csv.DictReader(io.StringIO(turn.csv_path.read_text(encoding="utf-8-sig"))))
    assert rows and all("Rebekah Koffler" in r["said_by"] for r in rows)
