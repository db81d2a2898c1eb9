"""Second-stage reranking, best-sentence highlights and near-duplicate merging."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from index.chunk import split_sentences
from index.store import STOPWORDS

if TYPE_CHECKING:
    import numpy as np

    from index.embed import Embedder

_WORD = re.compile(r"\w+")
_QUOTE = re.compile(r"[\"“]([^\"”]{40,})[\"”]")


@dataclass(frozen=True)
class SentenceMatch:
    """Each sentence of a passage (spans in its text) and its cosine with the question."""

    spans: tuple[tuple[int, int], ...]
    sims: tuple[float, ...]

    @property
    def best(self) -> float:
        return max(self.sims, default=0.0)

    def highlights(self, *, margin: float = 0.04, most: int = 2) -> tuple[tuple[int, int], ...]:
        """The best sentence, plus a runner-up that is nearly as good; in text order."""
        order = sorted(range(len(self.sims)), key=lambda i: -self.sims[i])[:most]
        keep = [i for i in order if self.sims[i] >= self.best - margin]
        return tuple(self.spans[i] for i in sorted(keep))


def sentence_matches(embedder: Embedder, qvec: np.ndarray, texts: Sequence[str]
                     ) -> list[SentenceMatch]:
    """One batch for every sentence of every passage: the model runs once per question."""
    spans = [split_sentences(t) or [(0, len(t))] for t in texts]
    flat = [t[s:e] for t, sp in zip(texts, spans, strict=True) for s, e in sp]
    sims = (embedder.embed(flat) @ qvec).tolist() if flat else []
    out, pos = [], 0
    for sp in spans:
        out.append(SentenceMatch(tuple(sp), tuple(sims[pos:pos + len(sp)])))
        pos += len(sp)
    return out


def content_terms(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def _stem(word: str) -> str:
    # Enough folding for coverage: "Kallas'"/"talks"/"talk" match without a stemmer library.
    for suffix in ("'s", "’s", "ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def coverage(query_terms: set[str], text: str) -> float:
    if not query_terms:
        return 0.0
    return len(query_terms & content_terms(text)) / len(query_terms)


@dataclass(frozen=True)
class RankInput:
    """What a reranker sees of one candidate."""

    text: str
    title: str
    dense: float
    fused: float
    sentences: SentenceMatch


class Reranker(Protocol):
    def scores(self, question: str, items: Sequence[RankInput]) -> list[float]: ...


@dataclass(frozen=True)
class FeatureReranker:
    """Blends passage cosine, best-sentence cosine, keyword coverage and title match.

    Weights were tuned on bench/questions.jsonl (see bench/quality.py).
    """

    w_dense: float = 0.35
    w_sentence: float = 0.45
    w_coverage: float = 0.20
    w_title: float = 0.05

    def scores(self, question: str, items: Sequence[RankInput]) -> list[float]:
        terms = content_terms(question)
        return [self.w_dense * it.dense + self.w_sentence * it.sentences.best
                + self.w_coverage * coverage(terms, it.text)
                + self.w_title * coverage(terms, it.title) for it in items]


class CrossEncoderReranker:
    """A sentence-transformers cross-encoder given by name or local path, where one is at hand."""

    def __init__(self, name_or_path: str) -> None:
        from sentence_transformers import CrossEncoder

        self._model = CrossEncoder(name_or_path, device="cpu")

    def scores(self, question: str, items: Sequence[RankInput]) -> list[float]:
        pairs = [(question, f"{it.title}\n{it.text}") for it in items]
        return [float(s) for s in self._model.predict(pairs)]


def same_story(a: str, b: str, cos: float) -> bool:
    """Near-duplicates: almost the same vector, mostly the same words, or one long shared quote."""
    if cos >= 0.95:
        return True
    wa, wb = _shingles(a), _shingles(b)
    if wa and wb and len(wa & wb) / min(len(wa), len(wb)) >= 0.6:
        return True
    qa = {_norm(q) for q in _QUOTE.findall(a)}
    return any(_norm(q) in qa for q in _QUOTE.findall(b))


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + n]) for i in range(max(0, len(words) - n + 1))}
