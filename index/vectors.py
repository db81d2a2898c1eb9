"""The FAISS side of the index: explicit 64-bit passage ids, inner product on unit vectors."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import IndexCorrupt
from index.faults import fault_point

if TYPE_CHECKING:
    import numpy as np


class VectorIndex:
    """An ``IndexIDMap2`` over an exact inner-product index; ids are passage ids."""

    def __init__(self, index) -> None:  # noqa: ANN001 - a faiss index
        self._index = index

    @classmethod
    def new(cls, dim: int) -> VectorIndex:
        import faiss

        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        import faiss

        try:
            return cls(faiss.read_index(str(path)))
        except RuntimeError as err:
            raise IndexCorrupt(f"vector file {path.name} is unreadable ({_first_line(err)}); "
                               "run `python -m index build --rebuild ...`") from err

    @property
    def dim(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> np.ndarray:
        import faiss

        return faiss.vector_to_array(self._index.id_map).astype("int64")

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        import numpy as np

        if len(ids):
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                     np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: Iterable[int]) -> int:
        import faiss
        import numpy as np

        arr = np.fromiter(ids, dtype=np.int64)
        return int(self._index.remove_ids(faiss.IDSelectorBatch(arr))) if len(arr) else 0

    def reconstruct(self, ids: Iterable[int]) -> np.ndarray:
        import numpy as np

        rows = [self._index.reconstruct(int(i)) for i in ids]
        return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, self.dim), np.float32)

    def search(self, queries: np.ndarray, k: int, *, allowed: Iterable[int] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) per query; ``allowed`` restricts to those ids inside FAISS.

        FAISS pads with id -1 when fewer than k exist: callers drop those.
        """
        import faiss
        import numpy as np

        k = max(1, min(k, len(self))) if len(self) else 1
        params = None
        if allowed is not None:
            arr = np.fromiter(allowed, dtype=np.int64)
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(arr))
        q = np.ascontiguousarray(queries, dtype=np.float32)
        return self._index.search(q, k, params=params)

    def save(self, path: Path) -> None:
        """Written beside the target, flushed to disk, then renamed: never half a file."""
        import faiss

        tmp = path.with_name(path.name + ".tmp")
        faiss.write_index(self._index, str(tmp))
        fault_point("faiss-write")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or ["error"])[0][:160]
