from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "articles"
# ../shared/data beside the clone; a git worktree nested deeper finds the one further up
SHARED_DATA = next((p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
                   ROOT.parent / "shared" / "data")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A private copy of the bundled corpus, free to edit."""
    dst = tmp_path / "articles"
    shutil.copytree(SEEDS, dst)
    return dst


@pytest.fixture
def fake_index(tmp_path: Path, seeds: Path) -> Path:
    from index.build import build_index
    from index.embed import FakeEmbedder

    out = tmp_path / "index"
    build_index([seeds], out, embedder=FakeEmbedder(64))
    return out


@pytest.fixture(scope="session")
def real_embedder():
    from index.embed import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:
    """The bundled corpus indexed with the real default model, once per session."""
    from index.build import build_index

    out = tmp_path_factory.mktemp("real") / "index"
    build_index([SEEDS], out, embedder=real_embedder)
    return out


@pytest.fixture(scope="session")
def real_bot(real_index: Path, real_embedder):
    from bot.engine import Bot
    from index.indexdir import open_index

    return Bot(open_index(real_index), real_embedder)


def run_cli(module: str, *args: str, env: dict[str, str] | None = None,
            stdin: str | None = None, timeout: float = 300):
    import subprocess

    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True,
                          cwd=ROOT, env=full_env, input=stdin, timeout=timeout)


def write_synthetic_corpus(path: Path, n: int, *, seed: int = 7) -> Path:
    """A gzipped JSONL of n dated articles of four paragraphs each: ~4 passages an article."""
    import gzip
    import json
    import random

    rng = random.Random(seed)
    words = "talks ceasefire Kyiv Moscow summit envoy sanctions drone grain port energy".split()
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i in range(n):
            body = "\n\n".join(" ".join(f"{rng.choice(words).capitalize()} "
                                          f"{' '.join(rng.choices(words, k=12))}." for _ in range(5))
                                 for _ in range(4))
            fh.write(json.dumps({"id": str(i), "date": f"2025-0{1 + i % 9}-1{i % 9}",
                                 "title": f"Story {i}", "text": body}) + "\n")
    return path


def reuters_slice(path: Path, lo: int, hi: int) -> Path:
    """Records lo..hi of the shared Reuters-21578 corpus as a .jsonl file."""
    import gzip
    import itertools

    with gzip.open(SHARED_DATA / "reuters21578.jsonl.gz", "rt", encoding="utf-8") as src:
        path.write_text("".join(itertools.islice(src, lo, hi)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()
