"""The index directory: ``store.sqlite``, ``vectors-<generation>.faiss`` and ``manifest.json``.

SQLite is the commit point. A build writes the next generation's FAISS file in full (flushed to
disk) and only then commits, in one SQLite transaction, the passages together with the name of
that file. A kill at any moment leaves either the old pair or the new pair; the manifest, written
last, is re-derived from SQLite on open if the kill came before it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from index.errors import IndexCorrupt, IndexMismatch, IndexNotFound
from index.faults import fault_point
from index.schema import SCHEMA_VERSION
from index.store import Store
from index.vectors import VectorIndex, _fsync_dir

STORE_FILE = "store.sqlite"
MANIFEST_FILE = "manifest.json"
LOCK_FILE = ".lock"
UPLOADS_DIR = "uploads"


@dataclass(frozen=True)
class Manifest:
    schema_version: int
    model: str
    dim: int
    index_type: str
    vectors_file: str
    generation: int
    articles: int
    passages: int
    dated_articles: int
    undated_articles: int
    created_at: str
    updated_at: str
    embedding_route: str = "fp32"  # how the model ran (e.g. "bf16"); older indexes: fp32

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def rebuild_hint(path: Path) -> str:
    return f"run `python -m index build --rebuild PATH... --index-dir {path}`"


@dataclass
class OpenIndex:
    """A loaded, consistent index: what ``bot`` searches."""

    path: Path
    manifest: Manifest
    store: Store
    vectors: VectorIndex

    def close(self) -> None:
        self.store.close()


def exists(path: Path) -> bool:
    return (path / STORE_FILE).exists()


def open_index(path: Path, *, model: str | None = None, mmap: bool = True) -> OpenIndex:
    """Load and check an index; raise one readable error rather than half-use it.

    ``mmap``: the FAISS file is memory-mapped read-only where its layout allows (IVF-SQ8), so
    a million-passage index opens in a fraction of a second; the build loads it writable.
    """
    path = Path(path)
    if not exists(path):
        raise IndexNotFound(f"no index at {path}; run `python -m index build PATH... "
                            f"--index-dir {path}` (or start app.py to build the bundled corpus)")
    store = Store(path / STORE_FILE)
    try:
        meta = store.meta()
        if not meta.get("vectors_file"):
            raise IndexNotFound(f"the index at {path} is empty; run `python -m index build PATH... "
                                f"--index-dir {path}`")
        check_compatible(path, meta, model=model)
        vectors_path = path / meta["vectors_file"]
        if not vectors_path.exists():
            raise IndexCorrupt(f"{vectors_path.name} is missing from {path}; {rebuild_hint(path)}")
        vectors = VectorIndex.load(vectors_path, mmap=mmap)
        counts = store.counts()
        if len(vectors) != counts.passages or vectors.dim != int(meta["dim"]):
            raise IndexCorrupt(f"{path}: vector file holds {len(vectors)} vectors for "
                               f"{counts.passages} passages; {rebuild_hint(path)}")
        manifest = manifest_from_store(store, meta)
        _repair_manifest(path, store)
        return OpenIndex(path=path, manifest=manifest, store=store, vectors=vectors)
    except BaseException:
        store.close()
        raise


def consistency_problems(index: OpenIndex) -> list[str]:
    """Full check that FAISS, SQLite and the manifest agree: empty when all is well."""
    problems = []
    faiss_ids = set(index.vectors.ids().tolist())
    sql_ids = set(index.store.all_passage_ids())
    if faiss_ids != sql_ids:
        problems.append(f"{len(faiss_ids - sql_ids)} ids only in FAISS, "
                        f"{len(sql_ids - faiss_ids)} only in SQLite")
    on_disk = read_manifest(index.path)
    if on_disk is None or on_disk != manifest_from_store(index.store, index.store.meta()):
        problems.append("manifest does not match the store")
    return problems


def check_compatible(path: Path, meta: dict[str, str], *, model: str | None,
                     dim: int | None = None) -> None:
    schema = int(meta.get("schema_version", "0"))
    if schema != SCHEMA_VERSION:
        raise IndexMismatch(f"{path} has index schema v{schema}, this version reads "
                            f"v{SCHEMA_VERSION}; {rebuild_hint(path)}")
    if model is not None and meta.get("model") not in (None, model):
        raise IndexMismatch(f"{path} was built with model {meta['model']!r}, not {model!r}; "
                            f"use --model {meta['model']} or {rebuild_hint(path)}")
    if dim is not None and meta.get("dim") not in (None, str(dim)):
        raise IndexMismatch(f"{path} holds {meta['dim']}-dimensional vectors, the model gives "
                            f"{dim}; {rebuild_hint(path)}")


def manifest_from_store(store: Store, meta: dict[str, str]) -> Manifest:
    counts = store.counts()
    return Manifest(
        schema_version=int(meta["schema_version"]), model=meta["model"], dim=int(meta["dim"]),
        index_type=meta.get("index_type", "flat"), vectors_file=meta["vectors_file"],
        generation=int(meta["generation"]), articles=counts.articles, passages=counts.passages,
        dated_articles=counts.dated_articles, undated_articles=counts.undated_articles,
        created_at=meta["created_at"], updated_at=meta["updated_at"],
        embedding_route=meta.get("embedding_route", "fp32"),
    )


def read_manifest(path: Path) -> Manifest | None:
    try:
        return Manifest(**json.loads((path / MANIFEST_FILE).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def write_manifest(path: Path, manifest: Manifest) -> None:
    atomic_write(path / MANIFEST_FILE, manifest.to_json())


def _repair_manifest(path: Path, store: Store) -> None:
    # A kill between the SQLite commit and the manifest write leaves it one step behind. Only
    # the holder of the write lock writes it: a running build writes its own, and a reader
    # writing beside it raced it for the temp file (a failed upload in bench/load.py).
    if not os.access(path, os.W_OK):
        return
    with write_lock(path, wait=False) as held:
        if held:
            manifest = manifest_from_store(store, store.meta())
            if read_manifest(path) != manifest:
                write_manifest(path, manifest)


def atomic_write(target: Path, text: str) -> None:
    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        fault_point("manifest-write")
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    _fsync_dir(target.parent)


@contextmanager
def write_lock(path: Path, *, wait: bool = True) -> Iterator[bool]:
    """One writer per index directory; readers never wait for it. Yields whether it is held:
    with ``wait=False``, False at once when another writer has it."""
    path.mkdir(parents=True, exist_ok=True)
    with open(path / LOCK_FILE, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            held = True
        except BlockingIOError:
            held = False
        try:
            yield held
        finally:
            if held:
                fcntl.flock(fh, fcntl.LOCK_UN)


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def remove_stale_files(path: Path, keep: str | None) -> None:
    """Vector files of other generations and half-written temp files (under the write lock)."""
    for f in path.glob("vectors-*.faiss*"):
        if f.name != keep:
            f.unlink(missing_ok=True)
    (path / (MANIFEST_FILE + ".tmp")).unlink(missing_ok=True)


def warm(path: Path, chunk: int = 1 << 24) -> int:
    """Read an index's store and vectors once, so that a fresh server's first questions find
    them in the OS page cache: rows read from disk cost ~40 ms a question at 1.15M passages
    (bench/search.py). Returns the bytes read; a file a build replaced meanwhile is skipped."""
    manifest = read_manifest(path)
    names = [STORE_FILE, f"{STORE_FILE}-wal", *([manifest.vectors_file] if manifest else [])]
    buf, total = bytearray(chunk), 0
    for name in names:
        try:
            with open(path / name, "rb", buffering=0) as fh:
                while n := fh.readinto(buf):
                    total += n
        except FileNotFoundError:
            continue
    return total
