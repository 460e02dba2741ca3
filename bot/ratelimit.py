"""Pacing outbound messages under a platform's rate limits.

Telegram allows about 30 messages a second overall and about one a second per
chat; Discord limits each route (a channel, a DM) and the bot as a whole.  A
large fan-out of nudges must be spread out instead of burst, and a person's
reply must not be starved by it.  :class:`RateLimiter` hands out the overall
send slots by priority (a crisis reply first, then answers to people who wrote,
then what the bot sends unasked), and first come, first served within one
priority.

The clock and the sleep are injected, so tests and the nudge benchmark run the
limiter on a simulated clock without waiting in real time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

DEFAULT_PRIORITY = 1
"""Where :meth:`RateLimiter.acquire` queues a caller that names no priority."""


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """At most ``rate`` sends a second overall, evenly spaced; per chat, a burst of
    ``per_chat_burst`` and then ``per_chat_rate`` a second.

    Even spacing (no overall burst) is deliberate: a platform that counts sends
    in a sliding one-second window never sees more than ``rate`` in it.
    """

    def __init__(
        self,
        rate: float,
        *,
        per_chat_rate: float | None = None,
        per_chat_burst: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_chats: int = 100_000,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.per_chat_rate = per_chat_rate
        self.per_chat_burst = per_chat_burst
        self.clock = clock
        self.sleep = sleep
        self.max_chats = max_chats
        self._next_slot = 0.0
        self._chats: dict[str, _Bucket] = {}
        # Callers waiting for an overall slot: (priority, arrival, wake-up).
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()
        self._pump: asyncio.Task[None] | None = None

    async def acquire(self, chat_id: str, priority: int = DEFAULT_PRIORITY) -> None:
        """Wait until one more message may go to ``chat_id``.

        Lower ``priority`` goes first among callers waiting for the overall rate
        (a crisis reply passes a queue of nudges); the per-chat pace is the same
        for every message of a chat.
        """
        await self._chat_turn(chat_id)
        now = self.clock()
        if not self._waiting and self._next_slot <= now:
            self._next_slot = now + self.interval
            return
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._arrivals), wake))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.ensure_future(self._hand_out())
        await wake

    async def _hand_out(self) -> None:
        """Give each overall slot, as it comes, to the most urgent caller waiting."""
        while self._waiting:
            now = self.clock()
            if self._next_slot > now:
                await self.sleep(self._next_slot - now)
                continue
            _priority, _arrival, wake = heapq.heappop(self._waiting)
            if wake.done():
                continue  # the caller gave up (cancelled)
            self._next_slot = max(now, self._next_slot) + self.interval
            wake.set_result(None)

    async def _chat_turn(self, chat_id: str) -> None:
        rate = self.per_chat_rate
        if rate is None:
            return
        now = self.clock()
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if len(self._chats) >= self.max_chats:
                self._forget_full_buckets(now)
            bucket = self._chats[chat_id] = _Bucket(float(self.per_chat_burst), now)
        bucket.tokens = min(self.per_chat_burst, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        bucket.tokens -= 1.0  # taken now; a negative balance is a wait
        if bucket.tokens < 0:
            await self.sleep(-bucket.tokens / rate)

    def _forget_full_buckets(self, now: float) -> None:
        """Chats quiet long enough to have a full burst again need no bucket."""
        assert self.per_chat_rate is not None
        refill = self.per_chat_burst / self.per_chat_rate
        self._chats = {c: b for c, b in self._chats.items() if now - b.at < refill}
