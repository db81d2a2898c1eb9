"""Build an index on a Ray cluster, for corpora one 2-core machine cannot embed in time.

Stages, each a Ray Data operator so they spread over the cluster:
  read + parse + clean  ``flat_map`` over the input files (a file is one task)
  skip known articles   by content hash, before any embedding is scheduled
  chunk + date          ``flat_map`` over articles
  embed                 ``map_batches`` over an actor pool: one model per actor, the index's route
  write shards          Parquet under ``<index>/staging/<run>/``, one file per block
Then the driver assembles the shards into exactly the directory the single-machine build
writes (SQLite, FAISS, manifest), through the same builder, so ids are assigned once, in
input order, without collisions, and ``bot``/``app.py`` need no change. Once the index is
IVF-SQ8 (past ``ivf_threshold`` passages), large additions and retrains take the partitioned
route of ``index/partition.py``: parts encoded as Ray tasks, inverted lists merged into the one
index file. A worker that dies mid-run is restarted by Ray and its task retried; assembly keeps
each article once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.build import (
    BuildOptions,
    BuildReport,
    Progress,
    build_articles,
    existing_article_ids,
    planned_model,
)
from index.embed import embed_text
from index.errors import TimelineError
from index.ingest import walk_paths
from index.models import Article, Skipped
from index.partition import ParallelAdd
from index.prepare import Prepared, PreparedPassage, prepare, text_hash
from index.rows import dates_from_json, dates_to_json, quotes_from_json, quotes_to_json

if TYPE_CHECKING:
    import numpy as np

STAGING_DIR = "staging"
EMBED_BATCH = 256
# Ray restarts a dead embedding actor and retries its batch this many times.
MAX_RETRIES = 4
# Passages a commit of the assemble step. Each commit rewrites the whole FAISS file and rebuilds
# its id map, so the single-machine cap (100k) would rewrite a 4 GB file 100 times at 10M; and a
# big batch is what makes the partitioned FAISS add worth its tasks. A kill loses no more: the
# shards of a dead run are not reused anyway.
ASSEMBLE_FLUSH = 1_000_000


# -- the stages (run on Ray workers; plain functions of dict rows) -----------------------------

def list_inputs(paths: Iterable[str | Path]) -> tuple[list[Path], list[Skipped]]:
    """The files a build reads, in the order the single-machine build reads them."""
    files: list[Path] = []
    missing: list[Skipped] = []
    for item in walk_paths(paths):
        (missing if isinstance(item, Skipped) else files).append(item)  # type: ignore[arg-type]
    return files, missing


def parse_file(row: dict[str, Any]) -> list[dict[str, Any]]:
    """One input file -> article rows and skipped rows, numbered in reading order."""
    from index.read import read_file

    out = []
    for n, item in enumerate(read_file(Path(row["path"]))):
        base = {"file_idx": row["file_idx"], "rec_idx": n, "origin": item.origin}
        if isinstance(item, Skipped):
            out.append({**base, "kind": "skipped", "reason": item.reason, "article": ""})
        else:
            out.append({**base, "kind": "article", "reason": "", "article": _article_json(item)})
    return out


def chunk_and_date(row: dict[str, Any]) -> list[dict[str, Any]]:
    """One article row -> its passage rows: ``index.prepare.prepare``, as the single build."""
    prepared = prepare(_article_from_json(row["article"]))
    return [{"file_idx": row["file_idx"], "rec_idx": row["rec_idx"],
             "article_id": prepared.article.article_id, "ordinal": p.ordinal, "start": p.start,
             "end": p.end, "text": p.text, "text_hash": p.text_hash, "embed_text": p.embed_text,
             "events": dates_to_json(p.event_dates), "quotes": quotes_to_json(p.quotes),
             "timeline_date": p.timeline_date.isoformat() if p.timeline_date else ""}
            for p in prepared.passages]


class EmbedActor:
    """Loads the model once per actor; every batch is embedded the way the index is."""

    def __init__(self, model: str, route: str | None) -> None:
        from index.embed import load_embedder

        self.embedder = load_embedder(model, route=route)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, Any]:
        vectors = self.embedder.embed([str(t) for t in batch["embed_text"]])
        out = {k: v for k, v in batch.items() if k != "embed_text"}
        out["vector"] = [v.tobytes() for v in vectors]  # bytes: plain Parquet, exact float32
        return out


# -- the driver ----------------------------------------------------------------------------

def build_with_ray(paths: Sequence[str | Path], index_dir: str | Path, *, address: str | None = None,
                   model: str | None = None, rebuild: bool = False, progress: Progress | None = None,
                   num_cpus: int | None = None, actors: int | None = None,
                   ivf_threshold: int | None = None, add: ParallelAdd | None = None) -> BuildReport:
    """``python -m index build --ray [ADDRESS]``: join a cluster, or start a local one.

    ``ivf_threshold`` as in ``build_index``; ``add`` sets when FAISS additions go parallel.
    """
    import ray

    index_dir = Path(index_dir)
    files, missing = list_inputs(paths)
    model_name, route = planned_model(index_dir, model=model, rebuild=rebuild)
    known = set() if rebuild else existing_article_ids(index_dir)
    started = False
    if not ray.is_initialized():
        init: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                "configure_logging": False}
        if address:
            init["address"] = address
        else:
            init["num_cpus"] = num_cpus
        ray.init(**init)
        started = True
    try:
        with staging_run(index_dir) as run_dir:
            _run_stages(files, run_dir, model_name, route, known, actors, progress)
            shards = _read_shards(run_dir)
            options = BuildOptions(flush_every=ASSEMBLE_FLUSH, ivf_threshold=ivf_threshold,
                                   add=add or ParallelAdd())
            report = assemble(shards, index_dir, model=model_name, route=route, rebuild=rebuild,
                              progress=progress, options=options)
    finally:
        if started:
            ray.shutdown()
    return dataclasses.replace(report, skipped=tuple(missing) + report.skipped)


def assemble(shards: Shards, index_dir: Path, *, model: str, route: str, rebuild: bool,
             progress: Progress | None, options: BuildOptions) -> BuildReport:
    """Write the index from the stages' shards through the single-machine builder."""

    def prepared(article: Article) -> Prepared:
        found = shards.prepared.get(article.article_id)
        if found is None:  # an article with no passage rows prepares to none here too
            return prepare(article)
        # a repeated story (same content, another origin) shares the rows: keep this origin
        return dataclasses.replace(found, article=article)

    return build_articles(shards.items, index_dir, model=model,
                          embedder=_PreparedEmbedder(model, route, shards.vectors),
                          rebuild=rebuild, progress=progress, options=options,
                          prepare_article=prepared)


@contextmanager
def staging_run(index_dir: Path) -> Iterator[Path]:
    """A fresh staging folder, locked while this run lives; folders of dead runs are removed.

    A driver killed mid-run leaves its Parquet shards behind. The kernel drops its ``flock``
    with it, so the next run tells a dead run's folder from a live concurrent run's. The lock
    is taken before the folder exists, so no run ever sees a live folder unlocked.
    """
    import fcntl

    staging = index_dir / STAGING_DIR
    staging.mkdir(parents=True, exist_ok=True)
    for old in [d for d in staging.iterdir() if d.is_dir()]:
        with open(old.with_suffix(".lock"), "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live run
            shutil.rmtree(old, ignore_errors=True)
            old.with_suffix(".lock").unlink(missing_ok=True)
    run_dir = staging / uuid.uuid4().hex[:12]
    with open(run_dir.with_suffix(".lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            run_dir.mkdir()
            yield run_dir
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)
            run_dir.with_suffix(".lock").unlink(missing_ok=True)


def _run_stages(files: list[Path], run_dir: Path, model: str, route: str | None, known: set[str],
                actors: int | None, progress: Progress | None) -> None:
    import ray

    if not files:
        run_dir.mkdir(parents=True, exist_ok=True)
        return
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = bool(progress)
    items = [{"file_idx": i, "path": str(p)} for i, p in enumerate(files)]
    parsed = ray.data.from_items(items, override_num_blocks=min(len(items), 200)).flat_map(parse_file)
    parsed = parsed.materialize()
    parsed.write_parquet(str(run_dir / "parsed"))

    def is_new(row: dict[str, Any]) -> bool:
        return row["kind"] == "article" and json.loads(row["article"])["article_id"] not in known

    cpus = int(ray.cluster_resources().get("CPU", 1))
    passages = (parsed.filter(is_new).repartition(max(2, cpus * 2)).flat_map(chunk_and_date))
    embedded = passages.map_batches(
        EmbedActor, fn_constructor_kwargs={"model": model, "route": route},
        batch_size=EMBED_BATCH, batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=actors or max(1, cpus // 2)),
        max_restarts=MAX_RETRIES, max_task_retries=MAX_RETRIES,
    )
    embedded.write_parquet(str(run_dir / "passages"))


@dataclasses.dataclass(frozen=True)
class Shards:
    """What the stages wrote: articles and skips in input order, passages and vectors."""

    items: list[Article | Skipped]
    prepared: Mapping[str, Prepared]  # by article id
    vectors: Mapping[str, bytes]  # text hash -> float32 vector bytes


def _read_shards(run_dir: Path) -> Shards:
    import pyarrow.dataset as pads

    items: list[tuple[int, int, Article | Skipped]] = []
    if (run_dir / "parsed").exists():
        for r in pads.dataset(run_dir / "parsed").to_table().to_pylist():
            item = (_article_from_json(r["article"]) if r["kind"] == "article"
                    else Skipped(r["origin"], r["reason"]))
            items.append((r["file_idx"], r["rec_idx"], item))
    items.sort(key=lambda t: (t[0], t[1]))
    articles = {t[2].article_id: t[2] for t in items if isinstance(t[2], Article)}
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    vectors: dict[str, bytes] = {}
    if (run_dir / "passages").exists():
        for r in pads.dataset(run_dir / "passages").to_table().to_pylist():
            # a retried task may have written its rows twice: one per (article, ordinal) is kept
            rows.setdefault(r["article_id"], {})[r["ordinal"]] = r
            vectors[r["text_hash"]] = r["vector"]
    prepared = {aid: _prepared_from_rows(articles[aid], [by[o] for o in sorted(by)])
                for aid, by in rows.items() if aid in articles}
    return Shards([t[2] for t in items], prepared, vectors)


def _prepared_from_rows(article: Article, rows: list[dict[str, Any]]) -> Prepared:
    return Prepared(article, tuple(
        PreparedPassage(ordinal=r["ordinal"], start=r["start"], end=r["end"], text=r["text"],
                        embed_text=embed_text(article.title, r["text"]), text_hash=r["text_hash"],
                        event_dates=dates_from_json(r["events"]),
                        timeline_date=dt.date.fromisoformat(r["timeline_date"])
                        if r["timeline_date"] else None, quotes=quotes_from_json(r["quotes"]))
        for r in rows))


class _PreparedEmbedder:
    """Hands back vectors computed by the stages, by the hash of the text they were made from."""

    def __init__(self, name: str, route: str, vectors: Mapping[str, bytes]) -> None:
        import numpy as np

        self.name, self.route, self._vectors = name, route, vectors
        first = next(iter(vectors.values()), b"")
        self.dim = len(np.frombuffer(first, dtype=np.float32)) if first else 0

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        import numpy as np

        rows = []
        for t in texts:
            raw = self._vectors.get(text_hash(t))
            if raw is None:
                raise TimelineError("a passage reached assembly without its vector; run the "
                                    "build again")
            rows.append(np.frombuffer(raw, dtype=np.float32))
        return np.vstack(rows) if rows else np.zeros((0, self.dim), np.float32)


# -- rows <-> records ----------------------------------------------------------------------

def _article_json(a: Article) -> str:
    return json.dumps({"origin": a.origin, "title": a.title, "text": a.text, "source": a.source,
                       "url": a.url, "published": a.published.isoformat() if a.published else None,
                       "date_source": a.date_source, "meta": dict(a.meta),
                       "article_id": a.article_id}, ensure_ascii=False)


def _article_from_json(raw: str) -> Article:
    d = json.loads(raw)
    d.pop("article_id", None)
    d["published"] = dt.date.fromisoformat(d["published"]) if d["published"] else None
    return Article(**d)
