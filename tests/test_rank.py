"""Ranking: reciprocal-rank fusion, the relevance floor, and near-duplicates merged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.engine import Bot
from bot.rank import RELEVANCE_FLOOR, RRF_K, Ranker, fuse
from bot.retrieve import hybrid_search, query_vector
from index.build import build_index
from index.embed import FakeEmbedder
from index.filters import Filter
from index.indexdir import open_index


def test_fusion_rewards_agreement_and_scores_keyword_only_hits(fake_index: Path):
    index = open_index(fake_index)
    a, b, c = index.store.all_passage_ids()[:3]
    qvec = query_vector(FakeEmbedder(64), "Kallas Russia peace")
    fused = fuse(index, qvec, dense=[(a, 0.9), (b, 0.8)], keyword=[(b, 7.0), (c, 5.0)])
    assert [x.passage_id for x in fused] == [b, a, c]  # b is in both lists
    top = fused[0]
    assert top.fused == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert (top.dense_rank, top.keyword_rank) == (2, 1)
    only_kw = fused[2]
    assert only_kw.dense_rank is None
    own = float(index.vectors.reconstruct([c])[0] @ qvec)
    assert only_kw.dense == pytest.approx(own)  # its true cosine, not a placeholder


def test_relevance_floor_drops_candidates_below_it(fake_index: Path):
    index = open_index(fake_index)
    ranker = Ranker(FakeEmbedder(64))
    text = "Kallas Russia peace"
    qvec = query_vector(ranker.embedder, text)
    cands = hybrid_search(index, qvec, text, Filter(), pool=40)
    scored = ranker.score(index, qvec, text, cands)
    assert scored and len(scored) < len(cands)  # some pass, some are dropped
    assert all(s.relevance >= RELEVANCE_FLOOR for s in scored)
    assert [s.score for s in scored] == sorted((s.score for s in scored), reverse=True)
    assert ranker.score(index, qvec, text, cands, floor=1.01) == []  # no cosine is above 1


def test_same_quote_in_two_outlets_is_merged(tmp_path: Path):
    quote = ('"Russia doesn\'t really want peace, and everyone in Brussels can see it plainly," '
             "Kallas said on Monday.")
    rows = [{"id": str(i), "title": f"Report {i}", "source": outlet, "date": "2025-03-1" + str(i),
             "text": f"{lead} {quote} The remarks came after talks in Brussels."}
            for i, (outlet, lead) in enumerate([("Outlet A", "EU diplomats gathered."),
                                                ("Outlet B", "Ministers met again.")])]
    rows.append({"id": "9", "title": "Other", "source": "Outlet C", "date": "2025-03-15",
                 "text": "Grain exports through Odesa rose sharply in March, traders said."})
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    build_index([path], tmp_path / "ix", embedder=FakeEmbedder(64))
    bot = Bot(open_index(tmp_path / "ix"), FakeEmbedder(64))
    answer = bot.ask("Kallas Russia really want peace Brussels")
    top = answer.hits[0]
    assert len(top.also_in) == 1
    assert {top.article.source, top.also_in[0].source} == {"Outlet A", "Outlet B"}
    assert top.to_json()["also_in"] == [top.also_in[0].source]
    assert sum("really want peace" in h.passage.text for h in answer.hits) == 1


def test_fusion_order_is_deterministic_on_ties(fake_index: Path):
    index = open_index(fake_index)
    a, b = index.store.all_passage_ids()[:2]
    qvec = np.zeros(64, dtype=np.float32)
    qvec[0] = 1.0
    once = fuse(index, qvec, dense=[(a, 0.5)], keyword=[(b, 1.0)])
    again = fuse(index, qvec, dense=[(a, 0.5)], keyword=[(b, 1.0)])
    assert once == again and {x.passage_id for x in once} == {a, b}


ENVOY = """Zebracorn envoy urges calm after border standoff

The zebracorn envoy, Mira Tallow, said on Monday that both sides should step back from the \
border and return to talks within the month.

"Nobody gains from a frozen line," Tallow told reporters in Geneva. "We ask for a ceasefire \
first, and a map second."
"""


@pytest.mark.slow
def test_noise_far_below_the_answer_is_not_shown_beside_it(tmp_path: Path, seeds: Path,
                                                             real_embedder):
    """Issue #18's case: in date order an unrelated passage about Zelenskyy came first and the
    envoy's words second. Passages far less relevant than the best are no longer shown."""
    from bot.rerank import FeatureReranker

    (seeds / "zebracorn.txt").write_text("date 2025-03-10\n" + ENVOY, encoding="utf-8")
    build_index([seeds], tmp_path / "index", embedder=real_embedder)
    bot_ = Bot(open_index(tmp_path / "index"), real_embedder)
    question = "What did the zebracorn envoy say?"

    answer = bot_.ask(question, k=8, order="time")
    assert answer.hits and {h.article.title for h in answer.hits} == {
        "Zebracorn envoy urges calm after border standoff"}
    assert "fewer than the 8 asked" in answer.summary()
    bot_.reranker = FeatureReranker(gap=None)  # the old behaviour: the floor alone
    noisy = bot_.ask(question, k=8, order="time")
    assert len(noisy.hits) > len(answer.hits)
    assert noisy.hits[0].article.title != "Zebracorn envoy urges calm after border standoff"


@pytest.mark.slow
def test_a_question_in_british_spelling_ranks_as_its_american_twin(real_bot):
    """The seeds write "defense"; asked about "defence", the reader gets the same passages in
    the same order (keyword coverage counts either spelling; the model alone ranks the two
    questions' top three differently)."""
    british = real_bot.ask("What did the UK say about the defence of Europe?", k=3)
    american = real_bot.ask("What did the UK say about the defense of Europe?", k=3)
    assert len(british.hits) == 3
    assert ([h.passage.passage_id for h in british.hits]
            == [h.passage.passage_id for h in american.hits])


def test_the_gap_keeps_results_near_the_best_in_their_order():
    from bot.rank import Hit, near_the_best
    from index.models import Article, Passage

    art = Article("o", "t", "x", "s")
    hits = [Hit(r, score, Passage(r, "a", r, 0, 1, "x"), art, ())
            for r, score in enumerate([0.9, 1.0, 0.61, 0.59], 1)]
    assert [h.rank for h in near_the_best(hits, 0.4)] == [1, 2, 3]  # 0.4 below the best score
    assert near_the_best(hits, None) == hits
    assert near_the_best([], 0.4) == []
