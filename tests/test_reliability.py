"""Reliability and security of the whole: load, old indexes, the served app.

Crash safety is tests/test_crash.py. bench/load.py holds the full load run; this is its short form.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, SHARED_DATA, run_cli
from tests.serving import ARGS, CHROMIUM, free_port, running_app

REUTERS = SHARED_DATA / "reuters21578.jsonl.gz"


# -- 5. an index of an older schema -------------------------------------------------------------

def test_old_schema_index_is_refused_in_one_line_that_says_what_to_run(fake_index: Path):
    conn = sqlite3.connect(fake_index / "store.sqlite")
    conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    res = run_cli("bot", "ask", "What did Kallas say?", "--index-dir", str(fake_index),
                  "--model", "fake:64", timeout=120)
    assert res.returncode != 0
    line = res.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, res.stderr
    assert "schema v0" in line and "python -m index build --rebuild" in line, line
    assert res.stdout == ""


# -- 2. concurrency ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def private_bot(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    from bot.engine import Bot
    from index.build import build_index
    from index.indexdir import open_index

    out = tmp_path_factory.mktemp("reliability") / "index"
    build_index([SEEDS], out, embedder=real_embedder)
    return Bot(open_index(out), real_embedder)


@pytest.mark.slow
def test_sixteen_clients_search_while_another_uploads(private_bot):
    """bench/load.py, run as a user runs it, against the app: no error, every answer whole and
    from one corpus state, the upload added."""
    with running_app(private_bot) as url:
        done = subprocess.run([sys.executable, "bench/load.py", "--url", url, "--clients", "16",
                               "--questions", "3", "--uploads", "1", "--k", "3", "--json"],
                              cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    s = json.loads(done.stdout.strip().splitlines()[-1])
    assert s["errors"] == 0 and s["malformed"] == 0 and s["inconsistent"] == 0, s
    assert s["searches"] == 48 and s["uploads"][0]["added_count"] == 1


# -- 4. security of the served app ---------------------------------------------------------------

def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.fixture(scope="module")
def served(private_bot) -> Iterator[str]:
    with running_app(private_bot) as url:
        yield url


@pytest.mark.slow
@pytest.mark.parametrize("path", [
    "gradio_api/file=/etc/passwd", "file=/etc/passwd", "gradio_api/file=../../../../etc/passwd",
    "gradio_api/file=%2e%2e/%2e%2e/%2e%2e/etc/passwd", "gradio_api/file/../../../etc/passwd",
    "gradio_api/file=store.sqlite", "gradio_api/file=uploads/../store.sqlite",
    "static/../../../../etc/passwd", "assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
])
def test_no_route_reads_arbitrary_paths(served: str, private_bot, path: str):
    status, body = _get(served + path)
    assert b"root:" not in body and b"SQLite format" not in body
    assert status >= 400 or b"<html" in body[:200].lower(), (status, body[:200])


def test_launch_never_widens_allowed_paths_and_binds_localhost():
    source = (ROOT / "app.py").read_text()
    assert "allowed_paths" not in source and "blocked_paths" not in source
    assert 'default="127.0.0.1"' in source and "share=False" in source
    import app

    assert app.arg_parser().parse_args([]).host == "127.0.0.1"
    readme = (ROOT / "README.md").read_text()
    assert "0.0.0.0" in readme and "--auth" in readme


@pytest.mark.slow
def test_oversized_upload_gets_413_before_it_reaches_the_handlers(served: str, tmp_path: Path):
    from web.uploads import MAX_UPLOAD_BYTES

    big = b"a" * (MAX_UPLOAD_BYTES + 1024)
    boundary = "reliabilityboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"../../big.txt\"\r\nContent-Type: text/plain\r\n\r\n").encode() + big + \
        f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(served + "gradio_api/upload", data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            status, text = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read()
    assert status == 413, (status, text[:200])
    assert b"25" in text or b"size" in text.lower()
    assert not (tmp_path.parent / "big.txt").exists()


@pytest.mark.slow
def test_upload_named_with_dots_is_stored_inside_the_index(served: str, private_bot, tmp_path: Path):
    from gradio_client import Client, handle_file

    odd = tmp_path / "a" / "b"
    odd.mkdir(parents=True)
    f = odd / "..%2f..%2fescape.txt"
    f.write_text("Escape attempt\n\n date 2025-03-03 The harbour council of Quuxville met on "
                 "Monday and kept the glorp tariff, officials said.\n")
    summary = Client(served, verbose=False).predict([handle_file(str(f))], api_name="/add_articles")
    assert summary["added_count"] == 1
    uploads = (private_bot.index.path / "uploads").resolve()
    names = [p.name for p in uploads.iterdir()]
    assert any(n.endswith("-2f-2fescape.txt") for n in names), names
    assert all(p.resolve().parent == uploads for p in uploads.iterdir())
    assert not list(private_bot.index.path.parent.glob("escape*"))


@pytest.mark.slow
def test_basic_auth_refuses_the_api_without_credentials(private_bot):
    import app

    demo = app.build_app(private_bot)
    port = free_port()
    app.launch(demo, port=port, auth=("editor", "s3cret-pass"), prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        status, _ = _get(url + "config")
        assert status in (401, 403)
        status, _ = _get(url + "gradio_api/info")
        assert status in (401, 403)
        from gradio_client import Client

        with pytest.raises(Exception):  # noqa: B017 - any refusal will do, it must not answer
            Client(url, verbose=False).predict("Kallas", 3, "", "", "relevance", api_name="/search")
        wrong = "Basic " + base64.b64encode(b"editor:nope").decode()
        assert _get(url + "config", {"Authorization": wrong})[0] in (401, 403)
        got = Client(url, verbose=False, auth=("editor", "s3cret-pass")).predict(
            "What did Kallas say about Putin?", 3, "", "", "relevance", api_name="/search")
        assert got["results"]
    finally:
        demo.close()


@pytest.mark.slow
def test_gradio_is_pinned_and_pip_check_is_clean():
    import gradio
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.replace(" ", "").startswith("gradio>=6.24,<7") for d in deps), deps
    major, minor = (int(x) for x in gradio.__version__.split(".")[:2])
    assert (major, minor) >= (6, 24) and major < 7
    res = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.browser
def test_article_text_never_runs_script_in_the_page(private_bot, tmp_path: Path):
    """Every payload in an uploaded article, asked for, shown: no dialog, no beacon, no element."""
    from playwright.sync_api import sync_playwright

    payloads = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                "[x](javascript:alert(1))", "<svg onload=alert(1)>", "![x](javascript:alert(1))",
                "![x](http://127.0.0.1:9/beacon.png)", "<iframe src=javascript:alert(1)>",
                "<a href=javascript:alert(1)>x</a>", "$\\href{javascript:alert(1)}{x}$"]
    lines = [f"The zorblat envoy quoted the note {p} in the harbour on Monday, officials said."
             for p in payloads]
    f = tmp_path / "zorblat.txt"
    # dated, so its own passages are the timeline's dots (their tooltips quote the text)
    f.write_text("date 2025-03-10\nZorblat envoy note\n\n" + "\n\n".join(lines) + "\n",
                 encoding="utf-8")
    with running_app(private_bot) as url, sync_playwright() as pw:
        from gradio_client import Client, handle_file

        assert Client(url, verbose=False).predict([handle_file(str(f))],
                                                  api_name="/add_articles")["added_count"] == 1
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        dialogs: list[str] = []
        requests: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        box = page.locator("#tl-question textarea")
        box.wait_for(timeout=30_000)
        box.fill("What note did the zorblat envoy quote in the harbour?")
        box.press("Enter")
        page.wait_for_selector(".tl-answer .tl-hit", timeout=90_000)
        page.wait_for_timeout(1000)
        shown = page.locator(".tl-answer").last.inner_text()
        assert sum(p in shown for p in payloads) >= 5, shown  # shown as text
        page.locator(".tl-dot circle").first.hover()
        page.wait_for_timeout(300)
        assert dialogs == []
        assert not any("beacon" in r or ":9/" in r for r in requests)
        assert page.locator("#tl-chat img, #tl-chat iframe, #tl-chat script, "
                            "#tl-chat svg[onload], [onerror], a[href^='javascript']").count() == 0
        browser.close()


def test_a_search_between_an_update_commit_and_reload_sees_one_whole_state(fake_index: Path,
                                                                           seeds: Path):
    """The app reloads after an upload's build commits; a search landing in between used to
    pair the old FAISS file with new SQLite rows ("key not found", 1 in 400 under load)."""
    from bot.engine import Bot
    from index.build import build_index
    from index.embed import FakeEmbedder

    bot = Bot.load(fake_index)
    before = bot.index.manifest.generation
    (seeds / "zanzibar.txt").write_text(
        "Zanzibar talks\n\nDelegates met in Zanzibar on Monday to discuss the ceasefire, the "
        "exchange of prisoners and the monitoring of the front line by observers.\n", encoding="utf-8")
    victim = next(p for p in seeds.iterdir() if p.name.startswith("001"))
    victim.write_text(victim.read_text(encoding="utf-8") + "\n\nA new closing line.\n", encoding="utf-8")
    build_index([seeds], fake_index, embedder=FakeEmbedder(64))  # commits; bot not told
    answer = bot.ask("Zanzibar talks ceasefire prisoners", k=5)
    assert bot.index.manifest.generation > before  # it caught up instead of mixing states
    assert any("Zanzibar" in h.passage.text for h in answer.hits)
    ids = {h.passage.passage_id for h in answer.hits}
    assert ids <= set(bot.index.vectors.ids().tolist()) == set(bot.index.store.all_passage_ids())
    for h in bot.ask("What did Kallas say about Putin?", k=8).hits:  # replaced article: no stale ids
        assert bot.context(h.passage.passage_id) is not None
