"""Fixtures: the whole bot inside dpytest's fake Discord, on a SQLite file per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.discord_bot.support import DiscordWorld


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    world = DiscordWorld(tmp_path / "bot.db")
    await world.start()
    try:
        yield world
    finally:
        await world.stop()
