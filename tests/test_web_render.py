"""Answers, timelines and the time axis as HTML/SVG: every article text inert."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest

from bot.answer import Answer
from bot.fmt import event_note
from bot.rank import SourceRef
from index.models import EventDate, Quote
from tests.webparts import PAYLOADS, answer_of, make_hit, text_of
from web.markup import esc, mark
from web.plot import timeline_svg
from web.render import answer_html, hit_html


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
    assert "event date " + event_note(a.article, a.passage) in shown  # '15 Aug 2025 — “on August 15”'
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
    # overlapping spans join; out-of-range and empty ones change nothing
    assert mark("abcdef", [(3, 5), (1, 4), (9, 12), (2, 2)]) == "a<mark>bcde</mark>f"
    assert esc("line\nnext") == "line<br>next"


def test_timeline_svg_escapes_and_hovers_with_source_and_first_words():
    h = make_hit("<script>alert(1)</script> words follow", source="<b>Outlet</b>")
    svg = timeline_svg(answer_of(h, make_hit("undated", published=None, rank=2)))
    assert "<script" not in svg and "<b>Outlet" not in svg
    assert "&lt;b&gt;Outlet&lt;/b&gt;" in svg and "words follow" in svg and "<title>" in svg
    assert "1 undated excerpt not on the axis" in svg
    assert "Ask a question" in timeline_svg(None)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_excerpt_names_its_speaker_and_occasion_and_marks_the_quoted_words(payload: str):
    text = f'"Europe and the U.S. are stronger {payload}," Kallas told Fox News Digital.'
    q = Quote(f"Kaja Kallas {payload}", 0, text.index(",") + 2, text.index("Kallas"),
              text.index("Kallas") + 6, "told", True, f"to Fox News Digital {payload}")
    h = make_hit(text, spans=((1, 20),))
    h = replace(h, passage=replace(h.passage, quotes=(q,)))
    out = hit_html(h, 1)
    assert f"said by Kaja Kallas {payload}, to Fox News Digital {payload}" in text_of(out)
    quoted = re.findall(r'<span class="tl-quote">(.*?)</span>', out)
    assert text_of("".join(quoted)) == text[q.start:q.end]  # the quotation, mark and all
    assert text in text_of(out)  # the highlight and the quotation overlap, the text stays whole
    for bad in ("<script", "<img", "<svg", "](", "onerror="):
        assert bad not in out


def test_reported_speech_is_marked_apart_from_quoted_words():
    text = 'Kallas said that Russia cannot be trusted. "We will see," she added.'
    said = text.index("that")
    quotes = (Quote("Kaja Kallas", said, text.index("."), 0, 6, "said", False),
              Quote("Kaja Kallas", text.index('"'), text.index("she") - 1, None, None, "added", True))
    h = make_hit(text)
    out = hit_html(replace(h, passage=replace(h.passage, quotes=quotes)), 1)
    assert re.findall(r'<span class="tl-reported">(.*?)</span>', out) == [
        "that Russia cannot be trusted"]
    assert text_of("".join(re.findall(r'<span class="tl-quote">(.*?)</span>', out))) == '"We will see,"'
