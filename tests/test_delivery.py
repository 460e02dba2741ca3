"""The dispatcher's outbox claims: what several workers sharing one outbox may send.

Two dispatchers over one SQLite store stand for two workers; the clock is set
by hand, so leases run out without waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.codec import encode_outbound
from bot.delivery import Dispatcher
from bot.render import plain
from bot.store.base import Commit, OutboxRow
from bot.store.sqlite import SqliteStore
from bot.types import ConversationKey, Outbound, Segment, SendText

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
KEY = ConversationKey("test", "c1", "u1")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class Sender:
    """Records what it sends; with ``hold`` set, waits at that message until released."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.hold: str | None = None
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        assert isinstance(action, SendText)
        text = plain(action.segments)
        if text == self.hold:
            self.holding.set()
            await self.release.wait()
        self.sent.append(text)


def say(text: str) -> str:
    return encode_outbound(SendText((Segment(text),)))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    store = SqliteStore(tmp_path / "bot.sqlite")
    await store.open()
    yield store
    await store.close()


def worker(store: SqliteStore, clock: Clock, sender: Sender, *, sole: bool = False
           ) -> Dispatcher:
    return Dispatcher(store, {"test": sender}, clock, lease=LEASE, sole_worker=sole)


async def turn(store: SqliteStore, dispatcher: Dispatcher, *texts: str) -> list[OutboxRow]:
    """What the runtime does: commit the replies held for this worker; the rows to deliver."""
    held = dispatcher.claim_until(KEY.platform, dispatcher.clock())
    commit = Commit(key=KEY, at=dispatcher.clock(), expected_version=0, state_json=None,
                    outbox=[say(t) for t in texts], outbox_claimed_until=held)
    ids = await store.commit(commit)
    return [OutboxRow(i, KEY, p, 0, commit.at, held) for i, p in zip(ids, commit.outbox,
                                                                    strict=True)]


async def test_a_drain_elsewhere_leaves_a_turns_replies_to_its_worker(store: SqliteStore) -> None:
    clock = Clock()
    mine, theirs = Sender(), Sender()
    a, b = worker(store, clock, mine), worker(store, clock, theirs)
    rows = await turn(store, a, "one", "two")
    assert await b.drain() == 0  # committed, not yet sent: still worker a's
    assert (await a.deliver(rows)).delivered == 2
    await a.flush()
    clock.now += 2 * LEASE
    assert await b.drain() == 0
    assert (mine.sent, theirs.sent) == (["one", "two"], [])


async def test_a_dead_workers_replies_go_out_once_after_the_lease(store: SqliteStore) -> None:
    clock = Clock()
    dead, alive = Dispatcher(store, {}, clock, lease=LEASE), Sender()
    dead.add_sender("test", Sender())  # it could send, so it held the rows...
    await turn(store, dead, "one", "two", "three")  # ...and died before sending
    b = worker(store, clock, alive)
    clock.now += LEASE - timedelta(seconds=1)
    assert await b.drain() == 0
    clock.now += timedelta(seconds=1)
    assert await b.drain() == 3
    await b.flush()
    clock.now += 2 * LEASE
    assert await b.drain() == 0
    assert alive.sent == ["one", "two", "three"]


async def test_a_row_whose_claim_is_nearly_over_is_left_for_the_next_claim(
    store: SqliteStore,
) -> None:
    clock = Clock()
    slow, other = Sender(), Sender()
    a, b = worker(store, clock, slow), worker(store, clock, other)
    rows = await turn(store, a, "one", "two")
    # Held up (say, in the rate limiter) until most of the lease is gone.
    clock.now += LEASE * 3 / 4
    assert (await a.deliver(rows)).delivered == 0
    clock.now += LEASE / 4
    assert await b.drain() == 2
    assert (slow.sent, other.sent) == ([], ["one", "two"])


async def test_each_reply_is_marked_as_soon_as_it_is_out(store: SqliteStore) -> None:
    clock = Clock()
    sender = Sender()
    a = worker(store, clock, sender)
    rows = await turn(store, a, "one", "two", "three")
    sender.hold = "two"
    delivering = asyncio.create_task(a.deliver(rows))
    await sender.holding.wait()
    await a.flush()
    # "one" is out and recorded while "two" is still on its way: a crash now
    # would send "two" and "three" again later, never "one".
    assert [r.id for r in await store.pending_outbox()] == [rows[1].id, rows[2].id]
    sender.release.set()
    assert (await delivering).delivered == 3
    await a.flush()
    assert await store.pending_outbox() == []


async def test_a_sole_worker_takes_over_its_claims_when_it_restarts(store: SqliteStore) -> None:
    clock = Clock()
    crashed = worker(store, clock, Sender(), sole=True)
    await turn(store, crashed, "one")
    restarted = Sender()
    assert await worker(store, clock, restarted, sole=True).recover() == 1
    assert restarted.sent == ["one"]


async def test_one_of_several_workers_leaves_claims_to_run_out(store: SqliteStore) -> None:
    clock = Clock()
    busy = worker(store, clock, Sender())
    await turn(store, busy, "one")  # perhaps still being sent by a live worker
    starting = Sender()
    assert await worker(store, clock, starting).recover() == 0
    assert starting.sent == []


async def test_a_drain_claims_only_what_it_can_send(store: SqliteStore) -> None:
    clock = Clock()
    elsewhere = ConversationKey("elsewhere", "c", "u")
    await store.commit(Commit(key=elsewhere, at=T0, expected_version=0, state_json=None,
                              outbox=[say("not mine")]))
    assert await worker(store, clock, Sender()).drain() == 0
    [row] = await store.pending_outbox()
    assert row.claimed_until is None  # free for a worker that can send it


async def test_taking_over_at_startup_skips_what_this_process_is_sending(
    store: SqliteStore,
) -> None:
    clock = Clock()
    sender = Sender()
    a = worker(store, clock, sender, sole=True)
    rows = await turn(store, a, "one", "two", "three")
    sender.hold = "one"
    delivering = asyncio.create_task(a.deliver(rows))  # a turn's own delivery...
    await sender.holding.wait()
    assert await a.recover() == 0  # ...while the startup drain takes over every claim
    sender.release.set()
    assert (await delivering).delivered == 3
    assert sender.sent == ["one", "two", "three"]
