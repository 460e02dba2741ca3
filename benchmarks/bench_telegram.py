"""The Telegram adapter under load: the real PTB stack against the fake Bot API.

The fake server (:mod:`benchmarks.fake_bot_api`, in its own process so that its
work does not share the bot's CPU; ``--in-process`` to share) is handed
``people x steps`` updates at once: each person's start of a conversation (a greeting, consent,
country, the menu, the first questions of the belief flow, some answers).  The
bot polls them with ``getUpdates`` like it would from Telegram, runs each
through the runtime (real dialogues, real SQLite file with ``synchronous=FULL``)
and sends the replies back over HTTP.  The clock stops when every update's
replies have been accepted by the fake server.

Printed:

* inbound updates per second, until every turn of the burst is committed
  (``burst_seconds``), and replies per second, until every reply of the burst was
  accepted (``burst_replied_seconds``);
* the bot's own time per update, p50/p99: inside the update handler, from the
  update arriving at the handler until its turn was committed (what a button's
  answer or a group's admin check adds is in it);
* for updates sent one at a time once the burst is over, the same, and the time
  from the fake handing an update out to its turn being committed (what Telegram
  would see), p50/p99.

A run that stops making progress (no update handled, no reply accepted, for
:data:`STALL_SECONDS`) ends with :class:`Stalled`, saying what was outstanding,
and exit status 1: it never waits forever.

Telegram's own rate limits (30 messages a second) are switched off by default
so that the figure is the bot's capacity; ``--telegram-limits`` keeps them on
and shows the limiter at work (use a small ``--people`` then).

Run: ``python -m benchmarks.bench_telegram [--people 200] [--json]``, or
``run(people=...)`` from Python, which returns the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from aiohttp import ClientSession
from telegram import Update

from adapters.telegram_ptb import CONCURRENT_UPDATES, PLATFORM, Limits, TelegramAdapter
from benchmarks.fake_bot_api import TOKEN, FakeBotAPI
from bot.app import App, RuntimeLink, open_app
from bot.config import Settings
from bot.platform import RuntimePort
from bot.ratelimit import RateLimiter
from bot.safety_floor import FloorReply

NO_LIMITS = Limits(overall_per_second=0, group_per_minute=0)
STALL_SECONDS = 60.0
"""A run in which nothing moves for this long is stopped (:class:`Stalled`)."""
UNPACED_RATE = 1_000_000.0
"""Messages a second overall when Telegram's limits are off: no pacing in effect."""
# One person's first minutes with the bot, as updates: text, or ("press", data).
SCRIPT: tuple[str | tuple[str, str], ...] = (
    "hi",
    ("press", "onboarding:consent:yes"),
    "UK",
    ("press", "menu:choose:talk"),
    ("press", "belief:arrive:go_on"),
    ("press", "belief:name_feeling:anxious"),
    ("press", "belief:rate_before:7"),
    "I snapped at my sister on the phone and now I feel awful about it",
    "I always mess things up when it matters",
    "It started when I was a kid, my dad used to say it",
)


class Stalled(RuntimeError):
    """The bot stopped making progress; the message says what was outstanding."""


async def progressing(remaining: Callable[[], Awaitable[int]], what: str, *,
                      stall: float = STALL_SECONDS, every: float = 0.01) -> None:
    """Wait until ``remaining()`` is 0; :class:`Stalled` once it has not fallen for
    ``stall`` seconds."""
    loop = asyncio.get_running_loop()
    left = await remaining()
    fewest, since = left, loop.time()
    while left:
        await asyncio.sleep(every)
        left = await remaining()
        if left < fewest:
            fewest, since = left, loop.time()
        elif loop.time() - since > stall:
            raise Stalled(f"the bot stalled: {left} {what}, and none for {stall:.0f} s")


class TimedAdapter(TelegramAdapter):
    """The adapter, timing each update from handler entry to its turn committed."""

    def __init__(self, port: RuntimePort, settings: Settings, **kwargs: Any) -> None:
        super().__init__(port, settings, **kwargs)
        self.handler_ms: dict[int, float] = {}
        self.finished: dict[int, float] = {}

    async def handle(self, update: Update, *, floor: FloorReply | None = None,
                     wait: bool = True) -> None:
        # handle(), not PTB's handle_update(): polling hands each update to its
        # chat's queue, which calls handle() once the turn may run.
        started = time.perf_counter()
        try:
            await super().handle(update, floor=floor, wait=wait)
        finally:
            self.handler_ms[update.update_id] = (time.perf_counter() - started) * 1000
            self.finished[update.update_id] = time.monotonic()

    async def handled(self, update_ids: Sequence[int]) -> None:
        """Wait until every one of ``update_ids`` went through the handler."""
        wanted = set(update_ids)

        async def remaining() -> int:
            return len(wanted - self.finished.keys())

        await progressing(remaining, "updates not handled yet")


def percentile(values: Sequence[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * fraction) - 1))]


class FakeApart:
    """The fake Bot API in its own process, driven over its control routes, so that
    its work does not share a CPU with the bot being measured."""

    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None
        self.port = 0
        self.session: ClientSession | None = None

    async def __aenter__(self) -> FakeApart:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "benchmarks.fake_bot_api", stdout=asyncio.subprocess.PIPE)
        assert self.process.stdout is not None
        self.port = int((await self.process.stdout.readline()).decode())
        self.session = ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.session is not None:
            await self.session.close()
        if self.process is not None:
            self.process.terminate()
            await self.process.wait()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def queue(self, items: list[tuple[str, int, str]]) -> list[int]:
        assert self.session is not None
        async with self.session.post(f"http://127.0.0.1:{self.port}/control/queue",
                                     json=items) as response:
            response.raise_for_status()
            ids: list[int] = await response.json()
            return ids

    async def stats(self) -> dict[str, Any]:
        assert self.session is not None
        async with self.session.get(f"http://127.0.0.1:{self.port}/control/stats") as response:
            data: dict[str, Any] = await response.json()
            return data


def workload(people: int, first_user: int) -> list[tuple[str, int, str]]:
    """Every update, step by step across people, as a crowd would write."""
    items: list[tuple[str, int, str]] = []
    for step in SCRIPT:
        for n in range(people):
            kind, value = step if isinstance(step, tuple) else ("text", step)
            items.append((kind, first_user + n, value))
    return items


async def run_async(*, people: int = 200, db: Path, limits: Limits = NO_LIMITS,
                    concurrent_updates: int = CONCURRENT_UPDATES, in_process: bool = False,
                    one_by_one: int = 100) -> dict[str, Any]:
    """Measure a burst of ``people x len(SCRIPT)`` updates, then ``one_by_one`` updates
    sent one at a time (see the module docstring)."""
    fake: FakeApart | FakeBotAPI = FakeBotAPI(long_poll=0.05) if in_process else FakeApart()
    async with fake:
        settings = Settings(
            _env_file=None, database_url=f"sqlite:///{db}", telegram_token=TOKEN,
            telegram_base_url=fake.base_url, telegram_webhook_url=None, log_level="WARNING",
        )
        # Without Telegram's limits the outbox is not paced either: the figure is the
        # adapter's and the bot's throughput, not 1 message a second per chat (with
        # --telegram-limits both are on, as in production).
        unpaced = None if limits.overall_per_second else {
            platform: RateLimiter(UNPACED_RATE) for platform in ("telegram", "discord")}
        async with open_app(settings, limiters=unpaced) as app:
            # As in production: the link's drain sends again what a failed send left.
            link = RuntimeLink(app.runtime, run_outbox=True)
            adapter = TimedAdapter(link, settings,
                                   limits=limits, concurrent_updates=concurrent_updates)
            await adapter.open()
            await link.connected(PLATFORM, adapter.sender)
            stop, ready = asyncio.Event(), asyncio.Event()
            serving = asyncio.create_task(adapter.serve(stop, ready))
            try:
                await ready.wait()
                burst = await _burst(fake, app, adapter, workload(people, first_user=10_000))
                single = await _one_by_one(fake, adapter, one_by_one)
            finally:
                stop.set()
                await serving
                await link.close()
                await adapter.close()
    return {
        "people": people,
        **burst,
        **single,
        "telegram_limits": "on" if limits.overall_per_second else "off",
        "concurrent_updates": concurrent_updates,
        "fake_server": "in process" if in_process else "own process",
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


async def _queue(fake: FakeApart | FakeBotAPI, items: list[tuple[str, int, str]]) -> list[int]:
    if isinstance(fake, FakeApart):
        return await fake.queue(items)
    ids = []
    for kind, user_id, value in items:
        if kind == "press":
            ids.append(fake.queue_press(user_id, value)["update_id"])
        else:
            ids.append(fake.private_message(user_id, value)["update_id"])
    return ids


async def _burst(fake: FakeApart | FakeBotAPI, app: App, adapter: TimedAdapter,
                 items: list[tuple[str, int, str]]) -> dict[str, Any]:
    """Everything queued at once: throughput, until every turn is committed and
    until every reply is out."""
    before = await _messages(fake)
    started = time.perf_counter()
    ids = await _queue(fake, items)
    await adapter.handled(ids)
    elapsed = time.perf_counter() - started

    async def unsent() -> int:
        return len(await app.store.pending_outbox(limit=len(ids) * 10, platform=PLATFORM))

    await progressing(unsent, "replies not sent yet", every=0.1)
    replied = time.perf_counter() - started
    replies = await _messages(fake) - before
    handler = [adapter.handler_ms[i] for i in ids]
    return {
        "burst_updates": len(ids),
        "burst_replies": replies,
        "burst_seconds": round(elapsed, 2),
        "burst_replied_seconds": round(replied, 2),
        "burst_updates_per_second": round(len(ids) / elapsed, 1),
        "burst_replies_per_second": round(replies / replied, 1),
        "burst_handler_p50_ms": _round(percentile(handler, 0.50)),
        "burst_handler_p99_ms": _round(percentile(handler, 0.99)),
    }


async def _one_by_one(fake: FakeApart | FakeBotAPI, adapter: TimedAdapter,
                      count: int) -> dict[str, Any]:
    """One update at a time, each once the previous one's turn is committed: the bot's
    own latency."""
    items = workload(-(-count // len(SCRIPT)), first_user=90_000)[:count]
    # Person by person, so that each conversation runs through its script in order.
    items.sort(key=lambda item: item[1])
    ids: list[int] = []
    for item in items:
        update_ids = await _queue(fake, [item])
        await adapter.handled(update_ids)
        ids += update_ids
    served = await _served(fake)
    handler = [adapter.handler_ms[i] for i in ids]
    end_to_end = [(adapter.finished[i] - served[i]) * 1000 for i in ids if i in served]
    return {
        "single_updates": len(ids),
        "single_handler_p50_ms": _round(percentile(handler, 0.50)),
        "single_handler_p99_ms": _round(percentile(handler, 0.99)),
        "single_served_to_replied_p50_ms": _round(percentile(end_to_end, 0.50)),
        "single_served_to_replied_p99_ms": _round(percentile(end_to_end, 0.99)),
    }


async def _messages(fake: FakeApart | FakeBotAPI) -> int:
    if isinstance(fake, FakeApart):
        return int((await fake.stats())["messages"])
    return len(fake.messages())


async def _served(fake: FakeApart | FakeBotAPI) -> dict[int, float]:
    if isinstance(fake, FakeApart):
        return {int(k): float(v) for k, v in (await fake.stats())["served"].items()}
    return dict(fake.served)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def run(*, people: int = 200, db: Path | None = None, telegram_limits: bool = False,
        concurrent_updates: int = CONCURRENT_UPDATES, in_process: bool = False) -> dict[str, Any]:
    """Run the benchmark once and return its figures."""
    limits = Limits() if telegram_limits else NO_LIMITS
    with tempfile.TemporaryDirectory() as tmp:
        path = db or Path(tmp) / "bench.db"
        return asyncio.run(run_async(people=people, db=path, limits=limits,
                                     concurrent_updates=concurrent_updates,
                                     in_process=in_process))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=200,
                        help=f"people, each sending {len(SCRIPT)} updates (default 200)")
    parser.add_argument("--concurrent", type=int, default=CONCURRENT_UPDATES,
                        help=f"updates PTB handles at once (default {CONCURRENT_UPDATES})")
    parser.add_argument("--telegram-limits", action="store_true",
                        help="keep Telegram's 30 messages/s limit on")
    parser.add_argument("--in-process", action="store_true",
                        help="run the fake Bot API in this process (it then shares the CPU)")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    args = parser.parse_args(argv)
    try:
        result = run(people=args.people, db=args.db, telegram_limits=args.telegram_limits,
                     concurrent_updates=args.concurrent, in_process=args.in_process)
    except Stalled as stalled:
        print(f"bench_telegram: {stalled}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result))
    else:
        for name, value in result.items():
            print(f"{name:>26}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
