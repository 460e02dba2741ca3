"""Outbox sends from a process whose shards hold neither the person nor the channel.

With DISCORD_SHARD_IDS split across processes, a reply committed by one worker
may be sent by another (a nudge, a drain after a crash).  Sending is REST by id:
nothing needs to be in this process's cache, and nothing is fetched first.
"""

from __future__ import annotations

from typing import Any, cast

import discord

from adapters.discord_dpy import DiscordSender, channel_key, dm_key
from bot.types import Segment, SendText


class Destination:
    def __init__(self, client: ElsewhereClient, where: str) -> None:
        self.client = client
        self.where = where

    async def send(self, **kwargs: Any) -> None:
        self.client.posted.append((self.where, kwargs["content"]))


class ElsewhereClient:
    """A logged-in client whose gateway shards cache neither the person nor the channel."""

    def __init__(self) -> None:
        self.opened: list[int] = []
        self.posted: list[tuple[str, str]] = []

    def is_closed(self) -> bool:
        return False

    def get_user(self, user_id: int) -> None:
        return None

    def get_channel(self, channel_id: int) -> None:
        return None

    async def create_dm(self, user: discord.abc.Snowflake) -> Destination:
        self.opened.append(user.id)
        return Destination(self, f"dm-with-{user.id}")

    def get_partial_messageable(self, channel_id: int) -> Destination:
        return Destination(self, f"channel-{channel_id}")


def sender(client: ElsewhereClient) -> DiscordSender:
    return DiscordSender(cast(discord.Client, client))


async def test_a_dm_reaches_someone_outside_this_process_cache() -> None:
    client = ElsewhereClient()
    await sender(client).send(dm_key(4242), SendText((Segment("Take a slow breath."),)))
    assert client.opened == [4242]
    assert client.posted == [("dm-with-4242", "Take a slow breath.")]


async def test_a_server_channel_outside_this_process_shards_is_reached_by_id() -> None:
    client = ElsewhereClient()
    await sender(client).send(channel_key(9001, 4242), SendText((Segment("Welcome."),)))
    [(where, content)] = client.posted
    assert where == "channel-9001"
    assert "<@4242>" in content  # whom the answer is for, as in any server channel
    assert client.opened == []
