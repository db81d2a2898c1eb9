"""The web tests' fixtures (a pytest plugin they name in ``pytest_plugins``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Bot
from index.embed import FakeEmbedder
from index.indexdir import open_index
from web.handlers import Handlers


@pytest.fixture
def bot(fake_index: Path) -> Bot:
    return Bot(open_index(fake_index), FakeEmbedder(64))


@pytest.fixture
def handlers(bot: Bot, tmp_path: Path) -> Handlers:
    return Handlers(bot, export_dir=tmp_path / "exports")
