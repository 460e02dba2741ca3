"""The rate limiter on a simulated clock: even spacing overall, a small burst per chat."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.simclock import SimClock
from bot.app import build_limiters
from bot.config import Settings
from bot.ratelimit import RateLimiter


def most_in_any_window(times: list[float], window: float = 1.0) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window - 1e-9:  # float noise is not a burst
            start += 1
        best = max(best, end - start + 1)
    return best


async def test_a_burst_is_spread_at_the_overall_rate() -> None:
    clock = SimClock()
    limiter = RateLimiter(30, clock=clock, sleep=clock.sleep)
    sent: list[float] = []

    async def send(n: int) -> None:
        await limiter.acquire(f"chat-{n}")
        sent.append(clock())

    await asyncio.gather(*(send(n) for n in range(300)))
    assert most_in_any_window(sent) <= 30
    # ... and no slower than needed: 300 messages take 10 seconds, not more.
    assert max(sent) == pytest.approx(299 / 30)


async def test_one_chat_gets_a_small_burst_then_one_a_second() -> None:
    clock = SimClock()
    limiter = RateLimiter(30, per_chat_rate=1.0, per_chat_burst=3, clock=clock,
                          sleep=clock.sleep)
    sent = []
    for _ in range(6):
        await limiter.acquire("one-chat")
        sent.append(clock())
    # A three-message reply goes out at once; after that, one a second.
    assert sent[2] < 0.1
    assert [round(t, 2) for t in sent[3:]] == [1.0, 2.0, 3.0]


async def test_other_chats_are_not_held_up_by_a_busy_one() -> None:
    clock = SimClock()
    limiter = RateLimiter(30, per_chat_rate=1.0, per_chat_burst=1, clock=clock,
                          sleep=clock.sleep)
    await limiter.acquire("busy")
    await limiter.acquire("quiet")
    assert clock() < 0.1


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="rate"):
        RateLimiter(0)


def test_workers_share_each_platforms_rate() -> None:
    alone = build_limiters(Settings(_env_file=None))
    shared = build_limiters(Settings(_env_file=None, workers=4))
    for platform in ("telegram", "discord"):
        # Four workers at a quarter each: together at the same overall rate.
        assert shared[platform].interval == pytest.approx(alone[platform].interval * 4)


async def test_a_more_urgent_caller_takes_the_next_slot() -> None:
    clock = SimClock()
    limiter = RateLimiter(1, clock=clock, sleep=clock.sleep)
    order: list[str] = []

    async def send(name: str, priority: int) -> None:
        await limiter.acquire(name, priority)
        order.append(name)

    nudges = [asyncio.ensure_future(send(f"nudge-{n}", 2)) for n in range(5)]
    await asyncio.sleep(0)  # the nudges are queued (one took the free slot)
    crisis = asyncio.ensure_future(send("crisis", 0))
    await asyncio.gather(*nudges, crisis)
    assert order[:2] == ["nudge-0", "crisis"]
    assert order[2:] == [f"nudge-{n}" for n in range(1, 5)]  # the rest in arrival order
