"""Start-up cost: a command imports only what its route needs (#22)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEEDS

# what converting or quantizing the model imports, on a first start only
TORCH_SIDE = ("torch", "transformers", "sentence_transformers", "nncf")
HEAVY = (*TORCH_SIDE, "openvino", "tokenizers", "gradio", "faiss", "numpy", "ray")


def _loaded_after(call: str, env: dict[str, str] | None = None) -> list[str]:
    """Runs ``call`` in a fresh interpreter; the heavy modules it left in sys.modules."""
    code = (f"import json, sys\ntry:\n    {call}\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ["index", "bot"])
def test_help_imports_no_heavy_library(module):
    assert _loaded_after(f"from {module}.__main__ import main; main(['--help'])") == []


@pytest.mark.slow
@pytest.mark.parametrize("route", ["openvino-bf16", "openvino-int8"])
def test_asking_on_the_openvino_route_needs_no_torch(tmp_path, route):
    """Once the model is converted (the build did it), a question loads the tokenizer with
    tokenizers and the model with OpenVINO: torch, transformers, sentence-transformers and nncf
    stay out of the process."""
    env = {"TIMELINE_CACHE_DIR": str(tmp_path / "cache"), "TIMELINE_EMBED_ROUTE": route}
    ix = tmp_path / "index"
    built = subprocess.run([sys.executable, "-m", "index", "build", str(SEEDS), "--index-dir", str(ix)],
                           cwd=ROOT, capture_output=True, text=True, timeout=600,
                           env={**os.environ, **env})
    assert built.returncode == 0, built.stderr[-3000:]
    for noise in ("loss_type", "Loading weights"):  # the conversion's, which a user cannot act on
        assert noise not in built.stderr
    ask = (f"from bot.__main__ import main; main(['ask', '--json', '--index-dir', {str(ix)!r}, "
           f"'What did Kallas say about Putin?'])")
    loaded = _loaded_after(ask, {"TIMELINE_CACHE_DIR": env["TIMELINE_CACHE_DIR"]})
    assert {"openvino", "tokenizers"} <= set(loaded)  # the question was embedded, on this route
    assert not set(TORCH_SIDE) & set(loaded), loaded
