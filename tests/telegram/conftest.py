"""Fixtures: a running fake Bot API and the whole bot served to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from benchmarks.fake_bot_api import FakeBotAPI
from tests.telegram.harness import Person, TelegramBot


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[TelegramBot]:
    running = TelegramBot(api, tmp_path / "bot.db")
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
def person(bot: TelegramBot) -> Person:
    return bot.person()
