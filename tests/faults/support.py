"""Helpers for the fault tests: waiting, PostgreSQL through a proxy, a bot process."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from benchmarks.fake_bot_api import FakeBotAPI
from benchmarks.fault_harness import (
    BotProcess,
    Postgres,
    bot_environment,
    wait_for_polling,
)
from benchmarks.fault_harness import postgres_behind_proxy as proxied

DSN = os.environ.get("TEST_POSTGRES_DSN", "")


async def eventually(check: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll ``check`` until it holds; fail naming ``what`` after ``seconds``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {seconds}s waiting for {what}")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def postgres_behind_proxy() -> AsyncIterator[Postgres]:
    """A fresh schema on the test server, reached through a proxy the test controls."""
    async with proxied(DSN) as pg:
        yield pg


@asynccontextmanager
async def telegram_bot(api: FakeBotAPI, work: Path, database_url: str, *,
                       tmpfs_kb: int | None = None, unprivileged: bool = False,
                       wait: bool = True) -> AsyncIterator[BotProcess]:
    """``python -m bot run`` serving Telegram (the fake) on ``database_url``."""
    bot = BotProcess(work, bot_environment(api, database_url), data=work / "data",
                     tmpfs_kb=tmpfs_kb, unprivileged=unprivileged)
    since = len(api.calls)
    await bot.start()
    try:
        if wait:
            await wait_for_polling(api, since)
        yield bot
    finally:
        await bot.stop()
        assert "Traceback" not in bot.stderr(), bot.stderr()[-3000:]
