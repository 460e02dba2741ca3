"""Long polling Telegram with nothing confirmed before it is committed.

Telegram forgets an update once ``getUpdates`` is called with an ``offset``
above its id, so the offset is the whole of the bot's promise: it may only pass
updates whose turns are committed.  :class:`UpdateOffsets` keeps that line (the
oldest update still open); :class:`Poller` keeps fetching while some chats are
busy, hands each new update to its chat's queue (:class:`~bot.chat_queues.ChatQueues`)
and marks it done once its turn committed (:class:`~bot.turn_guard.TurnGuard`
retries a failing one as long as it takes).

Asking again from an offset that has not moved returns the updates already in
hand: those are skipped.  While any are open, the next ask waits until one is
committed or a little while (:data:`REFETCH_SECONDS`), so that a stuck database
does not turn into a busy loop, yet new messages are still seen quickly (the
safety floor answers a crisis among them).  Telegram returns at most 100 updates an ask: with
more than that open, newer ones wait at Telegram until the oldest are committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TelegramError

log = logging.getLogger(__name__)

REFETCH_SECONDS: Final = 0.3
"""The pause before asking again when the last answer held nothing new."""
RETRY_SECONDS: Final = 1.0
RETRY_MAX_SECONDS: Final = 30.0
"""Backoff after a failed getUpdates, doubling up to the maximum."""


class UpdateOffsets:
    """Which updates are still open (fetched, not yet committed), and so which
    ``offset`` confirms only committed ones."""

    def __init__(self) -> None:
        self._open: set[int] = set()
        self._highest: int | None = None
        self.changed = asyncio.Event()
        """Set whenever an update is done; cleared by whoever waits on it."""

    def seen(self, update_id: int) -> bool:
        """Fetched before (open or done): update ids only grow."""
        return self._highest is not None and update_id <= self._highest

    def add(self, update_id: int) -> None:
        self._open.add(update_id)
        self._highest = update_id if self._highest is None else max(self._highest, update_id)

    def done(self, update_id: int) -> None:
        self._open.discard(update_id)
        self.changed.set()

    @property
    def open(self) -> int:
        return len(self._open)

    def offset(self) -> int | None:
        """The ``offset`` to ask with: the oldest open update, or the next one."""
        if self._open:
            return min(self._open)
        return None if self._highest is None else self._highest + 1


Fetch = Callable[[int | None, int], Awaitable[Sequence[Update]]]
"""(offset, long-poll timeout in seconds) -> updates."""
Accept = Callable[[Update, UpdateOffsets], None]
"""Takes one new update on (queues its turn, which marks it done once committed)."""


class Poller:
    """The getUpdates loop."""

    def __init__(self, fetch: Fetch, accept: Accept, *, timeout: int,
                 retry_after: Callable[[RetryAfter], float]) -> None:
        self.fetch = fetch
        self.accept = accept
        self.timeout = timeout
        self.retry_after = retry_after
        self.offsets = UpdateOffsets()

    async def run(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        """Fetch and hand out updates until ``stop`` is set."""
        backoff = RETRY_SECONDS
        offsets = self.offsets
        while not stop.is_set():
            # With updates open, Telegram answers at once (it still holds them):
            # no long poll then.
            wait = 0 if offsets.open else self.timeout
            offsets.changed.clear()
            fetch = asyncio.ensure_future(self.fetch(offsets.offset(), wait))
            if ready is not None:
                ready.set()
            if not await _until(fetch, stop):
                return  # stopping: nothing fetched is lost, it was not confirmed
            try:
                updates = fetch.result()
            except (NetworkError, RetryAfter) as exc:
                delay = self.retry_after(exc) if isinstance(exc, RetryAfter) else backoff
                log.warning("getUpdates failed (%s); retrying in %.0f s", type(exc).__name__,
                            delay)
                backoff = min(backoff * 2, RETRY_MAX_SECONDS)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                continue
            backoff = RETRY_SECONDS
            for update in updates:
                if not offsets.seen(update.update_id):
                    offsets.add(update.update_id)
                    self.accept(update, offsets)
            if offsets.open:
                # Asked now, Telegram would hand back what is in hand: ask again
                # once something is committed (usually a few milliseconds), or a
                # moment later to see new messages anyway.
                await _any(offsets.changed, stop, REFETCH_SECONDS)

    async def confirm(self) -> None:
        """Tell Telegram what is committed (on the way out), so that it is not sent
        again after the restart."""
        offset = self.offsets.offset()
        if offset is None:
            return
        with contextlib.suppress(TelegramError, TimeoutError):
            await asyncio.wait_for(self.fetch(offset, 0), 5.0)


async def _until(work: asyncio.Future[Sequence[Update]], stop: asyncio.Event) -> bool:
    """Wait for ``work``; False (and ``work`` cancelled) if ``stop`` came first."""
    stopped = asyncio.ensure_future(stop.wait())
    both: set[asyncio.Future[Any]] = {work, stopped}
    try:
        await asyncio.wait(both, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if work.done():
        return True
    work.cancel()
    with contextlib.suppress(asyncio.CancelledError, TelegramError):
        await work
    return False


async def _any(event: asyncio.Event, stop: asyncio.Event, seconds: float) -> None:
    """Wait until ``event`` or ``stop`` is set, at most ``seconds``."""
    waiters: set[asyncio.Future[bool]] = {asyncio.ensure_future(event.wait()),
                                          asyncio.ensure_future(stop.wait())}
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
