"""Build or update an index directory from files: read, chunk, date, embed, store.

Incremental by content hash: an unchanged article costs a lookup, a changed one replaces its old
passages, and a passage whose text was embedded before reuses that vector.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.chunk import chunk_text
from index.config import default_model
from index.embed import Embedder, embed_text, load_embedder
from index.errors import IndexCorrupt, IndexMismatch, TimelineError
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
from index.models import Article, Chunk, Skipped
from index.store import SCHEMA_VERSION, NewPassage, Store, dates_from_json
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
class _Pending:
    replaced: list[str] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    chunks: list[tuple[Article, Chunk]] = field(default_factory=list)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def build_index(paths: Sequence[str | Path], index_dir: str | Path, *, model: str | None = None,
                embedder: Embedder | None = None, rebuild: bool = False,
                progress: Progress | None = None, flush_every: int = FLUSH_PASSAGES,
                ivf_threshold: int | None = None,
                articles: Iterable[Article | Skipped] | None = None,
                prepared: Prepared | None = None, add: Adder | None = None) -> BuildReport:
    """Add or update ``paths`` in ``index_dir``; the vector layout follows the corpus size.

    ``ivf_threshold``: passages above which FAISS switches from exact flat to IVF-SQ8 (default
    ``index.vectors.IVF_THRESHOLD`` or ``$TIMELINE_IVF_THRESHOLD``).
    ``articles`` replaces reading ``paths``, and ``prepared`` supplies passages, dates and
    vectors computed elsewhere (the Ray path): the same builder then writes the same index.
    ``add`` puts new vectors into FAISS (default ``VectorIndex.add``; the Ray path encodes IVF
    partitions in parallel and merges them, ``index/partition.py``).
    """
    from index.ingest import read_paths

    index_dir = Path(index_dir)
    with write_lock(index_dir):
        if rebuild:
            _clear(index_dir)
        builder = _Builder(index_dir, model=model, embedder=embedder, progress=progress,
                           ivf_threshold=ivf_threshold, prepared=prepared, add=add)
        try:
            return builder.run(read_paths(paths) if articles is None else articles, flush_every)
        finally:
            builder.store.close()


class _Builder:
    def __init__(self, index_dir: Path, *, model: str | None, embedder: Embedder | None,
                 progress: Progress | None, ivf_threshold: int | None = None,
                 prepared: Prepared | None = None, add: Adder | None = None) -> None:
        self.dir = index_dir
        self.adder = add
        self.prepared = prepared
        self.ivf_threshold = ivf_threshold
        self.store = Store(index_dir / STORE_FILE, create=True)
        self.meta = self.store.meta()
        self.model = embedder.name if embedder else (model or self.meta.get("model") or default_model())
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
        self.stats = dict(new=0, replaced=0, unchanged=0, passages_added=0, passages_removed=0,
                          embedded=0, reused=0)
        self.skipped: list[Skipped] = []
        self.added_titles: list[str] = []

    @property
    def embedder(self) -> Embedder:
        # Loaded on first need: a rebuild of an unchanged folder never loads the model.
        if self._embedder is None and self.prepared is not None:
            self._embedder = _PreparedEmbedder(self.model, self.prepared)
        if self._embedder is None:
            # an existing index keeps the route its vectors were made with
            self._embedder = load_embedder(self.model, route=self.meta.get("embedding_route"))
        if self.meta.get("dim") and int(self.meta["dim"]) != self._embedder.dim:
            raise IndexMismatch(f"{self.dir} holds {self.meta['dim']}-dimensional vectors, "
                                f"{self.model} gives {self._embedder.dim}; {rebuild_hint(self.dir)}")
        return self._embedder

    def run(self, items: Iterable[Article | Skipped], flush_every: int) -> BuildReport:
        pending = _Pending()
        seen_origins: set[str] = set()
        seen_ids: set[str] = set()
        read = 0
        for item in items:
            read += 1
            self.progress("reading", read, None)
            if isinstance(item, Skipped):
                self.skipped.append(item)
                continue
            if not self._admit(item, pending, seen_origins, seen_ids):
                continue
            stored = len(self.vectors) if self.vectors is not None else 0
            if len(pending.chunks) >= max(flush_every, min(MAX_FLUSH_PASSAGES, stored // 4)):
                self._flush(pending)
                pending = _Pending()
        self._flush(pending)
        s = self.stats
        return BuildReport(**s, skipped=tuple(self.skipped), added_titles=tuple(self.added_titles))

    def _admit(self, art: Article, pending: _Pending, seen_origins: set[str],
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
        chunks = self._chunks(art)
        if not chunks:
            self.skipped.append(Skipped(art.origin, "no text left after cleaning"))
            return False
        old = self.store.article_id_for_origin(art.origin)
        if old is not None:
            pending.replaced.append(old)
            self.stats["replaced"] += 1
        else:
            self.stats["new"] += 1
        pending.articles.append(art)
        pending.chunks.extend((art, c) for c in chunks)
        self.added_titles.append(art.title)
        return True

    def _flush(self, pending: _Pending) -> None:
        if not pending.articles:
            return
        from index.dates import extract_event_dates, follow_lead, lead_day, timeline_date

        texts = [embed_text(a.title, c.text) for a, c in pending.chunks]
        hashes = [text_hash(t) for t in texts]
        vectors = self._vectors_for(texts, hashes)
        first_id = int(self.meta.get("next_passage_id", "1"))
        ids = list(range(first_id, first_id + len(texts)))
        passages = []
        lead: dt.date | None = None
        for pid, h, (art, c) in zip(ids, hashes, pending.chunks, strict=True):
            row = self.prepared.chunks[art.article_id][c.ordinal] if self.prepared else None
            if row is not None:
                events = dates_from_json(row["events"])
                day = dt.date.fromisoformat(row["timeline_date"]) if row["timeline_date"] else None
            else:
                events = extract_event_dates(c.text, art.published)
                day = timeline_date(events, art.published, c.text)
            # an article's chunks arrive in order, its lead first (for the Ray path too)
            lead = lead_day(events, day) if c.ordinal == 0 else lead
            day = follow_lead(events, day, art.published, lead)
            passages.append(NewPassage(
                passage_id=pid, article_id=art.article_id, ordinal=c.ordinal, start=c.start,
                end=c.end, text=c.text, text_hash=h, event_dates=events, timeline_date=day))
        self._commit(pending, passages, vectors, next_id=first_id + len(texts))

    def _chunks(self, art: Article) -> list[Chunk]:
        if self.prepared is not None and art.article_id in self.prepared.chunks:
            return [Chunk(r["ordinal"], r["start"], r["end"], r["text"])
                    for r in self.prepared.chunks[art.article_id]]
        return chunk_text(art.text)

    def _vectors_for(self, texts: list[str], hashes: list[str]) -> np.ndarray:
        """Reuse stored vectors for text seen before; embed each new text once."""
        import numpy as np

        known = self.store.ids_by_text_hash(hashes) if self.vectors is not None else {}
        todo = list(dict.fromkeys(h for h in hashes if h not in known))
        first_text = {h: t for t, h in zip(texts, hashes, strict=True)}
        self.progress("embedding", 0, len(todo))
        fresh = self.embedder.embed([first_text[h] for h in todo], progress=True)
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

    def _commit(self, pending: _Pending, passages: list[NewPassage], vectors: np.ndarray,
                next_id: int) -> None:
        import numpy as np

        if self.vectors is None:
            self.vectors = VectorIndex.new(self.embedder.dim)
        removed = [pid for aid in pending.replaced for pid in self.store.passage_ids_of(aid)]
        self.vectors.remove(removed)
        new_ids = np.array([p.passage_id for p in passages], dtype=np.int64)
        (self.adder or VectorIndex.add)(self.vectors, new_ids, vectors)
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
        self.store.commit_batch(remove_articles=pending.replaced, articles=pending.articles,
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
        wanted = kind_for(n, kind, self.ivf_threshold)
        if wanted != kind or (kind == IVF_SQ8 and nlist_for(n) >= 2 * self.vectors.nlist):
            self.progress("training", 0, None)
            self.vectors = self.vectors.rebuilt(wanted, add=self.adder)


@dataclass(frozen=True)
class Prepared:
    """Passages, dates and vectors computed before the build (by the Ray stages)."""

    chunks: Mapping[str, Sequence[Mapping[str, Any]]]  # article id -> passage rows by ordinal
    vectors: Mapping[str, bytes]  # text hash -> float32 vector bytes
    route: str


class _PreparedEmbedder:
    """Hands back vectors computed elsewhere, by the hash of the text they were made from."""

    def __init__(self, name: str, prepared: Prepared) -> None:
        import numpy as np

        self.name, self.route, self._prepared = name, prepared.route, prepared
        first = next(iter(prepared.vectors.values()), b"")
        self.dim = len(np.frombuffer(first, dtype=np.float32)) if first else 0

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        import numpy as np

        rows = []
        for t in texts:
            raw = self._prepared.vectors.get(text_hash(t))
            if raw is None:
                raise TimelineError("a passage reached assembly without its vector; run the "
                                    "build again")
            rows.append(np.frombuffer(raw, dtype=np.float32))
        return np.vstack(rows) if rows else np.zeros((0, self.dim), np.float32)


def planned_model(index_dir: Path, *, model: str | None, rebuild: bool) -> tuple[str, str]:
    """The model and route a build of ``index_dir`` will embed with, decided up front."""
    from index.embed import auto_routes, load_embedder

    meta: dict[str, str] = {}
    if not rebuild:
        with _existing_store(index_dir) as store:
            meta = store.meta() if store else {}
    name = model or meta.get("model") or default_model()
    if meta:
        check_compatible(index_dir, meta, model=name)
    if meta.get("embedding_route"):
        return name, meta["embedding_route"]
    if name.startswith("fake"):
        return name, load_embedder(name).route
    return name, auto_routes()[0]


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
