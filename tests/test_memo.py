"""The in-memory sentence vectors: the same vectors as the model, each text embedded once."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.engine import Bot
from bot.memo import MemoEmbedder
from index.embed import FakeEmbedder
from index.indexdir import open_index


class Counting:
    """Wraps an embedder and records every text the model was run on."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dim, self.route = inner.name, inner.dim, inner.route
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.seen.extend(texts)
        return self.inner.embed(texts, progress=progress)


def test_vectors_are_the_models_and_each_text_is_embedded_once():
    model = Counting(FakeEmbedder(64))
    memo = MemoEmbedder(model)
    first = memo.embed(["Kallas spoke.", "Talks resumed in Riyadh."])
    again = memo.embed(["Talks resumed in Riyadh.", "A new sentence.", "Kallas spoke."])
    assert model.seen == ["Kallas spoke.", "Talks resumed in Riyadh.", "A new sentence."]
    assert np.array_equal(again, FakeEmbedder(64).embed(
        ["Talks resumed in Riyadh.", "A new sentence.", "Kallas spoke."]))
    assert np.array_equal(again[[2, 0]], first)
    assert memo.embed([]).shape == (0, 64)


def test_least_recently_used_go_first():
    model = Counting(FakeEmbedder(64))
    memo = MemoEmbedder(model, capacity=2)
    memo.embed(["a", "b"])
    memo.embed(["a"])  # "a" is now the most recent
    memo.embed(["c"])  # evicts "b"
    assert len(memo) == 2
    model.seen.clear()
    memo.embed(["a", "b", "c"])
    assert model.seen == ["b"]


def test_threads_sharing_it_each_get_their_own_texts_vectors():
    memo = MemoEmbedder(FakeEmbedder(64), capacity=50)
    texts = [f"sentence number {i}" for i in range(200)]
    want = FakeEmbedder(64).embed(texts)
    errors: list[int] = []

    def ask(offset: int) -> None:
        for start in range(offset, 200, 7):
            chunk = texts[start:start + 5]
            if not np.array_equal(memo.embed(chunk), want[start:start + 5]):
                errors.append(start)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(memo) <= 50


@pytest.mark.slow
def test_real_model_a_repeated_question_embeds_no_sentence_again(real_index: Path, real_embedder):
    model = Counting(real_embedder)
    bot = Bot(open_index(real_index), model)
    question = "What did Kallas say about Putin's intentions?"
    first = bot.ask(question, k=5)
    sentences = len(model.seen)
    assert sentences > 5  # the question, and the sentences of its candidates
    again = bot.ask(question, k=5)
    assert len(model.seen) == sentences  # not even the question is embedded again
    assert [h.to_json() for h in again.hits] == [h.to_json() for h in first.hits]
    assert "Putin is not serious" in " ".join(h.passage.text for h in first.hits)
    fresh = Bot(open_index(real_index), real_embedder).ask(question, k=5)
    assert [h.to_json() for h in fresh.hits] == [h.to_json() for h in first.hits]
