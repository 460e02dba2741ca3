"""Several workers behind one webhook URL: each update is handled once, wherever it lands.

Two bots (two applications, as two processes would run them) share one database
and one secret; a load balancer may hand the same update to both (Telegram
retried it, or the balancer did), and the person still gets one answer.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from pathlib import Path

import pytest

from adapters.telegram_ptb import TelegramPlatform, TelegramStartupError
from benchmarks.fake_bot_api import FakeBotAPI
from bot.app import open_app, serve_platform
from bot.types import Assessment
from tests.telegram.harness import TelegramBot, settings_for

SECRET = "shared-Secret_42"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def worker(api: FakeBotAPI, db: Path, port: int, *, register: bool, **extra: object
           ) -> TelegramBot:
    return TelegramBot(
        api, db, workers=2,
        telegram_webhook_url="https://bot.example.org/telegram/hook",  # the balancer's
        telegram_webhook_listen="127.0.0.1", telegram_webhook_port=port,
        telegram_webhook_secret=SECRET, telegram_webhook_register=register, **extra)


def address(port: int) -> str:
    return f"http://127.0.0.1:{port}/telegram/hook"


async def test_the_same_update_at_two_workers_is_answered_once(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    ports = free_port(), free_port()
    first = worker(api, tmp_path / "bot.db", ports[0], register=True)
    second = worker(api, tmp_path / "bot.db", ports[1], register=False)
    await first.start()
    await second.start()
    try:
        # Only the registering worker told Telegram where to post.
        assert len(api.calls_to("setWebhook")) == 1
        assert api.webhook is not None and api.webhook["secret_token"] == SECRET

        update = api.private_message(777, "/stop")
        statuses = await asyncio.gather(*(api.post_webhook(update, url=address(port))
                                          for port in ports))
        assert statuses == [200, 200]
        again = await api.post_webhook(update, url=address(ports[1]))  # a late retry
        assert again == 200
        await first.settled(update)
        assert len(api.messages(777)) == 1

        # A forged request is refused by every worker.
        forged = api.private_message(778, "/stop")
        for port in ports:
            assert await api.post_webhook(forged, secret="guess", url=address(port)) == 403
    finally:
        await second.stop()
        await first.stop()
    assert not api.calls_to("deleteWebhook")  # stopping a worker leaves the others serving


async def test_a_webhook_answers_only_once_the_turn_is_committed(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    port = free_port()
    failures = [RuntimeError("the database went away")]

    def assess(text: str, context: Sequence[str] = ()) -> Assessment:
        if failures:
            raise failures.pop()
        return Assessment("none")

    bot = worker(api, tmp_path / "bot.db", port, register=True, assessor=assess)
    await bot.start()
    try:
        update = api.private_message(779, "hello")
        # The turn failed: Telegram is told so, and will send the update again.
        assert await api.post_webhook(update, url=address(port)) == 500
        assert await api.post_webhook(update, url=address(port)) == 200
        # 200 came after the commit: the update is on record the moment it is answered.
        assert (await bot.app.store.load(bot.person(779).key, f"u{update['update_id']}")
                ).duplicate
        await bot.settled(update)
        assert api.messages(779)
    finally:
        await bot.stop()


async def test_several_workers_need_the_webhook_and_a_shared_secret(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    polling = settings_for(api, tmp_path / "bot.db", workers=2)
    unsigned = settings_for(api, tmp_path / "bot.db", workers=2,
                            telegram_webhook_url="https://bot.example.org/hook")
    for settings, setting in ((polling, "TELEGRAM_WEBHOOK_URL"),
                              (unsigned, "TELEGRAM_WEBHOOK_SECRET")):
        async with open_app(settings) as app:
            with pytest.raises(TelegramStartupError, match=setting):
                await serve_platform(app, TelegramPlatform(settings), asyncio.Event())
    assert not api.calls_to("getUpdates")
    assert not api.calls_to("setWebhook")
