"""Follow-ups: a new time or source for the last question's subject."""

from __future__ import annotations

import pytest

from index.errors import BadQuery
from tests.webparts import AS_OF, text_of
from web.followups import Session, match_sources, resolve
from web.handlers import Filters, Handlers

pytest_plugins = ("tests.webfixtures",)  # the bot and handlers fixtures


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
