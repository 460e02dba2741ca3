"""A Discord the tests can talk through: dpytest for messages, mocked interactions
for slash commands and button presses, over the whole bot on a real SQLite file.

``DiscordWorld`` opens the assembled app, builds the real client from
``adapters.discord_dpy`` and configures dpytest around it.  Everything the bot
puts in front of a person is recorded as a :class:`Sent`: channel and DM
messages (taken from the HTTP payload, so buttons are visible too) and
interaction follow-ups (taken from the mocked ``Interaction``).  ``restart()``
closes the client and the store and builds both again on the same file.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import discord.ext.test as dpytest
from discord.ext.test import backend, factories

from adapters.discord_dpy import CompassionClient
from bot.app import App, RuntimeLink, open_app
from bot.config import Settings
from bot.safety import assess
from bot.types import Assessor
from tests.assembly import SimulatedPace, shared_engine

BUTTON = discord.ComponentType.button.value
_interaction_ids = itertools.count(1)


@dataclass
class Sent:
    """One message a person could see."""

    where: int
    """Channel id: the DM channel, or the server channel."""
    content: str
    buttons: dict[str, str] = field(default_factory=dict)
    """Label -> custom_id, in order."""
    components: list[dict[str, Any]] = field(default_factory=list)
    via: str = "channel"
    """``channel`` (a normal message) or ``followup`` (an interaction's follow-up)."""
    ephemeral: bool = False
    files: dict[str, bytes] = field(default_factory=dict)
    """Attachment name -> content."""
    mentions: list[int] = field(default_factory=list)
    """User ids the message is allowed to ping."""


class FakeResponse:
    """Stands in for aiohttp's response inside discord.py's HTTP exceptions."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason


def forbidden_dm() -> discord.Forbidden:
    return discord.Forbidden(FakeResponse(403, "Forbidden"),
                             {"code": 50007, "message": "Cannot send messages to this user"})


def server_error() -> discord.DiscordServerError:
    return discord.DiscordServerError(FakeResponse(503, "Service Unavailable"),
                                      {"code": 0, "message": "upstream"})


def _read(files: list[discord.File]) -> dict[str, bytes]:
    contents = {}
    for file in files:
        file.fp.seek(0)
        contents[file.filename] = file.fp.read()
    return contents


def plain(content: str) -> str:
    """Message Markdown as the person reads it (escapes gone)."""
    return re.sub(r"\\(.)", r"\1", content)


def asking(sent: list[Sent]) -> Sent:
    """The last message with buttons: the question being asked."""
    for message in reversed(sent):
        if message.buttons:
            return message
    raise AssertionError(f"no question among {[m.content for m in sent]}")


def _buttons(components: list[dict[str, Any]]) -> dict[str, str]:
    return {
        button["label"]: button["custom_id"]
        for row in components for button in row.get("components", [])
        if "custom_id" in button
    }


@dataclass
class Person:
    """Someone on Discord; ids survive restarts of the bot."""

    world: DiscordWorld
    name: str
    id: int

    @property
    def user(self) -> discord.User:
        user = self.world.client.get_user(self.id)
        assert user is not None
        return user

    @property
    def member(self) -> discord.Member:
        member = self.world.guild.get_member(self.id)
        assert member is not None
        return member

    async def dm(self) -> discord.DMChannel:
        return await self.user.create_dm()

    async def dm_id(self) -> int:
        return (await self.dm()).id

    async def say_dm(self, text: str) -> list[Sent]:
        """Type a direct message to the bot; what the bot answered."""
        before = len(self.world.sent)
        await dpytest.message(text, channel=await self.dm(), member=self.user)
        return self.world.sent[before:]

    async def say_in_server(self, text: str) -> list[Sent]:
        before = len(self.world.sent)
        await dpytest.message(text, channel=self.world.channel, member=self.member)
        return self.world.sent[before:]

    def interaction(self, *, in_server: bool, channel_id: int) -> MagicMock:
        return self.world.interaction(self, in_server=in_server, channel_id=channel_id)

    async def slash(
        self, name: str, *, in_server: bool = False, text: str | None = None,
        admin: bool = False,
    ) -> tuple[MagicMock, list[Sent]]:
        """Use a slash command through its registered callback (``text``: its text
        option; ``admin``: the person may manage the channel)."""
        channel_id = self.world.channel.id if in_server else await self.dm_id()
        interaction = self.interaction(in_server=in_server, channel_id=channel_id)
        interaction.permissions = discord.Permissions(manage_channels=admin)
        command = self.world.client.tree.get_command(name)
        assert isinstance(command, discord.app_commands.Command), f"/{name} is not registered"
        before = len(self.world.sent)
        if text is None:
            await command.callback(interaction)
        else:
            await command.callback(interaction, text=text)
        return interaction, self.world.sent[before:]

    async def press(
        self, message: Sent, label: str, *, interaction: MagicMock | None = None
    ) -> tuple[MagicMock, list[Sent]]:
        """Press a button of ``message`` the way Discord delivers it: by custom_id,
        through the client's registered dynamic items."""
        assert label in message.buttons, f"no button {label!r}; there are {list(message.buttons)}"
        custom_id = message.buttons[label]
        in_server = message.where == self.world.channel.id
        if interaction is None:
            interaction = self.interaction(in_server=in_server, channel_id=message.where)
            interaction.message = self.world.message_with(message)
            interaction.data = {"custom_id": custom_id, "component_type": BUTTON}
        before = len(self.world.sent)
        store = self.world.client._connection._view_store
        store.dispatch_view(BUTTON, custom_id, interaction)
        await self.world.settle()
        return interaction, self.world.sent[before:]


class DiscordWorld:
    """The bot on one SQLite file, inside dpytest's fake Discord."""

    def __init__(self, db: Path, *, assessor: Assessor = assess,
                 dialogues_dir: Path | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.assessor = assessor
        overrides: dict[str, Any] = {"database_url": f"sqlite:///{db}"}
        if dialogues_dir is not None:
            overrides["dialogues_dir"] = dialogues_dir
        self.settings = Settings(**overrides)
        self.pace = SimulatedPace()
        """The rate limiters' clock: production pacing, without waiting for it."""
        self.sent: list[Sent] = []
        self.refuse: Callable[[discord.abc.Messageable], Exception | None] | None = None
        self._stack: contextlib.AsyncExitStack | None = None
        self._app: App | None = None
        self._client: CompassionClient | None = None
        self._people: dict[str, int] = {}
        self._dms: dict[int, int] = {}

    @property
    def app(self) -> App:
        assert self._app is not None, "start() first"
        return self._app

    @property
    def client(self) -> CompassionClient:
        assert self._client is not None, "start() first"
        return self._client

    @property
    def guild(self) -> discord.Guild:
        return dpytest.get_config().guilds[0]

    @property
    def channel(self) -> discord.TextChannel:
        channel = dpytest.get_config().channels[0]
        assert isinstance(channel, discord.TextChannel)
        return channel

    async def start(self) -> None:
        self._stack = contextlib.AsyncExitStack()
        extra: dict[str, Any] = {} if self.clock is None else {"clock": self.clock}
        self._app = await self._stack.enter_async_context(
            open_app(self.settings, assessor=self.assessor, engine=shared_engine(self.settings),
                     limiters=self.pace.limiters(self.settings), **extra))
        # The production intents, plus the member cache dpytest needs to keep its
        # fake users around (it reads them back from the client's cache).
        intents = discord.Intents.default()
        intents.members = True
        client = CompassionClient(RuntimeLink(self._app.runtime), sync_commands=False,
                                  intents=intents)
        await client._async_setup_hook()
        dpytest.configure(client, members=0)
        # dpytest replaced the connection state: register the persistent buttons on it.
        client.install_components()
        self._app.dispatcher.add_sender("discord", client.sender)
        self._client = client
        self._spy_on_http(client)
        for name, user_id in self._people.items():
            self._make(name, user_id)
        await self._app.dispatcher.recover("discord")

    async def stop(self) -> None:
        await dpytest.empty_queue()
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.close()
        if self._stack is not None:
            await self._stack.aclose()
        self._client = self._app = self._stack = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def person(self, name: str) -> Person:
        if name not in self._people:
            self._people[name] = factories.make_id()
            self._make(name, self._people[name])
        return Person(self, name, self._people[name])

    def _make(self, name: str, user_id: int) -> None:
        """The person in the fake Discord: a user, a member of the server, and a DM
        channel whose id, as on Discord, stays the same across the bot's restarts."""
        user = backend.make_user(name, f"{len(self._people):04}", id_num=user_id)
        backend.make_member(user, self.guild)
        dm_id = self._dms.setdefault(user_id, factories.make_id())
        backend.get_state().add_dm_channel(factories.make_dm_channel_dict(user, id_num=dm_id))

    async def profile(self, person: Person) -> dict[str, Any]:
        from adapters.discord_dpy import dm_key

        snapshot = await self.app.store.load(dm_key(person.id))
        return snapshot.profile

    async def settle(self) -> None:
        """Wait for every event and button callback the fake Discord set off."""
        await dpytest.run_all_events()
        while True:
            pending = [t for t in asyncio.all_tasks()
                       if (t.get_name().startswith("discord-ui-") and not t.done())]
            if not pending:
                return
            await asyncio.gather(*pending)

    def interaction(self, person: Person, *, in_server: bool, channel_id: int) -> MagicMock:
        """A mocked ``discord.Interaction`` that records how it was answered."""
        interaction = MagicMock(spec=discord.Interaction)
        interaction.id = 10_000_000 + next(_interaction_ids)
        interaction.client = self.client
        interaction.user = person.member if in_server else person.user
        interaction.guild_id = self.guild.id if in_server else None
        interaction.channel_id = channel_id
        interaction.created_at = datetime.now(UTC)
        interaction.permissions = discord.Permissions.none()
        interaction.calls = []
        done = {"value": False}

        async def defer(**kwargs: Any) -> None:
            if done["value"]:
                raise discord.InteractionResponded(interaction)
            done["value"] = True
            interaction.calls.append(("defer", kwargs))

        async def follow_up(**kwargs: Any) -> None:
            view = kwargs.get("view")
            components = view.to_components() if view is not None else []
            interaction.calls.append(("followup", kwargs))
            file = kwargs.get("file")
            self.sent.append(Sent(channel_id, kwargs.get("content", ""), _buttons(components),
                                  components, via="followup",
                                  ephemeral=bool(kwargs.get("ephemeral")),
                                  files=_read([file] if file is not None else [])))

        interaction.response = MagicMock()
        interaction.response.is_done = lambda: done["value"]
        interaction.response.defer = AsyncMock(side_effect=defer)
        interaction.followup = MagicMock()
        interaction.followup.send = AsyncMock(side_effect=follow_up)
        interaction.delete_original_response = AsyncMock()
        return interaction

    def message_with(self, sent: Sent) -> discord.Message:
        """A Discord message carrying ``sent``'s buttons, as an interaction brings it."""
        channel = self.client.get_channel(sent.where)
        assert channel is not None
        data = factories.make_message_dict(channel, self.client.user, content=sent.content)
        data["components"] = sent.components
        return discord.Message(state=self.client._connection, channel=channel,
                               data=data)

    def _spy_on_http(self, client: discord.Client) -> None:
        """Record every message the bot posts, with its buttons, as Discord would receive it."""
        original = client.http.send_message
        world = self

        async def send_message(channel_id: int, *, params: Any) -> Any:
            # dpytest reads the caller's local ``channel``; keep it visible from here.
            channel = sys._getframe(1).f_locals.get("channel")
            if world.refuse is not None:
                error = world.refuse(channel)
                if error is not None:
                    raise error
            files = _read(params.files or [])
            # dpytest would write attachments into the working directory; they are kept here.
            result = await original(channel_id, params=params._replace(files=None))
            payload = params.payload
            if payload is None and params.multipart:  # with attachments, JSON rides along
                payload = json.loads(params.multipart[0]["value"])
            payload = payload or {}
            components = payload.get("components") or []
            mentions = [int(u) for u in (payload.get("allowed_mentions") or {}).get("users", [])]
            world.sent.append(Sent(
                channel_id, payload.get("content") or "", _buttons(components), components,
                files=files, mentions=mentions,
            ))
            return result

        client.http.send_message = send_message
