"""The running app through gradio_client: the API a script or a newsroom tool would use.

Uses the real model on a private index copy (uploads change the index).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEEDS, run_cli
from tests.serving import running_app

pytestmark = pytest.mark.slow

NEW_ARTICLE = (" date 2025-03-21 Norway and Iceland signed the North Atlantic cod quota accord in "
               "Reykjavik on March 21, ending a decade-long fishing dispute over the herring and "
               "cod stocks.\n\nFisheries ministers said the cod quota accord would be reviewed "
               "every three years.\n")


@pytest.fixture(scope="module")
def private_bot(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    from bot.engine import Bot
    from index.build import build_index
    from index.indexdir import open_index

    out = tmp_path_factory.mktemp("server") / "index"
    build_index([SEEDS], out, embedder=real_embedder)
    return Bot(open_index(out), real_embedder)


@pytest.fixture(scope="module")
def client(private_bot):
    from gradio_client import Client

    with running_app(private_bot) as url:
        yield Client(url, verbose=False)


def test_search_returns_the_cli_json(client, private_bot):
    q = "What did Kallas say about Putin's intentions?"
    got = client.predict(q, 5, "", "", "relevance", api_name="/search")
    assert got == private_bot.ask(q, k=5).to_json()
    assert got["results"] and {"title", "source", "timeline_date", "text"} <= set(got["results"][0])


def test_search_with_dates_and_time_order(client):
    got = client.predict("What did Kallas say?", 8, "2025-08-01", "2025-08-31", "time",
                         api_name="/search")
    days = [r["timeline_date"] for r in got["results"]]
    assert got["filters"]["from"] == "2025-08-01" and days and all(d.startswith("2025-08") for d in days)
    assert days == sorted(days)


def test_timeline_endpoint(client):
    got = client.predict("Kallas on Russia", 4, api_name="/timeline")
    assert got["topic"] == "Kallas on Russia" and 0 < len(got["dates"]) <= 4
    assert [d["date"] for d in got["dates"]] == sorted(d["date"] for d in got["dates"])
    assert all(d["passages"] for d in got["dates"])


def test_errors_are_one_line(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as err:
        client.predict("x" * 700, 5, "", "", "relevance", api_name="/search")
    assert str(err.value) == "the question is 700 characters long; the limit is 500: shorten it"
    with pytest.raises(AppError, match="needs a date as YYYY-MM-DD"):
        client.predict("Kallas", 5, "August", "", "relevance", api_name="/search")


def test_concurrent_searches_all_answer(client):
    jobs = [client.submit(q, 3, "", "", "relevance", api_name="/search")
            for q in ("Kallas Putin", "Saudi Arabia talks", "ceasefire Russia", "Alaska summit",
                      "NATO allies", "sanctions")]
    results = [j.result(timeout=120) for j in jobs]
    assert all("results" in r for r in results)


def test_upload_then_search_finds_it(client, private_bot, tmp_path: Path):
    from gradio_client import handle_file

    good = tmp_path / "cod accord.txt"
    good.write_text(NEW_ARTICLE)
    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ\x90\x00")
    before = private_bot.stats().articles
    summary = client.predict([handle_file(str(good)), handle_file(str(bad))],
                             api_name="/add_articles")
    assert summary["added_count"] == 1 and summary["articles"] == before + 1
    assert summary["skipped"][0]["file"] == "notes.exe"
    assert summary["skipped"][0]["reason"].startswith("not an article file")
    got = client.predict("What was signed about cod quotas in Reykjavik?", 3, "", "", "relevance",
                         api_name="/search")
    assert "cod quota accord" in got["results"][0]["text"]
    assert got["results"][0]["timeline_date"] == "2025-03-21"
    stored = list((private_bot.index.path / "uploads").iterdir())
    assert len(stored) == 1 and stored[0].name.endswith("-cod-accord.txt")


def test_as_of_and_sources_on_the_api(client, private_bot):
    import datetime as dt

    got = client.predict("What did Kallas say this month?", 5, "", "", "time", "2025-02-20",
                         api_name="/search")
    assert got == private_bot.ask("What did Kallas say this month?", k=5, order="time",
                                  as_of=dt.date(2025, 2, 20)).to_json()
    assert got["as_of"] == "2025-02-20" and got["filters"]["from"] == "2025-02-01"
    source = private_bot.stats().sources[0]
    only = client.predict("Kallas", 5, "", "", "relevance", "", [source], api_name="/search")
    assert only["results"] and {r["source"] for r in only["results"]} == {source}
    tl = client.predict("Kallas this month", 3, "2025-02-20", api_name="/timeline")
    assert tl["as_of"] == "2025-02-20" and all(d["date"].startswith("2025-02") for d in tl["dates"])
    # named arguments, as the README shows them
    named = client.predict(question="Kallas", k=2, date_from="", date_to="", order="relevance",
                           api_name="/search")
    assert len(named["results"]) <= 2


def test_cli_asks_a_running_app(client, private_bot):
    q = "What did Kallas say about Putin's intentions?"
    lines = "\n".join([q, json.dumps({"question": "What did Kallas say this month?",
                                       "as_of": "2025-02-20"})])
    res = run_cli("bot", "ask", "--server", client.src, "--json", "--k", "3", "-", stdin=lines,
                  env={"TIMELINE_INDEX_DIR": "/nonexistent"}, timeout=120)
    assert res.returncode == 0, res.stderr
    first, second = [json.loads(line) for line in res.stdout.splitlines()]
    assert first == private_bot.ask(q, k=3).to_json()
    assert second["as_of"] == "2025-02-20"
    text = run_cli("bot", "ask", "--server", client.src, "--k", "2", q, timeout=120)
    assert text.returncode == 0 and text.stdout.startswith(f"Q: {q}")
    tl = run_cli("bot", "timeline", "--server", client.src, "--json", "--dates", "2", "Kallas",
                 timeout=120)
    assert tl.returncode == 0 and len(json.loads(tl.stdout)["dates"]) <= 2
    bad = run_cli("bot", "ask", "--server", client.src, "x" * 600, timeout=120)
    assert bad.returncode != 0 and "limit is 500" in bad.stderr and "Traceback" not in bad.stderr
