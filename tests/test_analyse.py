"""``python -m index analyse --json``: the tagger's contract, checked through the command itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _analyse(*lines: str) -> tuple[list[dict], str, int]:
    proc = subprocess.run([sys.executable, "-m", "index", "analyse", "--json"], cwd=ROOT,
                          input="\n".join(lines) + "\n", capture_output=True, text=True,
                          timeout=120)
    return [json.loads(x) for x in proc.stdout.splitlines()], proc.stderr, proc.returncode


def test_records_in_dates_out_with_offsets_into_the_text() -> None:
    text = ("Police arrested both men in early August.\n\n"
            "The match was postponed until 15:00 GMT Saturday.")
    rows, err, rc = _analyse(json.dumps({"id": "a1", "published": "2013-03-20", "text": text,
                                         "title": "Arrests"}))
    assert rc == 0, err
    (row,) = rows
    assert row["id"] == "a1" and row["published"] == "2013-03-20"
    got = [(d["text"], d["date"], d["precision"]) for d in row["event_dates"]]
    assert got == [("early August", "2012-08-01", "month-part"),
                   ("15:00 GMT Saturday", "2013-03-23", "day")]
    for d in row["event_dates"]:
        assert text[d["start"]:d["end"]] == d["text"]
    assert isinstance(row["quotes"], list)


def test_an_undated_record_keeps_relative_dates_unresolved() -> None:
    rows, _, rc = _analyse(json.dumps({"id": 7, "text": "On Thursday, they met in Riga."}))
    assert rc == 0
    assert rows == [{"id": 7, "published": None, "quotes": rows[0]["quotes"],
                     "event_dates": [{"start": 3, "end": 11, "text": "Thursday", "date": None,
                                      "precision": "day"}]}]


def test_a_bad_line_gets_a_message_and_the_rest_still_runs() -> None:
    rows, err, rc = _analyse("not json", json.dumps({"id": 1, "published": "soon", "text": "x"}),
                             json.dumps({"id": 2, "text": "in March 2020"}))
    assert rc == 1
    assert rows[0] == {"line": 1, "error": rows[0]["error"]} and "not JSON" in rows[0]["error"]
    assert "published" in rows[1]["error"]
    assert rows[2]["event_dates"][0]["date"] == "2020-03-01"
    assert "Traceback" not in err and "line 1" in err
