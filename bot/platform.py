"""The contract between the bot and a chat platform (terminal, Telegram, Discord...).

A platform is one module in ``adapters/`` that declares a :class:`PlatformSpec`
(module attribute ``SPEC``): its name, its :class:`MessageLimits`, its own
settings (a :class:`~bot.config.PlatformSettings` model), when it is wanted, its
:class:`Pacing`, and how to make its :class:`Platform`: a check of the settings it
needs, and :meth:`Platform.serve`, which translates the platform's updates into
:class:`~bot.types.Inbound` events and hands them to a :class:`RuntimePort`.  The
registry (``bot.app.PLATFORMS``) reads the declarations, so that settings, pacing
and the dialogue checks name no platform.

The port is all an adapter sees of the bot: it hands an event over (through
the turn guard it gets from :meth:`RuntimePort.guard`), reads the
:class:`CommandCatalogue` for its menus and the ``system`` lines it may say
itself, and tells the bot when its :class:`~bot.delivery.Sender` can send
(:meth:`RuntimePort.connected`).  The store, the engine and the dialogues stay
behind it, and the outbox (recovery after a crash, the periodic drain) is the
composition root's (:mod:`bot.app`), the same for every platform.

This module imports nothing of the engine or the store, so that an adapter
importing it stays a translator (``tests/test_architecture.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from bot.config import PlatformSettings, Settings
from bot.delivery import Sender
from bot.safety_floor import FloorReply
from bot.text import primary_language
from bot.turn_guard import TurnGuard
from bot.types import ConversationKey, Inbound, MessageLimits

__all__ = [
    "CommandCatalogue", "MessageLimits", "Pacing", "Platform", "PlatformSpec", "RuntimePort",
    "TokenAndRates", "token_platform_spec", "until_stopped",
]


@dataclass(frozen=True, slots=True)
class CommandCatalogue:
    """The commands a person can use, for a platform's menus and slash commands.

    Built by the composition root from the dialogues (``command:``, ``in_groups``,
    ``argument``), so that a new exercise appears in every menu without an
    adapter reading dialogue content.
    """

    menu: tuple[tuple[str, str], ...] = ()
    """``(name, description)`` of every command, sorted by name."""
    group: frozenset[str] = frozenset()
    """The commands answered in a group chat (the group menu)."""
    arguments: Mapping[str, str] = field(default_factory=dict)
    """Command name -> what its text holds, for commands that take text (``/win I rested``)."""
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Language code (``es``) -> command name -> its description in that language, for
    menus that follow the person's app language.  Command names stay as they are."""

    def description_in(self, language: str, command: str) -> str | None:
        """``command``'s description in the language of a platform's code ("es-419"),
        or ``None`` where the bot does not speak it."""
        return self.translations.get(primary_language(language), {}).get(command)

    def described(self, language: str) -> tuple[tuple[str, str], ...]:
        """The menu with the descriptions of ``language`` (English where it has none)."""
        words = self.translations.get(language, {})
        return tuple((name, words.get(name, text)) for name, text in self.menu)


class RuntimePort(Protocol):
    """The narrow interface an adapter gets instead of the bot itself."""

    @property
    def commands(self) -> CommandCatalogue:
        """The command catalogue, for menus."""
        ...

    def line(self, name: str) -> str | None:
        """A ``system`` line the adapter says itself (``went_wrong``), if the
        dialogues have it."""
        ...

    def guard(self, *, slots: asyncio.Semaphore | None = None,
              log_failures: bool = True) -> TurnGuard:
        """A turn guard: retries a turn until committed, with the safety floor meanwhile."""
        ...

    async def handle(self, event: Inbound, *, floor: FloorReply | None = None,
                     wait: bool = True) -> None:
        """Run one event's turn (call it from inside the guard); returns once it is
        committed (``wait``: and its replies were tried)."""
        ...

    async def poll_sent(self, key: ConversationKey, poll_id: str, ref: str) -> None:
        """A check-in poll went out with this platform id: its counts find their group."""
        ...

    async def mark_unreachable(self, key: ConversationKey) -> None:
        """The person blocked the bot: send them nothing unasked any more."""
        ...

    async def connected(self, platform: str, sender: Sender) -> None:
        """The platform can send now: its sender is registered and what the outbox
        still holds for it (from before a crash) is sent first.  Call it before
        taking new updates, so that old replies go out before new ones."""
        ...


class Platform(Protocol):
    """One chat platform, served by one adapter module."""

    @property
    def name(self) -> str:
        """The ``platform`` of every :class:`~bot.types.ConversationKey` it makes."""
        ...

    @property
    def limits(self) -> MessageLimits:
        """What one message may hold there."""
        ...

    @property
    def needs(self) -> tuple[str, ...]:
        """The settings it reads (environment names), for the docs and error lines."""
        ...

    def check(self) -> None:
        """Refuse settings it cannot run with: a :class:`~bot.config.SettingsError`
        whose message names the setting to fix.  Called before anything starts."""
        ...

    async def serve(self, port: RuntimePort, stop: asyncio.Event,
                    ready: asyncio.Event | None = None) -> None:
        """Take updates until ``stop`` is set (or the platform ends for good), calling
        ``port.connected`` once its sender can send; ``ready`` is set once updates
        are being received."""
        ...


@dataclass(frozen=True, slots=True)
class Pacing:
    """How fast the outbox sends to a platform (a :class:`~bot.ratelimit.RateLimiter`)."""

    per_second: float
    """Messages a second overall, for the whole bot: each of ``WORKERS`` processes
    takes an equal share."""
    per_chat: float
    """Messages a second to one chat, after ``chat_burst``."""
    chat_burst: int


def _never(settings: Settings) -> bool:
    return False


def _unpaced(settings: Settings) -> Pacing | None:
    return None


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    """What a platform's module declares about it (its ``SPEC``), read before any
    platform starts.

    The callables take the bot's :class:`~bot.config.Settings`; a platform reads
    its own with ``settings.platform(settings_model)``.
    """

    name: str
    """The ``platform`` of every :class:`~bot.types.ConversationKey` it makes."""
    limits: MessageLimits
    """What one message may hold there; the dialogues are checked against the
    tightest limits of the registered platforms."""
    create: Callable[[Settings], Platform]
    """The platform for these settings (nothing connects until it serves)."""
    settings_model: type[PlatformSettings] | None = None
    """Its own settings, environment prefix ``<NAME>_``; read and checked before any
    platform starts."""
    wanted: Callable[[Settings], bool] = _never
    """Whether these settings ask for it (its token is set)."""
    pacing: Callable[[Settings], Pacing | None] = _unpaced
    """How fast the outbox sends to it; ``None``: as fast as it can (the terminal)."""


class TokenAndRates(Protocol):
    """The settings of a chat service reached with a token and paced by rates."""

    @property
    def token(self) -> object | None: ...
    @property
    def max_rate(self) -> float: ...
    @property
    def chat_rate(self) -> float: ...


def token_platform_spec(
    *, name: str, limits: MessageLimits, create: Callable[[Settings], Platform],
    settings_model: type[PlatformSettings], chat_burst: int,
) -> PlatformSpec:
    """The ``SPEC`` of a chat service (Telegram, Discord): wanted when its ``token``
    is set, paced by its ``max_rate`` and ``chat_rate`` settings after a burst of
    ``chat_burst`` messages to one chat.  ``settings_model`` must have those fields."""

    def own(settings: Settings) -> TokenAndRates:
        return cast(TokenAndRates, settings.platform(settings_model))

    def wanted(settings: Settings) -> bool:
        return own(settings).token is not None

    def pacing(settings: Settings) -> Pacing:
        rates = own(settings)
        return Pacing(per_second=rates.max_rate, per_chat=rates.chat_rate,
                      chat_burst=chat_burst)

    return PlatformSpec(name=name, limits=limits, create=create,
                        settings_model=settings_model, wanted=wanted, pacing=pacing)


async def until_stopped(work: Coroutine[Any, Any, None], stop: asyncio.Event) -> None:
    """Run ``work`` until it finishes or ``stop`` is set, whichever comes first
    (for a platform whose own loop does not watch ``stop``)."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pending in (task, waiter):
            pending.cancel()
    if task.done() and not task.cancelled():
        task.result()  # a failure of the work itself surfaces to the caller
