"""What every bench script shares: data paths, the cache, record files, the passages a build
embeds, progress lines, and a suite's project index loaded beside the baselines' view of it.

The rest of the harness: bench/baselines.py (exact dense, BM25, RRF), bench/metrics.py
(hit@k, MRR, percentiles, Date-F1, ROUGE, folds, the subgroup rule), bench/tables.py.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.baselines import BM25, DenseSearch

if TYPE_CHECKING:
    import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # scripts run as `python bench/x.py` import the project from here
    sys.path.insert(0, str(ROOT))

DATA_ENV = "TIMELINE_BENCH_DATA"
CACHE_ENV = "TIMELINE_BENCH_CACHE"
MODEL_ENV = "TIMELINE_BENCH_MODEL"


# -- paths ----------------------------------------------------------------------------------
def data_dir() -> Path:
    """``$TIMELINE_BENCH_DATA``, else the nearest ``shared/data`` beside the repository or one
    of its parents (a fresh clone has ../shared beside it; a git worktree may sit deeper)."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    for parent in ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def data_path(name: str, override: str | Path | None = None) -> Path:
    """A file or folder of the shared data (``override`` wins when given)."""
    return Path(override) if override else data_dir() / name


def cache_dir(*parts: str) -> Path:
    """bench/.cache (git-ignored), or ``$TIMELINE_BENCH_CACHE``."""
    base = Path(os.environ.get(CACHE_ENV) or ROOT / "bench" / ".cache")
    return base.joinpath(*parts)


def code_key(*extra: str, sources: Iterable[str] = ("index",)) -> str:
    """A short hash of the project code that shapes an index (every .py under ``sources``:
    ingest, cleaning, chunking, dating, embedding) and of ``extra`` (model, route, selection).
    An index cached under it is rebuilt after any such change instead of being re-read stale."""
    h = hashlib.sha256()
    for src in sources:
        for f in sorted((ROOT / src).rglob("*.py")):
            h.update(str(f.relative_to(ROOT)).encode())
            h.update(f.read_bytes())
    for e in extra:
        h.update(b"\0" + e.encode())
    return h.hexdigest()[:12]


# -- record files ---------------------------------------------------------------------------
def _open(path: Path, mode: str):
    return gzip.open(path, mode, encoding="utf-8") if path.name.endswith(".gz") else open(
        path, mode, encoding="utf-8")


def read_jsonl(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The records of a .jsonl or .jsonl.gz file (the first ``limit`` when given)."""
    out = []
    with _open(path, "rt") as f:
        for line in f:
            if limit is not None and len(out) >= limit:
                break
            if line.strip():
                out.append(json.loads(line))
    return out


def write_jsonl(records: Iterable[Mapping[str, Any]], path: Path) -> int:
    """Write records as .jsonl (.jsonl.gz by name); returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with _open(path, "wt") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_subset(src: Path, dst: Path, limit: int | None) -> int:
    """The first ``limit`` records of a .jsonl(.gz) file as ``dst``, lines copied verbatim."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with _open(src, "rt") as fin, _open(dst, "wt") as fout:
        for line in fin:
            if limit is not None and n >= limit:
                break
            if line.strip():
                fout.write(line if line.endswith("\n") else line + "\n")
                n += 1
    return n


def spread(items: Sequence[Any], n: int | None) -> list[Any]:
    """``n`` items evenly spread over the sequence (all of them for None, 0 or more)."""
    if not n or n >= len(items):
        return list(items)
    return [items[i * len(items) // n] for i in range(n)]


# -- passages and embedding ----------------------------------------------------------------
def fixed_chunks(texts: Sequence[str], size: int = 500) -> list[tuple[int, str]]:
    """Fixed-size character chunks, the naive chunking baseline: (text index, chunk)."""
    return [(n, t[i:i + size]) for n, t in enumerate(texts) for i in range(0, len(t), size)]


def embed_text(title: str, text: str) -> str:
    """What the project embeds for a passage (wherever the project keeps that function)."""
    try:
        from index.embed import embed_text as f  # type: ignore[attr-defined]
    except ImportError:
        from index.embed import embed_text as f
    return f(title, text)


def passage_texts(paths: Sequence[Path], limit: int | None = None) -> list[str]:
    """What a fresh build embeds: each unique passage text once, in corpus order (``limit``:
    only the first that many articles)."""
    from index.chunk import chunk_text
    from index.ingest import read_paths
    from index.models import Article

    out: dict[str, None] = {}
    n = 0
    for a in read_paths(list(paths)):
        if not isinstance(a, Article):
            continue
        n += 1
        if limit and n > limit:
            break
        for c in chunk_text(a.text):
            out.setdefault(embed_text(a.title, c.text), None)
    return list(out)


def load_model(model: str | None = None):
    """The embedder a suite uses: ``model``, else ``$TIMELINE_BENCH_MODEL``, else the default."""
    from index.embed import load_embedder

    return load_embedder(model or os.environ.get(MODEL_ENV) or None)


def model_tag(embedder) -> str:
    return f"{embedder.name}\0{getattr(embedder, 'route', '')}"


# -- progress -------------------------------------------------------------------------------
def progress(items: Sequence[Any], label: str) -> Iterator[Any]:
    """tqdm on a terminal (stderr); otherwise a line at every tenth, for logs."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        yield from tqdm(items, desc=label, leave=False)
        return
    step = max(1, len(items) // 10)
    t0 = time.perf_counter()
    for i, item in enumerate(items, 1):
        yield item
        if i % step == 0 or i == len(items):
            print(f"{label}: {i}/{len(items)} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


# -- the project's index and the baselines' view of the same passages -----------------------
@dataclass
class Corpus:
    """One suite's project index, loaded into a Bot, and every passage of it in one row order:
    the baselines search exactly these passages, with the vectors the project stored."""

    bot: Any  # bot.engine.Bot
    passages: list[Any]  # index.models.Passage, row order
    articles: dict[str, Any]  # article_id -> index.models.Article
    vectors: np.ndarray
    dense: DenseSearch
    bm25: BM25
    build_seconds: float

    @cached_property
    def row_of(self) -> dict[int, int]:
        return {p.passage_id: r for r, p in enumerate(self.passages)}

    @cached_property
    def rows_by_text(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for r, p in enumerate(self.passages):
            out[p.text].append(r)
        return out

    def record_key(self, row: int) -> str:
        """The id of the input record a passage came from (what gold answers name)."""
        return record_key(self.articles[self.passages[row].article_id].origin)

    def published(self, row: int):
        return self.articles[self.passages[row].article_id].published

    def published_after(self, day) -> np.ndarray:
        """Rows whose article was published after ``day`` (undated ones are not)."""
        return self._published_ordinals > day.toordinal()

    @cached_property
    def _published_ordinals(self) -> np.ndarray:
        import numpy as np

        return np.array([(d.toordinal() if (d := self.published(r)) else 0)
                         for r in range(len(self.passages))])

    def in_range(self, lo, hi) -> np.ndarray:
        """Rows whose timeline date lies in [lo, hi] (open ends allowed): the project's filter."""
        import numpy as np

        return np.array([p.timeline_date is not None and (lo is None or p.timeline_date >= lo)
                         and (hi is None or p.timeline_date <= hi) for p in self.passages])


def record_key(origin: str) -> str:
    """"path#key" -> "key": the record id ingest keeps in an article's origin."""
    return origin.rsplit("#", 1)[-1]


def load_corpus(suite: str, paths: Sequence[Path], embedder, *, selection: str = "",
                reranker=None) -> Corpus:
    """Build (once) and load a suite's project index under bench/.cache/<suite>/.

    The folder is named by the selection (which records a --limit run took; "all") and by
    ``code_key``: the index/ sources, the model and route, and the selection. Indexes of the
    same selection and older code are removed; a --limit run leaves the full run's alone."""
    from bot.engine import Bot
    from index.build import build_index
    from index.indexdir import open_index

    root = cache_dir(suite)
    tag = re.sub(r"[^\w=.-]", "_", selection) or "all"
    ix = root / f"index-{tag}-{code_key(model_tag(embedder), selection, *map(str, paths))}"
    done = ix / "bench-complete"
    t0 = time.perf_counter()
    if not done.exists():
        import shutil

        for old in root.glob("index-*"):
            # this selection's, or named before selections were (a bare hash)
            if old != ix and old.is_dir() and (old.name.startswith(f"index-{tag}-")
                                               or re.fullmatch(r"index-[0-9a-f]{12}", old.name)):
                shutil.rmtree(old)
        print(f"[{suite}] building the index in {ix} ...", file=sys.stderr)
        build_index(list(paths), ix, embedder=embedder)
        done.write_text("built\n")
    build = time.perf_counter() - t0
    index = open_index(ix, model=embedder.name)
    bot = Bot(index, embedder, reranker=reranker)
    ids = sorted(index.store.all_passage_ids())
    found = index.store.passages(ids)
    passages = [found[i] for i in ids]
    articles = index.store.articles({p.article_id for p in passages})
    vectors = index.vectors.reconstruct(ids) if ids else None
    texts = [embed_text(articles[p.article_id].title, p.text) for p in passages]
    import numpy as np

    vecs = np.asarray(vectors if vectors is not None else np.zeros((0, embedder.dim)), dtype=np.float32)
    return Corpus(bot, passages, articles, vecs, DenseSearch(vecs), BM25(texts), build)


