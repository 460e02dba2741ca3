"""The composition root: builds the store, dialogues, engine, dispatcher and runtime.

Nothing is built at import time; :func:`open_app` assembles one application
from settings and closes it again, so tests and the CLI get the same wiring.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from bot.clock import SteadyClock
from bot.config import Settings, SettingsError
from bot.delivery import DEFAULT_LEASE, Dispatcher, Sender
from bot.dialogue.loader import (
    DialogueError,
    DialogueSet,
    Locale,
    load_dialogues,
    load_locales,
)
from bot.dialogue.locales import LOCALES_DIR
from bot.dialogue.validation import Problem
from bot.engine import Engine, Services
from bot.groups.prompts import LIBRARY_FILE as PROMPTS_FILE
from bot.groups.prompts import PromptLibrary, load_prompts
from bot.nudges.library import LIBRARY_FILE, NudgeLibrary, load_library
from bot.nudges.parse import parse_days, parse_quiet_hours, parse_time_window, parse_timezone
from bot.nudges.words import DEFAULT_LANGUAGE, WORDS_FILE, ParseWords, load_word_sections
from bot.platform import CommandCatalogue, MessageLimits, Platform, PlatformSpec
from bot.ratelimit import RateLimiter
from bot.route_cues import ROUTING_FILE, load_route_cues
from bot.router import Router
from bot.runtime import Runtime, utc_now
from bot.safety import assess
from bot.safety.layers import default_detector
from bot.safety.resources import (
    ENGLISH_WORDS,
    ResourceBook,
    ResourceWords,
    country_from_text,
    format_resources,
    load_resources,
)
from bot.safety_floor import FloorReply
from bot.scheduler import DEFAULT_LEASE as DEFAULT_SCHEDULER_LEASE
from bot.scheduler import Scheduler
from bot.store import create_store
from bot.store.base import Store
from bot.store.keys import verify_key
from bot.store.resilient import ResilientStore
from bot.turn_guard import TurnGuard, guard_for
from bot.types import Assessor, ConversationKey, Inbound

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


async def _refuse_encrypted(store: Store) -> None:
    """Without ENCRYPTION_KEY, refuse a database that holds encrypted text."""
    await verify_key(store, None)


def build_services(book: ResourceBook, words: ParseWords | None = None, *,
                   locale_words: Mapping[str, ParseWords] | None = None) -> Services:
    """The pure helpers the engine calls, over the crisis resource book and the
    words the settings parsers accept (the shipped English unless given; per
    language in ``locale_words``)."""

    def parse_country(text: str) -> str | None:
        return country_from_text(text, book)

    def crisis_resources(country: str | None, topic: str | None = None,
                         words: ResourceWords = ENGLISH_WORDS, adult: bool = False) -> str:
        return format_resources(book.for_country(country), topic=topic, words=words,
                                adult=adult)

    def parsers_with(chosen: ParseWords | None) -> dict[str, Callable[[str], str | None]]:
        return {
            "country": parse_country,
            "timezone": partial(parse_timezone, words=chosen),
            "time_window": partial(parse_time_window, words=chosen),
            "quiet_hours": partial(parse_quiet_hours, words=chosen),
            "days": partial(parse_days, words=chosen),
        }

    return Services(
        parsers=parsers_with(words),
        crisis_resources=crisis_resources,
        locale_parsers={code: parsers_with(w) for code, w in (locale_words or {}).items()},
    )


def build_nudges(settings: Settings, dialogues: DialogueSet,
                 limits: MessageLimits | None = None) -> NudgeLibrary:
    """The nudge library next to the dialogues; every button must start one of them,
    and every text fit the platforms' ``limits`` (the registered ones' by default)."""
    library = load_library(settings.dialogues_dir / LIBRARY_FILE,
                           message_limits() if limits is None else limits)
    library.require_dialogues(dialogues.dialogues)
    return library


def locale_libraries(
    dialogues_dir: Path, locales: Mapping[str, Locale], limits: MessageLimits,
    dialogues: DialogueSet, english: tuple[PromptLibrary, NudgeLibrary],
) -> tuple[dict[str, PromptLibrary], dict[str, NudgeLibrary]]:
    """Each language's own group prompts and nudges, where it has them: the same
    ids as the English ones (``english``; a channel's and a person's history are
    kept by id, so that switching language never repeats or skips one)."""
    english_prompts = {p.id for p in english[0].prompts}
    english_nudges = {n.id for n in english[1].entries}
    prompts: dict[str, PromptLibrary] = {}
    nudges: dict[str, NudgeLibrary] = {}
    for code in locales:
        folder = dialogues_dir / LOCALES_DIR / code
        if (folder / PROMPTS_FILE).is_file():
            library = load_prompts(folder / PROMPTS_FILE)
            _require_same_ids(f"{code}/{PROMPTS_FILE}", {p.id for p in library.prompts},
                              english_prompts)
            prompts[code] = library
        if (folder / LIBRARY_FILE).is_file():
            nudge_library = load_library(folder / LIBRARY_FILE, limits)
            nudge_library.require_dialogues(dialogues.dialogues)
            _require_same_ids(f"{code}/{LIBRARY_FILE}",
                              {n.id for n in nudge_library.entries}, english_nudges)
            nudges[code] = nudge_library
    return prompts, nudges


def _require_same_ids(source: str, found: set[str], english: set[str]) -> None:
    if found != english:
        raise DialogueError([Problem(source, "-", "", "translated",
                                     f"ids differ from English: missing {sorted(english - found)}, "
                                     f"unknown {sorted(found - english)}")])


def build_engine(settings: Settings, dialogues: DialogueSet | None = None, *,
                 registry: Sequence[PlatformEntry] | None = None) -> Engine:
    """The engine over the dialogues folder: its dialogues, and the routing file,
    parsers' words, nudges and group prompts beside them, each checked here at start
    (texts and buttons against the limits of the platforms in ``registry``)."""
    limits = message_limits(PLATFORMS if registry is None else registry)
    dialogues = dialogues or load_dialogues([settings.dialogues_dir], limits=limits)
    # The other languages: the same dialogues in their words, checked as strictly.
    locales, problems = load_locales(settings.dialogues_dir, limits=limits)
    if problems:
        raise DialogueError(problems)
    # Free text is routed only to exercises that are loaded.
    router = Router(available=dialogues.dialogues.keys(),
                    cues=load_route_cues(settings.dialogues_dir / ROUTING_FILE))
    # Every language's section of the words file, read once; each language reads
    # days and times in its own words where the file has them.
    sections = load_word_sections(settings.dialogues_dir / WORDS_FILE)
    words = sections[DEFAULT_LANGUAGE]
    locale_words = {code: sections[code] for code in locales if code in sections}
    prompts = load_prompts(settings.dialogues_dir / PROMPTS_FILE)
    nudges = build_nudges(settings, dialogues, limits)
    locale_prompts, locale_nudges = locale_libraries(settings.dialogues_dir, locales, limits,
                                                     dialogues, (prompts, nudges))
    # Free text in another language is routed by that language's cues, where it has them.
    locale_routers = {
        code: Router(available=dialogues.dialogues.keys(), cues=load_route_cues(path),
                     cues_only=True)
        for code in locales
        if (path := settings.dialogues_dir / LOCALES_DIR / code / ROUTING_FILE).is_file()}
    return Engine(
        dialogues,
        build_services(load_resources(), words, locale_words=locale_words),
        router=router,
        prompts=prompts,
        nudges=nudges,
        max_answer_chars=settings.max_answer_chars,
        min_age=settings.min_age,
        nudge_grace=timedelta(minutes=settings.nudge_grace_minutes),
        locales=locales,
        locale_prompts=locale_prompts,
        locale_nudges=locale_nudges,
        locale_routers=locale_routers,
    )


def build_limiters(
    settings: Settings,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    registry: Sequence[PlatformEntry] | None = None,
) -> dict[str, RateLimiter]:
    """Each platform's pacing (its :class:`~bot.platform.Pacing`): overall messages a
    second, and a small burst per chat.

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
    limiters = {}
    for spec in available_platforms(PLATFORMS if registry is None else registry):
        pacing = spec.pacing(settings)
        if pacing is not None:
            limiters[spec.name] = RateLimiter(pacing.per_second / share,
                                              per_chat_rate=pacing.per_chat,
                                              per_chat_burst=pacing.chat_burst,
                                              clock=clock, sleep=sleep)
    return limiters


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


# --- platforms: what adapters get, which ones run, and their outbox ------------------


def command_catalogue(dialogues: DialogueSet,
                      locales: Mapping[str, Locale] | None = None) -> CommandCatalogue:
    """The commands for platforms' menus, read from the dialogues (``command:``,
    ``in_groups``, ``argument``), so that no adapter reads dialogue content; with
    each language's descriptions for menus in the person's language."""
    arguments = {name: dialogues[dialogue_id].argument
                 for name, dialogue_id in dialogues.commands.items()}
    return CommandCatalogue(
        menu=tuple(dialogues.menu()),
        group=dialogues.group_commands,
        arguments={name: text for name, text in arguments.items() if text is not None},
        translations={code: dict(locale.dialogues.menu())
                      for code, locale in (locales or {}).items()},
    )


class RuntimeLink:
    """The :class:`~bot.platform.RuntimePort` over one runtime: all an adapter sees.

    It owns the outbox side of every platform: :meth:`connected` registers a
    platform's sender and sends what a crash left for it before the platform
    takes new updates; with ``run_outbox`` it also starts the periodic drain
    (once, however many platforms connect), stopped by :meth:`close`.
    """

    def __init__(self, runtime: Runtime, *, run_outbox: bool = False) -> None:
        self._runtime = runtime
        self._commands = command_catalogue(runtime.engine.dialogues, runtime.engine.locales)
        self._run_outbox = run_outbox
        self._drain: asyncio.Task[None] | None = None

    @property
    def commands(self) -> CommandCatalogue:
        return self._commands

    def line(self, name: str) -> str | None:
        variants = self._runtime.engine.dialogues["system"].lines.get(name)
        return variants[0] if variants else None

    def guard(self, *, slots: asyncio.Semaphore | None = None,
              log_failures: bool = True) -> TurnGuard:
        return guard_for(self._runtime, slots=slots, log_failures=log_failures)

    async def handle(self, event: Inbound, *, floor: FloorReply | None = None,
                     wait: bool = True) -> None:
        # Looked up on every call, not bound once: tests replace the runtime's
        # handle to simulate a failing turn.
        await self._runtime.handle(event, floor=floor, wait=wait)

    async def poll_sent(self, key: ConversationKey, poll_id: str, ref: str) -> None:
        await self._runtime.poll_sent(key, poll_id, ref)

    async def mark_unreachable(self, key: ConversationKey) -> None:
        await self._runtime.mark_unreachable(key)

    async def connected(self, platform: str, sender: Sender) -> None:
        dispatcher = self._runtime.dispatcher
        dispatcher.add_sender(platform, sender)
        # Replies committed before a crash go out first, and exactly once.
        await dispatcher.recover(platform)
        if self._run_outbox and self._drain is None:
            self._drain = asyncio.create_task(dispatcher.run(), name="outbox")

    async def close(self) -> None:
        """Stop the drain this link started (queued replies stay in the outbox)."""
        drain, self._drain = self._drain, None
        if drain is not None:
            drain.cancel()
            await asyncio.gather(drain, return_exceptions=True)


@dataclass(frozen=True, slots=True)
class PlatformEntry:
    """One platform the bot can run on: where its declaration is.  Its module is
    imported only when the registry is read, since each adapter's library is an
    optional extra."""

    name: str
    load: Callable[[], PlatformSpec]
    """Its module's ``SPEC`` (settings, limits, pacing, when it is wanted)."""
    extra: str | None = None
    """The pip extra that installs its library; ``None``: always installed."""
    fallback: bool = False
    """Runs when no other platform does (the terminal, so that `run` always talks)."""


def _telegram() -> PlatformSpec:
    from adapters.telegram_ptb import SPEC

    return SPEC


def _discord() -> PlatformSpec:
    from adapters.discord_dpy import SPEC

    return SPEC


def _console() -> PlatformSpec:
    from adapters.console import SPEC

    return SPEC


PLATFORMS: tuple[PlatformEntry, ...] = (
    PlatformEntry("telegram", _telegram, extra="telegram"),
    PlatformEntry("discord", _discord, extra="discord"),
    PlatformEntry("console", _console, fallback=True),
)
"""Every platform, in the order they start.  A new platform is one entry here."""


def platform_spec(entry: PlatformEntry) -> PlatformSpec | None:
    """The entry's declaration, or ``None`` when its library (its extra) is not installed."""
    try:
        return entry.load()
    except ModuleNotFoundError as exc:
        ours = (exc.name or "").partition(".")[0] in {"bot", "adapters"}
        if entry.extra is None or ours:
            raise
        return None


def available_platforms(registry: Sequence[PlatformEntry] = PLATFORMS) -> list[PlatformSpec]:
    """The declarations of the registered platforms whose library is installed."""
    return [spec for spec in map(platform_spec, registry) if spec is not None]


def message_limits(registry: Sequence[PlatformEntry] = PLATFORMS) -> MessageLimits:
    """What a message may hold on every registered (and installed) platform: the
    limits the dialogues and the nudges are checked against."""
    return MessageLimits.tightest([spec.limits for spec in available_platforms(registry)])


def setting_names(registry: Sequence[PlatformEntry] = PLATFORMS) -> list[str]:
    """Every setting's environment variable: the bot's own, then each registered (and
    installed) platform's, with its prefix."""
    names = [name.upper() for name in Settings.model_fields]
    for spec in available_platforms(registry):
        if spec.settings_model is not None:
            prefix = spec.settings_model.model_config.get("env_prefix", "")
            names += [f"{prefix}{name}".upper() for name in spec.settings_model.model_fields]
    return names


def configured_platforms(settings: Settings,
                         registry: Sequence[PlatformEntry] = PLATFORMS) -> list[Platform]:
    """The platforms these settings ask for, each one's settings read and checked (a
    :class:`~bot.config.SettingsError` naming the setting) before any starts."""
    wanted: list[tuple[PlatformEntry, PlatformSpec]] = []
    fallbacks: list[tuple[PlatformEntry, PlatformSpec]] = []
    for entry in registry:
        spec = platform_spec(entry)
        if spec is None:
            asked = settings.names_set(f"{entry.name.upper()}_")
            if asked:
                raise SettingsError(
                    f"{', '.join(asked)} set, but {entry.name} is not installed: "
                    f"pip install 'compassion-bot[{entry.extra}]'")
            continue
        if spec.settings_model is not None:
            settings.platform(spec.settings_model)  # an invalid value stops us here
        if entry.fallback:
            fallbacks.append((entry, spec))
        if spec.wanted(settings):
            wanted.append((entry, spec))
    if not any(not entry.fallback for entry, _ in wanted):
        wanted = fallbacks
    platforms = [spec.create(settings) for _, spec in wanted]
    for platform in platforms:
        platform.check()
    return platforms


async def serve_platform(app: App, platform: Platform, stop: asyncio.Event, *,
                         run_outbox: bool = True, ready: asyncio.Event | None = None) -> None:
    """Serve one platform until ``stop`` is set; with ``run_outbox`` the periodic
    drain runs too, from the moment the platform's outbox was recovered."""
    platform.check()
    link = RuntimeLink(app.runtime, run_outbox=run_outbox)
    try:
        await platform.serve(link, stop, ready)
    finally:
        await link.close()


async def serve_platforms(app: App, platforms: Sequence[Platform], stop: asyncio.Event) -> None:
    """Serve every platform at once, with one outbox drain for all of them.

    Ends when ``stop`` is set or when one platform ends (the terminal chat was
    left, a gateway failed for good): the others are stopped then, and the first
    one's error (a rejected token) is raised.
    """
    link = RuntimeLink(app.runtime)
    # One drain for every platform from the start: it also sends what a crash left
    # for a platform whose sender is registered already, and retries.
    drain = asyncio.create_task(app.dispatcher.run(), name="outbox")
    services = [asyncio.create_task(platform.serve(link, stop), name=platform.name)
                for platform in platforms]
    try:
        done, _ = await asyncio.wait(services, return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        await asyncio.gather(*services, return_exceptions=True)
        for task in done:
            task.result()  # a platform's startup error (a bad token) surfaces here
    finally:
        for task in (*services, drain):
            task.cancel()
        await asyncio.gather(*services, drain, return_exceptions=True)
        await link.close()
