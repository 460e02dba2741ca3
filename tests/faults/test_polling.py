"""Telegram in the test's process: what is confirmed to Telegram, and when.

Polling confirms an update (by asking past it) only once its turn is committed,
and keeps fetching while a chat is busy; a webhook answers 500 while the store
is down and the floor speaks once however often Telegram retries; a message
with a character no database can store is cleaned, not dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

import tests.telegram.harness as harness
from adapters.telegram_polling import UpdateOffsets
from benchmarks.fake_bot_api import FakeBotAPI
from bot.app import open_app
from bot.runtime import Handled
from bot.store.resilient import ResilientStore
from bot.store.sqlite import SqliteStore
from bot.types import Inbound
from tests.faults.test_discord_faults import Breakable, Switch, sqlite_says
from tests.telegram.harness import TelegramBot, eventually
from tests.telegram.test_webhook_workers import SECRET, address, free_port

LINES = "findahelpline.com"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


def test_only_updates_below_the_oldest_open_one_are_confirmed() -> None:
    offsets = UpdateOffsets()
    assert offsets.offset() is None
    for update_id in (10, 11, 12):
        offsets.add(update_id)
    offsets.done(11)
    offsets.done(12)
    assert offsets.offset() == 10  # 11 and 12 are done, but 10 is not: nothing past it
    offsets.done(10)
    assert offsets.offset() == 13
    assert offsets.seen(12) and not offsets.seen(13)


def asked_past(api: FakeBotAPI, update_id: int) -> bool:
    return any((c.params.get("offset") or 0) > update_id for c in api.calls_to("getUpdates"))


async def test_a_busy_chat_holds_up_neither_polling_nor_other_chats(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    bot = TelegramBot(api, tmp_path / "bot.db")
    await bot.start()
    try:
        release = asyncio.Event()
        original = bot.app.runtime.handle

        async def slow_for_one(event: Inbound, **options: Any) -> Handled:
            if event.key.chat_id == "701":
                await release.wait()  # a turn that takes its time
            return await original(event, **options)

        bot.app.runtime.handle = slow_for_one  # type: ignore[method-assign]
        stuck = api.private_message(701, "/stop")
        other = api.private_message(702, "/stop")
        await bot.settled(other)
        assert api.messages(702) and not api.messages(701)
        later = api.private_message(703, "/stop")  # fetched while 701 is still busy
        await bot.settled(later)
        assert not asked_past(api, stuck["update_id"])  # 701's turn is not committed
        release.set()
        await bot.settled(stuck)

        async def confirmed() -> bool:
            return asked_past(api, later["update_id"])

        await eventually(confirmed, 5, "the updates to be confirmed")
    finally:
        await bot.stop()


async def test_a_lone_surrogate_is_cleaned_not_dropped(
    api: FakeBotAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot = TelegramBot(api, tmp_path / "bot.db")
    await bot.start()
    try:
        person = bot.person(711)
        # A client cut an emoji in half: JSON can carry it, no database can store it.
        assert await person.say("half an emoji \ud83d here")
        assert await person.say("/stop")  # and the conversation goes on
        assert "turn failed" not in caplog.text
    finally:
        await bot.stop()


async def test_a_webhook_answers_500_while_the_store_is_down_and_the_floor_speaks_once(
    api: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    switch = Switch()
    store = ResilientStore(lambda: Breakable(SqliteStore(tmp_path / "bot.db"), switch))  # type: ignore[arg-type,return-value]
    monkeypatch.setattr(harness, "open_app", partial(open_app, store=store))
    port = free_port()
    bot = TelegramBot(api, tmp_path / "bot.db",
                      telegram_webhook_url="https://bot.example.org/telegram/hook",
                      telegram_webhook_listen="127.0.0.1", telegram_webhook_port=port,
                      telegram_webhook_secret=SECRET, telegram_webhook_register=True)
    await bot.start()
    try:
        switch.error = sqlite_says("full", tmp_path)
        update = api.private_message(721, "I want to kill myself")
        for _ in range(3):  # Telegram retries a 500
            assert await api.post_webhook(update, url=address(port)) == 500
            await asyncio.sleep(0.2)
        lines = [c for c in api.messages(721) if LINES in c.text]
        assert len(lines) == 1  # from the floor, at the first attempt
        switch.error = None
        assert await api.post_webhook(update, url=address(port)) == 200
        await bot.settled(update)
        assert sum(LINES in c.text for c in api.messages(721)) == 1
        assert len(api.messages(721)) > 3  # the crisis turn went on after the floor
    finally:
        await bot.stop()
