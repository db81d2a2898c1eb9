"""How every embedding route walks its texts: length-sorted batches and a terminal bar."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def batches_by_length(texts: Sequence[str], size: int) -> list[list[int]]:
    """Longest first: batches of similar length pad little, and the slowest batch shows early."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    return [order[start:start + size] for start in range(0, len(order), size)]


def progress_bar(total: int, batches: int) -> object | None:
    """A tqdm bar on a terminal for work of more than one batch; None otherwise."""
    if batches <= 1 or not sys.stderr.isatty():
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="embedding", unit="passage")
