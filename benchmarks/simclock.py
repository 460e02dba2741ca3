"""A simulated clock for asyncio code that sleeps: a day of pacing in seconds.

``SimClock.sleep`` does not wait: it queues the sleeper, and a driver task
moves the clock to the earliest wake-up and resumes that sleeper, one at a
time, after letting every runnable task run first.  So a task that wakes at
its slot reads the clock *at* its slot, and sleepers resume in time order, as
they would in real time.  Work that waits on a thread (a database write) may
see the clock move meanwhile; that only makes the simulation pessimistic
(work seems to take simulated time), never faster than real.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import UTC, datetime, timedelta


class SimClock:
    """Seconds as a float (for rate limiters) and as a UTC datetime (for the bot)."""

    def __init__(self, start: datetime | None = None, *, settle: int = 4) -> None:
        self.start = start or datetime(2026, 11, 26, tzinfo=UTC)
        self.now = 0.0
        self.settle = settle
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._driver: asyncio.Task[None] | None = None

    def __call__(self) -> float:
        return self.now

    def utc(self) -> datetime:
        return self.start + timedelta(seconds=self.now)

    def advance(self, seconds: float) -> None:
        """Move the clock forward (nobody may be sleeping past it)."""
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), wake))
        if self._driver is None or self._driver.done():
            self._driver = asyncio.ensure_future(self._drive())
        await wake

    async def _drive(self) -> None:
        while self._sleepers:
            # Let everything that can run reach its next sleep before time moves.
            for _ in range(self.settle):
                await asyncio.sleep(0)
            at, _, wake = heapq.heappop(self._sleepers)
            self.now = max(self.now, at)
            if not wake.done():
                wake.set_result(None)
