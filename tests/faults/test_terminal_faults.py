"""The terminal chat (``compassion-bot chat``, a real process) while its database fails.

A storage failure is answered with one line naming the cause and what to do;
a crisis typed meanwhile gets the crisis lines at once; the answers follow once
the fault clears; nothing is ever printed as a traceback, and a byte that is
not UTF-8 does no harm.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from benchmarks.fake_bot_api import FakeBotAPI
from benchmarks.fault_harness import (
    BotProcess,
    bot_environment,
    corrupt,
    make_read_only,
    namespaces_available,
    read_only_available,
    restore,
    restore_modes,
)
from benchmarks.fault_ledger import CRISIS_LINES, CRISIS_TEXT
from bot.store.sqlite import SqliteStore
from tests.faults.support import DSN, eventually, postgres_behind_proxy

WELCOME = "1) Yes, keep them"
"""The consent question that ends the welcome, whatever its wording."""
ASK_COUNTRY = "1) Skip"
"""The crisis turn's question after its lines (which country, or skip), once committed."""


class Terminal:
    """A scripted person at ``compassion-bot chat``: lines in, everything printed kept."""

    def __init__(self, process: BotProcess) -> None:
        self.process = process
        self.output = ""
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.process.start(piped=True)
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        stream = self.process.process.stdout if self.process.process else None
        assert stream is not None
        while chunk := await stream.read(4096):
            self.output += chunk.decode("utf-8", "replace")

    def type(self, line: bytes | str) -> None:
        data = line.encode() if isinstance(line, str) else line
        assert self.process.process is not None and self.process.process.stdin is not None
        self.process.process.stdin.write(data + b"\n")

    # Upper bounds, not waits: a loaded CI machine takes seconds to start the bot.
    async def shows(self, text: str, seconds: float = 30.0) -> None:
        await eventually(lambda: text in self.output, seconds, repr(text))

    async def leave(self) -> int:
        """Ctrl-D; the exit status."""
        process = self.process.process
        assert process is not None and process.stdin is not None
        process.stdin.close()
        try:
            status = await asyncio.wait_for(process.wait(), 60)
        finally:
            if self._reader is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(self._reader, 5)
        return status

    def everything(self) -> str:
        return self.output + self.process.stderr()


@contextlib.asynccontextmanager
async def terminal(work: Path, *, db: Path | None = None, url: str | None = None,
                   tmpfs_kb: int | None = None, unprivileged: bool = False,
                   ) -> AsyncIterator[Terminal]:
    async with FakeBotAPI() as api:  # only for the environment's shape: chat ignores it
        env = bot_environment(api, url or f"sqlite:///{db}")
    env.pop("TELEGRAM_TOKEN")
    command = ["chat", "--db", str(db)] if db is not None else ["chat"]
    process = BotProcess(work, env, command=command,
                         data=db.parent if db is not None else None, tmpfs_kb=tmpfs_kb,
                         unprivileged=unprivileged)
    chat = Terminal(process)
    await chat.start()
    try:
        yield chat
    finally:
        await process.stop()
        assert "Traceback" not in chat.everything(), chat.everything()[-3000:]


async def made(db: Path) -> Path:
    db.parent.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(db)
    await store.open()
    await store.close()
    return db


async def while_down(chat: Terminal, cause: str) -> None:
    """A plain line gets one line naming ``cause``; a crisis gets the lines at once."""
    chat.type("I had a rough day at work")
    await chat.shows("compassion-bot: cannot save your message")
    assert cause in chat.output
    assert chat.output.count("compassion-bot: cannot save") == 1
    chat.type(CRISIS_TEXT)
    await chat.shows(CRISIS_LINES, seconds=2.0)


async def after(chat: Terminal) -> None:
    """Once the fault clears the lines are answered, the crisis lines not again."""
    await chat.shows(ASK_COUNTRY, seconds=20.0)
    assert await chat.leave() == 0
    assert chat.output.count(CRISIS_LINES) == 1


@pytest.mark.skipif(not namespaces_available(), reason="no private mount namespace (unshare)")
async def test_a_full_disk_is_named_and_a_crisis_still_gets_its_lines(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.db"
    async with terminal(tmp_path, db=db, tmpfs_kb=8192) as chat:
        chat.type("hello")
        await chat.shows(WELCOME)
        filler = chat.process.fill()
        await while_down(chat, "database or disk is full")
        chat.process.free(filler)
        await after(chat)


@pytest.mark.skipif(not read_only_available(), reason="permissions do not bind root here")
async def test_a_read_only_database_is_named_and_a_crisis_still_gets_its_lines(
    tmp_path: Path,
) -> None:
    db = await made(tmp_path / "data" / "bot.db")
    modes = make_read_only(db)
    try:
        async with terminal(tmp_path, db=db, unprivileged=True) as chat:
            await while_down(chat, "cannot be written")
            restore_modes(modes)
            await after(chat)
    finally:
        restore_modes(modes)


async def test_a_damaged_database_is_named_and_a_crisis_still_gets_its_lines(
    tmp_path: Path,
) -> None:
    db = await made(tmp_path / "data" / "bot.db")
    kept = corrupt(db)
    async with terminal(tmp_path, db=db) as chat:
        await while_down(chat, "file is not a database")
        restore(db, kept)
        await after(chat)


@pytest.mark.skipif(not DSN, reason="TEST_POSTGRES_DSN not set")
async def test_postgres_down_is_named_and_a_crisis_still_gets_its_lines(tmp_path: Path) -> None:
    async with postgres_behind_proxy() as pg:
        await pg.proxy.cut()
        async with terminal(tmp_path, url=pg.url) as chat:
            await while_down(chat, "cannot be reached")
            await pg.proxy.restore()
            await after(chat)


async def test_a_line_that_is_not_utf8_is_answered(tmp_path: Path) -> None:
    async with terminal(tmp_path, db=tmp_path / "data" / "bot.db") as chat:
        chat.type(b"hello \xff\xfe there")
        await chat.shows(WELCOME)
        chat.type(CRISIS_TEXT)
        await chat.shows(CRISIS_LINES)
        assert await chat.leave() == 0


async def test_the_chat_ends_saying_what_could_not_be_saved(tmp_path: Path) -> None:
    db = await made(tmp_path / "data" / "bot.db")
    corrupt(db)
    async with terminal(tmp_path, db=db) as chat:
        chat.type("hello")
        await chat.shows("compassion-bot: cannot save your message")
        assert await chat.leave() == 1
        assert "compassion-bot: 1 message(s) could not be saved." in chat.output


@pytest.mark.skipif(not DSN, reason="TEST_POSTGRES_DSN not set")
async def test_postgres_killed_mid_chat_is_named_and_a_crisis_still_gets_its_lines(
    tmp_path: Path,
) -> None:
    async with postgres_behind_proxy() as pg, terminal(tmp_path, url=pg.url) as chat:
        chat.type("hello")
        await chat.shows(WELCOME)
        await pg.proxy.cut()
        await while_down(chat, "cannot be reached")
        await pg.proxy.restore()
        await after(chat)
