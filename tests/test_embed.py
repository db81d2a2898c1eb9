from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import embed
from index.embed import FakeEmbedder, load_embedder
from index.errors import IndexMismatch


def test_fake_route():
    e = load_embedder("fake:32")
    assert isinstance(e, FakeEmbedder) and e.route == "fake" and e.dim == 32
    assert load_embedder("fake", route="fake").route == "fake"
    with pytest.raises(IndexMismatch):
        load_embedder("fake", route="bf16")


@pytest.mark.parametrize("route", ["nonsense", "BF16", "int8"])
def test_unknown_route_is_a_clear_mismatch(route, monkeypatch):
    monkeypatch.delenv(embed.ROUTE_ENV, raising=False)
    with pytest.raises(IndexMismatch, match="unknown embedding route"):
        load_embedder(route=route)


def test_unknown_route_from_env(monkeypatch):
    monkeypatch.setenv(embed.ROUTE_ENV, "nonsense")
    with pytest.raises(IndexMismatch, match="unknown embedding route"):
        load_embedder()


class _Stub:
    """Stands in for the real model: records the route it was asked for."""

    fail: set[str] = set()

    def __init__(self, name: str, route: str = "fp32") -> None:
        if route in self.fail:
            raise RuntimeError("no bf16 here")
        self.name, self.route, self.dim = name, route, 384


@pytest.fixture
def stub(monkeypatch):
    monkeypatch.delenv(embed.ROUTE_ENV, raising=False)
    monkeypatch.setattr(embed, "route_embedder", _Stub)
    _Stub.fail = set()
    return _Stub


@pytest.mark.parametrize(("flags", "route"), [
    ({"avx2", "fma"}, "openvino-fp32"),
    (set(), "openvino-fp32"),
    ({"avx512f", "avx512_bf16"}, "openvino-bf16"),
    ({"amx_bf16", "amx_tile"}, "openvino-bf16"),
    ({"avx512f", "avx512_bf16", "avx512_vnni"}, "openvino-int8"),  # Zen 4
    ({"amx_bf16", "amx_int8", "amx_tile"}, "openvino-int8"),
    ({"avx512f", "avx512_vnni"}, "openvino-int8"),  # VNNI without bf16: the rest in fp32
])
def test_auto_route_follows_cpu(stub, monkeypatch, flags, route):
    monkeypatch.setattr(embed, "cpu_flags", lambda: flags)
    assert load_embedder().route == route


def test_auto_falls_back_route_by_route(stub, monkeypatch, capsys):
    monkeypatch.setattr(embed, "cpu_flags", lambda: {"amx_bf16", "amx_int8"})
    stub.fail = {"openvino-int8"}  # e.g. nncf missing: the first start cannot quantize
    assert load_embedder().route == "openvino-bf16"
    assert "openvino-int8 unavailable" in capsys.readouterr().err
    stub.fail = {"openvino-int8", "openvino-bf16"}
    assert load_embedder().route == "bf16"
    assert "openvino-bf16 unavailable" in capsys.readouterr().err
    stub.fail = {"openvino-int8", "openvino-bf16", "bf16"}
    assert load_embedder().route == "fp32"
    assert "bf16 unavailable" in capsys.readouterr().err


def test_explicit_and_env_routes_are_exact(stub, monkeypatch):
    monkeypatch.setattr(embed, "cpu_flags", lambda: set())
    assert load_embedder(route="bf16").route == "bf16"  # the index's route, even if slow here
    monkeypatch.setenv(embed.ROUTE_ENV, "bf16")
    assert load_embedder().route == "bf16"
    assert load_embedder(route="fp32").route == "fp32"  # the manifest wins over the env


def test_cpu_flags_reads_this_machine():
    assert isinstance(embed.cpu_flags(), set)


@pytest.fixture(scope="module")
def passages() -> list[str]:
    from index.chunk import chunk_text
    from index.embed import embed_text
    from index.ingest import read_paths
    from index.models import Article
    from tests.conftest import SEEDS

    texts = [embed_text(a.title, c.text) for a in read_paths([SEEDS]) if isinstance(a, Article)
             for c in chunk_text(a.text)]
    return texts[:50]


@pytest.fixture
def model_cache(tmp_path_factory, monkeypatch) -> Path:
    """Converted models go to a fresh folder, so conversion itself is tested too."""
    folder = tmp_path_factory.mktemp("model-cache")
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(folder))
    return folder


@pytest.mark.slow
def test_chosen_route_agrees_with_fp32(passages, monkeypatch, model_cache):
    monkeypatch.delenv(embed.ROUTE_ENV, raising=False)
    e = load_embedder()
    assert e.route == embed.auto_routes()[0]  # this machine's best route loads, no fallback
    vecs = e.embed(passages)
    assert vecs.dtype == np.float32 and vecs.shape == (len(passages), 384) == (len(passages), e.dim)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    ref = e._model.encode(passages, normalize_embeddings=True) if e.route == "fp32" else \
        load_embedder(route="fp32")._model.encode(passages, normalize_embeddings=True)
    agreement = float(np.mean(np.sum(vecs * ref, axis=1)))
    # int8 rounds every matrix product (bench/README.md: what that does to retrieval)
    assert agreement >= (0.995 if e.route == embed.OPENVINO_INT8_ROUTE else 0.999), (e.route, agreement)
    again = load_embedder(route=e.route)
    assert again.route == e.route
    assert np.array_equal(again.embed(passages), vecs)  # deterministic: queries match the index


@pytest.mark.slow
@pytest.mark.parametrize("route", embed.ROUTES)
def test_every_route_embeds_alike_alone_in_batches_and_in_threads(passages, route, model_cache):
    """A question (one text, alone) must land where the same text lands inside an index batch,
    and the app embeds questions from several threads at once."""
    from concurrent.futures import ThreadPoolExecutor

    e = load_embedder(route=route)
    batch = e.embed(passages)
    alone = np.vstack([e.embed([t]) for t in passages[:12]])
    # int8 kernels round a text's activations a little differently beside padded neighbours
    least = 0.9995 if route == embed.OPENVINO_INT8_ROUTE else 0.9999
    assert np.min(np.sum(alone * batch[:12], axis=1)) >= least
    with ThreadPoolExecutor(4) as pool:
        threaded = np.vstack(list(pool.map(lambda t: e.embed([t]), passages[:12] * 3)))
    assert np.allclose(threaded, np.vstack([alone] * 3), atol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("route", ["bf16", "fp32"])
def test_embedding_never_changes_torchs_thread_count(passages, route):
    """torch's sums for one text differ with its thread count (bf16 by up to 8e-4 a component):
    a route that thinned its threads under load embedded a question unlike the index. Embedding,
    from several threads at once as the app does, must leave the process-wide count alone."""
    from concurrent.futures import ThreadPoolExecutor

    import torch

    e = load_embedder(route=route)
    threads = torch.get_num_threads()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda t: e.embed([t]), passages[:12]))
    assert torch.get_num_threads() == threads


@pytest.mark.slow
def test_openvino_conversion_is_cached(model_cache):
    load_embedder(route=embed.OPENVINO_ROUTE)
    converted = list((model_cache / "openvino").glob("*/model.xml"))
    assert len(converted) == 1
    assert {p.name for p in converted[0].parent.iterdir()} == {
        "model.xml", "model.bin", "tokenizer.json", "pipeline.json", "compiled"}
    stamp = converted[0].stat().st_mtime_ns
    load_embedder(route=embed.OPENVINO_ROUTE)
    assert [p.stat().st_mtime_ns for p in (model_cache / "openvino").glob("*/model.xml")] == [stamp]
    assert not list((model_cache / "openvino").glob(".tmp-*"))  # no half-written conversions


@pytest.mark.slow
def test_int8_model_is_quantized_once_and_quietly(model_cache, capfd):
    """The int8 route's first start quantizes the converted model beside it; later starts load
    it. nncf's progress goes to stderr: stdout belongs to `ask --json`."""
    e = load_embedder(route=embed.OPENVINO_INT8_ROUTE)
    assert e.route == embed.OPENVINO_INT8_ROUTE
    assert capfd.readouterr().out == ""
    folder = next((model_cache / "openvino").glob("*/model-int8.xml")).parent
    assert {"model.xml", "model.bin", "model-int8.xml", "model-int8.bin"} <= {
        p.name for p in folder.iterdir()}
    assert not list(folder.glob(".tmp-*"))
    stamp = (folder / "model-int8.xml").stat().st_mtime_ns
    again = load_embedder(route=embed.OPENVINO_INT8_ROUTE)
    assert (folder / "model-int8.xml").stat().st_mtime_ns == stamp
    text = ["The central bank raised rates in March."]
    assert np.array_equal(again.embed(text), e.embed(text))
    bf16 = load_embedder(route=embed.OPENVINO_ROUTE).embed(text)
    assert 0.98 <= float(np.sum(e.embed(text) * bf16)) < 0.99999  # close, yet really int8


@pytest.mark.slow
def test_a_route_that_computes_garbage_is_refused(monkeypatch, model_cache, capsys):
    """The self-test compares with fp32: a broken fast route falls back instead of filling an index."""
    from index import embed_openvino

    def garbage(self, batches, texts, done):
        for rows in batches:
            tokens = self.tokenize([texts[i] for i in rows])
            hidden = np.random.default_rng(0).normal(size=(*tokens["input_ids"].shape, 384))
            done(rows, tokens, hidden.astype(np.float32))

    monkeypatch.setattr(embed_openvino.OpenVinoEmbedder, "run", garbage)
    monkeypatch.delenv(embed.ROUTE_ENV, raising=False)
    routes = embed.auto_routes()
    torch_route = next(r for r in routes if r not in embed.OPENVINO_ROUTES)
    assert load_embedder().route == torch_route  # every OpenVINO route computes the garbage
    assert f"{routes[0]} unavailable" in capsys.readouterr().err


def _reachable(roots: list[object], limit: int = 200_000) -> list[object]:
    """Objects reachable from ``roots``, not through modules or classes (shared by everything)."""
    import gc
    import sys
    import types

    module_dicts = {id(m.__dict__) for m in list(sys.modules.values()) if hasattr(m, "__dict__")}
    seen: dict[int, object] = {}
    todo = list(roots)
    while todo and len(seen) < limit:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, types.ModuleType | type) or id(obj) in module_dicts:
            continue
        seen[id(obj)] = obj
        todo.extend(gc.get_referents(obj))
    return list(seen.values())


@pytest.mark.slow
def test_openvino_callbacks_hold_no_openvino_object(monkeypatch, model_cache):
    """OpenVINO's threads may drop the batch callback last. If it held the embedder, the compiled
    model would be destroyed on its own stream thread, which then joins itself: the process
    aborted at exit ("Resource deadlock avoided") in about a third of bench runs."""
    from index import embed_openvino

    e = load_embedder(route=embed.OPENVINO_ROUTE)
    handed: list[object] = []
    real_run = embed_openvino.OpenVinoEmbedder.run

    def spy(self, batches, texts, done):
        handed.append(done)
        return real_run(self, batches, texts, done)

    monkeypatch.setattr(embed_openvino.OpenVinoEmbedder, "run", spy)
    vecs = e.embed([f"Passage {i} on the talks in Riyadh." for i in range(40)])
    assert vecs.shape == (40, e.dim) and handed
    held = _reachable(handed)
    assert id(e) not in {id(o) for o in held}
    assert not [o for o in held if type(o).__module__.startswith("openvino")]
