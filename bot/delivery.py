"""Delivering committed replies from the outbox through the platform adapters.

A reply is in the outbox before anything is sent (the runtime commits it with
the new state), so a crash loses nothing: :meth:`Dispatcher.drain` sends what
is still pending when the bot starts again.  Each adapter provides a
:class:`Sender`; it raises :class:`PermanentDeliveryError` when a message can
never be delivered (the person blocked the bot), :class:`TransientDeliveryError`
when it is worth trying again later (with the platform's ``retry_after`` when it
gave one), and :class:`RejectedDeliveryError` when the platform refused this one
message (trying again rarely helps, so it is given up after a few attempts).

Lanes
    Every chat has its own *lane*: its rows are sent one after another in id
    (commit) order, paced by the chat's rate limit, while other chats' lanes run
    side by side.  So one person's burst, a slow send or a failed one holds back
    only that chat.  Across chats the platform's overall rate is handed out by
    priority (:data:`URGENT` crisis replies first, then :data:`REPLY`, then
    :data:`BACKGROUND` nudges and group prompts; see :mod:`bot.ratelimit`), and a
    lane waits at the priority of its most urgent row.

A failed send
    The row is marked failed with the time it may be retried (the platform's
    ``retry_after``, else a growing backoff), and the rest of its lane is handed
    back to the outbox to wait behind it: nothing stays claimed for a lease it
    no longer uses, and the lane's later rows cannot overtake it.  Replies that
    turns commit for that chat meanwhile are handed back too, until a drain has
    taken the chat up again.  The periodic drain (:meth:`Dispatcher.run`) is
    woken at the retry time, so a retry follows ``retry_after`` instead of the
    drain's interval.

Claims
    Several workers share one outbox, so a row is sent only by the worker that
    holds its *claim* (a lease, ``claimed_until``).  The runtime commits a turn's
    replies already claimed by its own worker (:meth:`Dispatcher.claim_until`),
    and submits them at once; drains take only rows nobody holds, each chat from
    its oldest pending row (:meth:`~bot.store.base.Store.claim_outbox`).  A worker
    that dies leaves its claims to run out, and then another worker sends those
    replies, once.  One of several workers does not send a row whose claim is
    about to run out (another worker may be about to take it): it hands the lane
    back at once for whoever claims it next.  A sole worker has no one to race.

Each delivered row is marked as soon as it is out, in the background: only the
moment between the platform accepting a message and that mark being durable
can make a crash send a reply twice, and no platform API lets a retry be
recognised as one.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, Protocol

from bot.codec import decode_outbound
from bot.failure_log import FailureLog
from bot.ratelimit import RateLimiter
from bot.store.base import OutboxRow, OutboxStore
from bot.types import ConversationKey, Outbound

log = logging.getLogger(__name__)

URGENT: Final = 0
"""Crisis lines, a safety check, ``/sos``: ahead of everything else."""
REPLY: Final = 1
"""An answer to someone who wrote, pressed a button, or whose exercise timer rang."""
BACKGROUND: Final = 2
"""Sent unasked (a nudge, a group's daily prompt or totals): never ahead of a reply."""

DEFAULT_LEASE = timedelta(seconds=60)
"""How long a sender holds an outbox row: long enough for a send with the HTTP
client's timeouts and a short wait in the rate limiter, short enough that a dead
worker's replies go out within about a minute."""

RETRY_FIRST = 0.5
"""Seconds before the first retry of a failed send without a ``retry_after``;
each further failure of the same row doubles it, up to :data:`RETRY_MAX`."""
RETRY_MAX = 30.0
CLOSE_FLUSH_SECONDS = 5.0
"""How long closing waits for delivery marks that the database keeps refusing."""
GIVE_UP_AGE = timedelta(hours=1)
"""A reply that network trouble kept from going out is tried for this long (and
at least ``max_attempts`` times) before it is given up: after that it would
answer a moment long gone."""


class PermanentDeliveryError(Exception):
    """The platform will never accept messages for this conversation (the person
    blocked the bot, the chat is gone): the person is marked unreachable."""


class TransientDeliveryError(Exception):
    """Worth another try later (network trouble, rate limit, server error)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class RejectedDeliveryError(TransientDeliveryError):
    """The platform refused this message (a formatting problem, a file too large):
    tried ``max_attempts`` times, then given up; the person is not blamed."""


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
LaneKey = tuple[str, str]
"""(platform, chat_id): replies to one chat go in order, whoever in it they answer."""


def lane_of(key: ConversationKey) -> LaneKey:
    return (key.platform, key.chat_id)


@dataclass(eq=False, slots=True)
class _Batch:
    """The rows of one :meth:`Dispatcher.submit`: done once each was tried."""

    future: asyncio.Future[Delivery]
    waiting: int
    notify: bool
    delivered: int = 0
    unreachable: set[ConversationKey] = field(default_factory=set)

    def settle(self, *, delivered: bool = False) -> None:
        self.waiting -= 1
        if delivered:
            self.delivered += 1
        if self.waiting <= 0 and not self.future.done():
            self.future.set_result(Delivery(self.delivered, frozenset(self.unreachable)))


@dataclass(eq=False, slots=True)
class _Item:
    row: OutboxRow
    action: Outbound | None
    batch: _Batch


@dataclass(eq=False, slots=True)
class _Lane:
    """One chat's rows waiting to be sent, in id order, and the task sending them."""

    items: list[_Item] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    unreachable: set[ConversationKey] = field(default_factory=set)
    """People in this chat the platform refused for good while the lane ran."""

    def add(self, item: _Item) -> None:
        ids = [i.row.id for i in self.items]
        self.items.insert(bisect.bisect(ids, item.row.id), item)

    def priority(self) -> int:
        return min((i.row.priority for i in self.items), default=REPLY)


class Dispatcher:
    """Sends outbox rows, each chat in order, and records what happened to each."""

    def __init__(
        self,
        store: OutboxStore,
        senders: Mapping[str, Sender],
        clock: Callable[[], datetime],
        *,
        max_attempts: int = 8,
        on_unreachable: Unreachable | None = None,
        limiters: Mapping[str, RateLimiter] | None = None,
        lease: timedelta = DEFAULT_LEASE,
        sole_worker: bool = True,
        retry_first: float = RETRY_FIRST,
        retry_max: float = RETRY_MAX,
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
        worker's before it restarted (see :meth:`recover`), and no claim needs
        watching while a row waits in its lane."""
        self.retry_first = retry_first
        self.retry_max = retry_max
        self._lanes: dict[LaneKey, _Lane] = {}
        # Chats whose rows were handed back after a failure, with the time they may
        # be retried: their new rows are handed back too until a drain takes the
        # chat up again, so that nothing overtakes the failed row.
        self._held: dict[LaneKey, datetime] = {}
        # Rows queued or being sent by this process, so the periodic drain and
        # a turn's own delivery never send the same row twice.
        self._in_flight: set[int] = set()
        # Rows sent but not yet marked (with when), and the one task marking
        # them: marks made while a mark is being written go together in the next.
        self._unmarked: list[tuple[int, datetime]] = []
        self._marker: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._timers: list[asyncio.TimerHandle] = []
        self._background: set[asyncio.Task[None]] = set()
        self._failures = FailureLog(log, "outbox")

    def claim_until(self, platform: str, now: datetime) -> datetime | None:
        """Until when a turn committed ``now`` should hold its outbox rows for this
        worker: a lease when this worker can send on ``platform`` (it delivers the
        rows at once), else ``None`` (a worker that can will drain them)."""
        return now + self.lease if platform in self.senders else None

    def _still_mine(self, row: OutboxRow, now: datetime) -> bool:
        """Whether enough of the row's claim is left to send it without another
        worker taking it meanwhile."""
        if self.sole_worker or row.claimed_until is None:
            return True
        return row.claimed_until - now >= self.lease / 2

    def add_sender(self, platform: str, sender: Sender) -> None:
        self.senders[platform] = sender

    # --- queueing -----------------------------------------------------------------

    async def deliver(
        self, rows: Sequence[OutboxRow], actions: Sequence[Outbound] | None = None
    ) -> Delivery:
        """Send ``rows`` and say how it went, once each was tried (delivered, given
        up, or failed and put back to be retried).

        ``actions``, when the caller still has them, are the rows' payloads already
        decoded (the runtime just encoded them), which saves decoding them again.
        """
        return await self.submit(rows, actions)

    def submit(
        self, rows: Sequence[OutboxRow], actions: Sequence[Outbound] | None = None,
        *, notify: bool = False,
    ) -> asyncio.Future[Delivery]:
        """Queue ``rows`` in their chats' lanes and return at once; the future says
        how it went once each was tried.  With ``notify`` the dispatcher itself tells
        ``on_unreachable`` about people the platform refused (nobody awaits it)."""
        loop = asyncio.get_running_loop()
        batch = _Batch(loop.create_future(), 0, notify)
        handed_back: list[int] = []
        held_until: datetime | None = None
        for n, row in enumerate(rows):
            if row.id in self._in_flight:
                continue  # already queued here (a drain found a row a turn just sent)
            lane_key = lane_of(row.key)
            if lane_key in self._held:
                # Behind a failed row of the same chat: wait with it, in order.
                handed_back.append(row.id)
                held_until = max(held_until or self._held[lane_key], self._held[lane_key])
                continue
            if row.key.platform not in self.senders:
                continue  # left for a worker that can send it
            action = actions[n] if actions is not None else None
            self._in_flight.add(row.id)
            batch.waiting += 1
            lane = self._lanes.setdefault(lane_key, _Lane())
            lane.add(_Item(row, action, batch))
            if lane.task is None or lane.task.done():
                lane.task = asyncio.ensure_future(self._run_lane(lane_key, lane))
        if handed_back:
            self._in_background(self._hand_back(handed_back, held_until))
        if batch.waiting == 0:
            batch.future.set_result(Delivery())
        elif notify:
            batch.future.add_done_callback(self._notify_unreachable)
        return batch.future

    def _notify_unreachable(self, future: asyncio.Future[Delivery]) -> None:
        if self.on_unreachable is None or future.cancelled():
            return
        for key in future.result().unreachable:
            self._in_background(self._tell_unreachable(key))

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _tell_unreachable(self, key: ConversationKey) -> None:
        assert self.on_unreachable is not None
        try:
            await self.on_unreachable(key)
        except Exception as exc:
            self._failures.failed("marking a person unreachable", exc)

    async def _hand_back(self, ids: list[int], until: datetime | None) -> None:
        try:
            await self.store.release_outbox(ids, until)
        except Exception as exc:  # left claimed: taken again after the lease
            self._failures.failed("handing replies back to the outbox", exc)

    # --- a lane -------------------------------------------------------------------

    async def _run_lane(self, lane_key: LaneKey, lane: _Lane) -> None:
        """Send the lane's rows in order until it is empty or hands itself back."""
        # The clock is read once per run and the time since measured on the
        # monotonic clock: an injected clock may be one that moves per reading.
        wall, started = self.clock(), time.monotonic()

        def now() -> datetime:
            return wall + timedelta(seconds=time.monotonic() - started)

        try:
            while lane.items:
                item = lane.items[0]
                row = item.row
                if row.key in lane.unreachable:
                    # The platform refused this person for good: the rest of their
                    # replies would be refused too, so none is kept.
                    item.batch.unreachable.add(row.key)
                    await self._give_up(lane, item, "unreachable", now())
                    continue
                sender = self.senders.get(row.key.platform)
                if sender is None:
                    self._drop(lane, item)
                    continue
                limiter = self.limiters.get(row.key.platform)
                if limiter is not None:
                    await limiter.acquire(row.key.chat_id, lane.priority())
                if not self._still_mine(row, now()):
                    # Too late to be sure no other worker takes it meanwhile: the
                    # whole lane goes back, free at once, for the next claim.
                    log.info("outbox %s left for the next claim", row.id)
                    await self._hand_back_lane(lane_key, lane, now(), None)
                    return
                try:
                    action = item.action if item.action is not None else decode_outbound(
                        row.payload)
                    await sender.send(row.key, action)
                except PermanentDeliveryError as exc:
                    log.warning("outbox %s undeliverable: %s", row.id, type(exc).__name__)
                    item.batch.unreachable.add(row.key)
                    lane.unreachable.add(row.key)
                    await self._give_up(lane, item, str(exc), now())
                except asyncio.CancelledError:
                    task = asyncio.current_task()
                    if task is None or task.cancelling():
                        raise  # the lane itself is being stopped
                    # Something inside the sender was cancelled, not this lane.
                    error = TransientDeliveryError("send cancelled")
                    if await self._failed(lane_key, lane, item, error, now()):
                        return
                except Exception as exc:  # any other send failure is retried
                    if await self._failed(lane_key, lane, item, exc, now()):
                        return
                else:
                    lane.items.pop(0)
                    self._delivered(row.id, now())
                    item.batch.settle(delivered=True)
        finally:
            for item in lane.items:  # cancelled (closing): nobody waits forever
                self._in_flight.discard(item.row.id)
                item.batch.settle()
            lane.items.clear()
            if self._lanes.get(lane_key) is lane:
                del self._lanes[lane_key]

    async def _failed(self, lane_key: LaneKey, lane: _Lane, item: _Item,
                      error: Exception, now: datetime) -> bool:
        """Record a failed send; True when the lane was handed back (and is done)."""
        row = item.row
        retry_after = error.retry_after if isinstance(error, TransientDeliveryError) else None
        if not isinstance(error, TransientDeliveryError):
            # A sender that raised something unforeseen: a bug, retried like a hiccup.
            self._failures.failed("sending a reply", error)
        attempts = row.attempts + 1
        if isinstance(error, RejectedDeliveryError):
            give_up = attempts >= self.max_attempts
        else:
            give_up = (retry_after is None and attempts >= self.max_attempts
                       and now - row.created_at >= GIVE_UP_AGE)
        if give_up:
            await self._give_up(lane, item, _reason(error), now)
            return False
        delay = retry_after if retry_after is not None else min(
            self.retry_max, self.retry_first * 2 ** (attempts - 1))
        retry_at = now + timedelta(seconds=delay)
        log.info("outbox %s delayed %.1f s (attempt %d)", row.id, delay, attempts)
        try:
            await self.store.mark_failed(row.id, _reason(error), now, False, retry_at=retry_at)
        except Exception as exc:
            # Still claimed: it goes out after the lease, through a later drain.
            self._failures.failed("recording a failed send", exc)
        lane.items.pop(0)
        self._in_flight.discard(row.id)
        item.batch.settle()
        await self._hand_back_lane(lane_key, lane, now, retry_at)
        return True

    async def _hand_back_lane(self, lane_key: LaneKey, lane: _Lane, now: datetime,
                              until: datetime | None) -> None:
        """Give the lane's rows back to the outbox, free from ``until`` (at once when
        ``None``), hold the chat's new rows behind them, and wake the drain then."""
        items, lane.items = lane.items, []
        self._held[lane_key] = until or now
        if self._lanes.get(lane_key) is lane:
            del self._lanes[lane_key]
        if items:
            await self._hand_back([i.row.id for i in items], until)
        for item in items:
            self._in_flight.discard(item.row.id)
            item.batch.settle()
        self._wake_at(until, now)

    async def _give_up(self, lane: _Lane, item: _Item, reason: str, now: datetime) -> None:
        lane.items.pop(0)
        try:
            await self.store.mark_failed(item.row.id, reason, now, give_up=True)
        except Exception as exc:
            self._failures.failed("recording a reply given up", exc)
        self._in_flight.discard(item.row.id)
        item.batch.settle()

    def _drop(self, lane: _Lane, item: _Item) -> None:
        lane.items.pop(0)
        self._in_flight.discard(item.row.id)
        item.batch.settle()

    def _wake_at(self, when: datetime | None, now: datetime) -> None:
        """Wake the periodic drain at ``when`` (a retry is due then)."""
        delay = 0.0 if when is None else max(0.0, (when - now).total_seconds())
        loop = asyncio.get_running_loop()
        self._timers = [t for t in self._timers if not t.cancelled() and t.when() > loop.time()]
        self._timers.append(loop.call_later(delay, self._wake.set))

    # --- recording deliveries -------------------------------------------------------

    def _delivered(self, row_id: int, at: datetime) -> None:
        """Record a delivery in the background, right after the send.

        The reply is out, and waiting for one more durable commit would only delay
        the next one and the person's next turn.  Until the mark lands the row
        stays "in flight", so this process cannot send it again; its claim keeps
        other workers away.
        """
        self._unmarked.append((row_id, at))
        if self._marker is None or self._marker.done():
            self._marker = asyncio.ensure_future(self._mark_delivered())

    async def _mark_delivered(self) -> None:
        pause = self.retry_first
        while self._unmarked:
            marks, self._unmarked = self._unmarked, []
            ids = [row_id for row_id, _at in marks]
            try:
                await self.store.mark_delivered(ids, max(at for _id, at in marks))
            except Exception as exc:
                # Kept "in flight" and tried again: were they let go, a drain would
                # send these replies a second time once their claims ran out.
                self._failures.failed("recording deliveries", exc)
                self._unmarked = marks + self._unmarked
                await asyncio.sleep(pause)
                pause = min(self.retry_max, pause * 2)
                continue
            self._failures.recovered("recording deliveries")
            pause = self.retry_first
            self._in_flight.difference_update(ids)

    async def flush(self, seconds: float | None = None) -> None:
        """Wait until every delivery so far is recorded (before closing the store), at
        most ``seconds`` when given."""
        while self._marker is not None and not self._marker.done():
            if seconds is None:
                await asyncio.shield(self._marker)
                continue
            await asyncio.wait({self._marker}, timeout=seconds)
            if not self._marker.done():
                log.error("%d deliveries could not be recorded (the database is not "
                          "available); they may be sent again after the restart",
                          len(self._unmarked))
                self._marker.cancel()
                await asyncio.gather(self._marker, return_exceptions=True)
            return

    async def close(self) -> None:
        """Stop every lane (their rows stay in the outbox for the next start) and
        wait for the delivery marks (a few seconds at most: the database may be
        down)."""
        for timer in self._timers:
            timer.cancel()
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        tasks += list(self._background)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.flush(CLOSE_FLUSH_SECONDS)

    # --- drains ---------------------------------------------------------------------

    async def drain(
        self, platform: str | None = None, limit: int = 500, *, take_over: bool = False
    ) -> int:
        """Claim and send what is pending and held by nobody (after a restart, after
        failed sends, or left by a worker that died), for ``platform`` or every
        platform this worker can send on; returns how many went out.

        ``take_over`` also takes the rows other senders still hold: only right for
        a worker that shares the outbox with nobody (see :meth:`recover`).
        """
        now = self.clock()
        # Shifting "now" by one lease ends every claim made up to now: claims
        # last one lease at most.
        claim_at = now + self.lease if take_over else now
        platforms = [platform] if platform is not None else list(self.senders)
        batches: list[asyncio.Future[Delivery]] = []
        for name in platforms:
            if name not in self.senders:
                continue  # claimed here, it would only wait out the lease unsent
            rows = await self.store.claim_outbox(claim_at, limit, self.lease, name)
            if len(rows) < limit:
                # Every chat of this platform whose retry time has come was taken
                # up from its oldest row (or is held by another worker): new rows
                # of those chats need not be held back any more.
                for lane_key, until in list(self._held.items()):
                    if lane_key[0] == name and until <= claim_at:
                        del self._held[lane_key]
            for lane_key in {lane_of(row.key) for row in rows}:
                self._held.pop(lane_key, None)
            if rows:
                batches.append(self.submit(rows))
        results = await asyncio.gather(*batches)
        if self.on_unreachable is not None:
            for key in {key for result in results for key in result.unreachable}:
                await self.on_unreachable(key)
        return sum(result.delivered for result in results)

    async def recover(self, platform: str | None = None) -> int:
        """The drain at startup.  A sole worker takes over every claim: they were its
        own before it restarted, and waiting out their lease would only delay the
        replies a crash left unsent.  One of several leaves other workers' claims
        to run out (they may be alive and sending).

        A store that cannot be read now (the database is down) is no reason not to
        start: the periodic drain sends what is left once it is back."""
        try:
            return await self.drain(platform, take_over=self.sole_worker)
        except Exception as exc:
            self._failures.failed("sending what the outbox held at startup", exc)
            return 0

    async def run(self, interval: float = 5.0) -> None:
        """Drain every ``interval`` seconds, and whenever a retry falls due, until
        cancelled."""
        while True:
            self._wake.clear()
            try:
                await self.drain()
            except Exception as exc:
                self._failures.failed("outbox drain", exc)
            else:
                self._failures.recovered("outbox drain")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)


def _reason(error: Exception) -> str:
    """What to record about a failed send: the sender's reason, which names the
    kind of failure, never the message."""
    if isinstance(error, TransientDeliveryError):
        return str(error)
    return type(error).__name__


__all__ = [
    "BACKGROUND", "DEFAULT_LEASE", "REPLY", "URGENT", "Delivery", "Dispatcher",
    "PermanentDeliveryError", "RejectedDeliveryError", "Sender", "TransientDeliveryError",
    "lane_of",
]
