"""A server channel is shared: the bot answers mentions and slash commands only,
never quotes what someone wrote there, and moves anything personal to a DM."""

from __future__ import annotations

import discord

from adapters.discord_dpy import PRIVATE_PREFIX
from bot.engine import PRIVATE_CHAT_PAYLOAD
from tests.discord_bot.support import DiscordWorld, Sent, forbidden_dm, plain

PRIVATE_BUTTON = PRIVATE_PREFIX + PRIVATE_CHAT_PAYLOAD


def mention(world: DiscordWorld) -> str:
    assert world.client.user is not None
    return f"<@{world.client.user.id}>"


def private_offer(out: list[Sent]) -> Sent:
    offers = [m for m in out if PRIVATE_BUTTON in m.buttons.values()]
    assert offers, f"no private-chat button in {[m.content for m in out]}"
    return offers[-1]


async def test_a_mention_gets_a_private_chat_offer_and_is_never_quoted(
    world: DiscordWorld,
) -> None:
    ben = world.person("ben")
    words = "my boss shouted at me and I feel worthless"
    out = await ben.say_in_server(f"{mention(world)} {words}")

    assert out, "a mention is answered"
    assert all(m.where == world.channel.id for m in out)  # answered where he asked
    offer = private_offer(out)
    text = " ".join(plain(m.content) for m in out).casefold()
    for word in ("boss", "shouted", "worthless"):
        assert word not in text
    # The answer says whom it is for, and may ping nobody else.
    assert out[0].content.startswith(f"<@{ben.id}>")
    assert all(m.mentions == [ben.id] for m in out)
    assert offer.buttons  # "Continue in private"


async def test_messages_not_addressed_to_the_bot_are_left_alone(world: DiscordWorld) -> None:
    ben = world.person("ben")
    out = await ben.say_in_server("I feel awful today")
    assert out == []
    out = await ben.say_in_server("I want to kill myself")  # not addressed: not read at all
    assert out == []


async def test_crisis_in_a_server_gets_resources_and_a_private_offer(world: DiscordWorld) -> None:
    ben = world.person("ben")
    out = await ben.say_in_server(f"{mention(world)} I want to kill myself")
    text = "\n".join(plain(m.content) for m in out)
    lines = world.app.engine.services.crisis_resources(None)
    assert lines.strip() in text
    assert "kill" not in text.casefold()
    private_offer(out)


async def test_the_private_chat_button_starts_a_dm_with_whoever_presses_it(
    world: DiscordWorld,
) -> None:
    ben, cleo = world.person("ben"), world.person("cleo")
    offer = private_offer(await ben.say_in_server(f"{mention(world)} rough week"))

    interaction, out = await cleo.press(offer, next(iter(offer.buttons)))
    assert interaction.calls[0][0] == "defer"
    cleo_dm = await cleo.dm_id()
    assert out
    assert all(m.where == cleo_dm for m in out)
    assert out[-1].buttons  # and asked her something there
    assert not any(m.where == world.channel.id for m in out)


async def test_a_refused_dm_is_explained_and_marks_the_person_unreachable(
    world: DiscordWorld,
) -> None:
    ben = world.person("ben")
    offer = private_offer(await ben.say_in_server(f"{mention(world)} rough week"))
    world.refuse = lambda channel: forbidden_dm() if isinstance(
        channel, discord.DMChannel) else None

    _interaction, out = await ben.press(offer, next(iter(offer.buttons)))
    # Only he sees why; nothing leaks into the channel.
    assert len(out) == 1
    assert out[0].ephemeral is True
    assert "couldn't open a private chat" in plain(out[0].content)
    assert (await world.profile(ben)).get("unreachable") is True

    # He opens his DMs and writes: reachable again.
    world.refuse = None
    await ben.say_dm("hello")
    assert (await world.profile(ben)).get("unreachable") is None
