"""The whole bot served on Telegram, against the fake Bot API.

``TelegramBot`` is the assembled application (real dialogues, a real SQLite
file, the real PTB ``Application`` talking HTTP) running :class:`TelegramPlatform` in
the background; ``stop()``/``start()`` on the same file is a process restart.
``Person`` writes and presses buttons through the fake server and reads the
messages Telegram accepted for their chat.

Waiting is done on the store: an update is *settled* once its event id is
committed and no reply of that conversation is still in the outbox; only
then are the fake's recorded messages read.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

from adapters.telegram_ptb import PLATFORM, Limits, TelegramPlatform
from benchmarks.fake_bot_api import Call, FakeBotAPI
from bot.app import App, build_services, open_app, serve_platform
from bot.config import Settings
from bot.safety.resources import ENGLISH_WORDS, load_resources
from bot.types import Assessor, ConversationKey
from tests.assembly import SimulatedPace, shared_engine

FAST_LIMITS = Limits(retries=1)
"""PTB waits out one 429 itself; the next one goes back to the outbox."""


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 5.0,
                     what: str = "the bot") -> None:
    """Poll ``check`` every few milliseconds until it holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {seconds}s waiting for {what}")
        await asyncio.sleep(0.01)


def key_of(update: dict[str, Any]) -> ConversationKey:
    if "callback_query" in update:
        query = update["callback_query"]
        return ConversationKey(PLATFORM, str(query["message"]["chat"]["id"]),
                               str(query["from"]["id"]))
    message = update["message"]
    return ConversationKey(PLATFORM, str(message["chat"]["id"]), str(message["from"]["id"]))


def crisis_lines(country: str | None, *, adult: bool = False) -> str:
    """The block of crisis lines the bot shows for ``country``, as the engine builds it
    (``adult``: for someone onboarded as 18 or over, who is not shown children's lines)."""
    return build_services(load_resources()).crisis_resources(country, None, ENGLISH_WORDS,
                                                              adult)


def shown(call: Call) -> str:
    """What the person sees of a message: the HTML without its tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", call.text))


def settings_for(api: FakeBotAPI, db: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{db}",
        "telegram_token": api.token,
        "telegram_base_url": api.base_url,
        "telegram_webhook_url": None,
        "telegram_webhook_secret": None,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


class TelegramBot:
    """:class:`TelegramPlatform` served in the background on one database file."""

    def __init__(self, api: FakeBotAPI, db: Path, *, assessor: Assessor | None = None,
                 limits: Limits = FAST_LIMITS, clock: Callable[[], datetime] | None = None,
                 **settings: Any) -> None:
        self.api = api
        self.clock = clock
        self.settings = settings_for(api, db, **settings)
        self.assessor = assessor
        self.limits = limits
        self.pace = SimulatedPace()
        """The rate limiters' clock: production pacing, without waiting for it."""
        self._app: App | None = None
        self._stack: AsyncExitStack | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def app(self) -> App:
        assert self._app is not None, "start() the bot first"
        return self._app

    async def start(self) -> None:
        self._stack = AsyncExitStack()
        extra: dict[str, Any] = {} if self.assessor is None else {"assessor": self.assessor}
        if self.clock is not None:
            extra["clock"] = self.clock
        self._app = await self._stack.enter_async_context(open_app(
            self.settings, engine=shared_engine(self.settings),
            limiters=self.pace.limiters(self.settings), **extra))
        self._stop = asyncio.Event()
        ready = asyncio.Event()
        self._task = asyncio.create_task(
            serve_platform(self._app, TelegramPlatform(self.settings, api_limits=self.limits),
                           self._stop, ready=ready))
        waiter = asyncio.create_task(ready.wait())
        await asyncio.wait({self._task, waiter}, timeout=10,
                           return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if self._task.done():
            self._task.result()  # raise what went wrong
        # Polling has started once the first getUpdates arrives.
        await self.api.wait_until(lambda: bool(self.api.calls_to("getUpdates"))
                                  or self.api.webhook is not None)

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.wait_for(self._task, 10)
            self._task = None
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None
        self._app = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def settled(self, update: dict[str, Any], seconds: float = 5.0) -> None:
        """Wait until ``update`` was processed and its replies left the outbox."""
        key = key_of(update)
        event = f"u{update['update_id']}"

        async def done() -> bool:
            store = self.app.store
            if not (await store.load(key, event)).duplicate:
                return False
            pending = await store.pending_outbox(limit=1000, platform=PLATFORM)
            return not any(row.key == key for row in pending)

        await eventually(done, seconds, what=f"update {event} to settle")

    async def profile(self, key: ConversationKey) -> dict[str, Any]:
        return (await self.app.store.load(key)).profile

    def person(self, user_id: int = 501) -> Person:
        return Person(self, user_id)


class Person:
    """Someone in a private chat with the bot."""

    def __init__(self, bot: TelegramBot, user_id: int) -> None:
        self.bot = bot
        self.api = bot.api
        self.user_id = user_id
        self.key = ConversationKey(PLATFORM, str(user_id), str(user_id))
        self.last_update: dict[str, Any] | None = None

    async def _exchange(self, queue: Callable[[], dict[str, Any]]) -> list[Call]:
        since = len(self.api.calls)
        update = queue()
        self.last_update = update
        await self.bot.settled(update)
        return self.api.messages(self.user_id, since)

    async def say(self, text: str) -> list[Call]:
        """Write ``text`` (a /command too); the messages the bot answered with."""
        return await self._exchange(lambda: self.api.private_message(self.user_id, text))

    async def press_data(self, data: str) -> list[Call]:
        return await self._exchange(lambda: self.api.press(self.user_id, data))

    async def press(self, label: str) -> list[Call]:
        buttons = self.buttons()
        assert label in buttons, f"no button {label!r}; the bot offered {list(buttons)}"
        return await self.press_data(buttons[label])

    def buttons(self) -> dict[str, str]:
        """Label -> callback data on the latest message that has buttons."""
        for call in reversed(self.api.messages(self.user_id)):
            data = {b["text"]: b["callback_data"] for b in call.buttons() if "callback_data" in b}
            if data:
                return data
        return {}

    def received(self) -> list[Call]:
        return self.api.messages(self.user_id)


def texts(calls: list[Call]) -> list[str]:
    return [shown(c) for c in calls]
