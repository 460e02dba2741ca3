"""Discord (the real client inside dpytest) while the database fails.

Discord cannot be served by a separate process here (there is no fake gateway),
so the bot runs in the test's process.  PostgreSQL faults are real (a proxy
drops the connections); the SQLite faults are raised at the store's edge as the
exceptions SQLite itself raises for a full disk and a read-only file (made by
SQLite, not written by hand): the disk and permission faults themselves are
exercised on the real process, on Telegram and the terminal.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest

import tests.discord_bot.support as support
from benchmarks.fault_ledger import CRISIS_LINES, CRISIS_TEXT
from bot.app import open_app
from bot.store.resilient import ResilientStore
from bot.store.sqlite import SqliteStore
from tests.discord_bot.support import DiscordWorld, Person, Sent
from tests.faults.support import DSN, eventually, postgres_behind_proxy

FLOOR_NOTE = "having a technical problem on my side"


def sqlite_says(fault: str, where: Path) -> sqlite3.Error:
    """The exception SQLite raises for a full disk (``full``) or a read-only file."""
    db = where / f"{fault}.sqlite"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.commit()
    if fault == "full":
        conn = sqlite3.connect(db)
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        statement = "INSERT INTO t VALUES (randomblob(100000))"
    else:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        statement = "INSERT INTO t VALUES (1)"
    try:
        conn.execute(statement)
    except sqlite3.Error as error:
        return error
    raise AssertionError(f"SQLite did not refuse the write ({fault})")


class Breakable:
    """A store that fails with ``switch.error`` while it is set, else passes through."""

    def __init__(self, inner: SqliteStore, switch: Switch) -> None:
        self.inner = inner
        self.switch = switch

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            if self.switch.error is not None and name != "close":
                raise self.switch.error
            return await method(*args, **kwargs)

        return call


class Switch:
    error: Exception | None = None


@pytest.fixture
async def switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Switch:
    """The bot's SQLite store, breakable from the test."""
    flip = Switch()
    db = tmp_path / "bot.db"
    store = ResilientStore(lambda: Breakable(SqliteStore(db), flip))  # type: ignore[arg-type,return-value]
    monkeypatch.setattr(support, "open_app", partial(open_app, store=store))
    return flip


@asynccontextmanager
async def started(world: DiscordWorld) -> AsyncIterator[DiscordWorld]:
    await world.start()
    try:
        yield world
    finally:
        await world.stop()


def dm_sent(world: DiscordWorld, dm: int) -> list[Sent]:
    return [m for m in world.sent if m.where == dm]


async def crisis_while_down(world: DiscordWorld, person: Person,
                            restore: Callable[[], Awaitable[None]]) -> None:
    """A crisis DM while nothing can be stored: the lines within two seconds, the rest
    of the crisis turn once the store is back, the lines never twice."""
    dm = await person.dm_id()
    said = asyncio.ensure_future(person.say_dm(CRISIS_TEXT))
    await eventually(lambda: any(CRISIS_LINES in m.content for m in dm_sent(world, dm)), 2.0,
                     "the crisis lines")
    await eventually(lambda: any(FLOOR_NOTE in m.content for m in dm_sent(world, dm)), 2.0,
                     "the floor's note after the lines")
    await restore()
    await asyncio.wait_for(said, 20)
    await world.settle()
    texts = [m.content for m in dm_sent(world, dm)]
    # The crisis turn goes on where the floor stopped: which country, or skip.
    assert any("Skip" in m.buttons for m in dm_sent(world, dm)), texts
    assert sum(CRISIS_LINES in t for t in texts) == 1, texts


async def test_a_full_disk_on_discord(tmp_path: Path, switch: Switch) -> None:
    world = DiscordWorld(tmp_path / "bot.db")
    async with started(world) as running:
        ana = running.person("ana")
        assert await ana.say_dm("/stop")  # working before the disk fills
        switch.error = sqlite_says("full", tmp_path)

        async def free() -> None:
            switch.error = None

        await crisis_while_down(running, ana, free)


async def test_a_read_only_database_at_start_on_discord(tmp_path: Path, switch: Switch) -> None:
    switch.error = sqlite_says("read_only", tmp_path)
    world = DiscordWorld(tmp_path / "bot.db")
    async with started(world) as running:
        async def writable() -> None:
            switch.error = None

        await crisis_while_down(running, running.person("ben"), writable)


@pytest.mark.skipif(not DSN, reason="TEST_POSTGRES_DSN not set")
async def test_postgres_down_at_start_on_discord(tmp_path: Path) -> None:
    async with postgres_behind_proxy() as pg:
        await pg.proxy.cut()
        world = DiscordWorld(tmp_path / "unused.db")
        world.settings = world.settings.model_copy(update={"database_url": pg.url})
        async with started(world) as running:
            await crisis_while_down(running, running.person("cy"), pg.proxy.restore)


@pytest.mark.skipif(not DSN, reason="TEST_POSTGRES_DSN not set")
async def test_postgres_killed_mid_run_on_discord(tmp_path: Path) -> None:
    async with postgres_behind_proxy() as pg:
        world = DiscordWorld(tmp_path / "unused.db")
        world.settings = world.settings.model_copy(update={"database_url": pg.url})
        async with started(world) as running:
            dee = running.person("dee")
            assert await dee.say_dm("/stop")
            await pg.proxy.cut()
            await crisis_while_down(running, dee, pg.proxy.restore)


async def test_sos_in_a_server_while_down_is_answered_privately(
    tmp_path: Path, switch: Switch
) -> None:
    world = DiscordWorld(tmp_path / "bot.db")
    async with started(world) as running:
        eve = running.person("eve")
        switch.error = sqlite_says("full", tmp_path)
        command = asyncio.ensure_future(eve.slash("sos", in_server=True))
        await eventually(lambda: any(CRISIS_LINES in m.content for m in running.sent), 2.0,
                         "the crisis lines")
        lines = next(m for m in running.sent if CRISIS_LINES in m.content)
        assert lines.via == "followup" and lines.ephemeral  # only she sees them
        switch.error = None
        await asyncio.wait_for(command, 20)
        assert sum(CRISIS_LINES in m.content for m in running.sent) == 1
