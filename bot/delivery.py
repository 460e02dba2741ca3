"""Delivering committed replies from the outbox through the platform adapters.

A reply is in the outbox before anything is sent (the runtime commits it with
the new state), so a crash loses nothing: :meth:`Dispatcher.drain` sends what
is still pending when the bot starts again.  Each adapter provides a
:class:`Sender`; it raises :class:`PermanentDeliveryError` when a message can
never be delivered (the person blocked the bot) and
:class:`TransientDeliveryError` when it is worth trying again later.

Several workers share one outbox, so a row is sent only by the worker that
holds its *claim* (a lease, ``claimed_until``).  The runtime commits a turn's
replies already claimed by its own worker (:meth:`Dispatcher.claim_until`), and
delivers them at once; drains take only rows nobody holds
(:meth:`~bot.store.base.Store.claim_outbox`).  A worker that dies leaves its
claims to run out, and then another worker sends those replies, once.  A row
whose claim is about to run out is not sent by its holder any more (another
worker may be about to take it); it waits for whoever claims it next.

Each delivered row is marked as soon as it is out, in the background: only the
moment between the platform accepting a message and that mark being durable
can make a crash send a reply twice, and no platform API lets a retry be
recognised as one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.codec import decode_outbound
from bot.ratelimit import RateLimiter
from bot.store.base import OutboxRow, Store
from bot.types import ConversationKey, Outbound

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(seconds=60)
"""How long a sender holds an outbox row: long enough for a send with the HTTP
client's timeouts and a short wait in the rate limiter, short enough that a dead
worker's replies go out within about a minute."""


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
        lease: timedelta = DEFAULT_LEASE,
        sole_worker: bool = True,
    ) -> None:
        self.store = store
        self.senders = dict(senders)
        self.limiters = dict(limiters or {})
        """Per platform: paces sends under its rate limits (none: send at once)."""
        self.clock = clock
        self.max_attempts = max_attempts
        self.on_unreachable = on_unreachable
        self.lease = lease
        self.sole_worker = sole_worker
        """No other worker shares the outbox: every claim found at startup was this
        worker's before it restarted (see :meth:`recover`)."""
        # Rows being sent by this process right now, so the periodic drain and
        # a turn's own delivery never send the same row twice.
        self._in_flight: set[int] = set()
        # Rows sent but not yet marked (with when), and the one task marking
        # them: marks made while a mark is being written go together in the next.
        self._unmarked: list[tuple[int, datetime]] = []
        self._marker: asyncio.Task[None] | None = None

    def claim_until(self, platform: str, now: datetime) -> datetime | None:
        """Until when a turn committed ``now`` should hold its outbox rows for this
        worker: a lease when this worker can send on ``platform`` (it delivers the
        rows at once), else ``None`` (a worker that can will drain them)."""
        return now + self.lease if platform in self.senders else None

    def _still_mine(self, row: OutboxRow, now: datetime) -> bool:
        """Whether enough of the row's claim is left to send it without another
        worker taking it meanwhile."""
        if row.claimed_until is None:
            return True
        return row.claimed_until - now >= self.lease / 2

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
        # Taken for this call before its first await, so that no other delivery
        # in this process (a drain taking over claims at startup) starts on them.
        mine = {row.id for row in rows if row.id not in self._in_flight}
        self._in_flight.update(mine)
        blocked: set[ConversationKey] = set()
        unreachable: set[ConversationKey] = set()
        # The clock is read once per call and the time since measured on the
        # monotonic clock: an injected clock may be one that moves per reading.
        wall, started = self.clock(), time.monotonic()

        def now() -> datetime:
            return wall + timedelta(seconds=time.monotonic() - started)

        try:
            for n, row in enumerate(rows):
                if row.id not in mine:
                    continue
                if row.key in unreachable:
                    # The platform refused this person for good: the rest of
                    # their replies would be refused too, so none is kept.
                    await self.store.mark_failed(row.id, "unreachable", self.clock(), give_up=True)
                    continue
                if row.key in blocked:
                    continue
                sender = self.senders.get(row.key.platform)
                if sender is None:
                    continue
                try:
                    action = actions[n] if actions is not None else decode_outbound(row.payload)
                    limiter = self.limiters.get(row.key.platform)
                    if limiter is not None:
                        await limiter.acquire(row.key.chat_id)
                    if not self._still_mine(row, now()):
                        # Too late to be sure no other worker takes it meanwhile;
                        # the rest of the conversation waits behind it, in order.
                        log.info("outbox %s left for the next claim", row.id)
                        blocked.add(row.key)
                        continue
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
                    self._delivered(row.id, now())
        finally:
            self._in_flight.difference_update(mine.difference(delivered))
        return Delivery(len(delivered), frozenset(unreachable))

    def _delivered(self, row_id: int, at: datetime) -> None:
        """Record a delivery in the background, right after the send.

        The reply is out, and waiting for one more durable commit would only delay
        the next one and the person's next turn.  Until the mark lands the row
        stays "in flight", so this process cannot send it again; its claim keeps
        other workers away.
        """
        self._unmarked.append((row_id, at))
        if self._marker is None or self._marker.done():
            self._marker = asyncio.create_task(self._mark_delivered())

    async def _mark_delivered(self) -> None:
        while self._unmarked:
            marks, self._unmarked = self._unmarked, []
            ids = [row_id for row_id, _at in marks]
            try:
                await self.store.mark_delivered(ids, max(at for _id, at in marks))
            except Exception:
                log.exception("could not record %d deliveries; they may be sent again",
                              len(ids))
            finally:
                self._in_flight.difference_update(ids)

    async def flush(self) -> None:
        """Wait until every delivery so far is recorded (before closing the store)."""
        while self._marker is not None and not self._marker.done():
            await asyncio.shield(self._marker)

    async def drain(
        self, platform: str | None = None, limit: int = 500, *, take_over: bool = False
    ) -> int:
        """Claim and send what is pending and held by nobody (after a restart, after
        transient failures, or left by a worker that died), for ``platform`` or
        every platform this worker can send on.

        ``take_over`` also takes the rows other senders still hold: only right for
        a worker that shares the outbox with nobody (see :meth:`recover`).
        """
        now = self.clock()
        # Shifting "now" by one lease ends every claim made up to now: claims
        # last one lease at most.
        claim_at = now + self.lease if take_over else now
        platforms = [platform] if platform is not None else list(self.senders)
        by_key: dict[ConversationKey, list[OutboxRow]] = {}
        for name in platforms:
            if name not in self.senders:
                continue  # claimed here, it would only wait out the lease unsent
            for row in await self.store.claim_outbox(claim_at, limit, self.lease, name):
                by_key.setdefault(row.key, []).append(row)
        results = await asyncio.gather(*(self.deliver(group) for group in by_key.values()))
        if self.on_unreachable is not None:
            for key in {key for result in results for key in result.unreachable}:
                await self.on_unreachable(key)
        return sum(result.delivered for result in results)

    async def recover(self, platform: str | None = None) -> int:
        """The drain at startup.  A sole worker takes over every claim: they were its
        own before it restarted, and waiting out their lease would only delay the
        replies a crash left unsent.  One of several leaves other workers' claims
        to run out (they may be alive and sending)."""
        return await self.drain(platform, take_over=self.sole_worker)

    async def run(self, interval: float = 5.0) -> None:
        """Drain periodically until cancelled."""
        while True:
            try:
                await self.drain()
            except Exception:
                log.exception("outbox drain failed; will try again")
            await asyncio.sleep(interval)
