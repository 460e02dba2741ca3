"""Delivering committed replies from the outbox through the platform adapters.

A reply is in the outbox before anything is sent (the runtime commits it with
the new state), so a crash loses nothing: :meth:`Dispatcher.drain` sends what
is still pending when the bot starts again.  Each adapter provides a
:class:`Sender`; it raises :class:`PermanentDeliveryError` when a message can
never be delivered (the person blocked the bot) and
:class:`TransientDeliveryError` when it is worth trying again later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.codec import decode_outbound
from bot.ratelimit import RateLimiter
from bot.store.base import OutboxRow, Store
from bot.types import ConversationKey, Outbound

log = logging.getLogger(__name__)


class PermanentDeliveryError(Exception):
    """The platform will never accept messages for this conversation (the person
    blocked the bot, the chat is gone): the person is marked unreachable."""


class TransientDeliveryError(Exception):
    """Worth another try later (network trouble, rate limit, server error)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Sender(Protocol):
    """One platform's way of putting an outbound action in front of a person."""

    async def send(self, key: ConversationKey, action: Outbound) -> None: ...


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one :meth:`Dispatcher.deliver` call achieved."""

    delivered: int = 0
    unreachable: frozenset[ConversationKey] = frozenset()
    """Conversations the platform refused for good (the person blocked the bot)."""


Unreachable = Callable[[ConversationKey], Awaitable[None]]


class Dispatcher:
    """Sends outbox rows in order and records what happened to each."""

    def __init__(
        self,
        store: Store,
        senders: Mapping[str, Sender],
        clock: Callable[[], datetime],
        *,
        max_attempts: int = 8,
        on_unreachable: Unreachable | None = None,
        limiters: Mapping[str, RateLimiter] | None = None,
    ) -> None:
        self.store = store
        self.senders = dict(senders)
        self.limiters = dict(limiters or {})
        """Per platform: paces sends under its rate limits (none: send at once)."""
        self.clock = clock
        self.max_attempts = max_attempts
        self.on_unreachable = on_unreachable
        # Rows being sent by this process right now, so the periodic drain and
        # a turn's own delivery never send the same row twice.
        self._in_flight: set[int] = set()
        self._marking: set[asyncio.Task[None]] = set()

    def add_sender(self, platform: str, sender: Sender) -> None:
        self.senders[platform] = sender

    async def deliver(
        self, rows: Sequence[OutboxRow], actions: Sequence[Outbound] | None = None
    ) -> Delivery:
        """Send ``rows`` (one conversation's, in order) and say how it went.

        ``actions``, when the caller still has them, are the rows' payloads already
        decoded (the runtime just encoded them), which saves decoding them again.

        After a transient failure the rest of that conversation waits, so that
        replies never arrive out of order.
        """
        delivered: list[int] = []
        claimed: list[int] = []
        blocked: set[ConversationKey] = set()
        unreachable: set[ConversationKey] = set()
        try:
            for n, row in enumerate(rows):
                if row.key in unreachable:
                    # The platform refused this person for good: the rest of
                    # their replies would be refused too, so none is kept.
                    await self.store.mark_failed(row.id, "unreachable", self.clock(), give_up=True)
                    continue
                if row.id in self._in_flight or row.key in blocked:
                    continue
                sender = self.senders.get(row.key.platform)
                if sender is None:
                    continue
                self._in_flight.add(row.id)
                claimed.append(row.id)
                try:
                    action = actions[n] if actions is not None else decode_outbound(row.payload)
                    limiter = self.limiters.get(row.key.platform)
                    if limiter is not None:
                        await limiter.acquire(row.key.chat_id)
                    await sender.send(row.key, action)
                except PermanentDeliveryError as exc:
                    log.warning("outbox %s undeliverable: %s", row.id, type(exc).__name__)
                    await self.store.mark_failed(row.id, str(exc), self.clock(), give_up=True)
                    blocked.add(row.key)
                    unreachable.add(row.key)
                except TransientDeliveryError as exc:
                    give_up = row.attempts + 1 >= self.max_attempts
                    log.info("outbox %s delayed (attempt %d)", row.id, row.attempts + 1)
                    await self.store.mark_failed(row.id, str(exc), self.clock(), give_up=give_up)
                    blocked.add(row.key)
                else:
                    delivered.append(row.id)
        finally:
            done = set(delivered)
            self._in_flight.difference_update(i for i in claimed if i not in done)
            if delivered:
                # Recorded in the background: the reply is out, and waiting for
                # one more durable commit would only delay the person's next
                # turn.  Until the mark lands the rows stay "in flight", so the
                # drain loop cannot send them again.
                task = asyncio.create_task(self._mark_delivered(delivered))
                self._marking.add(task)
                task.add_done_callback(self._marking.discard)
        return Delivery(len(delivered), frozenset(unreachable))

    async def _mark_delivered(self, ids: list[int]) -> None:
        try:
            await self.store.mark_delivered(ids, self.clock())
        except Exception:
            log.exception("could not record %d deliveries; they may be sent again", len(ids))
        finally:
            self._in_flight.difference_update(ids)

    async def flush(self) -> None:
        """Wait until every delivery so far is recorded (before closing the store)."""
        while self._marking:
            await asyncio.gather(*self._marking)

    async def drain(self, platform: str | None = None, limit: int = 500) -> int:
        """Send everything pending (after a restart, or after transient failures)."""
        rows = await self.store.pending_outbox(limit=limit, platform=platform)
        by_key: dict[ConversationKey, list[OutboxRow]] = {}
        for row in rows:
            if row.key.platform in self.senders:
                by_key.setdefault(row.key, []).append(row)
        results = await asyncio.gather(*(self.deliver(group) for group in by_key.values()))
        if self.on_unreachable is not None:
            for key in {key for result in results for key in result.unreachable}:
                await self.on_unreachable(key)
        return sum(result.delivered for result in results)

    async def run(self, interval: float = 5.0) -> None:
        """Drain periodically until cancelled."""
        while True:
            try:
                await self.drain()
            except Exception:
                log.exception("outbox drain failed; will try again")
            await asyncio.sleep(interval)
