"""The Gradio wiring: what is public, and errors as one line in the chat and the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Bot
from index.errors import BadQuery
from web.followups import Session
from web.handlers import Handlers
from web.page import MAX_CHAT_MESSAGES

pytest_plugins = ("tests.webfixtures",)  # the bot and handlers fixtures


def test_errors_become_one_line_gr_error(caplog: pytest.LogCaptureFixture):
    import gradio as gr

    from web.page import guard

    def bad_query() -> None:
        raise BadQuery("the question is empty: type what you want to find")

    def crash() -> None:
        raise KeyError("secret internals\nTraceback")

    with pytest.raises(gr.Error) as err:
        guard(bad_query)()
    assert err.value.message == "the question is empty: type what you want to find"
    with pytest.raises(gr.Error) as err:
        guard(crash)()
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


def _event(demo, name: str):
    return next(fn.fn for fn in demo.fns.values() if fn.name == name)


def test_chat_handler_shows_errors_in_the_chat_and_caps_history(bot: Bot, tmp_path: Path):
    from app import build_app

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


def test_page_examples_come_from_the_corpus(bot: Bot, tmp_path: Path):
    from app import build_app
    from web.examples import corpus_examples

    demo = build_app(bot, handlers=Handlers(bot, export_dir=tmp_path))
    dataset = next(b for b in demo.blocks.values() if type(b).__name__ == "Dataset")
    shown = [row[0] for row in dataset.samples]
    assert shown == corpus_examples(bot.index.store) and "What did Kallas say?" in shown
