"""Starting the Discord side: token errors name DISCORD_TOKEN, shards and command sync
follow the settings, and what was left in the outbox goes out at startup.  Offline:
nothing here talks to Discord."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from unittest.mock import AsyncMock

import discord
import pytest
from pydantic import SecretStr

from adapters import discord_dpy
from adapters.discord_dpy import (
    CompassionClient,
    DiscordPlatform,
    DiscordSender,
    ShardedCompassionClient,
    build_client,
)
from bot.app import RuntimeLink, serve_platform
from bot.config import Settings, SettingsError
from bot.types import CommandMessage, ConversationKey, Outbound
from tests.discord_bot.support import DiscordWorld
from tests.harness import START


def settings_for(world: DiscordWorld, **changes: Any) -> Settings:
    return world.settings.model_copy(update=changes)


async def test_a_missing_token_names_discord_token(world: DiscordWorld) -> None:
    with pytest.raises(SettingsError, match="DISCORD_TOKEN"):
        await serve_platform(world.app, DiscordPlatform(settings_for(world, discord_token=None)),
                             asyncio.Event())


async def test_a_rejected_token_names_discord_token(
    world: DiscordWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def login(self: discord.Client, token: str) -> None:
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setattr(CompassionClient, "login", login)
    settings = Settings(database_url=world.settings.database_url,
                        discord_token="not-a-token")
    with pytest.raises(SettingsError, match="DISCORD_TOKEN") as raised:
        await serve_platform(world.app, DiscordPlatform(settings), asyncio.Event())
    assert "not-a-token" not in str(raised.value)
    assert "\n" not in str(raised.value)


async def test_shard_settings_build_a_sharded_client(world: DiscordWorld) -> None:
    client = build_client(RuntimeLink(world.app.runtime), settings_for(world, discord_shard_count=4,
                                                  discord_shard_ids=[2, 3]))
    assert isinstance(client, ShardedCompassionClient)
    assert (client.shard_count, client.shard_ids) == (4, [2, 3])
    assert not client.holds_shard_zero()  # another process syncs the commands
    assert build_client(RuntimeLink(world.app.runtime), settings_for(world, discord_shard_count=2,
                                                discord_shard_ids=[0])).holds_shard_zero()
    plain = build_client(RuntimeLink(world.app.runtime), world.settings)
    assert not isinstance(plain, discord.AutoShardedClient)
    assert plain.holds_shard_zero()


@pytest.mark.parametrize(
    ("changes", "setting"),
    [({"discord_shard_ids": [0, 1]}, "DISCORD_SHARD_COUNT"),
     ({"discord_shard_ids": [4], "discord_shard_count": 4}, "DISCORD_SHARD_IDS")],
)
async def test_inconsistent_shard_settings_are_named(
    world: DiscordWorld, changes: dict[str, Any], setting: str
) -> None:
    with pytest.raises(SettingsError, match=setting):
        build_client(RuntimeLink(world.app.runtime), settings_for(world, **changes))


async def test_commands_sync_to_the_named_guilds_at_once(world: DiscordWorld) -> None:
    client = build_client(RuntimeLink(world.app.runtime),
                          settings_for(world, discord_guild_ids=[111, 222]))
    client.tree.sync = AsyncMock(return_value=[])
    await client.sync_commands()
    guilds = [call.kwargs["guild"].id for call in client.tree.sync.await_args_list]
    assert guilds == [111, 222]
    # The commands themselves were copied to each guild, so they appear there at once.
    assert {c.name for c in client.tree.get_commands(guild=discord.Object(111))} == {
        c.name for c in client.tree.get_commands()}


async def test_commands_sync_globally_without_guilds(world: DiscordWorld) -> None:
    client = build_client(RuntimeLink(world.app.runtime), world.settings)
    client.tree.sync = AsyncMock(return_value=[])
    await client.sync_commands()
    client.tree.sync.assert_awaited_once_with()


async def test_a_failed_sync_does_not_stop_the_bot(world: DiscordWorld) -> None:
    client = build_client(RuntimeLink(world.app.runtime), world.settings)
    client.tree.sync = AsyncMock(side_effect=discord.Forbidden(
        type("R", (), {"status": 403, "reason": "Forbidden"})(),
        {"code": 50001, "message": "Missing Access"}))
    await client.sync_commands()  # logged, not raised


async def test_serving_delivers_what_was_left_in_the_outbox_and_stops_cleanly(
    world: DiscordWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A reply committed while Discord was unavailable to this process.
    key = discord_dpy.dm_key(12345)
    world.app.dispatcher.senders.pop("discord")
    await world.app.runtime.handle(CommandMessage(key, "m1", START, "sos"))
    assert await world.app.store.pending_outbox(platform="discord")

    delivered: list[Outbound] = []
    stop = asyncio.Event()

    async def send(self: DiscordSender, to: ConversationKey, action: Outbound) -> None:
        assert to == key
        delivered.append(action)
        stop.set()

    async def login(self: discord.Client, token: str) -> None:
        await self.setup_hook()

    async def connect(self: discord.Client, *, reconnect: bool = True) -> None:
        await asyncio.sleep(3600)

    async def ready(self: discord.Client) -> None:
        return None

    sync = AsyncMock()
    monkeypatch.setattr(DiscordSender, "send", send)
    monkeypatch.setattr(CompassionClient, "login", login)
    monkeypatch.setattr(CompassionClient, "connect", connect)
    monkeypatch.setattr(CompassionClient, "wait_until_ready", ready)
    monkeypatch.setattr(CompassionClient, "sync_commands", sync)
    settings = settings_for(world, discord_token=SecretStr("token"))
    await asyncio.wait_for(serve_platform(world.app, DiscordPlatform(settings), stop), timeout=10)

    assert delivered, "the pending reply went out at startup"
    sync.assert_awaited_once()  # commands synced once, by the process holding shard 0
    assert isinstance(world.app.dispatcher.senders["discord"], DiscordSender)


def test_discord_py_never_logs_payloads_even_at_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    # discord.py logs request bodies and gateway events (message text) at DEBUG.
    library = logging.getLogger("discord")
    monkeypatch.setattr(library, "level", logging.NOTSET)
    monkeypatch.setattr(logging.getLogger(), "level", logging.DEBUG)
    discord_dpy.quiet_discord_logs()
    assert not logging.getLogger("discord.http").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("discord.gateway").isEnabledFor(logging.DEBUG)
