"""Vectors of recently embedded texts, kept in memory for the next question.

Embedding the sentences of a question's candidates is most of its model time on news passages
(a dozen passages, five sentences each). A follow-up question ranks mostly the same passages,
so their sentences are embedded once per process, not once per question.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from index.embed import Embedder

# ~1.8 KB a 384-dim sentence with its key: ~59 MB full, the sentences of ~6,000 passages.
CAPACITY = 32_768


class MemoEmbedder:
    """An ``Embedder`` that remembers the last ``capacity`` texts' vectors (least recently used
    go first). Safe to share between request threads; the model runs outside the lock."""

    def __init__(self, inner: Embedder, capacity: int = CAPACITY) -> None:
        self.inner = inner
        self.name, self.dim, self.route = inner.name, inner.dim, inner.route
        self.capacity = capacity
        self._rows: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows)

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        import numpy as np

        keys = [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest()
                for t in texts]
        found: dict[int, np.ndarray] = {}
        with self._lock:
            for i, key in enumerate(keys):
                row = self._rows.get(key)
                if row is not None:
                    self._rows.move_to_end(key)
                    found[i] = row
        todo = [i for i in range(len(texts)) if i not in found]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if todo:
            fresh = self.inner.embed([texts[i] for i in todo], progress=progress)
            out[todo] = fresh
            with self._lock:
                for i, row in zip(todo, fresh, strict=True):
                    self._rows[keys[i]] = row.copy()  # not a view that keeps the batch alive
                    self._rows.move_to_end(keys[i])
                while len(self._rows) > self.capacity:
                    self._rows.popitem(last=False)
        for i, row in found.items():
            out[i] = row
        return out
