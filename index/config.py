"""Where things live by default: kept for callers of the old names; index/settings.py decides."""

from __future__ import annotations

from pathlib import Path

from index.offline import switch_off
from index.settings import (  # noqa: F401 - re-exported
    BUNDLED_CORPUS,
    DEFAULT_MODEL,
    INDEX_DIR_ENV,
    MODEL_ENV,
    REPO_ROOT,
    load_settings,
)


def default_index_dir() -> Path:
    return load_settings().index_dir


def default_model() -> str:
    return load_settings().model


def force_offline() -> None:
    """Done when ``index`` is imported (index/offline.py); calling it again is harmless."""
    switch_off()
