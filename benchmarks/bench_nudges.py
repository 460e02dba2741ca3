"""``compassion-bot bench nudges``: finding due nudges among a million, and a day of fan-out.

Part 1, the tick: 1,000,000 subscriptions in a real SQLite file (due times
spread over a day), timing one scheduler tick's claim of what is due (and a
peak tick, when a large share is due at the same minute), then advancing the
claimed subscriptions to their next due time in one group commit.

Part 2, the day: 100,000 people with real nudge settings (many at 09:00, some
in windows, some evening, several time zones), the real runtime, engine,
nudge library and scheduler on a real SQLite file, and a fake platform that
answers 429 to any message beyond 30 in a one-second window.  Time is
simulated (:class:`benchmarks.simclock.SimClock`), so a whole day runs in
minutes; the database work is real.  Printed: 429 answers (target 0), and the
send rate reached while more was waiting than a second's allowance, against
the 30/s allowed (target at least 95 %).
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.telegram_ptb import TelegramSettings
from benchmarks.simclock import SimClock
from bot.app import assemble_runtime, build_engine
from bot.config import Settings
from bot.delivery import TransientDeliveryError
from bot.nudges.schedule import next_due
from bot.ratelimit import RateLimiter
from bot.scheduler import Scheduler
from bot.store.base import Commit, Subscription
from bot.store.sqlite import SqliteStore
from bot.types import ConversationKey, Outbound

PLATFORM = "telegram"
DAY = 24 * 3600
START = datetime(2026, 11, 26, tzinfo=UTC)  # midnight UTC; a Thursday
PLATFORM_LIMIT = 30


def _ts(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


# --- part 1: one tick among a million -------------------------------------------------


async def tick_figures(path: Path, subscriptions: int, seed: int = 7) -> dict[str, Any]:
    store = SqliteStore(path)
    await store.open()
    await store.close()
    rng = random.Random(seed)
    # Steady state at 03:00: everything due earlier was sent, so due times run
    # over the next 24 hours; 10 % share one minute (09:00 in one time zone).
    tick_start = START + timedelta(hours=3)
    peak = START + timedelta(hours=9)
    started = time.perf_counter()
    with sqlite3.connect(path) as db:
        rows = []
        for n in range(subscriptions):
            due_at = peak if n % 10 == 0 else tick_start + timedelta(seconds=rng.uniform(0, DAY))
            rows.append((PLATFORM, f"u{n}", f"c{n}", _ts(due_at)))
        db.executemany("INSERT INTO subscriptions (platform, user_id, chat_id, next_due_at)"
                       " VALUES (?, ?, ?, ?)", rows)
    filled = time.perf_counter() - started
    await store.open()
    lease = timedelta(minutes=2)
    found, ordinary, claimed_per_tick = [], [], []
    with sqlite3.connect(path) as reader:
        for n in range(1, 61):  # one tick a second over a quiet minute
            cutoff = _ts(tick_start + timedelta(seconds=n))
            t0 = time.perf_counter()
            reader.execute("SELECT platform, user_id FROM subscriptions WHERE next_due_at <= ?"
                           " ORDER BY next_due_at LIMIT 200", (cutoff,)).fetchall()
            found.append((time.perf_counter() - t0) * 1000)
    for n in range(1, 61):
        now = tick_start + timedelta(seconds=n)
        t0 = time.perf_counter()
        due = await store.claim_nudges(now, 200, lease)
        ordinary.append((time.perf_counter() - t0) * 1000)
        claimed_per_tick.append(len(due))
    peak_ms = []
    advanced_ms = []
    for n in range(20):  # the 09:00 peak: 100,000 due at once, claimed 200 a tick
        now = peak + timedelta(seconds=n)
        t0 = time.perf_counter()
        due = await store.claim_nudges(now, 200, lease)
        peak_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        await asyncio.gather(*(
            store.commit(Commit(key=d.key, at=now, expected_version=0, state_json=None,
                                subscription=Subscription(d.due_at + timedelta(days=1))))
            for d in due))
        advanced_ms.append((time.perf_counter() - t0) * 1000)
    await store.close()
    return {
        "subscriptions": subscriptions,
        "fill_s": round(filled, 1),
        "tick_find_ms_p50": round(statistics.median(found), 3),
        "tick_find_ms_max": round(max(found), 3),
        "tick_claim_ms_p50": round(statistics.median(ordinary), 3),
        "tick_claim_ms_max": round(max(ordinary), 3),
        "due_per_quiet_tick": round(statistics.mean(claimed_per_tick), 1),
        "peak_claim_200_ms_p50": round(statistics.median(peak_ms), 3),
        "peak_claim_200_ms_max": round(max(peak_ms), 3),
        "advance_200_ms_p50": round(statistics.median(advanced_ms), 2),
    }


# --- part 2: a simulated day of fan-out -----------------------------------------------


class StrictPlatform:
    """Accepts at most ``limit`` messages in any one-second window, else answers 429."""

    def __init__(self, clock: SimClock, limit: int = PLATFORM_LIMIT) -> None:
        self.clock = clock
        self.limit = limit
        self.recent: deque[float] = deque()
        self.sent: list[float] = []
        self.too_many = 0

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        now = self.clock()
        while self.recent and now - self.recent[0] >= 1.0:
            self.recent.popleft()
        if len(self.recent) >= self.limit:
            self.too_many += 1
            raise TransientDeliveryError("429 Too Many Requests", retry_after=1.0)
        self.recent.append(now)
        self.sent.append(now)


ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC")


def settings_for(n: int) -> dict[str, object]:
    """A mix of what people choose: half at 09:00 sharp, the rest in windows."""
    profile: dict[str, object] = {"onboarded": True, "consent": True, "nudge_on": "yes",
                                  "tz": ZONES[n % len(ZONES)]}
    kind = n % 10
    if kind < 5:
        profile["nudge_window"] = "09:00"
    elif kind < 8:
        profile["nudge_window"] = "09:00-11:00"
    else:
        profile["nudge_window"] = "20:00-21:00"
    return profile


def busy_rate(
    sent: list[float], due: list[float], limit: int = PLATFORM_LIMIT
) -> tuple[float, float]:
    """Sends a second while the platform's allowance was the bottleneck, and for how long.

    That is while more nudges were waiting than a second's allowance (``limit``):
    then every second the sender leaves unused is lost.  A quiet afternoon,
    with a nudge due every few seconds, says nothing about pacing and is left out.
    """
    events = sorted([(t, 1) for t in due] + [(t, -1) for t in sent])
    backlog, since, busy, sent_busy = 0, 0.0, 0.0, 0
    for t, change in events:
        if backlog > limit:
            busy += t - since
            if change < 0:
                sent_busy += 1
        since = t
        backlog += change
    return (sent_busy / busy if busy else 0.0), busy


async def day_figures(settings: Settings, path: Path, people: int) -> dict[str, Any]:
    sim = SimClock(START)
    platform = StrictPlatform(sim)
    store = SqliteStore(path)
    await store.open()
    paced_at = settings.platform(TelegramSettings).max_rate
    limiter = RateLimiter(paced_at, per_chat_rate=1.0, per_chat_burst=3,
                          clock=sim, sleep=sim.sleep)
    runtime = assemble_runtime(store, build_engine(settings), {PLATFORM: platform},
                               clock=sim.utc, limiters={PLATFORM: limiter})
    due_times: list[float] = []
    t0 = time.perf_counter()
    commits = []
    for n in range(people):
        profile = settings_for(n)
        due = next_due(profile, START, seed=f"{PLATFORM}:u{n}")
        assert due is not None
        if due < START + timedelta(days=1):
            due_times.append((due - START).total_seconds())
        commits.append(store.commit(Commit(
            key=ConversationKey(PLATFORM, f"c{n}", f"u{n}"), at=START, expected_version=0,
            state_json=None, profile_changes=profile, subscription=Subscription(due))))
    await asyncio.gather(*commits)
    setup = time.perf_counter() - t0
    scheduler = Scheduler(store, runtime, sim.utc, sleep=sim.sleep)
    t0 = time.perf_counter()
    task = asyncio.create_task(scheduler.run())
    # Polled: the simulation has no event of its own for "the day is over".
    while sim.now < DAY and len(platform.sent) < len(due_times):  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    wall = time.perf_counter() - t0
    await runtime.dispatcher.flush()
    await store.close()
    rate, busy = busy_rate(platform.sent, due_times)
    return {
        "people": people,
        "nudges_due_today": len(due_times),
        "nudges_sent": len(platform.sent),
        "answers_429": platform.too_many,
        "limit_per_s": PLATFORM_LIMIT,
        "paced_at_per_s": paced_at,
        "rate_under_backlog_per_s": round(rate, 2),
        "share_of_allowed_rate": round(rate / PLATFORM_LIMIT, 3),
        "backlog_s": round(busy),
        "last_send_utc": (START + timedelta(seconds=max(platform.sent))).strftime("%H:%M:%S")
        if platform.sent else None,
        "setup_s": round(setup, 1),
        "wall_s": round(wall, 1),
    }


def main(settings: Settings, *, subscriptions: int, people: int, as_json: bool) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        result = {"tick": asyncio.run(tick_figures(base / "tick.db", subscriptions)),
                  "day": asyncio.run(day_figures(settings, base / "day.db", people))}
    if as_json:
        print(json.dumps(result))
    else:
        for part, figures in result.items():
            print(f"[{part}]")
            for name, value in figures.items():
                print(f"{name:>26}: {value}")
    return 0
