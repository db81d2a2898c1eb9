"""The page's examples come from the corpus it serves."""

from __future__ import annotations

import json
from pathlib import Path

from index.build import build_index
from index.embed import FakeEmbedder
from index.indexdir import open_index
from web.examples import corpus_examples


def test_examples_name_the_seed_corpus_people(fake_index: Path):
    examples = corpus_examples(open_index(fake_index).store)
    assert examples[0] == "What did Kallas say?"
    assert examples[-1].startswith("timeline of ") and len(examples) == 4


def test_examples_follow_another_corpus(tmp_path: Path):
    rows = [{"id": str(i), "title": f"Trade report {i}", "date": f"2024-05-{10 + i}",
             "text": f"The finance ministers met in Lagos on day {i}. Tariffs on cocoa were "
                     f"discussed at length, Ngozi Okonjo said after the meeting, and the "
                     f"delegates from Ghana agreed."} for i in range(6)]
    path = tmp_path / "trade.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    build_index([path], tmp_path / "ix", embedder=FakeEmbedder(64))
    examples = corpus_examples(open_index(tmp_path / "ix").store)
    assert examples[0] == "What did Okonjo say?"
    assert any("Lagos" in e or "Ghana" in e for e in examples)
    assert examples[-1] == "timeline of Okonjo"
    assert not any("Kallas" in e for e in examples)


def test_a_corpus_without_names_has_no_examples(tmp_path: Path):
    (tmp_path / "a.txt").write_text("notes\n\nall lower case, no names at all in this text.\n")
    build_index([tmp_path / "a.txt"], tmp_path / "ix", embedder=FakeEmbedder(64))
    assert corpus_examples(open_index(tmp_path / "ix").store) == []
