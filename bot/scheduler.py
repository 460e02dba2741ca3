"""Due timers and nudges, turned into events through the same runtime as messages.

Timers (a breathing pause ending, a check-in the person agreed to) and nudge
subscriptions live in the store with their due time in UTC, written and claimed
by the same clock (in the running bot a :class:`~bot.clock.SteadyClock`, so a
system clock set back does not stall them).  Each tick the
scheduler *claims* what is due (held for a lease, so another worker leaves it
alone, and taken again after the lease should this worker die) and hands each
one to :meth:`Runtime.handle` as an event with a stable id: ``timer:<id>`` or
``nudge:<user>:<due time>`` (and a wellness channel's daily moment,
``group:<chat>:<due time>``).  The runtime's dedupe makes each turn happen
exactly once, and the nudge's turn commits the next due time in the same
transaction as its reply.  Nothing here sleeps in a way that blocks anyone:
sends are paced by the dispatcher's rate limiter, and a large batch simply
takes several ticks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from bot.failure_log import FailureLog
from bot.runtime import Runtime
from bot.store.base import DueGroup, DueNudge, ScheduleStore, TimerRow
from bot.types import GROUP_SELF, ConversationKey, GroupDue, Inbound, NudgeDue, TimerDue

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=2)


def nudge_event(due: DueNudge) -> NudgeDue:
    """The event of one due nudge; its id is the same whichever worker makes it."""
    event_id = f"nudge:{due.key.user_id}:{due.due_at.isoformat()}"
    return NudgeDue(due.key, event_id, due.due_at)


def group_event(due: DueGroup) -> GroupDue:
    """A wellness channel's daily moment, keyed to the group itself; the same id
    whichever worker makes it."""
    key = ConversationKey(due.platform, due.chat_id, GROUP_SELF)
    event_id = f"group:{due.chat_id}:{due.due_at.isoformat()}"
    return GroupDue(key, event_id, due.due_at)


def timer_event(timer: TimerRow) -> TimerDue:
    return TimerDue(timer.key, f"timer:{timer.id}", timer.due_at, timer.token)


class Scheduler:
    """Claims due timers and nudges and runs each through the runtime."""

    def __init__(
        self,
        store: ScheduleStore,
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
        self._failures = FailureLog(log, "scheduler")

    async def run_once(self) -> int:
        """Handle what is due now, and wait for it; returns how many were claimed."""
        work: set[asyncio.Task[None]] = set()
        claimed = await self._claim(work)
        if work:
            await asyncio.gather(*work)
        return claimed

    async def run(self) -> None:
        """Tick until cancelled.

        While a backlog lasts (a full batch was claimed), more is claimed as soon
        as half of what is in hand is done, so that the rate limiter always has
        the next message waiting and the platform's allowance is used, not
        wasted between batches.
        """
        work: set[asyncio.Task[None]] = set()
        try:
            while True:
                try:
                    claimed = await self._claim(work)
                except Exception as exc:
                    # The database is down, say: once a minute in the log, not each tick.
                    self._failures.failed("tick", exc)
                    claimed = 0
                else:
                    self._failures.recovered("tick")
                if claimed < self.batch:
                    # Caught up: finish this round, then rest a tick.
                    if work:
                        await asyncio.wait(work)
                    await self.sleep(self._until_next_tick())
                while len(work) > self.batch // 2:
                    await asyncio.wait(work, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in work:
                task.cancel()

    def _until_next_tick(self) -> float:
        """Seconds to the next whole multiple of ``tick``: nudges fall due on whole
        minutes, so ticks on whole seconds claim them the moment they are due."""
        remainder = self.clock().timestamp() % self.tick
        return self.tick - remainder if remainder > 1e-6 else self.tick

    async def _claim(self, work: set[asyncio.Task[None]]) -> int:
        """Claim what is due and start handling each item; returns how many were claimed."""
        now = self.clock()
        timers = await self.store.claim_timers(now, self.batch, self.lease)
        nudges = await self.store.claim_nudges(now, self.batch, self.lease)
        groups = await self.store.claim_groups(now, self.batch, self.lease)
        for timer in timers:
            self._start(work, self._fire(timer))
        for nudge in nudges:
            self._start(work, self._handle(nudge_event(nudge)))
        for group in groups:
            self._start(work, self._handle(group_event(group)))
        return max(len(timers), len(nudges), len(groups))

    @staticmethod
    def _start(work: set[asyncio.Task[None]], job: Coroutine[Any, Any, Any]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(job)
        work.add(task)
        task.add_done_callback(work.discard)

    async def _fire(self, timer: TimerRow) -> None:
        if await self._handle(timer_event(timer)):
            try:
                await self.store.delete_timers([timer.id])
            except Exception:
                # Harmless: taken again after the lease, its turn is a duplicate.
                log.exception("could not delete a handled timer")

    async def _handle(self, event: Inbound) -> bool:
        """True once the event's turn is committed (or was already)."""
        async with self._slots:
            try:
                await self.runtime.handle(event)
            except Exception as exc:
                # Left claimed: after the lease it is taken again, and the event
                # id keeps a turn that did commit from happening twice.
                self._failures.failed(f"scheduled {event.kind} on {event.key.platform}", exc)
                return False
            return True
