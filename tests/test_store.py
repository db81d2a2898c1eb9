"""Store: the SQLite record of articles and passages, as the build writes it and bot reads it."""

from __future__ import annotations

from pathlib import Path

from index.indexdir import open_index


def test_neighbours_are_the_passages_either_side_in_the_same_article(fake_index: Path):
    store = open_index(fake_index).store
    checked = 0
    for art, n in store.iter_articles():
        passages = store.article_passages(art.article_id)
        assert len(passages) == n
        for i, p in enumerate(passages):
            before, after = store.neighbours(p.passage_id)
            assert before == (passages[i - 1] if i > 0 else None)
            assert after == (passages[i + 1] if i + 1 < n else None)
            checked += before is not None and after is not None
    assert checked >= 3  # passages with both neighbours were seen
    assert store.neighbours(10**9) == (None, None)
