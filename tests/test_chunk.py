from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from index.chunk import MAX_WORDS, MIN_WORDS, chunk_text, split_sentences
from index.clean import clean_text
from tests.conftest import SEEDS


def _seed_texts() -> list[str]:
    return [clean_text(p.read_text(encoding="utf-8")).text for p in sorted(SEEDS.glob("*.txt"))]


def test_sentences_respect_abbreviations_and_quotes():
    text = ('Rubio met the U.S. team on Feb. 23 in Riyadh. "We want peace," he said. '
            "Kaja Kallas (D. Trump's critic) spoke next! Did she? Yes.")
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == ["Rubio met the U.S. team on Feb. 23 in Riyadh.", '"We want peace," he said.',
                   "Kaja Kallas (D. Trump's critic) spoke next!", "Did she?", "Yes."]


def test_seed_passages_cover_every_sentence_and_stay_in_size():
    for text in _seed_texts():
        chunks = chunk_text(text)
        covered = "".join(text[c.start:c.end] for c in chunks)
        for s, e in split_sentences(text):
            assert text[s:e] in covered  # no sentence lost or cut
        for c in chunks:
            assert text[c.start:c.end] == c.text
            words = len(c.text.split())
            one_sentence = len(split_sentences(c.text)) == 1
            assert words <= MAX_WORDS + 15 or one_sentence, c.text
        assert [c.ordinal for c in chunks] == list(range(len(chunks)))
        # only the last passage of an article may be short
        assert all(len(c.text.split()) >= MIN_WORDS // 2 for c in chunks[:-1])


def test_quote_stays_with_its_attribution():
    # 40 + 55 words fit in 100; the attribution would not: greedy packing would split them.
    intro = "Intro sentence that is long enough to matter here, really. " * 4
    quote = '"' + " ".join(["Word"] * 54) + '."'
    text = intro + quote + " Kallas said this to reporters in Brussels on Monday evening."
    chunks = chunk_text(text, min_words=20, max_words=100)
    holder = next(c for c in chunks if "Kallas said" in c.text)
    assert '"Word' in holder.text
    assert len(chunks) == 2 and chunks[0].text.count("Intro") == 4


def test_long_sentence_is_never_cut():
    text = " ".join(["lengthy"] * 300) + ". Short one after it."
    chunks = chunk_text(text)
    assert chunks[0].text.startswith("lengthy") and chunks[0].text.count("lengthy") == 300


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc XYZ.!?\n\"“”'")) | st.characters(), max_size=600))
def test_chunking_properties(text: str):
    chunks = chunk_text(text)
    for c in chunks:
        assert c.text and c.text.strip() == c.text
        assert text[c.start:c.end] == c.text
    covered = {i for c in chunks for i in range(c.start, c.end)}
    for s, e in split_sentences(text):  # every sentence lies inside a passage
        assert set(range(s, e)) <= covered
    assert not re.search(r"\S", "".join(ch for i, ch in enumerate(text) if i not in covered))
