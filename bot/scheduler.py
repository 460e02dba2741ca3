"""Due timers and nudges, turned into events through the same runtime as messages.

Timers (a breathing pause ending, a check-in the person agreed to) and nudge
subscriptions live in the store with their due time in UTC.  Each tick the
scheduler *claims* what is due (held for a lease, so another worker leaves it
alone, and taken again after the lease should this worker die) and hands each
one to :meth:`Runtime.handle` as an event with a stable id: ``timer:<id>`` or
``nudge:<user>:<due time>``.  The runtime's dedupe makes each turn happen
exactly once, and the nudge's turn commits the next due time in the same
transaction as its reply.  Nothing here sleeps in a way that blocks anyone:
sends are paced by the dispatcher's rate limiter, and a large batch simply
takes several ticks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

from bot.runtime import Runtime
from bot.store.base import DueNudge, Store, TimerRow
from bot.types import Inbound

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=2)


def nudge_event(due: DueNudge) -> Inbound:
    """The event of one due nudge; its id is the same whichever worker makes it."""
    event_id = f"nudge:{due.key.user_id}:{due.due_at.isoformat()}"
    return Inbound(due.key, event_id, due.due_at, "nudge")


def timer_event(timer: TimerRow) -> Inbound:
    return Inbound(timer.key, f"timer:{timer.id}", timer.due_at, "wake", choice=timer.token)


class Scheduler:
    """Claims due timers and nudges and runs each through the runtime."""

    def __init__(
        self,
        store: Store,
        runtime: Runtime,
        clock: Callable[[], datetime],
        *,
        batch: int = 200,
        concurrency: int = 32,
        lease: timedelta = DEFAULT_LEASE,
        tick: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = store
        self.runtime = runtime
        self.clock = clock
        self.batch = batch
        self.lease = lease
        self.tick = tick
        self.sleep = sleep
        # Bounded so that a big batch is fed to the rate limiter a few at a time:
        # every claimed item is sent well within its lease.
        self._slots = asyncio.Semaphore(concurrency)

    async def run_once(self) -> int:
        """Handle what is due now; returns how many timers and nudges were claimed."""
        now = self.clock()
        timers = await self.store.claim_timers(now, self.batch, self.lease)
        if timers:
            done = await self._each(timer_event(t) for t in timers)
            await self.store.delete_timers([t.id for t, ok in zip(timers, done, strict=True)
                                            if ok])
        nudges = await self.store.claim_nudges(now, self.batch, self.lease)
        if nudges:
            await self._each(nudge_event(n) for n in nudges)
        return len(timers) + len(nudges)

    async def run(self) -> None:
        """Tick until cancelled; when a tick found a full batch, go again at once."""
        while True:
            try:
                claimed = await self.run_once()
            except Exception:
                log.exception("scheduler tick failed; will try again")
                claimed = 0
            if claimed < self.batch:
                await self.sleep(self.tick)

    async def _each(self, events: Iterable[Inbound]) -> list[bool]:
        return list(await asyncio.gather(*(self._handle(event) for event in events)))

    async def _handle(self, event: Inbound) -> bool:
        """True once the event's turn is committed (or was already)."""
        async with self._slots:
            try:
                await self.runtime.handle(event)
            except Exception:
                # Left claimed: after the lease it is taken again, and the event
                # id keeps a turn that did commit from happening twice.
                log.exception("scheduled %s failed on %s", event.kind, event.key.platform)
                return False
            return True
