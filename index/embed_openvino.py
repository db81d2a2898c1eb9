"""The OpenVINO routes: the transformer run by OpenVINO, without torch, in bfloat16
(``openvino-bf16``, CPUs with AMX or AVX-512 BF16), float32 (``openvino-fp32``, any CPU), or with
its matrix products in int8 (``openvino-int8``, CPUs with AVX-512 VNNI or AMX, the rest in bf16).

On a 2-core AMX machine this is the fastest route measured (bench/ingest.py): ~3.7x plain fp32
``encode`` at 0.99998 mean cosine agreement. What makes it fast: OpenVINO's THROUGHPUT mode runs
two single-threaded streams, so neither waits on the other at OpenMP barriers, and small batches
(8 texts) keep activations in cache. Tokenizing the next batch overlaps inference.

What makes it start fast: the first start converts the model once (``convert``: torch,
transformers and sentence-transformers, ~5 s plus their ~15 s of imports) into a cache folder
holding the OpenVINO model, the tokenizer's ``tokenizer.json`` and ``pipeline.json`` (pooling,
lengths, and fp32 vectors of a probe); OpenVINO adds ``compiled/``, the model compiled for this
CPU. Every later start loads only ``tokenizers``, OpenVINO and
numpy from that folder, pools in numpy, and checks the probe against the fp32 vectors. The int8
route's model (``model-int8.xml``) is made from the converted one on its first start by nncf's
post-training quantization, calibrated on the fixed paragraphs of ``calibration.txt``, so every
machine quantizes alike whatever corpus it indexes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from index.embed_batches import batches_by_length, progress_bar
from index.settings import load_settings

if TYPE_CHECKING:
    import numpy as np
    from tokenizers import Tokenizer

# route -> the model file it runs, and OpenVINO's inference precision for what is not int8
# (None: bf16 where the CPU runs it natively, else f32)
MODELS = {"openvino-bf16": ("model.xml", "bf16"), "openvino-fp32": ("model.xml", "f32"),
          "openvino-int8": ("model-int8.xml", None)}
CALIBRATION = Path(__file__).with_name("calibration.txt")
# SmoothQuant's migration strength for the matrix products. nncf's default for transformers,
# 0.95, agrees with fp32 to 0.9961 (mean over 3,770 Reuters passages); 0.8 to 0.9974, the best
# of 0.5-0.95 (0.5: 0.9904; off: 0.9937), at the same speed.
SMOOTH_QUANT_ALPHA = 0.8
CACHE_FORMAT = "2"  # bump when the folder's contents change: old folders are then ignored
POOLING_MODES = ("mean", "mean_sqrt_len_tokens", "cls", "max")
PROBE = ("Route self-test: the central bank raised rates in March.",
         "Kallas said on Tuesday that Putin does not want peace.",
         "ÉTATS-UNIS: l'Élysée a RÉAGI (2025-02-18) — très vite!")
# A route whose probe vectors drift further than this from fp32 is refused. int8 rounds every
# matrix product: its probe agrees to 0.993 (0.996 mean over 3,770 Reuters passages), while a
# naive int8 conversion gave 0.94.
MIN_AGREEMENT = {"openvino-int8": 0.98}
DEFAULT_AGREEMENT = 0.999


def cache_root() -> Path:
    """``$TIMELINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/timeline-bot``: converted models only."""
    return load_settings().cache_dir


def load(name: str, model_path: str, route: str, *, native_bf16: bool = True) -> OpenVinoEmbedder:
    """The converted model from the cache; converted (torch etc. imported) or quantized (nncf)
    first if missing. ``native_bf16``: whether the int8 route runs the rest in bf16 or f32."""
    folder = cache_root() / "openvino" / _cache_key(model_path)
    if not (folder / "pipeline.json").exists():
        convert(model_path, folder)
    if not (folder / MODELS[route][0]).exists():
        quantize(folder)
    return OpenVinoEmbedder(name, folder, route, native_bf16=native_bf16)


class OpenVinoEmbedder:
    """Unit vectors from a converted model folder: tokenizers -> OpenVINO -> pooling in numpy."""

    # Measured 8/16/32/64 texts: on AMX 8 and 16 fastest, 64 ~25% slower; on AVX-512 BF16
    # without AMX (Zen 4) 8 is 9% faster than 16 (144 against 130 Reuters passages/s).
    batch_size = 8

    def __init__(self, name: str, folder: Path, route: str, *, native_bf16: bool = True) -> None:
        import openvino as ov

        meta = json.loads((folder / "pipeline.json").read_text(encoding="utf-8"))
        self.name = name
        self.route = route
        self.dim = int(meta["dim"])
        self._pooling = tuple(meta["pooling"])
        self._tokenizer = load_tokenizer(folder)
        model_file, precision = MODELS[route]
        precision = precision or ("bf16" if native_bf16 else "f32")
        core = ov.Core()
        # OpenVINO keeps the model compiled for this CPU beside it: a later start reads that
        # instead of compiling again (measured under load: 2.0 s instead of 6.8 s).
        core.set_property({"CACHE_DIR": str(folder / "compiled")})
        self._compiled = core.compile_model(
            str(folder / model_file), "CPU",
            {"INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": "THROUGHPUT"})
        self._inputs = {i.get_any_name() for i in self._compiled.inputs}
        self._requests = int(self._compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
        self._local = threading.local()  # an infer request is not thread-safe: one per thread
        self._check(meta["probe"], meta["reference"])

    def _check(self, probe: list[str], reference: list[list[float]]) -> None:
        """A conversion that loads but computes garbage must fail here, not in an index."""
        import numpy as np

        vecs = self.embed(probe)
        ref = np.asarray(reference, dtype=np.float32)
        if vecs.shape != ref.shape or not np.isfinite(vecs).all():
            raise RuntimeError("self-test gave no finite unit vectors")
        agreement = float(np.sum(vecs * ref, axis=1).min())
        if agreement < MIN_AGREEMENT.get(self.route, DEFAULT_AGREEMENT):
            raise RuntimeError(f"self-test agreement with fp32 only {agreement:.4f}")

    def tokenize(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        return tokenize(self._tokenizer, texts)

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        batches = batches_by_length(texts, self.batch_size)
        bar = progress_bar(len(texts), len(batches)) if progress else None
        modes = self._pooling

        # Runs on OpenVINO's threads, which may drop it last, so it must not hold the embedder:
        # released there, the compiled model would join its own thread (abort).
        def done(rows: Sequence[int], tokens: dict, hidden: np.ndarray) -> None:
            out[rows] = pool(hidden, tokens["attention_mask"], modes)
            if bar is not None:
                bar.update(len(rows))

        self.run(batches, texts, done)
        if bar is not None:
            bar.close()
        return out

    def run(self, batches: Sequence[Sequence[int]], texts: Sequence[str],
            done: Callable[[Sequence[int], dict[str, np.ndarray], np.ndarray], None]) -> None:
        """Calls ``done(rows, features, token_embeddings)`` once per batch, from OpenVINO's
        threads; the next batch is tokenized while earlier ones run."""
        if len(batches) == 1:  # a question: one synchronous request, no queue set-up
            features = self.tokenize([texts[i] for i in batches[0]])
            request = getattr(self._local, "request", None)
            if request is None:
                request = self._local.request = self._compiled.create_infer_request()
            request.infer(self._feed(features))
            done(batches[0], features, request.get_output_tensor(0).data.copy())
            return
        import openvino as ov

        queue = ov.AsyncInferQueue(self._compiled, self._requests)
        failures: list[BaseException] = []

        def finished(request: object, payload: tuple) -> None:
            try:
                done(payload[0], payload[1], request.get_output_tensor(0).data)  # type: ignore[attr-defined]
            except BaseException as err:  # raised again in the caller's thread
                failures.append(err)

        queue.set_callback(finished)
        for rows in batches:
            features = self.tokenize([texts[i] for i in rows])
            queue.start_async(self._feed(features), (rows, features))
        queue.wait_all()
        if failures:
            raise failures[0]

    def _feed(self, features: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {k: v for k, v in features.items() if k in self._inputs}


def load_tokenizer(folder: Path) -> Tokenizer:
    """The converted folder's tokenizer, truncating and padding as the model was converted."""
    from tokenizers import Tokenizer

    meta = json.loads((folder / "pipeline.json").read_text(encoding="utf-8"))
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_truncation(max_length=int(meta["max_length"]))
    tok.enable_padding(pad_id=int(meta["pad_id"]), pad_token=meta["pad_token"],
                       direction=meta["pad_side"])
    return tok


def tokenize(tokenizer: Tokenizer, texts: Sequence[str]) -> dict[str, np.ndarray]:
    import numpy as np

    encodings = tokenizer.encode_batch(list(texts))
    return {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64)}


def pool(hidden: np.ndarray, mask: np.ndarray, modes: Sequence[str]) -> np.ndarray:
    """sentence-transformers' Pooling in float32 numpy, then L2 normalization."""
    import numpy as np

    hidden = hidden.astype(np.float32, copy=False)
    weights = mask[..., None].astype(np.float32)
    parts = []
    for mode in modes:
        if mode == "cls":
            parts.append(hidden[np.arange(len(hidden)), mask.argmax(axis=1)])
        elif mode == "max":
            parts.append(np.where(weights > 0, hidden, -np.inf).max(axis=1))
        else:
            count = np.maximum(weights.sum(axis=1), 1e-9)
            total = (hidden * weights).sum(axis=1)
            parts.append(total / (count if mode == "mean" else np.sqrt(count)))
    vecs = np.concatenate(parts, axis=1) if len(parts) > 1 else parts[0]
    return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)


def convert(model_path: str, folder: Path) -> None:
    """Write the converted model folder (first start only: imports torch, transformers and
    sentence-transformers). Refuses a model whose modules it cannot run without torch."""
    import openvino as ov
    import torch
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(model_path, device="cpu")
    st.eval()
    modules = list(st)
    transformer = modules[0]
    auto, hf_tokenizer = getattr(transformer, "auto_model", None), getattr(transformer, "tokenizer", None)
    backend = getattr(hf_tokenizer, "backend_tokenizer", None)
    if auto is None or backend is None:
        raise RuntimeError("the model's first module is not a Hugging Face transformer with a "
                           "fast tokenizer")
    pooling = _pooling_modes(modules[1:])
    max_length = int(st.max_seq_length)
    tokens = dict(hf_tokenizer(list(PROBE), padding=True, truncation=True, max_length=max_length,
                               return_tensors="np"))
    reference = st.encode(list(PROBE), normalize_embeddings=True, convert_to_numpy=True)
    example = dict(hf_tokenizer(["a b", "a"], padding=True, return_tensors="pt"))
    # Tracing warns about shape-dependent branches that are constant for an encoder.
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        converted = ov.convert_model(auto, example_input=example)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
    try:
        ov.save_model(converted, tmp / "model.xml", compress_to_fp16=False)
        backend.save(str(tmp / "tokenizer.json"))
        meta = {"dim": int(reference.shape[1]), "pooling": list(pooling), "max_length": max_length,
                "pad_id": int(hf_tokenizer.pad_token_id), "pad_token": str(hf_tokenizer.pad_token),
                "pad_side": str(hf_tokenizer.padding_side), "probe": list(PROBE),
                "reference": reference.astype(float).tolist(), "model_path": model_path,
                "versions": _versions()}
        (tmp / "pipeline.json").write_text(json.dumps(meta), encoding="utf-8")
        _check_tokenizer(tmp, tokens)
        try:
            os.replace(tmp, folder)  # another process may have won the race: use its copy
        except OSError:
            if not (folder / "pipeline.json").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def quantize(folder: Path) -> None:
    """Write ``model-int8.xml`` beside the converted model (first start of the int8 route only:
    imports nncf). nncf's transformer preset: SmoothQuant, then int8 weights and activations in
    the matrix products, calibrated on ``CALIBRATION``; softmax and layer norms stay as they were."""
    import contextlib
    import sys

    import nncf
    import openvino as ov
    from nncf.quantization.advanced_parameters import (
        AdvancedQuantizationParameters,
        AdvancedSmoothQuantParameters,
    )

    model = ov.Core().read_model(str(folder / "model.xml"))
    names = {i.get_any_name() for i in model.inputs}
    tokenizer = load_tokenizer(folder)
    texts = [t for t in CALIBRATION.read_text(encoding="utf-8").splitlines() if t.strip()]

    def feed(text: str) -> dict[str, np.ndarray]:
        return {k: v for k, v in tokenize(tokenizer, [text]).items() if k in names}

    # nncf draws progress bars on stdout, which `--json` output owns
    with contextlib.redirect_stdout(sys.stderr):
        quantized = nncf.quantize(model, nncf.Dataset(texts, feed), subset_size=len(texts),
                                  model_type=nncf.ModelType.TRANSFORMER,
                                  preset=nncf.QuantizationPreset.MIXED,
                                  advanced_parameters=AdvancedQuantizationParameters(
                                      smooth_quant_alphas=AdvancedSmoothQuantParameters(
                                          matmul=SMOOTH_QUANT_ALPHA)))
    tmp = Path(tempfile.mkdtemp(dir=folder, prefix=".tmp-"))
    try:
        ov.save_model(quantized, tmp / "model-int8.xml", compress_to_fp16=False)
        # the weights first: a present model-int8.xml means the pair is whole
        os.replace(tmp / "model-int8.bin", folder / "model-int8.bin")
        os.replace(tmp / "model-int8.xml", folder / "model-int8.xml")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _pooling_modes(after: Sequence[object]) -> tuple[str, ...]:
    """The transformer may be followed by one Pooling and a Normalize; anything else (Dense,
    ...) needs torch: this route refuses it, and the bf16 route runs it."""
    names = [type(m).__name__ for m in after]
    if not names or names[0] != "Pooling" or any(n != "Normalize" for n in names[1:]):
        raise RuntimeError(f"modules {names} after the transformer are not run by this route")
    mode = after[0].pooling_mode  # type: ignore[attr-defined]
    modes = (mode,) if isinstance(mode, str) else tuple(mode)
    if not modes or any(m not in POOLING_MODES for m in modes):
        raise RuntimeError(f"pooling {modes} is not run by this route")
    return modes


def _check_tokenizer(folder: Path, expected: dict[str, np.ndarray]) -> None:
    """The saved tokenizer must give the ids the model was converted with."""
    import numpy as np

    ids = np.array([e.ids for e in load_tokenizer(folder).encode_batch(list(PROBE))])
    if not np.array_equal(ids, expected["input_ids"]):
        raise RuntimeError("the saved tokenizer disagrees with the model's tokenizer")


def _versions() -> dict[str, str]:
    out = {}
    for dist in ("openvino", "torch", "transformers", "sentence-transformers", "tokenizers", "nncf"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "none"
    return out


def _cache_key(model_path: str) -> str:
    """Model, weights and library versions: a change to any converts again. Read without
    importing the libraries."""
    parts = [CACHE_FORMAT, str(Path(model_path).resolve()), _weights_stamp(model_path),
             *(f"{k}={v}" for k, v in sorted(_versions().items()))]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]


def _weights_stamp(model_path: str) -> str:
    """Size and mtime of the model folder's files: a changed model is converted again."""
    folder = Path(model_path)
    if not folder.is_dir():
        return model_path
    return ";".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
                    for p in sorted(folder.rglob("*")) if p.is_file())
