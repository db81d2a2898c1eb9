"""Candidate retrieval: the dense and the keyword search, under the query's filter."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.engine import Bot
from bot.retrieve import hybrid_search, query_vector, search_lists
from index.build import build_index
from index.embed import FakeEmbedder
from index.filters import Filter
from index.indexdir import open_index


class SameVector(FakeEmbedder):
    """Every text gets one vector: the dense search cannot tell passages apart."""

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        out[:, 0] = 1.0
        return out


def test_a_short_filtered_list_drops_faiss_padding(fake_index: Path):
    """More wanted than the filter allows: FAISS pads its answer with id -1, which is no passage."""
    index = open_index(fake_index)
    source = index.store.sources()[-1]
    allowed = set(index.store.filtered_ids(Filter(sources=(source,))))
    assert 0 < len(allowed) < 60
    qvec = query_vector(FakeEmbedder(64), "Kallas Russia")
    found = search_lists(index, qvec, "Kallas Russia", Filter(sources=(source,)), pool=60)
    ids = [pid for pid, _ in found.dense]
    assert sorted(ids) == sorted(allowed)  # every allowed passage once, nothing else


def test_keyword_search_finds_what_the_dense_one_cannot(tmp_path: Path):
    """With the dense half blind, a rare word is still found: the keyword half of hybrid search."""
    rows = [{"id": str(i), "title": f"Filler {i}", "date": "2025-03-01",
             "text": f"Routine council minutes number {i} about roads, budgets and parks."}
            for i in range(120)]
    rows.append({"id": "z", "title": "Harbour report", "date": "2025-03-02",
                 "text": "The zorblax tariff was lifted by the harbour council on Monday."})
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    build_index([path], tmp_path / "ix", embedder=SameVector(8))
    index = open_index(tmp_path / "ix")
    qvec = query_vector(SameVector(8), "zorblax tariff")
    cands = hybrid_search(index, qvec, "zorblax tariff", Filter(), pool=20)
    zorblax = [c for c in cands if "zorblax" in index.store.passages([c.passage_id])[
        c.passage_id].text]
    assert zorblax and zorblax[0].keyword_rank == 1
    answer = Bot(index, SameVector(8)).ask("zorblax tariff", k=3)
    assert "zorblax" in answer.hits[0].passage.text


def test_a_forked_child_still_searches_after_its_parent_did(fake_index: Path):
    """The dense search runs on a worker thread. A child forked after the parent searched (a
    pre-forking server, say) inherits the pool but not its threads: it must not wait forever."""
    import os
    import select
    import signal

    index = open_index(fake_index)
    qvec = query_vector(FakeEmbedder(64), "Kallas Russia")
    expected = search_lists(index, qvec, "Kallas Russia", Filter())
    assert expected.dense and expected.keyword
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what it found, then leave without pytest's teardown
        os.close(read)
        try:
            found = search_lists(open_index(fake_index), qvec, "Kallas Russia", Filter())
            os.write(write, json.dumps([pid for pid, _ in found.dense]).encode())
        finally:
            os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], 60)
    if not ready:
        os.kill(pid, signal.SIGKILL)
    with os.fdopen(read) as fh:
        got = fh.read() if ready else ""
    _, status = os.waitpid(pid, 0)
    assert ready, "the forked child's search never finished"
    assert status == 0
    assert json.loads(got) == [p for p, _ in expected.dense]


def test_a_word_is_found_in_either_spelling(tmp_path: Path):
    """A reader asks in British spelling of news written in American, or the other way round:
    keyword search and keyword coverage take "defence" and "defense" as one word."""
    rows = [{"id": str(i), "title": f"Filler {i}", "date": "2025-03-01",
             "text": f"Routine council minutes number {i} about roads, budgets and parks."}
            for i in range(120)]
    rows += [{"id": "us", "title": "Budget", "date": "2025-03-02",
              "text": "The defense ministry asked for more money on Monday."},
             {"id": "uk", "title": "Paint", "date": "2025-03-02",
              "text": "The council chose the colour of the new trams."}]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    build_index([path], tmp_path / "ix", embedder=SameVector(8))
    index = open_index(tmp_path / "ix")
    store = index.store
    assert store.doc_freq("defence") == store.doc_freq("defense") == 1
    for question, word in (("defence ministry", "defense"), ("tram color", "colour")):
        top = store.keyword_search(question, 1)
        assert word in store.passages([top[0][0]])[top[0][0]].text
        answer = Bot(index, SameVector(8)).ask(question, k=1)
        assert word in answer.hits[0].passage.text
