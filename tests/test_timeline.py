from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.engine import Bot
from bot.render import render_timeline
from bot.timeline import (
    MENTION_WEIGHT,
    PLANNED_WEIGHT,
    PUBLISHED_WEIGHT,
    expand_topic,
    top_dates,
    vote_dates,
)
from index.embed import FakeEmbedder
from index.indexdir import open_index
from index.models import EventDate, Passage
from tests.conftest import run_cli

D = dt.date
RESULT_FIELDS = {"rank", "score", "text", "title", "source", "url", "published", "date_source",
                 "event_dates", "timeline_date", "article_id", "passage_id", "highlights",
                 "also_in"}


def passage(pid: int, article: str, timeline: dt.date | None, *mentions: dt.date) -> Passage:
    events = tuple(EventDate(str(m), 0, 1, m, "day", None) for m in mentions)
    return Passage(pid, article, 0, 0, 1, "text", events, timeline)


def test_vote_dates_counts_timeline_mentioned_and_published_days():
    votes = vote_dates([(passage(1, "a", D(2011, 1, 25), D(2011, 1, 20)), D(2011, 1, 26), 1.0)])
    assert votes == {D(2011, 1, 25): 1.0, D(2011, 1, 20): MENTION_WEIGHT,
                     D(2011, 1, 26): PUBLISHED_WEIGHT}
    # what a passage is placed at outweighs what it mentions, which outweighs its byline day
    placed = vote_dates([(passage(1, "a", D(2011, 1, 25)), None, 1.0),
                         (passage(2, "b", None, D(2011, 1, 25)), None, 1.0)])
    mentioned = vote_dates([(passage(1, "a", None, D(2011, 1, 25)), None, 1.0),
                            (passage(2, "b", None), D(2011, 1, 25), 1.0)])
    assert placed[D(2011, 1, 25)] > mentioned[D(2011, 1, 25)] > 1.0
    assert vote_dates([]) == {}


def test_a_day_after_publication_votes_as_a_plan():
    """An article can report days up to its own; a later day it names is only planned, and
    the Feb 2013 sidebar of a scraped 2011 page is not evidence at all."""
    published = D(2011, 2, 3)
    votes = vote_dates([(passage(1, "a", published, D(2011, 2, 5), D(2013, 2, 11)), published,
                         1.0)])
    assert votes[D(2011, 2, 5)] == votes[D(2013, 2, 11)] == PLANNED_WEIGHT
    assert votes[D(2013, 2, 11)] < votes[published]  # a plan counts less than the byline day
    # 32 copies of the sidebar do not outvote four articles reporting a day
    sidebar = [(passage(i, f"s{i}", published, D(2013, 2, 11)), published, 1.0)
               for i in range(32)]
    reported = [(passage(100 + i, f"r{i}", D(2011, 2, 1)), D(2011, 2, 2), 1.0) for i in range(4)]
    votes = vote_dates(sidebar + reported)
    assert votes[D(2011, 2, 1)] > votes[D(2013, 2, 11)]
    # with room to spare, an announced day still makes the timeline
    only = vote_dates([(passage(1, "a", published, D(2011, 2, 5)), published, 1.0)])
    assert [d for d, _ in top_dates(only, 3)] == [published, D(2011, 2, 5)]
    # an undated article has no "after": what it names still counts in full
    assert vote_dates([(passage(1, "u", None, D(2013, 2, 11)), None, 1.0)]) == {
        D(2013, 2, 11): MENTION_WEIGHT}


def test_vote_dates_counts_each_article_once_per_day():
    day = D(2008, 9, 15)
    repeated = vote_dates([(passage(i, "a", day), day, 1.0) for i in range(5)])
    spread = vote_dates([(passage(i, f"a{i}", day), day, 1.0) for i in range(5)])
    assert repeated == {day: 1.0} and spread == {day: 5.0}
    # the article's best passage counts: here the one whose timeline date it is
    both = vote_dates([(passage(1, "a", D(2008, 9, 14), day), None, 1.0),
                       (passage(2, "a", day), None, 1.0)])
    assert both[day] == 1.0


def test_vote_dates_more_support_more_score_and_weight_matters():
    day, other = D(2011, 2, 11), D(2011, 2, 1)
    votes = vote_dates([(passage(1, "a", day), day, 1.0), (passage(2, "b", day), day, 1.0),
                        (passage(3, "c", other), other, 1.0)])
    assert votes[day] > votes[other]
    light = vote_dates([(passage(1, "a", day), day, 0.1), (passage(3, "c", other), other, 1.0)])
    assert light[other] > light[day]


def test_vote_dates_ignores_undated_and_coarse_mentions():
    coarse = EventDate("2011", 0, 4, D(2011, 1, 1), "year", None)
    p = Passage(1, "a", 0, 0, 1, "text", (coarse,), None)
    assert vote_dates([(p, None, 1.0)]) == {}


def test_top_dates_oldest_first_n_respected_ties_deterministic():
    votes = {D(2011, 1, 3): 1.0, D(2011, 1, 1): 3.0, D(2011, 1, 2): 2.0, D(2011, 1, 4): 2.0}
    assert [d for d, _ in top_dates(votes, 2)] == [D(2011, 1, 1), D(2011, 1, 2)]
    assert [d for d, _ in top_dates(votes, 3)] == [D(2011, 1, 1), D(2011, 1, 2), D(2011, 1, 4)]
    assert top_dates(votes, 10) == sorted(votes.items())
    assert top_dates(votes, 0) == [] and top_dates({}, 3) == []
    shuffled = dict(reversed(list(votes.items())))
    assert top_dates(shuffled, 2) == top_dates(votes, 2)
    # relevance only breaks ties: Jan 4's more relevant evidence beats Jan 2, not Jan 1
    relevance = {D(2011, 1, 4): 0.9, D(2011, 1, 2): 0.5, D(2011, 1, 3): 1.0}
    assert [d for d, _ in top_dates(votes, 2, relevance)] == [D(2011, 1, 1), D(2011, 1, 4)]


def test_timeline_on_fake_index(fake_index: Path):
    bot = Bot(open_index(fake_index), FakeEmbedder(64))
    tl = bot.timeline("Kallas Russia peace", n_dates=3)
    days = [d.date for d in tl.dates]
    assert 0 < len(days) <= 3 and days == sorted(days) and len(set(days)) == len(days)
    for d in tl.dates:
        assert d.hits and len(d.hits) <= 2
        assert all(d.date == h.passage.timeline_date or
                   any(e.date == d.date for e in h.passage.event_dates) for h in d.hits)
    assert "Timeline: Kallas Russia peace" in render_timeline(tl.to_json())


def test_expand_topic_moves_toward_relevant_passages_only(fake_index: Path):
    import numpy as np

    from index.filters import Filter

    emb = FakeEmbedder(64)
    index = open_index(fake_index)
    everything = Filter(None, None, ())
    qvec = emb.embed(["Kallas Russia"])[0]
    moved = expand_topic(index, qvec, "Kallas Russia", everything)
    assert abs(float(np.linalg.norm(moved)) - 1.0) < 1e-5
    # the seeds are the topic's own keyword hits: the moved query sits nearer their centroid
    seeds = [pid for pid, _ in index.store.keyword_search("Kallas Russia", 20)]
    centroid = index.vectors.reconstruct(seeds).mean(axis=0)
    assert float(moved @ centroid) > float(qvec @ centroid) + 0.05
    # a topic nothing in the corpus is about has no seeds and is left alone
    junk = emb.embed(["zzqx"])[0]
    assert np.array_equal(expand_topic(index, junk, "zzqx", everything), junk)


def test_cli_timeline_json_shape(fake_index: Path):
    r = run_cli("bot", "timeline", "--index-dir", str(fake_index), "--json", "--dates", "3",
                "Kallas", "on", "Russia")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["topic"] == "Kallas on Russia"
    days = [d["date"] for d in out["dates"]]
    assert 0 < len(days) <= 3 and days == sorted(days)
    for d in out["dates"]:
        D.fromisoformat(d["date"])
        assert isinstance(d["score"], float) and d["passages"]
        for p in d["passages"]:
            assert set(p) >= RESULT_FIELDS
            assert p["timeline_date"] == d["date"] or d["date"] in {
                e["date"] for e in p["event_dates"]}


@pytest.mark.slow
def test_kallas_timeline_with_the_real_model(real_bot: Bot):
    tl = real_bot.timeline("Kallas on Russia", n_dates=3)
    days = [d.date for d in tl.dates]
    assert days == sorted(days) and len(days) == 3
    assert {D(2025, 2, 19), D(2025, 8, 12)} <= set(days)
    for d in tl.dates:
        assert d.hits
        for h in d.hits:
            assert h.passage.timeline_date == d.date
            assert "kallas" in (h.passage.text + h.article.title).lower() or \
                "russia" in h.passage.text.lower()


@pytest.mark.slow
def test_one_word_topic_timeline_with_the_real_model(real_bot: Bot,
                                                      monkeypatch: pytest.MonkeyPatch):
    """"Alaska" alone sits below the relevance floor of every passage; its expansion finds the
    August 15 summit, quoted from a passage that names it."""
    tl = real_bot.timeline("Alaska", n_dates=5)
    assert D(2025, 8, 15) in [d.date for d in tl.dates]
    summit = next(d for d in tl.dates if d.date == D(2025, 8, 15))
    assert any("Alaska" in h.passage.text for h in summit.hits)
    assert real_bot.timeline("zzqx", n_dates=5).dates == ()
    monkeypatch.setattr("bot.timeline.FEEDBACK_WEIGHT", 0.0)
    assert real_bot.timeline("Alaska", n_dates=5).dates == ()


def test_timeline_in_a_range_shows_no_day_outside_it(tmp_path: Path):
    """A passage inside the range that recalls an older day votes for it; the older day must
    not appear on a timeline the user limited to the range."""
    from index.build import build_index

    corpus = tmp_path / "articles"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"a{i}.txt").write_text(
            f"Talks resume\n\ndate 2025-03-1{i}\n\nThe envoys met again on Monday, a month after "
            f"the ceasefire talks of February 20, 2025 collapsed in Riyadh. Ceasefire talks "
            f"continue.\n", encoding="utf-8")
    build_index([corpus], tmp_path / "index", embedder=FakeEmbedder(64))
    bot = Bot(open_index(tmp_path / "index"), FakeEmbedder(64))
    assert D(2025, 2, 20) in [d.date for d in bot.timeline("ceasefire talks", n_dates=5).dates]
    ranged = bot.timeline("ceasefire talks", n_dates=5, date_from=D(2025, 3, 1))
    days = [d.date for d in ranged.dates]
    assert days and all(d >= D(2025, 3, 1) for d in days)


def test_a_timeline_as_of_a_day_is_the_story_as_it_could_be_read_then(tmp_path: Path):
    from index.build import build_index

    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps(
        {"id": day, "date": day, "source": "Wire", "title": "Ceasefire talks",
         "text": "The envoys held ceasefire talks again. Ceasefire talks continue."}) + "\n"
        for day in ("2025-03-10", "2025-03-12", "2025-08-11", "2025-08-13")))
    build_index([corpus], tmp_path / "index", embedder=FakeEmbedder(64))
    bot = Bot(open_index(tmp_path / "index"), FakeEmbedder(64))
    whole = bot.timeline("ceasefire talks", n_dates=5)
    assert D(2025, 8, 11) in [d.date for d in whole.dates] and whole.message is None
    then = bot.timeline("ceasefire talks", n_dates=5, as_of=D(2025, 4, 1))
    assert [d.date for d in then.dates] == [D(2025, 3, 10), D(2025, 3, 12)]
    assert then.message == ("built from what was published by 1 Apr 2025, the 'as of' day: "
                            "2 later passages left out")
    before = bot.timeline("ceasefire talks", n_dates=5, as_of=D(2025, 1, 1))
    assert D(2025, 8, 11) in [d.date for d in before.dates]
    assert before.message.startswith("nothing published by 1 Jan 2025, the 'as of' day")
    assert "later passages left out" in render_timeline(then.to_json())


def test_a_topic_as_of_a_day_is_expanded_toward_what_was_published_by_then(tmp_path: Path):
    import numpy as np

    from index.build import build_index
    from index.filters import Filter

    corpus = tmp_path / "news.jsonl"
    texts = {"2025-03-10": "Ceasefire talks in Riyadh: envoys met the Saudi hosts.",
             "2025-08-11": "Ceasefire talks in Alaska: the summit in Anchorage opened."}
    corpus.write_text("".join(json.dumps({"id": d, "date": d, "source": "Wire", "title": "Talks",
                                          "text": t}) + "\n" for d, t in texts.items()))
    build_index([corpus], tmp_path / "index", embedder=FakeEmbedder(64))
    index = open_index(tmp_path / "index")
    emb = FakeEmbedder(64)
    qvec = emb.embed(["ceasefire talks"])[0]
    march, august = emb.embed(list(texts.values()))
    whole = expand_topic(index, qvec, "ceasefire talks", Filter())
    then = expand_topic(index, qvec, "ceasefire talks", Filter(), known_by=D(2025, 4, 1))
    assert float(then @ march) > float(whole @ march)
    assert float(then @ august) < float(whole @ august)
    # nothing published by the day: every seed, as without it
    before = expand_topic(index, qvec, "ceasefire talks", Filter(), known_by=D(2025, 1, 1))
    assert np.allclose(before, whole)


@pytest.mark.slow
def test_a_timeline_as_of_a_day_leaves_out_later_sources_with_the_real_model(real_bot: Bot):
    tl = real_bot.timeline("Kallas on Russia", n_dates=3, as_of=D(2025, 3, 31))
    days = [d.date for d in tl.dates]
    assert days and all(d <= D(2025, 3, 31) for d in days) and D(2025, 2, 19) in days
    assert all(h.article.published <= D(2025, 3, 31) for d in tl.dates for h in d.hits)
    assert "left out" in tl.message
