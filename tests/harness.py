"""A person talking to the whole bot (runtime, engine, real dialogues, real SQLite file).

``Bot`` is the assembled application on one database file (sealed when given
an encryption key) with a recording sender; ``Person`` sends text, commands and
button presses to it and reads the replies.  ``Bot.restart()`` closes
everything and builds it again on the same file, the way a process restart would.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import assemble_runtime
from bot.config import Settings
from bot.crypto import FieldCipher
from bot.engine import Engine
from bot.render import choice_lines, plain
from bot.runtime import Handled, Runtime
from bot.safety import assess
from bot.scheduler import Scheduler
from bot.store.base import Store
from bot.store.encrypted import EncryptedStore
from bot.store.sqlite import SqliteStore
from bot.types import (
    Assessor,
    ConversationKey,
    Inbound,
    Outbound,
    SendFile,
    SendImage,
    SendPoll,
    SendText,
)
from tests.assembly import shared_engine
from tests.events import event as make_event

PLATFORM = "test"
START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock that moves only when told (one second per call, to keep order visible)."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@dataclass
class Recorder:
    """A sender that keeps every delivered action, per conversation."""

    sent: list[tuple[ConversationKey, Outbound]] = field(default_factory=list)
    fail_with: Callable[[Outbound], Exception | None] | None = None

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        if self.fail_with is not None:
            error = self.fail_with(action)
            if error is not None:
                raise error
        self.sent.append((key, action))


def render(action: Outbound) -> list[str]:
    """An action as the lines a golden transcript shows."""
    if isinstance(action, SendText):
        return [*plain(action.segments).split("\n"), *choice_lines(action.choices)]
    if isinstance(action, SendFile):
        return [f"[file {action.filename}]", *action.content.decode().split("\n")]
    if isinstance(action, SendImage):
        return [f"[image {len(action.png)} bytes] {action.caption}"]
    if isinstance(action, SendPoll):
        return [f"[poll] {action.question}", *(f"  - {o.label}" for o in action.options)]
    raise TypeError(type(action))


class Bot:
    """The assembled bot on one SQLite file."""

    def __init__(
        self, db: Path, *, assessor: Assessor = assess, encryption_key: str | None = None,
        min_age: int | None = None, start: datetime = START,
    ) -> None:
        self.db = db
        self.assessor = assessor
        self.encryption_key = encryption_key
        self.clock = FakeClock(start)
        self.recorder = Recorder()
        overrides = {} if min_age is None else {"min_age": min_age}
        self.settings = Settings(database_url=f"sqlite:///{db}", **overrides)
        # Immutable, so one per process (tests.assembly): the dialogues are read once.
        self.engine: Engine = shared_engine(self.settings)
        self.store: Store | None = None
        self.runtime: Runtime | None = None
        self.scheduler: Scheduler | None = None

    async def start(self) -> None:
        backend = SqliteStore(self.db)
        self.store = backend if self.encryption_key is None else EncryptedStore(
            backend, FieldCipher.from_setting(self.encryption_key))
        await self.store.open()
        self.runtime = assemble_runtime(self.store, self.engine, {PLATFORM: self.recorder},
                                        clock=self.clock, assessor=self.assessor)
        self.scheduler = Scheduler(self.store, self.runtime, self.clock)
        await self.runtime.dispatcher.recover()

    async def stop(self) -> None:
        if self.runtime is not None:
            await self.runtime.dispatcher.close()
        if self.store is not None:
            await self.store.close()
        self.store = None
        self.runtime = None
        self.scheduler = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def handle(self, event: Inbound) -> Handled:
        assert self.runtime is not None, "start() the bot first"
        handled = await self.runtime.handle(event)
        # Tests look at the outbox right after a turn: let the delivery marks land.
        await self.runtime.dispatcher.flush()
        return handled

    async def advance(self, seconds: float) -> int:
        """Let ``seconds`` pass and run everything the scheduler finds due (timers,
        nudges); returns how many it handled.  No real time passes."""
        assert self.scheduler is not None and self.runtime is not None, "start() the bot first"
        self.clock.now += timedelta(seconds=seconds)
        handled = 0
        while claimed := await self.scheduler.run_once():
            handled += claimed
        await self.runtime.dispatcher.flush()
        return handled

    def person(self, user_id: str = "ana") -> Person:
        return Person(self, ConversationKey(PLATFORM, "chat-" + user_id, user_id))

    def member(self, user_id: str, group: str = "group-1", *, admin: bool = False) -> Member:
        """Someone in a group chat (an admin of it, or not)."""
        return Member(self, ConversationKey(PLATFORM, group, user_id), admin=admin)

    def private(self, user_id: str) -> Person:
        """Someone's private chat, where the chat id is the user id (as on Telegram
        and Discord): where the bot writes after a group turn."""
        return Person(self, ConversationKey(PLATFORM, user_id, user_id))

    def channel(self, group: str = "group-1") -> list[Outbound]:
        """Everything said in a group chat, to anyone."""
        return [a for k, a in self.recorder.sent if k.chat_id == group]


class Person:
    """Someone talking to the bot; every method returns the replies as plain text."""

    _ids = itertools.count(1)

    def __init__(self, bot: Bot, key: ConversationKey) -> None:
        self.bot = bot
        self.key = key
        self.last_event: Inbound | None = None

    def _event(self, kind: str, **fields: Any) -> Inbound:
        event = make_event(self.key, f"e{next(self._ids)}", self.bot.clock(), kind, **fields)
        self.last_event = event
        return event

    async def _send(self, event: Inbound) -> list[Outbound]:
        before = len(self.bot.recorder.sent)
        await self.bot.handle(event)
        return [a for k, a in self.bot.recorder.sent[before:] if k == self.key]

    async def say(self, text: str) -> list[str]:
        return texts(await self._send(self._event("text", text=text)))

    async def command(self, name: str, args: str = "") -> list[str]:
        return texts(await self._send(self._event("command", command=name, text=args)))

    async def press_payload(self, payload: str) -> list[str]:
        return texts(await self._send(self._event("choice", choice=payload)))

    async def press(self, label: str) -> list[str]:
        buttons = self.buttons()
        assert label in buttons, f"no button {label!r}; the bot offered {list(buttons)}"
        return await self.press_payload(buttons[label])

    async def send(self, line: str) -> list[Outbound]:
        """A transcript line: ``/cmd args``, ``[Label]``, ``[[payload]]`` or text."""
        if line.startswith("[[") and line.endswith("]]"):
            return await self._send(self._event("choice", choice=line[2:-2]))
        if line.startswith("[") and line.endswith("]"):
            buttons = self.buttons()
            assert line[1:-1] in buttons, f"no button {line}; the bot offered {list(buttons)}"
            return await self._send(self._event("choice", choice=buttons[line[1:-1]]))
        if line.startswith("/"):
            name, _, args = line[1:].partition(" ")
            return await self._send(self._event("command", command=name, text=args))
        return await self._send(self._event("text", text=line))

    async def wait(self, seconds: float) -> list[Outbound]:
        """Time passes; what the bot sends this person meanwhile (timers, nudges)."""
        before = len(self.bot.recorder.sent)
        await self.bot.advance(seconds)
        return [a for k, a in self.bot.recorder.sent[before:] if k == self.key]

    async def redeliver(self) -> list[Outbound]:
        """The platform sends the last event again, same id."""
        assert self.last_event is not None
        return await self._send(self.last_event)

    def received(self) -> list[Outbound]:
        return [a for k, a in self.bot.recorder.sent if k == self.key]

    def buttons(self) -> dict[str, str]:
        """Label -> payload of the most recent message that had buttons."""
        for action in reversed(self.received()):
            if isinstance(action, SendText) and action.choices:
                return {c.label: c.id for c in action.choices}
        return {}

    def last_export(self) -> dict[str, Any]:
        for action in reversed(self.received()):
            if isinstance(action, SendFile):
                data: dict[str, Any] = json.loads(action.content)
                return data
        raise AssertionError("no export was sent")


class Member(Person):
    """A person in a group chat: their events come from the group, with the
    adapter's verdict on whether they are an admin."""

    def __init__(self, bot: Bot, key: ConversationKey, *, admin: bool) -> None:
        super().__init__(bot, key)
        self.admin = admin

    def _event(self, kind: str, **fields: Any) -> Inbound:
        fields.setdefault("chat_kind", "group")
        if kind == "command":  # only a command asks whether they may change settings
            fields.setdefault("is_admin", self.admin)
        return super()._event(kind, **fields)


async def onboard(person: Person, consent: str = "[Yes, keep them]",
                  country: str = "United Kingdom") -> None:
    """Someone new goes through onboarding: /start, consent (the button given), country."""
    for line in ("/start", consent, country):
        await person.send(line)


def texts(actions: list[Outbound]) -> list[str]:
    return [plain(a.segments) for a in actions if isinstance(a, SendText)]
