"""The composition root: builds the store, dialogues, engine, dispatcher and runtime.

Nothing is built at import time; :func:`open_app` assembles one application
from settings and closes it again, so tests and the CLI get the same wiring.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from bot.clock import SteadyClock
from bot.config import Settings
from bot.delivery import DEFAULT_LEASE, Dispatcher, Sender
from bot.dialogue.loader import DialogueSet, load_dialogues
from bot.engine import Engine, Services
from bot.groups.prompts import LIBRARY_FILE as PROMPTS_FILE
from bot.groups.prompts import load_prompts
from bot.nudges.library import LIBRARY_FILE, NudgeLibrary, load_library
from bot.nudges.parse import parse_days, parse_quiet_hours, parse_time_window, parse_timezone
from bot.ratelimit import RateLimiter
from bot.runtime import Runtime, utc_now
from bot.safety import assess
from bot.safety.layers import default_detector
from bot.safety.resources import ResourceBook, country_from_text, format_resources, load_resources
from bot.scheduler import DEFAULT_LEASE as DEFAULT_SCHEDULER_LEASE
from bot.scheduler import Scheduler
from bot.store import create_store
from bot.store.base import Store
from bot.store.keys import verify_key
from bot.store.resilient import ResilientStore
from bot.types import Assessor

log = logging.getLogger(__name__)

# Objects allocated between young collections (CPython's default is 700).
GC_YOUNG_THRESHOLD = 20_000


@dataclass(frozen=True, slots=True)
class App:
    """One assembled bot."""

    settings: Settings
    store: Store
    dialogues: DialogueSet
    engine: Engine
    dispatcher: Dispatcher
    runtime: Runtime
    scheduler: Scheduler

    @property
    def group_commands(self) -> frozenset[str]:
        """The commands the bot answers in a group (its group command menu).

        Handed to adapters from here so that no adapter imports the engine; the
        dialogue files say which (``in_groups``).
        """
        return self.dialogues.group_commands


async def _refuse_encrypted(store: Store) -> None:
    """Without ENCRYPTION_KEY, refuse a database that holds encrypted text."""
    await verify_key(store, None)


def build_services(book: ResourceBook) -> Services:
    """The pure helpers the engine calls, over the crisis resource book."""

    def parse_country(text: str) -> str | None:
        return country_from_text(text, book)

    def crisis_resources(country: str | None, topic: str | None = None) -> str:
        return format_resources(book.for_country(country), topic=topic)

    parsers = {
        "country": parse_country,
        "timezone": parse_timezone,
        "time_window": parse_time_window,
        "quiet_hours": parse_quiet_hours,
        "days": parse_days,
    }
    return Services(parsers=parsers, crisis_resources=crisis_resources)


def build_nudges(settings: Settings, dialogues: DialogueSet) -> NudgeLibrary:
    """The nudge library next to the dialogues; every button must start one of them."""
    library = load_library(settings.dialogues_dir / LIBRARY_FILE)
    library.require_dialogues(dialogues.dialogues)
    return library


def build_engine(settings: Settings, dialogues: DialogueSet | None = None) -> Engine:
    dialogues = dialogues or load_dialogues([settings.dialogues_dir])
    return Engine(
        dialogues,
        build_services(load_resources()),
        prompts=load_prompts(settings.dialogues_dir / PROMPTS_FILE),
        nudges=build_nudges(settings, dialogues),
        max_answer_chars=settings.max_answer_chars,
        nudge_grace=timedelta(minutes=settings.nudge_grace_minutes),
    )


def build_limiters(
    settings: Settings,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> dict[str, RateLimiter]:
    """Each platform's pacing: overall messages a second, and a small burst per chat.

    The platforms count a bot's messages across all its processes, so each of
    ``WORKERS`` processes takes an equal share of the overall rate.  That is
    exact while the load is spread evenly (a load balancer, claims in turn) and
    never over the limit; a worker that is busy while others idle cannot borrow
    their share.  The per-chat budget stays whole: a person's messages go through
    one worker at a time in practice, and Telegram's per-chat limit is soft.

    ``clock`` and ``sleep`` are the limiters' time; the platform test harnesses
    pass a simulated one so that a conversation paces without waiting.
    """
    share = settings.workers
    return {
        "telegram": RateLimiter(settings.telegram_max_rate / share,
                                per_chat_rate=settings.telegram_chat_rate, per_chat_burst=3,
                                clock=clock, sleep=sleep),
        "discord": RateLimiter(settings.discord_max_rate / share,
                               per_chat_rate=settings.discord_chat_rate, per_chat_burst=5,
                               clock=clock, sleep=sleep),
    }


def assemble_runtime(
    store: Store,
    engine: Engine,
    senders: Mapping[str, Sender],
    *,
    clock: Callable[[], datetime] = utc_now,
    assessor: Assessor = assess,
    limiters: Mapping[str, RateLimiter] | None = None,
    lease: timedelta = DEFAULT_LEASE,
    sole_worker: bool = True,
) -> Runtime:
    """A runtime with its dispatcher, wired so that a blocked person is marked unreachable."""
    dispatcher = Dispatcher(store, senders, clock, limiters=limiters, lease=lease,
                            sole_worker=sole_worker)
    if assessor is assess:
        # Load the detector's model and phrase tables now, not on the first
        # message: that message may be a crisis, and it should not wait on a file.
        default_detector()
    runtime = Runtime(store, engine, dispatcher, assess=assessor, clock=clock)
    dispatcher.on_unreachable = runtime.mark_unreachable
    return runtime


def settle_garbage_collector() -> None:
    """Keep the cyclic garbage collector's pauses out of the reply latency.

    Everything built at startup (dialogues, compiled patterns, modules) lives as
    long as the process; frozen, full collections no longer walk it.  Young
    collections run less often, since a turn makes many short-lived objects
    and almost no cycles.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)


@asynccontextmanager
async def open_app(
    settings: Settings,
    senders: Mapping[str, Sender] | None = None,
    *,
    store: Store | None = None,
    clock: Callable[[], datetime] | None = None,
    assessor: Assessor = assess,
    engine: Engine | None = None,
    lease: timedelta | None = None,
    limiters: Mapping[str, RateLimiter] | None = None,
) -> AsyncIterator[App]:
    """Build the bot, open its store (running migrations), and close it afterwards.

    ``lease`` is how long this worker holds what it claims (outbox rows, timers,
    nudges) before another may take it over; the defaults suit production, tests
    of crashed workers shorten it.  ``clock`` defaults to a
    :class:`~bot.clock.SteadyClock`, one for the whole bot, so that the due times
    the runtime writes and the scheduler's claims share a timeline that a step
    of the system clock does not move.  ``limiters`` replaces the pacing of
    :func:`build_limiters` (tests pass limiters on a simulated clock).
    """
    if clock is None:
        clock = SteadyClock()
    engine = engine or build_engine(settings)
    if store is None:
        # An outage at start (the database server down, the disk full) does not
        # stop the bot: it answers crisis lines meanwhile and opens the store
        # once it can (bot.store.resilient).  A wrong setting still stops it.
        store = ResilientStore(
            partial(create_store, settings.database_url, settings.encryption_key),
            verify=_refuse_encrypted if settings.encryption_key is None else None)
    await store.open()
    try:
        if settings.encryption_key is None:
            if not isinstance(store, ResilientStore):
                await verify_key(store, None)  # refuses a database that holds encrypted text
            log.warning("ENCRYPTION_KEY is not set: conversations, journals and safety plans "
                        "are stored unencrypted (see README, 'Encryption at rest')")
        runtime = assemble_runtime(store, engine, senders or {}, clock=clock, assessor=assessor,
                                   limiters=(build_limiters(settings) if limiters is None
                                             else limiters),
                                   lease=lease or DEFAULT_LEASE,
                                   sole_worker=settings.workers == 1)
        scheduler = Scheduler(store, runtime, clock, lease=lease or DEFAULT_SCHEDULER_LEASE)
        try:
            yield App(settings, store, engine.dialogues, engine, runtime.dispatcher, runtime,
                      scheduler)
        finally:
            # Replies still queued stay in the outbox for the next start.
            await runtime.dispatcher.close()
    finally:
        await store.close()
