"""prepare(article): the one stage that cuts and dates passages, for both builders."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from index.embed import embed_text
from index.models import Article
from index.prepare import Prepared, PreparedPassage, prepare, text_hash
from index.read import read_file
from tests.conftest import seed

FILLER = ("Officials described the meeting as long and difficult, and several delegations asked "
          "for more time to study the proposals before any vote could be held in the chamber. ")


def _article(text: str, published: dt.date | None = dt.date(2025, 3, 7)) -> Article:
    return Article(origin="mem:1", title="Harbour talks", text=text, source="test",
                   published=published, date_source="metadata" if published else "none")


def test_passages_are_typed_in_order_and_point_into_the_article():
    (art,) = read_file(seed("000"))
    assert isinstance(art, Article)
    prepared = prepare(art)
    assert isinstance(prepared, Prepared) and prepared.article is art
    assert len(prepared.passages) > 2
    assert [p.ordinal for p in prepared.passages] == list(range(len(prepared.passages)))
    for p in prepared.passages:
        assert isinstance(p, PreparedPassage)
        assert art.text[p.start:p.end] == p.text
        assert p.embed_text == embed_text(art.title, p.text) and art.title in p.embed_text
        assert p.text_hash == text_hash(p.embed_text)
    with pytest.raises(dataclasses.FrozenInstanceError):
        prepared.passages[0].text = "changed"  # type: ignore[misc]


def test_a_later_passage_without_a_day_follows_its_lead():
    lead = "The harbour council clashed with the unions on Tuesday over the tariff. " + FILLER
    rest = "The unions said they would strike. " + FILLER + FILLER
    prepared = prepare(_article(f"{lead}\n\n{rest}"))
    first, second = prepared.passages[0], prepared.passages[-1]
    assert first.timeline_date == dt.date(2025, 3, 4)  # "Tuesday" before Friday 7 March
    assert any(e.text == "Tuesday" for e in first.event_dates)
    assert second.event_dates == () and second.timeline_date == dt.date(2025, 3, 4)


def test_an_undated_article_gets_no_made_up_day():
    prepared = prepare(_article("The council met on Tuesday. " + FILLER, published=None))
    assert all(p.timeline_date is None for p in prepared.passages)


def test_an_empty_article_prepares_to_no_passages():
    assert prepare(_article("   ")).passages == ()
