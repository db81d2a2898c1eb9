"""The app's handlers as plain functions, over a Bot with the fake embedder (fast)."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import html
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.answer import Answer, Hit, SourceRef, event_note, human_date
from bot.engine import Bot
from bot.ui import (
    CSV_FIELDS,
    MAX_UPLOAD_BYTES,
    Filters,
    Handlers,
    Session,
    answer_html,
    check_upload,
    context_text,
    esc,
    export_csv,
    export_timelinejs,
    hit_html,
    mark,
    match_sources,
    resolve,
    store_uploads,
    timeline_svg,
    upload_report_markdown,
)
from index.build import build_index
from index.embed import FakeEmbedder
from index.errors import BadQuery, TimelineError
from index.indexdir import UPLOADS_DIR, open_index
from index.models import Article, EventDate, Passage
from tests.conftest import ROOT

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "<svg onload=alert(1)>", "![x](http://127.0.0.1:9/x.png)")
AS_OF = dt.date(2025, 8, 12)


@pytest.fixture
def bot(fake_index: Path) -> Bot:
    return Bot(open_index(fake_index), FakeEmbedder(64))


@pytest.fixture
def handlers(bot: Bot, tmp_path: Path) -> Handlers:
    return Handlers(bot, export_dir=tmp_path / "exports")


def make_hit(text: str, *, title: str = "A title", source: str = "Fox News Digital",
             published: dt.date | None = dt.date(2025, 8, 12), day: dt.date | None = None,
             events: tuple[EventDate, ...] = (), spans: tuple[tuple[int, int], ...] = (),
             rank: int = 1, url: str | None = None, also: tuple[SourceRef, ...] = ()) -> Hit:
    art = Article(origin="o", title=title, text=text, source=source, url=url, published=published,
                  date_source="metadata" if published else "none")
    p = Passage(passage_id=rank, article_id=art.article_id, ordinal=0, start=0, end=len(text),
                text=text, event_dates=events, timeline_date=day if day else published)
    return Hit(rank=rank, score=1.0 / rank, passage=p, article=art, highlights=spans, also_in=also)


def answer_of(*hits: Hit, order: str = "time", understood: str | None = None) -> Answer:
    return Answer(query="q", search_text="q", date_from=None, date_to=None, sources=(),
                  order=order, understood=understood, hits=tuple(hits))  # type: ignore[arg-type]


def text_of(fragment: str) -> str:
    """What a browser would show: tags dropped, entities decoded."""
    fragment = fragment.replace("<br>", "\n").replace("</div>", "\n")
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# -- rendering --------------------------------------------------------------------------------

def test_answer_starts_with_summary_then_understood_then_excerpts():
    event = EventDate("on August 15", 10, 22, dt.date(2025, 8, 15), "day", dt.date(2025, 8, 12))
    a = make_hit("Putin met on August 15 in Alaska.", day=dt.date(2025, 8, 15), events=(event,),
                 spans=((0, 11),), rank=2)
    b = make_hit("Kallas spoke in February.", published=dt.date(2025, 2, 19), rank=1)
    c = make_hit("No date here.", published=None, rank=3)
    ans = answer_of(a, b, c, understood="August 2025")
    ans = Answer(**{**ans.__dict__, "hits": (b, a, c)})
    out = answer_html(ans)
    assert out.startswith('<div class="tl-answer"><div class="tl-summary">' + esc(ans.summary()))
    assert ans.summary() == "3 passages from 3 articles, 19 Feb 2025 – 15 Aug 2025 · 1 undated"
    lines = text_of(out).splitlines()
    assert lines[:2] == [ans.summary(), "read as: August 2025"]
    shown = "\n".join(lines[2:])
    # oldest first, undated last under its own heading
    assert shown.index("19 Feb 2025") < shown.index("15 Aug 2025") < shown.index("Undated")
    assert "event date " + event_note(a) in shown  # '15 Aug 2025 — “on August 15”'
    assert "<mark>Putin met o</mark>" in out
    assert "\n\n" not in out  # one HTML block: Markdown leaves it alone


def test_hit_shows_date_large_source_title_and_also_in():
    ref = SourceRef("Reuters", "Same story", dt.date(2025, 8, 12), 9, None)
    out = hit_html(make_hit("Text.", title="Kallas warns", also=(ref, ref)), 1)
    assert '<span class="tl-date">12 Aug 2025</span>' in out
    assert "<b>Fox News Digital</b>" in out and "Kallas warns" in out
    assert "also in 2 sources: Reuters, Reuters" in text_of(out)
    assert '<span class="tl-date">Undated</span>' in hit_html(make_hit("x", published=None), 1)


@pytest.mark.parametrize("payload", PAYLOADS + ("$$\\frac{1}{2}$$", "**bold** _it_ `code`",
                                                "https://example.com/a", "# heading", "&amp;"))
def test_hostile_text_is_escaped_before_marking(payload: str):
    text = f"Before {payload} after."
    h = make_hit(text, title=payload, source=payload, spans=((0, len(text)),))
    out = hit_html(h, 1)
    for bad in ("<script", "<img", "<svg", "](", "$$", "**", "`", "http://", "https://", "onerror="):
        assert bad not in out.replace("<mark>", "").replace("</mark>", "")
    assert text in text_of(out)  # shown literally
    assert out.count("<mark>") == 1


def test_mark_escapes_pieces_and_ignores_bad_spans():
    assert mark("a <b> c", [(2, 5)]) == "a <mark>&#60;b&#62;</mark> c"
    assert mark("abcdef", [(3, 5), (1, 4), (9, 12), (2, 2)]) == "a<mark>bcd</mark>ef"
    assert esc("line\nnext") == "line<br>next"


def test_timeline_svg_escapes_and_hovers_with_source_and_first_words():
    h = make_hit("<script>alert(1)</script> words follow", source="<b>Outlet</b>")
    svg = timeline_svg(answer_of(h, make_hit("undated", published=None, rank=2)))
    assert "<script" not in svg and "<b>Outlet" not in svg
    assert "&lt;b&gt;Outlet&lt;/b&gt;" in svg and "words follow" in svg and "<title>" in svg
    assert "1 undated excerpt not on the axis" in svg
    assert "Ask a question" in timeline_svg(None)


# -- asking through the handlers ---------------------------------------------------------------

def test_ask_renders_answer_plot_choices_and_exports(handlers: Handlers):
    turn = handlers.ask("What did Kallas say in August 2025?", Session(), Filters())
    assert isinstance(turn.session.result, Answer)
    ans = turn.session.result
    assert ans.hits and ans.understood == "August 2025"
    assert all(h.timeline_date and h.timeline_date.month == 8 for h in ans.hits)
    assert turn.html.startswith(f'<div class="tl-answer"><div class="tl-summary">{esc(ans.summary())}')
    assert "read as: August 2025" in text_of(turn.html)
    assert "<svg" in turn.plot and len(turn.choices) == len(ans.hits)
    assert turn.csv_path and turn.csv_path.exists() and turn.json_path and turn.json_path.exists()
    assert turn.session.subject == "What did Kallas say?"


def test_time_order_is_default_and_relevance_switch_rerenders(handlers: Handlers):
    turn = handlers.ask("Kallas Putin Russia peace", Session(), Filters(k=8))
    ans = turn.session.result
    dated = [h.timeline_date for h in ans.hits if h.timeline_date]
    assert dated == sorted(dated)
    assert all(h.timeline_date is None for h in ans.hits[len(dated):])
    session, body = handlers.reorder(turn.session, "relevance")
    assert [h.rank for h in session.result.hits] == sorted(h.rank for h in ans.hits)
    assert body and "Undated" not in re.findall(r'tl-group">([^<]*)', body)


def test_filters_apply(handlers: Handlers, bot: Bot):
    src = bot.stats().sources[0]
    turn = handlers.ask("Kallas Putin", Session(), Filters(k=2, sources=(src,)))
    assert 0 < len(turn.session.result.hits) <= 2
    assert {h.article.source for h in turn.session.result.hits} == {src}
    turn = handlers.ask("Kallas Putin", Session(), Filters(date_from="2025-08-01", date_to="2025-08-31"))
    assert all(h.timeline_date and h.timeline_date >= dt.date(2025, 8, 1)
               for h in turn.session.result.hits)
    with pytest.raises(BadQuery, match="From needs a date as YYYY-MM-DD"):
        handlers.ask("Kallas", Session(), Filters(date_from="12/08/2025"))


def test_timeline_mode_by_prefix_and_switch(handlers: Handlers):
    from bot.timeline import Timeline

    turn = handlers.ask("timeline of Kallas on Russia", Session(), Filters(k=4))
    tl = turn.session.result
    assert isinstance(tl, Timeline) and tl.topic == "Kallas on Russia" and tl.dates
    assert turn.html.count('class="tl-group"') == len(tl.dates)
    assert text_of(turn.html).startswith("Timeline: ")
    turn = handlers.ask("Kallas on Russia", Session(), Filters(k=3, timeline=True))
    assert isinstance(turn.session.result, Timeline) and len(turn.session.result.dates) <= 3


def test_too_long_question_is_one_clear_line(handlers: Handlers):
    from bot.ui import one_line

    with pytest.raises(BadQuery) as err:
        handlers.ask("x" * 600, Session(), Filters())
    assert one_line(err.value) == "the question is 600 characters long; the limit is 500: shorten it"


# -- follow-ups -------------------------------------------------------------------------------

def test_followup_reuses_subject_with_new_time(handlers: Handlers):
    first = handlers.ask("What did Kallas say in August 2025?", Session(), Filters())
    turn = handlers.ask("and in February?", first.session, Filters())
    ans = turn.session.result
    assert ans.query == "What did Kallas say in February?"
    assert ans.understood == "February 2025"
    assert "Follow-up: reusing “What did Kallas say?” with in February" in text_of(turn.html)
    again = handlers.ask("what about in August 2025?", turn.session, Filters())
    assert again.session.result.query == "What did Kallas say in August 2025?"


@pytest.mark.parametrize("message, expected", [
    ("and in March?", "What did Kallas say in March?"),
    ("what about in August 2025?", "What did Kallas say in August 2025?"),
    ("how about since June?", "What did Kallas say since June?"),
    ("What did Zelensky say in March?", "What did Zelensky say in March?"),  # a new question
    ("in March", "What did Kallas say in March?"),
])
def test_resolve_followups(message: str, expected: str):
    s = Session(subject="What did Kallas say?")
    r = resolve(message, s, known_sources=(), as_of=AS_OF)
    assert r.question == expected
    assert (r.note is not None) == (expected != message)


def test_only_source_followup_maps_to_known_source():
    known = ("Fox News Digital", "Suspilne", "000_x.txt")
    assert match_sources("Fox News", known) == ["Fox News Digital"]
    assert match_sources("fox", known) == ["Fox News Digital"]
    s = Session(subject="What did Kallas say?")
    r = resolve("only Fox News", s, known_sources=known, as_of=AS_OF)
    assert r.sources == ("Fox News Digital",) and r.question == "What did Kallas say?"
    assert r.note and r.note.startswith("Follow-up: reusing “What did Kallas say?” with only Fox")
    r = resolve("only Suspilne in March?", s, known_sources=known, as_of=AS_OF)
    assert r.sources == ("Suspilne",) and r.question == "What did Kallas say in March?"
    with pytest.raises(BadQuery, match="no source matches “CNN”"):
        resolve("only CNN", s, known_sources=known, as_of=AS_OF)


def test_followup_without_previous_question_is_a_question():
    r = resolve("and in March?", Session(), known_sources=(), as_of=AS_OF)
    assert r.question == "and in March?" and r.note is None


# -- context, corpus -------------------------------------------------------------------------

def test_context_shows_neighbours_and_whole_article(handlers: Handlers):
    turn = handlers.ask("Kallas Putin", Session(), Filters())
    pid = turn.choices[0][1]
    text = handlers.context(pid)
    hit = turn.session.result.hits[0]
    assert f"▶ {hit.passage.text} ◀" in text and hit.article.title in text
    whole = handlers.context(pid, whole=True)
    assert len(whole) >= len(hit.article.text)
    with pytest.raises(BadQuery):
        handlers.context(None)
    with pytest.raises(BadQuery, match="no longer in the index"):
        handlers.context(10**9)


def test_context_text_is_plain(bot: Bot):
    ctx = bot.context(bot.index.store.all_passage_ids()[0])
    assert ctx is not None and "<mark>" not in context_text(ctx)


def test_stats(handlers: Handlers, bot: Bot):
    md = handlers.stats()
    s = bot.stats()
    assert f"**{s.articles}** articles" in md and f"**{s.passages}** passages" in md
    assert f"{human_date(s.first_date)} – {human_date(s.last_date)}" in md
    assert f"**{s.undated_articles}** undated" in md


# -- exports ----------------------------------------------------------------------------------

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


# -- uploads ----------------------------------------------------------------------------------

GOOD = (" date 2025-03-03 The zorblax summit in Oslo ended on March 3 with a grain agreement "
        "between Norway and the zorblax federation.\n\nDelegates called it a breakthrough.\n")


def test_upload_good_file_is_indexed_and_searchable(handlers: Handlers, bot: Bot, tmp_path: Path):
    f = tmp_path / "in" / "Zorblax Summit!.txt"
    f.parent.mkdir()
    f.write_text(GOOD)
    before = bot.stats().articles
    seen: list[str] = []
    out = handlers.add_articles([str(f)], progress=lambda frac, text: seen.append(text))
    assert out["added_count"] == 1 and out["skipped"] == [] and out["articles"] == before + 1
    assert seen and "Added 1 article" in upload_report_markdown(out)
    stored = list((bot.index.path / UPLOADS_DIR).iterdir())
    assert [p.name for p in stored] != [f.name] and re.fullmatch(r"[0-9a-f]{32}-zorblax-summit\.txt",
                                                                 stored[0].name)
    ans = bot.ask("zorblax summit grain agreement", k=3)
    assert any("zorblax" in h.passage.text for h in ans.hits)
    assert ans.hits[0].article.source == stored[0].name
    # the same file again: one stored copy, nothing new
    again = handlers.add_articles([str(f)])
    assert again["added_count"] == 0 and again["already_indexed"] == 1
    assert len(list((bot.index.path / UPLOADS_DIR).iterdir())) == 1
    # a restart (a fresh Bot over the same folder) keeps it
    fresh = Bot(open_index(bot.index.path), FakeEmbedder(64))
    assert fresh.stats().articles == before + 1


def test_upload_refuses_wrong_types_with_reasons(handlers: Handlers, bot: Bot, tmp_path: Path):
    files = {
        "photo.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        "binary.txt": b"text\x00\x01\x02 with nul bytes",
        "fake.txt.gz": b"not gzip at all",
        "broken.json": b"hello, I am not json",
        "broken.jsonl": b"[1, 2]\n",
        "plain.txt": GOOD.encode(),
        "zipped.md": gzip.compress(b"# T\n\nbody"),
        "empty.html": b"",
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    out = handlers.add_articles(paths)
    reasons = {s["file"]: s["reason"] for s in out["skipped"]}
    assert out["added_count"] == 1
    assert reasons["photo.png"].startswith("not an article file; accepted: .txt")
    assert reasons["binary.txt"] == "binary content, not text"
    assert reasons["fake.txt.gz"] == "named .gz but is not gzip-compressed"
    assert reasons["broken.json"].startswith("not JSON")
    assert reasons["broken.jsonl"].startswith("not JSON Lines")
    assert reasons["zipped.md"] == "gzip-compressed: name it .md.gz"
    assert reasons["empty.html"] == "empty file"
    assert len(list((bot.index.path / UPLOADS_DIR).iterdir())) == 1
    md = upload_report_markdown(out)
    assert "Skipped 7" in md and "photo.png" in md


def test_upload_gz_is_accepted(handlers: Handlers, tmp_path: Path):
    f = tmp_path / "story.txt.gz"
    f.write_bytes(gzip.compress(GOOD.encode()))
    assert check_upload(f, f.name) is None
    assert handlers.add_articles([str(f)])["added_count"] == 1


def test_upload_oversized_is_refused(tmp_path: Path):
    f = tmp_path / "huge.txt"
    with open(f, "wb") as fh:  # sparse: costs no disk
        fh.truncate(MAX_UPLOAD_BYTES + 1)
    assert check_upload(f, f.name) == "25.0 MB is over the 25 MB limit per file"


def test_upload_names_never_become_paths(tmp_path: Path):
    index_dir = tmp_path / "idx"
    index_dir.mkdir()
    odd = tmp_path / "in"
    odd.mkdir()
    (odd / "..\\..\\evil.txt").write_text(GOOD)
    (odd / ".hidden.txt").write_text(GOOD + "2")
    (tmp_path / "x.txt").write_text(GOOD + "3")
    traversing = str(odd / ".." / ".." / tmp_path.name / "x.txt")
    stored, refused = store_uploads([str(odd / "..\\..\\evil.txt"), str(odd / ".hidden.txt"),
                                     traversing], index_dir)
    assert refused == [] and len(stored) == 3
    uploads = (index_dir / UPLOADS_DIR).resolve()
    for path, _ in stored:
        assert path.resolve().parent == uploads
        assert re.fullmatch(r"[0-9a-f]{32}-[a-z0-9-]*\.txt", path.name)
    assert sorted(p.name for p in index_dir.iterdir()) == [UPLOADS_DIR]
    assert not (tmp_path.parent / "evil.txt").exists()


def test_upload_nothing_or_too_many(handlers: Handlers, tmp_path: Path):
    from bot.ui import MAX_UPLOAD_FILES

    with pytest.raises(TimelineError, match="no file given"):
        handlers.add_articles([])
    with pytest.raises(TimelineError, match="files at once"):
        handlers.add_articles([str(tmp_path / f"{i}.txt") for i in range(MAX_UPLOAD_FILES + 1)])


def test_bundled_hostile_fixture_renders_inert(tmp_path: Path):
    shutil.copytree(HOSTILE, tmp_path / "h")
    build_index([tmp_path / "h"], tmp_path / "idx", embedder=FakeEmbedder(64))
    b = Bot(open_index(tmp_path / "idx"), FakeEmbedder(64))
    turn = Handlers(b, export_dir=tmp_path / "e").ask("glorp tariff council leaflet", Session(),
                                                       Filters(k=10))
    shown = text_of(turn.html)
    for payload in PAYLOADS:
        assert payload in shown
    for bad in ("<script", "<img", "<svg", "<b ", "](", "javascript:"):
        assert bad not in turn.html


# -- the Gradio wiring ---------------------------------------------------------------------------

def test_errors_become_one_line_gr_error(caplog: pytest.LogCaptureFixture):
    import gradio as gr

    from app import _guard

    def bad_query() -> None:
        raise BadQuery("the question is empty: type what you want to find")

    def crash() -> None:
        raise KeyError("secret internals\nTraceback")

    with pytest.raises(gr.Error) as err:
        _guard(bad_query)()
    assert err.value.message == "the question is empty: type what you want to find"
    with pytest.raises(gr.Error) as err:
        _guard(crash)()
    assert "\n" not in err.value.message and "secret" not in err.value.message
    assert "Something went wrong" in err.value.message
    assert "secret internals" in caplog.text  # logged server-side


def test_build_app_exposes_only_the_api(bot: Bot, tmp_path: Path):
    from app import build_app

    demo = build_app(bot, handlers=Handlers(bot, export_dir=tmp_path))
    public = {fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"}
    assert public == {"search", "timeline", "add_articles"}
    chat = next(b for b in demo.blocks.values() if type(b).__name__ == "Chatbot")
    assert chat.sanitize_html is True and chat.latex_delimiters == []


def test_api_search_is_the_cli_json(handlers: Handlers, bot: Bot):
    out = handlers.search_json("What did Kallas say?", 3, "", "", "relevance")
    assert out == bot.ask("What did Kallas say?", k=3).to_json()
    assert set(handlers.timeline_json("Kallas", 3)) == {"topic", "understood", "dates"}


def test_app_import_is_light_and_cli_defaults_are_safe():
    code = ("import sys, app; p = app.arg_parser(); a = p.parse_args([]); "
            "print(a.host, a.port, 'gradio' in sys.modules, 'torch' in sys.modules); "
            "print(p.format_help())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=120).stdout
    assert out.splitlines()[0] == "127.0.0.1 7860 False False"
    assert "WARNING" in out and "--auth" in out and "25 MB" in out


def _event(demo, name: str):
    return next(fn.fn for fn in demo.fns.values() if fn.name == name)


def test_chat_handler_shows_errors_in_the_chat_and_caps_history(bot: Bot, tmp_path: Path):
    from app import MAX_CHAT_MESSAGES, build_app

    demo = build_app(bot, handlers=Handlers(bot, export_dir=tmp_path))
    respond = _event(demo, "respond")
    out = respond("x" * 600, [], Session(), 8, "", "", [], "time", False)
    assert out[0][-1]["role"] == "assistant" and "limit is 500" in out[0][-1]["content"]
    assert out[0][-1]["content"].count("\n") == 0 and "Traceback" not in out[0][-1]["content"]
    out = respond("<b>Kallas</b>", [], Session(), 8, "", "<img src=x>", [], "time", False)
    assert "<img" not in out[0][-1]["content"] and "<b>" not in out[0][0]["content"]
    history = [{"role": "user", "content": "q"}] * 100
    out = respond("What did Kallas say?", history, Session(), 3, "", "", [], "time", False)
    assert len(out[0]) == MAX_CHAT_MESSAGES and out[0][-1]["content"].startswith('<div class="tl-answer">')
    assert out[1].subject == "What did Kallas say?" and out[-1] == ""


def test_old_exports_are_pruned(handlers: Handlers):
    import os

    turn = handlers.ask("Kallas Putin", Session(), Filters())
    old = turn.csv_path.parent
    os.utime(old, (0, 0))
    handlers.ask("Kallas Russia", Session(), Filters())
    assert not old.exists()
