"""The real bot process on Telegram (the fake Bot API) while what it stands on fails.

Each test runs ``python -m bot run`` against a real SQLite file or a real
PostgreSQL server, breaks something for a moment, and checks what the people
writing meanwhile notice: a crisis message gets the crisis lines within two
seconds, at once and once; every other message is answered once the fault
clears, exactly once and in the order it was written.  The faults are real
(see :mod:`benchmarks.fault_harness`): a full tmpfs, permissions, a damaged
file, a proxy that drops the database connections, SIGKILL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from benchmarks.fake_bot_api import FakeBotAPI
from benchmarks.fault_harness import (
    corrupt,
    make_read_only,
    namespaces_available,
    read_only_available,
    restore,
    restore_modes,
    wait_for_polling,
)
from benchmarks.fault_ledger import CRISIS_LINES, Ledger, Result
from bot.store.sqlite import SqliteStore
from tests.faults.support import DSN, eventually, postgres_behind_proxy, telegram_bot

FLOOR_NOTE = "I'm having a technical problem on my side"
ANSWERED_WITHIN = 25.0
"""Seconds for every reply once a fault clears (the turn retries back off to 5 s)."""

needs_namespaces = pytest.mark.skipif(
    not namespaces_available(), reason="no private mount namespace (unshare) for a full tmpfs")
needs_read_only = pytest.mark.skipif(
    not read_only_available(), reason="running as root without setpriv: permissions not binding")
needs_postgres = pytest.mark.skipif(not DSN, reason="TEST_POSTGRES_DSN not set")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


async def made(db: Path) -> Path:
    """A migrated database with nothing in it, as a bot that ran before leaves it."""
    db.parent.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(db)
    await store.open()
    await store.close()
    return db


def crisis_answered(ledger: Ledger, chat: int) -> bool:
    return any(CRISIS_LINES in call.text for call in ledger.received(chat))


def floor_used(ledger: Ledger, chat: int) -> bool:
    return any(FLOOR_NOTE in call.text for call in ledger.received(chat))


async def while_down(ledger: Ledger, *, writer: int, crisis: int) -> None:
    """During a fault: someone writes three messages, someone else a crisis; the
    crisis lines arrive within two seconds, from the floor; nothing else is
    answered while nothing can be stored."""
    for _ in range(3):
        ledger.marker(writer)
    ledger.crisis(crisis)
    await eventually(lambda: crisis_answered(ledger, crisis), 2.0, "the crisis lines")
    # From the floor: its note follows the lines (not from a turn, none can commit).
    await eventually(lambda: floor_used(ledger, crisis), 2.0, "the floor's note")
    await asyncio.sleep(0.5)
    assert not ledger.received(writer), "answered although nothing could be stored"


async def all_answered(ledger: Ledger, name: str) -> Result:
    await eventually(ledger.answered, ANSWERED_WITHIN, "every reply after the fault")
    await asyncio.sleep(0.5)  # time for a duplicate to show up
    result = ledger.result(name)
    assert result.clean(), result
    assert result.crisis_max is not None and result.crisis_max < 2.0, result
    return result


@needs_namespaces
async def test_a_full_disk_gets_crisis_lines_out_and_every_reply_once_it_has_room(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/data/bot.db"
    async with telegram_bot(api, tmp_path, url, tmpfs_kb=8192) as bot:
        ledger = Ledger(api)
        ledger.marker(601)
        await eventually(ledger.answered, 30, "the reply before the disk fills")
        filler = bot.fill()
        await while_down(ledger, writer=603, crisis=602)
        bot.free(filler)
        await all_answered(ledger, "disk full")
    assert "database or disk is full" in bot.stderr()


@needs_read_only
async def test_a_read_only_database_at_start_answers_crisis_then_everything_once_writable(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    db = await made(tmp_path / "data" / "bot.db")
    modes = make_read_only(db)
    try:
        async with telegram_bot(api, tmp_path, f"sqlite:///{db}", unprivileged=True) as bot:
            ledger = Ledger(api)
            await while_down(ledger, writer=611, crisis=612)
            restore_modes(modes)
            await all_answered(ledger, "read-only")
    finally:
        restore_modes(modes)
    assert "cannot be written" in bot.stderr()


async def test_a_damaged_database_at_start_answers_crisis_then_everything_once_restored(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    db = await made(tmp_path / "data" / "bot.db")
    kept = corrupt(db)
    async with telegram_bot(api, tmp_path, f"sqlite:///{db}") as bot:
        ledger = Ledger(api)
        await while_down(ledger, writer=621, crisis=622)
        restore(db, kept)
        await all_answered(ledger, "corrupted file")
    assert "file is not a database" in bot.stderr()


@needs_postgres
async def test_postgres_down_at_start(api: FakeBotAPI, tmp_path: Path) -> None:
    async with postgres_behind_proxy() as pg:
        await pg.proxy.cut()
        async with telegram_bot(api, tmp_path, pg.url):
            ledger = Ledger(api)
            await while_down(ledger, writer=631, crisis=632)
            await pg.proxy.restore()
            await all_answered(ledger, "postgres down at start")


@needs_postgres
async def test_postgres_killed_mid_run(api: FakeBotAPI, tmp_path: Path) -> None:
    async with postgres_behind_proxy() as pg, telegram_bot(api, tmp_path, pg.url):
        ledger = Ledger(api)
        ledger.marker(641)
        await eventually(ledger.answered, 30, "the reply before the server dies")
        await pg.proxy.cut()
        await while_down(ledger, writer=643, crisis=642)
        await pg.proxy.restore()
        await all_answered(ledger, "postgres killed mid-run")


async def test_sigkill_during_a_burst_loses_nothing(api: FakeBotAPI, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/data/bot.db"
    ledger = Ledger(api)
    async with telegram_bot(api, tmp_path, url) as bot:
        for _ in range(8):
            ledger.marker(651)
        # Some replies out, most still paced at one a second for this chat.
        await eventually(lambda: len(ledger.received(651)) >= 4, 30, "the first replies")
        bot.kill()
        await bot.stop()
    since = len(api.calls)
    async with telegram_bot(api, tmp_path, url, wait=False):
        await wait_for_polling(api, since)
        await eventually(ledger.answered, ANSWERED_WITHIN, "every reply after the restart")
        await asyncio.sleep(0.5)
    result = ledger.result("SIGKILL")
    assert result.lost == 0 and result.reordered == 0, result
    # A reply the platform took in the instant before its delivery was recorded
    # goes out again after a crash (no platform API can tell a retry apart).
    assert result.duplicated <= 1, result


async def test_under_flood_control_and_server_errors_replies_arrive_in_order(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    api.fail_randomly("sendMessage", rate_429=0.15, rate_500=0.15, retry_after=1, seed=14)
    async with telegram_bot(api, tmp_path, f"sqlite:///{tmp_path}/data/bot.db"):
        ledger = Ledger(api)
        for _round in range(4):
            for chat in range(661, 667):
                ledger.marker(chat)
        ledger.crisis(667)
        await eventually(ledger.answered, ANSWERED_WITHIN, "every reply")
        await asyncio.sleep(0.5)
    result = ledger.result("429/500")
    assert result.clean(), result
    assert result.reply_max is not None and result.reply_max < 30.0, result
    assert any(c.status == 429 for c in api.calls) and any(c.status == 500 for c in api.calls)


async def test_a_burst_from_one_person_does_not_hold_up_anothers_crisis_lines(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    async with telegram_bot(api, tmp_path, f"sqlite:///{tmp_path}/data/bot.db"):
        ledger = Ledger(api)
        for _ in range(8):
            ledger.marker(671)
        await asyncio.sleep(0.3)
        ledger.crisis(672)
        await eventually(lambda: crisis_answered(ledger, 672), 2.0, "the crisis lines")
        await eventually(ledger.answered, ANSWERED_WITHIN, "the burst's replies")
        await asyncio.sleep(0.3)
    result = ledger.result("burst")
    assert result.clean(), result
