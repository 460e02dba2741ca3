"""Delivery lanes: each chat in commit order, a failure holding back only its chat,
retries when the platform says, and crisis replies ahead of everyone else's.

A real SQLite outbox and the dispatcher, with a sender that fails when told to.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.codec import encode_outbound
from bot.delivery import BACKGROUND, REPLY, URGENT, Dispatcher, TransientDeliveryError
from bot.ratelimit import RateLimiter
from bot.render import plain
from bot.store.base import Commit, OutboxRow
from bot.store.sqlite import SqliteStore
from bot.types import ConversationKey, Outbound, Segment, SendText


def now() -> datetime:
    return datetime.now(UTC)


class Sender:
    """Records (chat, text, when); ``fail`` decides per send whether it fails, and how."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, float]] = []
        self.fail: dict[str, list[TransientDeliveryError]] = {}
        self.chaos: random.Random | None = None

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        assert isinstance(action, SendText)
        text = plain(action.segments)
        planned = self.fail.get(text)
        if planned:
            raise planned.pop(0)
        if self.chaos is not None and self.chaos.random() < 0.3:
            raise TransientDeliveryError("HTTP 500")
        self.sent.append((key.chat_id, text, time.monotonic()))

    def texts(self, chat: str) -> list[str]:
        return [text for c, text, _at in self.sent if c == chat]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    store = SqliteStore(tmp_path / "bot.sqlite")
    await store.open()
    yield store
    await store.close()


async def turn(store: SqliteStore, dispatcher: Dispatcher, chat: str, *texts: str,
               priority: int = REPLY) -> list[OutboxRow]:
    """What the runtime does: commit a turn's replies held for this worker."""
    key = ConversationKey("test", chat, chat)
    at = now()
    held = dispatcher.claim_until("test", at)
    payloads = [encode_outbound(SendText((Segment(t),))) for t in texts]
    snapshot = await store.load(key)
    ids = await store.commit(Commit(key=key, at=at, expected_version=snapshot.version,
                                    state_json="{}", outbox=payloads,
                                    outbox_claimed_until=held, outbox_priority=priority))
    return [OutboxRow(i, key, p, 0, at, held, priority) for i, p in zip(ids, payloads,
                                                                       strict=True)]


async def until(check: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_a_failed_send_holds_back_only_its_chat_and_retries_when_told(
    store: SqliteStore,
) -> None:
    sender = Sender()
    dispatcher = Dispatcher(store, {"test": sender}, now)
    loop = asyncio.ensure_future(dispatcher.run(interval=60))  # only a due retry wakes it
    try:
        sender.fail["a1"] = [TransientDeliveryError("flood control", retry_after=0.5)]
        failed_at = time.monotonic()
        dispatcher.submit(await turn(store, dispatcher, "a", "a1", "a2"))
        dispatcher.submit(await turn(store, dispatcher, "b", "b1", "b2"))
        await until(lambda: sender.texts("b") == ["b1", "b2"])
        assert sender.texts("a") == []
        # The next turn of the failed chat waits behind it, in order...
        dispatcher.submit(await turn(store, dispatcher, "a", "a3"))
        await until(lambda: sender.texts("a") == ["a1", "a2", "a3"])
        # ...and nothing waited for a claim to run out: the retry came when asked.
        retried = next(at for chat, text, at in sender.sent if text == "a1")
        assert 0.5 <= retried - failed_at < 2.0
    finally:
        loop.cancel()
        await dispatcher.close()


async def test_under_random_failures_every_chat_gets_everything_once_in_order(
    store: SqliteStore,
) -> None:
    sender = Sender()
    sender.chaos = random.Random(14)
    dispatcher = Dispatcher(store, {"test": sender}, now, retry_first=0.05, retry_max=0.2)
    loop = asyncio.ensure_future(dispatcher.run(interval=0.5))
    try:
        chats = [f"c{n}" for n in range(6)]
        for round_ in range(5):
            for chat in chats:
                dispatcher.submit(await turn(store, dispatcher, chat, f"{chat}-{round_}-x",
                                             f"{chat}-{round_}-y"))
        expected = {chat: [f"{chat}-{r}-{p}" for r in range(5) for p in "xy"] for chat in chats}
        await until(lambda: all(sender.texts(c) == expected[c] for c in chats), 20)
        await dispatcher.flush()
        assert await store.pending_outbox() == []
    finally:
        loop.cancel()
        await dispatcher.close()


async def test_a_crisis_reply_goes_ahead_of_replies_queued_for_others(store: SqliteStore) -> None:
    sender = Sender()
    # A slow platform: five messages a second overall.
    limiter = RateLimiter(5, per_chat_rate=1.0, per_chat_burst=3)
    dispatcher = Dispatcher(store, {"test": sender}, now, limiters={"test": limiter})
    try:
        for n in range(10):
            dispatcher.submit(await turn(store, dispatcher, f"n{n}", f"nudge {n}",
                                         priority=BACKGROUND))
        await asyncio.sleep(0.05)
        dispatcher.submit(await turn(store, dispatcher, "crisis", "crisis lines",
                                     priority=URGENT))
        await until(lambda: bool(sender.texts("crisis")), 3)
        # Out second: only the one nudge already sent before it went ahead.
        assert [text for _c, text, _at in sender.sent].index("crisis lines") <= 1
    finally:
        await dispatcher.close()


async def test_a_row_failing_for_good_is_given_up_and_the_chat_goes_on(
    store: SqliteStore,
) -> None:
    from bot.delivery import RejectedDeliveryError

    sender = Sender()
    sender.fail["bad"] = [RejectedDeliveryError("bad request") for _ in range(3)]
    dispatcher = Dispatcher(store, {"test": sender}, now, max_attempts=3, retry_first=0.05)
    loop = asyncio.ensure_future(dispatcher.run(interval=0.2))
    try:
        dispatcher.submit(await turn(store, dispatcher, "a", "bad", "after"))
        await until(lambda: sender.texts("a") == ["after"], 5)
    finally:
        loop.cancel()
        await dispatcher.close()


async def test_the_oldest_rows_of_a_restarted_worker_go_first(store: SqliteStore) -> None:
    crashed = Dispatcher(store, {"test": Sender()}, now)
    await turn(store, crashed, "a", "a1", "a2")  # committed, never sent
    sender = Sender()
    restarted = Dispatcher(store, {"test": sender}, now)
    assert await restarted.recover() == 2
    assert sender.texts("a") == ["a1", "a2"]
    await restarted.close()


async def test_claims_are_not_waited_out_after_a_failure(store: SqliteStore) -> None:
    """The rows behind a failed one are handed back at once, due with it."""
    sender = Sender()
    sender.fail["a1"] = [TransientDeliveryError("HTTP 500")]
    dispatcher = Dispatcher(store, {"test": sender}, now, retry_first=0.2)
    await dispatcher.submit(await turn(store, dispatcher, "a", "a1", "a2", "a3"))
    rows = await store.pending_outbox()
    assert [r.attempts for r in rows] == [1, 0, 0]
    due = {r.claimed_until for r in rows}
    assert len(due) == 1  # all three free at the same moment, the retry's
    (when,) = due
    assert when is not None and when - now() < timedelta(seconds=1)
    await dispatcher.close()
