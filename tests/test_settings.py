from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import TimelineError
from index.settings import DEFAULT_MODEL, Settings, load_settings


def test_defaults_follow_home_and_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    s = Settings.from_env({})
    assert s.index_dir == tmp_path / ".local" / "share" / "timeline-bot" / "index"
    assert s.cache_dir == tmp_path / ".cache" / "timeline-bot"
    assert (s.model, s.embed_route, s.ivf_threshold, s.nprobe, s.fault, s.fault_after) == (
        DEFAULT_MODEL, None, None, None, None, 1)
    s = Settings.from_env({"XDG_DATA_HOME": "/d", "XDG_CACHE_HOME": "/c"})
    assert (s.index_dir, s.cache_dir) == (Path("/d/timeline-bot/index"), Path("/c/timeline-bot"))


def test_each_variable_moves_its_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    s = Settings.from_env({"TIMELINE_INDEX_DIR": "~/ix", "TIMELINE_MODEL": "/models/m",
                           "TIMELINE_CACHE_DIR": "/cache", "TIMELINE_EMBED_ROUTE": "fp32",
                           "TIMELINE_IVF_THRESHOLD": "400", "TIMELINE_NPROBE": "7",
                           "TIMELINE_FAULT": "faiss-write", "TIMELINE_FAULT_AFTER": "3"})
    assert s == Settings(index_dir=tmp_path / "ix", model="/models/m", cache_dir=Path("/cache"),
                         embed_route="fp32", ivf_threshold=400, nprobe=7, fault="faiss-write",
                         fault_after=3)


@pytest.mark.parametrize("value", ["many", "0", "-5", "1.5"])
def test_a_bad_number_is_one_clear_error(value):
    with pytest.raises(TimelineError, match=r"\$TIMELINE_NPROBE must be a whole number >= 1"):
        Settings.from_env({"TIMELINE_NPROBE": value})


def test_load_settings_reads_the_environment_now(monkeypatch, tmp_path):
    monkeypatch.setenv("TIMELINE_INDEX_DIR", str(tmp_path / "a"))
    assert load_settings().index_dir == tmp_path / "a"
    monkeypatch.setenv("TIMELINE_INDEX_DIR", str(tmp_path / "b"))
    assert load_settings().index_dir == tmp_path / "b"
    with pytest.raises(AttributeError):
        load_settings().model = "x"  # type: ignore[misc]  # frozen
