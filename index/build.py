"""Build or update an index directory: walk → read → prepare (chunk, date, quotes) → embed → store.

Incremental by content hash: an unchanged article costs a lookup, a changed one replaces its old
passages, and a passage whose text was embedded before reuses that vector. Reading and preparing
the next batch runs in a thread while this batch is embedded and stored (index/pipeline.py);
batches are committed in reading order with the crash-safe protocol of index/indexdir.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index.embed import Embedder, load_embedder
from index.errors import IndexCorrupt, IndexMismatch
from index.faults import fault_point
from index.indexdir import (
    MANIFEST_FILE,
    STORE_FILE,
    check_compatible,
    manifest_from_store,
    now_iso,
    rebuild_hint,
    remove_stale_files,
    write_lock,
    write_manifest,
)
from index.ingest import read_paths
from index.models import Article, Skipped
from index.pipeline import run_ahead
from index.prepare import Prepared, prepare
from index.rows import NewPassage
from index.schema import SCHEMA_VERSION
from index.settings import load_settings
from index.store import Store
from index.timings import StageTimes, recording
from index.vectors import IVF_SQ8, Adder, VectorIndex, kind_for, nlist_for

if TYPE_CHECKING:
    import numpy as np


# (stage, done, total or None): the CLI draws it on a terminal, the app in the page.
Progress = Callable[[str, int, "int | None"], None]
FLUSH_PASSAGES = 2048
# Each batch rewrites the whole FAISS file (the crash-safe protocol in index/indexdir.py), so
# batches grow with the index: a quarter of what is already stored, up to MAX_FLUSH_PASSAGES.
# The file is then rewritten ~log(N) times while small and every 100k passages when large,
# not N/2048 times (quadratic I/O: ~280 GB written for 1.15M headlines at 2048 per batch).
MAX_FLUSH_PASSAGES = 100_000
# Batches prepared ahead of the one being embedded: enough to keep embedding busy, few enough
# that memory stays a few batches.
PREPARE_AHEAD = 2


@dataclass(frozen=True)
class BuildOptions:
    """How a build batches and lays out vectors; the defaults suit one machine."""

    flush_every: int = FLUSH_PASSAGES  # passages per commit, at least
    # passages above which FAISS switches from exact flat to IVF-SQ8 (default
    # index.vectors.IVF_THRESHOLD or $TIMELINE_IVF_THRESHOLD)
    ivf_threshold: int | None = None
    add: Adder | None = None  # puts new vectors into FAISS; default VectorIndex.add


@dataclass(frozen=True)
class BuildReport:
    new: int
    replaced: int
    unchanged: int
    passages_added: int
    passages_removed: int
    embedded: int
    reused: int
    skipped: tuple[Skipped, ...]
    added_titles: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (index.timings)

    def summary(self) -> str:
        """One line for a person; each skipped input named with its reason."""
        articles = self.new + self.replaced + self.unchanged
        line = (f"{articles} articles ({self.new} new, {self.replaced} changed, "
                f"{self.unchanged} unchanged) · {self.passages_added} new passages "
                f"({self.embedded} embedded, {self.reused} reused) · {len(self.skipped)} skipped")
        if self.skipped:
            line += ": " + "; ".join(f"{Path(s.origin).name} ({s.reason})" for s in self.skipped)
        return line


@dataclass
class _Batch:
    replaced: list[str] = field(default_factory=list)  # article ids whose origin changed
    prepared: list[Prepared] = field(default_factory=list)
    passages: int = 0


def build_index(paths: Sequence[str | Path], index_dir: str | Path, *, model: str | None = None,
                embedder: Embedder | None = None, rebuild: bool = False,
                progress: Progress | None = None,
                options: BuildOptions | None = None) -> BuildReport:
    """Add or update ``paths`` in ``index_dir``; the vector layout follows the corpus size."""
    return build_articles(read_paths(paths), index_dir, model=model, embedder=embedder,
                          rebuild=rebuild, progress=progress, options=options)


def build_articles(items: Iterable[Article | Skipped], index_dir: str | Path, *,
                   model: str | None = None, embedder: Embedder | None = None,
                   rebuild: bool = False, progress: Progress | None = None,
                   options: BuildOptions | None = None,
                   prepare_article: Callable[[Article], Prepared] = prepare) -> BuildReport:
    """Add already-read articles; ``prepare_article`` may hand back passages prepared elsewhere
    (the Ray path, with an embedder that returns their vectors): the same builder then writes
    the same index."""
    index_dir = Path(index_dir)
    with write_lock(index_dir):
        if rebuild:
            _clear(index_dir)
        builder = _Builder(index_dir, model=model, embedder=embedder, progress=progress,
                           options=options or BuildOptions(), prepare_article=prepare_article)
        try:
            return builder.run(items)
        finally:
            builder.store.close()


class _Builder:
    def __init__(self, index_dir: Path, *, model: str | None, embedder: Embedder | None,
                 progress: Progress | None, options: BuildOptions,
                 prepare_article: Callable[[Article], Prepared]) -> None:
        self.dir = index_dir
        self.options = options
        self.prepare_article = prepare_article
        self.times = StageTimes()
        self.store = Store(index_dir / STORE_FILE, create=True)
        self.meta = self.store.meta()
        self.model = embedder.name if embedder else (model or self.meta.get("model") or load_settings().model)
        if self.meta:
            check_compatible(index_dir, self.meta, model=self.model)
        self._embedder = embedder
        self.progress = progress or (lambda stage, done, total: None)
        self.vectors: VectorIndex | None = None
        if self.meta.get("vectors_file"):
            self.vectors = VectorIndex.load(index_dir / self.meta["vectors_file"])
            if len(self.vectors) != self.store.counts().passages:
                raise IndexCorrupt(f"{index_dir}: vectors and passages disagree; "
                                   f"{rebuild_hint(index_dir)}")
        remove_stale_files(index_dir, self.meta.get("vectors_file"))
        # producer counts (read thread) and consumer counts (embed thread) are separate keys
        self.stats = dict(new=0, replaced=0, unchanged=0, passages_added=0, passages_removed=0,
                          embedded=0, reused=0)
        self.skipped: list[Skipped] = []
        self.added_titles: list[str] = []
        self._embedding = False  # reading progress is shown only while nothing is embedded

    @property
    def embedder(self) -> Embedder:
        # Loaded on first need: a rebuild of an unchanged folder never loads the model.
        if self._embedder is None:
            with self.times.stage("load"):
                # an existing index keeps the route its vectors were made with
                self._embedder = load_embedder(self.model, route=self.meta.get("embedding_route"))
        if self.meta.get("dim") and int(self.meta["dim"]) != self._embedder.dim:
            raise IndexMismatch(f"{self.dir} holds {self.meta['dim']}-dimensional vectors, "
                                f"{self.model} gives {self._embedder.dim}; {rebuild_hint(self.dir)}")
        return self._embedder

    def run(self, items: Iterable[Article | Skipped]) -> BuildReport:
        with recording(self.times):
            for batch in run_ahead(self._batches(items), depth=PREPARE_AHEAD, name="build-read"):
                self._flush(batch)
        return BuildReport(**self.stats, skipped=tuple(self.skipped),
                           added_titles=tuple(self.added_titles), timings=self.times.as_dict())

    # -- producer: read, admit, prepare (a thread of its own) ------------------------------

    def _batches(self, items: Iterable[Article | Skipped]) -> Iterator[_Batch]:
        batch = _Batch()
        seen_origins: set[str] = set()
        seen_ids: set[str] = set()
        stored = self.store.counts().passages
        for n, item in enumerate(self._timed_read(items), 1):
            if not self._embedding:
                self.progress("reading", n, None)
            if isinstance(item, Skipped):
                self.skipped.append(item)
                continue
            if not self._admit(item, batch, seen_origins, seen_ids):
                continue
            if batch.passages >= max(self.options.flush_every, min(MAX_FLUSH_PASSAGES, stored // 4)):
                stored += batch.passages
                yield batch
                batch = _Batch()
        if batch.prepared:
            yield batch

    def _timed_read(self, items: Iterable[Article | Skipped]) -> Iterator[Article | Skipped]:
        """``items``, with the time spent reading them (less cleaning, timed apart) as "read"."""
        it = iter(items)
        while True:
            start, cleaning = time.perf_counter(), self.times.get("clean")
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                spent = time.perf_counter() - start
                self.times.add("read", spent - (self.times.get("clean") - cleaning))
            yield item

    def _admit(self, art: Article, batch: _Batch, seen_origins: set[str],
               seen_ids: set[str]) -> bool:
        aid = art.article_id
        if art.origin in seen_origins or aid in seen_ids:
            self.skipped.append(Skipped(art.origin, "duplicate of an article earlier in this build"))
            return False
        seen_origins.add(art.origin)
        seen_ids.add(aid)
        if self.store.has_article(aid):
            self.stats["unchanged"] += 1
            return False
        prepared = self.prepare_article(art)
        if not prepared.passages:
            self.skipped.append(Skipped(art.origin, "no text left after cleaning"))
            return False
        old = self.store.article_id_for_origin(art.origin)
        if old is not None:
            batch.replaced.append(old)
            self.stats["replaced"] += 1
        else:
            self.stats["new"] += 1
        batch.prepared.append(prepared)
        batch.passages += len(prepared.passages)
        self.added_titles.append(art.title)
        return True

    # -- consumer: embed, store (the caller's thread) --------------------------------------

    def _flush(self, batch: _Batch) -> None:
        self._embedding = True
        try:
            self._embed_and_store(batch)
        finally:
            self._embedding = False

    def _embed_and_store(self, batch: _Batch) -> None:
        rows = [(prep.article, p) for prep in batch.prepared for p in prep.passages]
        with self.times.stage("embed"):
            vectors = self._vectors_for([p.embed_text for _, p in rows], [p.text_hash for _, p in rows])
        first_id = int(self.meta.get("next_passage_id", "1"))
        passages = [
            NewPassage(passage_id=pid, article_id=art.article_id, ordinal=p.ordinal, start=p.start,
                       end=p.end, text=p.text, text_hash=p.text_hash, event_dates=p.event_dates,
                       timeline_date=p.timeline_date, quotes=p.quotes)
            for pid, (art, p) in enumerate(rows, first_id)]
        with self.times.stage("store"):
            self._commit(batch, passages, vectors, next_id=first_id + len(rows))

    def _vectors_for(self, texts: list[str], hashes: list[str]) -> np.ndarray:
        """Reuse stored vectors for text seen before; embed each new text once."""
        import numpy as np

        known = self.store.ids_by_text_hash(hashes) if self.vectors is not None else {}
        todo = list(dict.fromkeys(h for h in hashes if h not in known))
        first_text = {h: t for t, h in zip(texts, hashes, strict=True)}
        embedder = self.embedder
        self.progress("embedding", 0, len(todo))
        fresh = embedder.embed([first_text[h] for h in todo], progress=True)
        fault_point("embedding")
        self.progress("embedding", len(todo), len(todo))
        by_hash = dict(zip(todo, fresh, strict=True))
        if known:
            assert self.vectors is not None
            old_ids = [known[h] for h in dict.fromkeys(h for h in hashes if h in known)]
            by_hash.update(zip((h for h in dict.fromkeys(hashes) if h in known),
                               self.vectors.reconstruct(old_ids), strict=True))
        self.stats["embedded"] += len(todo)
        self.stats["reused"] += len(hashes) - len(todo)
        return np.vstack([by_hash[h] for h in hashes]).astype(np.float32)

    def _commit(self, batch: _Batch, passages: list[NewPassage], vectors: np.ndarray,
                next_id: int) -> None:
        import numpy as np

        if self.vectors is None:
            self.vectors = VectorIndex.new(self.embedder.dim)
        removed = [pid for aid in batch.replaced for pid in self.store.passage_ids_of(aid)]
        self.vectors.remove(removed)
        new_ids = np.array([p.passage_id for p in passages], dtype=np.int64)
        (self.options.add or VectorIndex.add)(self.vectors, new_ids, vectors)
        self._choose_layout()
        generation = int(self.meta.get("generation", "0")) + 1
        vectors_file = f"vectors-{generation:06d}.faiss"
        self.progress("writing", 0, None)
        self.vectors.save(self.dir / vectors_file)
        stamp = now_iso()
        meta = {
            "schema_version": str(SCHEMA_VERSION), "model": self.model,
            "dim": str(self.vectors.dim), "index_type": self.vectors.kind, "vectors_file": vectors_file,
            "embedding_route": str(getattr(self.embedder, "route", "fp32")),
            "generation": str(generation), "next_passage_id": str(next_id),
            "created_at": self.meta.get("created_at", stamp), "updated_at": stamp,
        }
        previous = self.meta.get("vectors_file")
        self.store.commit_batch(remove_articles=batch.replaced,
                                articles=[prep.article for prep in batch.prepared],
                                passages=passages, meta=meta)
        self.meta = self.store.meta()
        write_manifest(self.dir, manifest_from_store(self.store, self.meta))
        if previous and previous != vectors_file:
            (self.dir / previous).unlink(missing_ok=True)
        self.stats["passages_added"] += len(passages)
        self.stats["passages_removed"] += len(removed)

    def _choose_layout(self) -> None:
        """Flat while small; IVF-SQ8 past the threshold, retrained when it outgrows its lists.

        Retraining (when ~4*sqrt(N) reaches twice the trained list count, i.e. N grew 4x)
        re-adds the stored vectors, so its cost stays proportional to the corpus overall.
        """
        assert self.vectors is not None
        n, kind = len(self.vectors), self.vectors.kind
        wanted = kind_for(n, kind, self.options.ivf_threshold)
        if wanted != kind or (kind == IVF_SQ8 and nlist_for(n) >= 2 * self.vectors.nlist):
            self.progress("training", 0, None)
            self.vectors = self.vectors.rebuilt(wanted, add=self.options.add)


def planned_model(index_dir: Path, *, model: str | None, rebuild: bool) -> tuple[str, str]:
    """The model and route a build of ``index_dir`` will embed with, decided up front."""
    from index.embed import planned_route

    meta: dict[str, str] = {}
    if not rebuild:
        with _existing_store(index_dir) as store:
            meta = store.meta() if store else {}
    name = model or meta.get("model") or load_settings().model
    if meta:
        check_compatible(index_dir, meta, model=name)
    if meta.get("embedding_route"):
        return name, meta["embedding_route"]
    if name.startswith("fake"):
        return name, load_embedder(name).route
    return name, planned_route()


def existing_article_ids(index_dir: Path) -> set[str]:
    with _existing_store(index_dir) as store:
        return store.article_ids() if store else set()


@contextmanager
def _existing_store(index_dir: Path) -> Iterator[Store | None]:
    """The index's store opened read-only for a look before a build, None if there is none."""
    if not (index_dir / STORE_FILE).exists():
        yield None
        return
    store = Store(index_dir / STORE_FILE)
    try:
        yield store
    finally:
        store.close()


def _clear(index_dir: Path) -> None:
    """Start over, but keep uploaded files: they are the user's data, not derived state."""
    for name in (STORE_FILE, STORE_FILE + "-wal", STORE_FILE + "-shm", MANIFEST_FILE):
        (index_dir / name).unlink(missing_ok=True)
    remove_stale_files(index_dir, keep=None)
