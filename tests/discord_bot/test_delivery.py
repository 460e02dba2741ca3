"""From the outbox to Discord: Markdown, long messages, attachments, and what each
kind of Discord failure means for the outbox."""

from __future__ import annotations

import re

import aiohttp
import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.discord_dpy import (
    CHOICE_TEMPLATE,
    MESSAGE_LIMIT,
    ChoiceButton,
    channel_key,
    dm_key,
    render,
    strip_mentions,
    text_inbound,
)
from bot.choices import ChoiceRef
from bot.delivery import PermanentDeliveryError, TransientDeliveryError
from bot.dialogue.spec import MAX_CHOICE_ID, MAX_DIALOGUE_ID, MAX_STEP_ID
from bot.types import Choice, Segment, SendFile, SendImage, SendText
from tests.discord_bot.support import DiscordWorld, FakeResponse, forbidden_dm, server_error


def long_text(sentences: int) -> str:
    return " ".join(f"This is sentence number {n}, and it is here to be long." for n in
                    range(sentences))


async def test_the_persons_words_are_escaped_and_set_in_italics(world: DiscordWorld) -> None:
    ana = world.person("ana")
    action = SendText((Segment("You wrote: "), Segment("**bold** <@&1> @everyone", quoted=True)))
    await world.client.sender.send(dm_key(ana.id), action)
    [message] = world.sent
    assert message.content == r"You wrote\: *\*\*bold\*\* \<\@&1\> \@everyone*"
    assert message.mentions == []
    assert message.where == await ana.dm_id()


def test_addresses_in_the_bots_own_text_stay_clickable() -> None:
    text = "Find A Helpline: https://findahelpline.com (free, confidential). "
    rendered = render(SendText((Segment(text), Segment("see https://x.org", quoted=True))))
    # A Markdown escape inside an address stops Discord from making it a link.
    assert "https://findahelpline.com" in rendered.text
    assert r"\(free, confidential\)" in rendered.text  # the text around it stays escaped
    assert r"*see https\://x.org*" in rendered.text  # a person's words are never a link


async def test_crisis_lines_on_discord_carry_working_links(world: DiscordWorld) -> None:
    ben = world.person("ben")
    out = await ben.say_in_server(f"<@{world.client.user.id}> I want to kill myself")
    assert any("https://" in m.content for m in out)
    assert not any(r"https\:" in m.content for m in out)


async def test_a_long_message_is_split_with_the_buttons_on_the_last_piece(
    world: DiscordWorld,
) -> None:
    ana = world.person("ana")
    text = long_text(90)
    assert len(text) > 2 * MESSAGE_LIMIT
    choices = (Choice("belief:fit:yes", "Yes"), Choice("belief:fit:no", "No"))
    await world.client.sender.send(dm_key(ana.id), SendText((Segment(text),), choices))
    assert len(world.sent) == 3
    assert all(len(m.content) <= MESSAGE_LIMIT for m in world.sent)
    assert [bool(m.buttons) for m in world.sent] == [False, False, True]
    assert " ".join(m.content for m in world.sent).replace("\\", "") == text


async def test_a_long_answer_in_a_server_channel_stays_within_the_limit(
    world: DiscordWorld,
) -> None:
    ben = world.person("ben")
    key = channel_key(world.channel.id, ben.id)
    await world.client.sender.send(key, SendText((Segment(long_text(40)),)))
    assert len(world.sent) == 2
    assert all(len(m.content) <= MESSAGE_LIMIT for m in world.sent)
    assert world.sent[0].content.startswith(f"<@{ben.id}> ")


async def test_pictures_and_files_arrive_as_attachments(world: DiscordWorld) -> None:
    ana = world.person("ana")
    await world.client.sender.send(dm_key(ana.id), SendImage(b"\x89PNG...", "Your week"))
    await world.client.sender.send(dm_key(ana.id), SendFile("export.json", b"{}"))
    assert world.sent[0].files == {"chart.png": b"\x89PNG..."}
    assert world.sent[0].content == "Your week"
    assert world.sent[1].files == {"export.json": b"{}"}


async def test_a_dm_refused_after_the_person_wrote_marks_them_unreachable(
    world: DiscordWorld,
) -> None:
    ana = world.person("ana")
    world.refuse = lambda channel: forbidden_dm()
    out = await ana.say_dm("hello")
    assert out == []
    assert (await world.profile(ana)).get("unreachable") is True
    # Never retried forever: while Discord keeps refusing, the outbox empties.
    for _ in range(10):
        await world.app.dispatcher.drain("discord")
    assert await world.app.store.pending_outbox(platform="discord") == []
    assert world.sent == []


@pytest.mark.parametrize(
    ("error", "in_dm", "expected"),
    [
        (forbidden_dm(), True, PermanentDeliveryError),
        (discord.NotFound(FakeResponse(404, "Not Found"),
                          {"code": 10013, "message": "Unknown User"}), True,
         PermanentDeliveryError),
        # A channel that refuses the bot says nothing about the person: retried a
        # bounded number of times, and the person is not marked unreachable.
        (forbidden_dm(), False, TransientDeliveryError),
        (server_error(), True, TransientDeliveryError),
        (aiohttp.ClientConnectionError("reset"), True, TransientDeliveryError),
        (TimeoutError(), False, TransientDeliveryError),
    ],
)
async def test_what_a_discord_failure_means_for_the_outbox(
    world: DiscordWorld, error: Exception, in_dm: bool, expected: type[Exception]
) -> None:
    ben = world.person("ben")
    key = dm_key(ben.id) if in_dm else channel_key(world.channel.id, ben.id)
    world.refuse = lambda channel: error
    with pytest.raises(expected) as raised:
        await world.client.sender.send(key, SendText((Segment("Hello."),)))
    # The reason names the failure, never the message or the person.
    assert "Hello" not in str(raised.value)
    assert str(ben.id) not in str(raised.value)


@given(
    st.from_regex(rf"[a-z][a-z0-9_]{{0,{MAX_DIALOGUE_ID - 1}}}", fullmatch=True),
    st.from_regex(rf"[a-z][a-z0-9_]{{0,{MAX_STEP_ID - 1}}}", fullmatch=True),
    st.from_regex(rf"[a-z0-9][a-z0-9_]{{0,{MAX_CHOICE_ID - 1}}}", fullmatch=True),
)
def test_every_choice_id_fits_a_custom_id_and_comes_back_unchanged(
    dialogue: str, step: str, option: str
) -> None:
    choice_id = ChoiceRef(dialogue, step, option).encode()
    custom_id = ChoiceButton(choice_id, "label").custom_id
    assert len(custom_id) <= 100
    match = CHOICE_TEMPLATE.fullmatch(custom_id)
    assert match is not None
    assert match["payload"] == choice_id


@given(st.text(max_size=300))
def test_typed_text_is_a_command_only_when_it_looks_like_one(text: str) -> None:
    from datetime import UTC, datetime

    inbound = text_inbound(dm_key(1), "m1", datetime.now(UTC), text, "private")
    if inbound.kind == "command":
        assert text.strip().startswith("/")
        assert inbound.command
        assert "/" not in inbound.command
        assert inbound.command.strip()
    else:
        assert inbound.text == text


def test_mentions_of_the_bot_are_taken_out_of_the_text() -> None:
    assert strip_mentions("<@42> hi <@!42> there <@&7>", [42, 7]) == "hi   there"
    assert strip_mentions("<@43> hi", [42]) == "<@43> hi"
    assert re.sub(r"\s+", " ", strip_mentions("<@42>   /sos", [42])) == "/sos"
