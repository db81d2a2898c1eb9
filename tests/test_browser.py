"""The page in Debian's Chromium: what a journalist sees and clicks (real model, private index)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT, SEEDS
from tests.serving import ARGS, CHROMIUM, running_app

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "<svg onload=alert(1)>", "![x](http://127.0.0.1:9/x.png)")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[str]:
    from bot.engine import Bot
    from index.build import build_index
    from index.indexdir import open_index

    out = tmp_path_factory.mktemp("browser") / "index"
    build_index([SEEDS], out, embedder=real_embedder)
    with running_app(Bot(open_index(out), real_embedder)) as u:
        yield u


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """One tab with what it requested and any dialog a script tried to open."""

    def __init__(self, browser, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1050})
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(url)
        self.page.wait_for_selector("#tl-question textarea", timeout=30_000)

    def _dialog(self, d) -> None:
        self.dialogs.append(d.message)
        d.dismiss()

    def ask(self, question: str) -> None:
        answers = self.page.locator(".tl-answer, .tl-message").count()
        box = self.page.locator("#tl-question textarea")
        box.fill(question)
        box.press("Enter")
        self.page.wait_for_function(
            "n => document.querySelectorAll('.tl-answer, .tl-message').length > n", arg=answers,
            timeout=60_000)
        self.page.wait_for_timeout(300)

    def last_answer(self):
        return self.page.locator(".tl-answer").last

    def upload(self, *files: Path) -> str:
        self.page.locator("#tl-files input[type=file]").set_input_files([str(f) for f in files])
        self.page.wait_for_timeout(500)
        self.page.locator("#tl-add").click()
        report = self.page.locator("#tl-upload-report")
        report.locator("text=/Added|Skipped|Nothing new/").first.wait_for(timeout=120_000)
        return report.inner_text()


@pytest.fixture
def page(browser, url: str) -> Iterator[Page]:
    p = Page(browser, url)
    yield p
    p.page.close()


def _day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d %b %Y").date()


def test_question_shows_dated_excerpts_in_date_order(page: Page):
    page.ask("What did Kallas say about Putin's intentions?")
    answer = page.last_answer()
    summary = answer.locator(".tl-summary").inner_text()
    assert " passages from " in summary or " passage from " in summary
    dates = answer.locator(".tl-date").all_inner_texts()
    assert dates and dates[0] != "Undated"
    dated = [_day(d) for d in dates if d != "Undated"]
    assert dated == sorted(dated)
    assert dates[len(dated):] == ["Undated"] * (len(dates) - len(dated))  # undated last
    assert answer.locator("mark").count() >= 1
    assert page.page.locator("#tl-plot circle").count() == len(dated)
    assert "#1 · " in page.page.locator("#tl-plot title").first.text_content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "answer.png"), full_page=True)
    docs = ROOT / "docs" / "screenshot.png"
    if os.environ.get("UPDATE_SCREENSHOT") or not docs.exists():
        docs.parent.mkdir(exist_ok=True)
        page.page.screenshot(path=str(docs), full_page=False)
    with page.page.expect_download() as dl:
        page.page.locator("#tl-csv").click()
    assert dl.value.suggested_filename.endswith(".csv")
    assert "Kallas" in Path(dl.value.path()).read_text(encoding="utf-8-sig")
    with page.page.expect_download() as dl:
        page.page.locator("#tl-json").click()
    assert json.loads(Path(dl.value.path()).read_text())["events"]
    # Offline: every request stayed on this machine (no Google Fonts, CDN, analytics).
    hosts = {urlparse(u).hostname for u in page.requests if u.startswith("http")}
    assert hosts == {"127.0.0.1"}, hosts
    assert not any("fonts.googleapis" in u or "fonts.gstatic" in u for u in page.requests)


def test_relevance_switch_follow_up_and_context(page: Page):
    page.ask("What did Kallas say in August 2025?")
    assert "read as: words of Kaja Kallas; August 2025" in page.last_answer().inner_text()
    page.page.get_by_label("Most relevant first").check()
    page.page.wait_for_timeout(800)
    page.ask("and in February?")
    text = page.last_answer().inner_text()
    assert "Follow-up: reusing" in text and "read as: words of Kaja Kallas; February 2025" in text
    page.page.get_by_text("Read around an excerpt").click()
    page.page.get_by_role("button", name="Show context").click()
    ctx = page.page.locator("#tl-context textarea")
    page.page.wait_for_function(
        "() => document.querySelector('#tl-context textarea').value.includes('▶')", timeout=30_000)
    assert "◀" in ctx.input_value()
    page.page.locator("#tl-as-of input, #tl-as-of textarea").first.fill("2025-02-20")
    page.ask("What did Kallas say this month?")
    assert "read as: words of Kaja Kallas; this month (1 Feb 2025 – 20 Feb 2025), as of 20 Feb 2025" in \
        page.last_answer().inner_text()


def test_too_long_question_is_a_clear_message(page: Page):
    page.ask("why " * 200)
    msg = page.page.locator(".tl-message").last.inner_text()
    assert "limit is 500" in msg and "Traceback" not in page.page.content()


def test_upload_a_file_and_find_it(page: Page, tmp_path: Path):
    f = tmp_path / "Cod accord.txt"
    f.write_text(" date 2025-03-21 Norway and Iceland signed the North Atlantic cod quota accord "
                 "in Reykjavik on March 21, ending a decade-long fishing dispute.\n")
    report = page.upload(f)
    assert "Added 1 article" in report
    page.page.wait_for_function(
        "() => document.querySelector('#tl-stats').innerText.includes('5')", timeout=10_000)
    page.ask("What did Norway and Iceland sign in Reykjavik?")
    answer = page.last_answer()
    assert "cod quota accord" in answer.locator(".tl-text").first.inner_text()
    assert "21 Mar 2025" in answer.locator(".tl-date").all_inner_texts()


def test_hostile_article_shows_as_text_and_runs_nothing(page: Page, tmp_path: Path):
    files = [shutil.copy(f, tmp_path / f.name) for f in sorted(HOSTILE.iterdir())]
    report = page.upload(*map(Path, files))
    assert "Added 2 articles" in report
    assert "<img" not in page.page.locator("#tl-upload-report").inner_html().replace("&lt;img", "")
    page.ask("What did the Quuxville harbour council say about the glorp tariff leaflet?")
    page.ask("glorp tariff protester sign markdown image formula")
    page.page.wait_for_timeout(1000)
    shown = "\n".join(page.page.locator(".tl-answer").all_inner_texts())
    for payload in PAYLOADS:
        assert payload in shown, payload
    chat = page.page.locator("#tl-chat")
    assert chat.locator("img").count() == 0
    assert page.page.locator("img[src=x], a[href^=javascript], svg[onload], [onerror]").count() == 0
    assert chat.locator(".katex, script").count() == 0
    page.page.locator(".tl-dot circle").first.hover()
    page.page.wait_for_timeout(300)
    assert page.dialogs == []
    assert not any(":9/" in u for u in page.requests)
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "hostile.png"), full_page=True)


def test_excerpts_name_their_speaker_and_the_facet_restricts_to_one(page: Page):
    page.ask("What did Kallas say about Putin's intentions?")
    answer = page.last_answer()
    assert "read as: words of Kaja Kallas" in answer.locator(".tl-understood").inner_text()
    said = answer.locator(".tl-said").all_inner_texts()
    assert said and all("Kaja Kallas" in s for s in said)
    assert any("Kaja Kallas, to Fox News Digital" in s for s in said)
    # the quoted words marked, reported speech apart
    assert answer.locator(".tl-text .tl-quote, .tl-text .tl-reported").count() >= len(said)
    assert answer.locator(".tl-text .tl-quote").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "speakers.png"), full_page=True)
    # the facet: pick Rebekah Koffler, ask about Europe, every excerpt is hers
    box = page.page.locator("#tl-speakers input")
    box.click()
    box.fill("Koffler")
    page.page.locator("#tl-speakers [data-testid=dropdown-option]", has_text="Rebekah Koffler").first.click()
    page.page.keyboard.press("Escape")
    page.ask("Europe and NATO")
    said = page.last_answer().locator(".tl-said").all_inner_texts()
    assert said and all("Rebekah Koffler" in s for s in said)


def test_a_time_with_no_topic_lists_that_times_articles(page: Page):
    page.ask("What happened in February 2025?")
    answer = page.last_answer()
    note = answer.locator(".tl-message").inner_text()
    assert note.startswith("no topic in the question: 1 of the 1 article published in that time")
    dates = [_day(d) for d in answer.locator(".tl-date").all_inner_texts()]
    assert len(dates) == 1 and dates[0].strftime("%Y-%m") == "2025-02"


def test_an_office_asked_in_lower_case_and_a_timeline_as_of_a_day(page: Page):
    page.ask("will the ukrainian president be at the summit with trump?")
    assert "read as: ukrainian president: Volodymyr Zelenskyy, as the sources name it" in \
        page.last_answer().inner_text()
    page.page.locator("#tl-as-of input, #tl-as-of textarea").first.fill("2025-03-31")
    page.page.get_by_text("Timeline mode: the key dates of a topic").click()
    page.page.wait_for_timeout(500)
    page.ask("peace talks on Ukraine")
    text = page.last_answer().inner_text()
    assert text.startswith("Timeline:")
    assert "built from what was published by 31 Mar 2025, the 'as of' day" in text
    assert "12 Aug 2025" not in text  # the August article came after the day
