"""Build progress on a terminal: the ``progress(stage, done, total)`` callback of build_index.

    with TerminalProgress() as progress:
        build_index(paths, index_dir, progress=progress)

On a terminal each stage gets a tqdm bar on stderr. Piped (a script, a service log) it is
silent, or with ``lines=True`` prints one line when a stage starts, for logs that must show
where a long start-up is. Embedding draws its own finer bar (``Embedder.embed(progress=True)``),
so the "embedding" stage is not drawn twice.
"""

from __future__ import annotations

import sys
from typing import IO

OWN_BAR = frozenset({"embedding"})
LABELS = {"reading": "articles read", "writing": "writing", "training": "training the index"}


class TerminalProgress:
    def __init__(self, *, lines: bool = False, file: IO[str] | None = None) -> None:
        self.file = file or sys.stderr
        self.tty = self.file.isatty()
        self.lines = lines
        self._bars: dict[str, object] = {}
        self._seen: set[str] = set()

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()  # type: ignore[attr-defined]
        self._bars.clear()

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.tty:
            if self.lines and stage not in self._seen:
                self._seen.add(stage)
                print(f"index: {LABELS.get(stage, stage)}" + (f" ({total})" if total else ""),
                      file=self.file, flush=True)
            return
        if stage in OWN_BAR:
            return
        bar = self._bars.get(stage)
        if bar is None:
            from tqdm import tqdm

            bar = self._bars[stage] = tqdm(desc=LABELS.get(stage, stage), total=total,
                                           unit=" items", file=self.file)
        if total is not None and bar.total != total:  # type: ignore[attr-defined]
            bar.total = total  # type: ignore[attr-defined]
        bar.update(done - bar.n)  # type: ignore[attr-defined]
