"""Fixtures shared by the core tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness import Bot


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    """The whole bot on a fresh SQLite file, started, and stopped afterwards."""
    bot = Bot(tmp_path / "bot.db")
    await bot.start()
    yield bot
    await bot.stop()
