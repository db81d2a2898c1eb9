"""Tables as the harness prints them: each figure with its ratio to the strongest baseline."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def table(rows: Mapping[str, Mapping[str, float]], metrics: Sequence[str], *,
          baselines: Sequence[str], extra: Mapping[str, Mapping[str, str]] | None = None,
          digits: int = 3) -> str:
    """A Markdown table: one row per system, each figure with its ratio to the strongest
    baseline on that metric (the highest of ``baselines``); extra text columns after."""
    extra = extra or {}
    extra_cols = list(dict.fromkeys(c for v in extra.values() for c in v))
    best = {m: max((rows[b][m] for b in baselines if b in rows and not _nan(rows[b].get(m))),
                   default=float("nan")) for m in metrics}
    head = ["system", *metrics, *extra_cols]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in rows.items():
        cells = [name]
        for m in metrics:
            v = r.get(m, float("nan"))
            if _nan(v):
                cells.append("–")
            elif name in baselines and v == best[m]:
                cells.append(f"{v:.{digits}f} (best baseline)")
            elif best[m] and not _nan(best[m]):
                cells.append(f"{v:.{digits}f} ({v / best[m]:.2f}×)")
            else:
                cells.append(f"{v:.{digits}f}")
        cells += [extra.get(name, {}).get(c, "") for c in extra_cols]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _nan(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))

