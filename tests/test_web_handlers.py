"""The page's actions over a Bot with the fake embedder (fast)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from bot.answer import Answer
from bot.engine import Bot
from bot.fmt import human_date
from bot.rerank import FeatureReranker
from bot.timeline import Timeline
from index.build import build_index
from index.embed import FakeEmbedder
from index.errors import BadQuery
from index.indexdir import open_index
from tests.webparts import HOSTILE, PAYLOADS, text_of
from web.context import context_text
from web.followups import Session
from web.handlers import Filters, Handlers
from web.markup import esc

pytest_plugins = ("tests.webfixtures",)  # the bot and handlers fixtures


def test_ask_renders_answer_plot_choices_and_exports(handlers: Handlers):
    turn = handlers.ask("What did Kallas say in August 2025?", Session(), Filters())
    assert isinstance(turn.session.result, Answer)
    ans = turn.session.result
    assert ans.hits and ans.understood == "August 2025"
    assert all(h.timeline_date and h.timeline_date.month == 8 for h in ans.hits)
    assert turn.html.startswith(f'<div class="tl-answer"><div class="tl-summary">{esc(ans.summary())}')
    assert "read as: words of Kaja Kallas; August 2025" in text_of(turn.html)
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

    turn = handlers.ask("timeline of Kallas on Russia", Session(), Filters(k=4))
    tl = turn.session.result
    assert isinstance(tl, Timeline) and tl.topic == "Kallas on Russia" and tl.dates
    assert turn.html.count('class="tl-group"') == len(tl.dates)
    assert text_of(turn.html).startswith("Timeline: ")
    turn = handlers.ask("Kallas on Russia", Session(), Filters(k=3, timeline=True))
    assert isinstance(turn.session.result, Timeline) and len(turn.session.result.dates) <= 3


def test_too_long_question_is_one_clear_line(handlers: Handlers):
    from web.handlers import one_line

    with pytest.raises(BadQuery) as err:
        handlers.ask("x" * 600, Session(), Filters())
    assert one_line(err.value) == "the question is 600 characters long; the limit is 500: shorten it"


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


def test_context_text_is_plain_text_with_the_excerpt_marked(tmp_path: Path):
    """The context box is a plain Textbox: article text goes in as written, never as HTML
    entities, and the excerpt stands between ▶ and ◀."""
    corpus = tmp_path / "a"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Tariffs & <b>ports</b>\n\n date 2025-03-03 First paragraph about the harbour.\n\n"
        "Second: the council said \"x < y & z\" on Monday.\n\nThird paragraph closes it.\n",
        encoding="utf-8")
    build_index([corpus], tmp_path / "ix", embedder=FakeEmbedder(64))
    b = Bot(open_index(tmp_path / "ix"), FakeEmbedder(64))
    store = b.index.store
    middle = next(p for pid in store.all_passage_ids()
                  if "x < y" in (p := store.passages([pid])[pid]).text)
    text = context_text(b.context(middle.passage_id))
    assert f"▶ {middle.text} ◀" in text and "x < y & z" in text
    assert "&lt;" not in text and "&#" not in text and "<mark>" not in text
    assert text.splitlines()[0].endswith("Tariffs & <b>ports</b>")


def test_as_of_field_moves_relative_time(handlers: Handlers):
    turn = handlers.ask("What did Kallas say this month?", Session(), Filters(as_of="2025-02-20"))
    ans = turn.session.result
    assert (ans.date_from, ans.date_to) == (dt.date(2025, 2, 1), dt.date(2025, 2, 20))
    assert "as of 20 Aug 2025" not in text_of(turn.html)
    assert "read as: words of Kaja Kallas; this month (1 Feb 2025 – 20 Feb 2025), as of 20 Feb 2025" \
        in text_of(turn.html)
    default = handlers.ask("What did Kallas say this month?", Session(), Filters())
    assert ("the corpus' latest date; not applied as a filter: set 'as of' to apply it"
            in text_of(default.html))
    with pytest.raises(BadQuery, match="As of needs a date as YYYY-MM-DD"):
        handlers.ask("Kallas", Session(), Filters(as_of="20/02/2025"))


def test_stats(handlers: Handlers, bot: Bot):
    md = handlers.stats()
    s = bot.stats()
    assert f"**{s.articles}** articles" in md and f"**{s.passages}** passages" in md
    assert f"{human_date(s.first_date)} – {human_date(s.last_date)}" in md
    assert f"**{s.undated_articles}** undated" in md


def test_bundled_hostile_fixture_renders_inert(tmp_path: Path):
    shutil.copytree(HOSTILE, tmp_path / "h")
    build_index([tmp_path / "h"], tmp_path / "idx", embedder=FakeEmbedder(64))
    # every passage shown, however weak beside the best: what is checked is how each renders
    b = Bot(open_index(tmp_path / "idx"), FakeEmbedder(64), reranker=FeatureReranker(gap=None))
    turn = Handlers(b, export_dir=tmp_path / "e").ask("glorp tariff council leaflet", Session(),
                                                       Filters(k=10))
    shown = text_of(turn.html)
    for payload in PAYLOADS:
        assert payload in shown
    for bad in ("<script", "<img", "<svg", "<b ", "](", "javascript:"):
        assert bad not in turn.html


def test_api_search_is_the_cli_json(handlers: Handlers, bot: Bot):
    out = handlers.search_json("What did Kallas say?", 3, "", "", "relevance")
    assert out == bot.ask("What did Kallas say?", k=3).to_json()
    assert handlers.timeline_json("Kallas", 3) == bot.timeline("Kallas", n_dates=3).to_json()
