"""Group wellness channels on Discord: slash commands and buttons through mocked
interactions, mentions through dpytest, the daily prompt on a fake clock.

Admins are whoever has Manage Channels.  Answers meant for one person are
ephemeral follow-ups; what the whole channel should see (the check-in, its
totals, the prompt) is posted in the channel, addressed to nobody.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import discord
import pytest

from tests.discord_bot.support import DiscordWorld, Sent, asking, plain
from tests.harness import FakeClock

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def world(tmp_path: Path, clock: FakeClock) -> AsyncIterator[DiscordWorld]:
    world = DiscordWorld(tmp_path / "bot.db", clock=clock)
    await world.start()
    try:
        yield world
    finally:
        await world.stop()


def mention(world: DiscordWorld) -> str:
    assert world.client.user is not None
    return f"<@{world.client.user.id}>"


def text(sent: list[Sent]) -> str:
    return "\n".join(plain(m.content) for m in sent)


def in_channel(world: DiscordWorld, sent: list[Sent]) -> list[Sent]:
    return [m for m in sent if m.where == world.channel.id and m.via == "channel"]


async def wellness_on(world: DiscordWorld, *settings: str) -> None:
    admin = world.person("admin")
    await admin.slash("wellness", in_server=True, text="on", admin=True)
    for setting in settings:
        await admin.slash("wellness", in_server=True, text=setting, admin=True)


async def test_an_admin_turns_it_on_and_a_member_is_told_kindly(world: DiscordWorld) -> None:
    admin, ben = world.person("admin"), world.person("ben")
    _, out = await admin.slash("wellness", in_server=True, text="on", admin=True)
    announced = in_channel(world, out)
    assert len(announced) == 1 and "Wellness mode is on" in plain(announced[0].content)
    assert announced[0].mentions == []  # for everyone, pinging nobody
    _, refused = await ben.slash("wellness", in_server=True, text="off")
    assert len(refused) == 1 and refused[0].ephemeral and "admin" in plain(refused[0].content)
    _, looked = await ben.slash("wellness", in_server=True)
    assert "Wellness mode is on" in text(looked) and all(m.ephemeral for m in looked)


async def test_the_prompt_comes_at_the_local_time(world: DiscordWorld, clock: FakeClock) -> None:
    await wellness_on(world, "time 7pm", "zone America/New_York")
    before = len(world.sent)
    # 19:00 in New York is 00:00 UTC the next day.
    clock.now = datetime(2026, 11, 26, 23, 59, tzinfo=UTC)
    await world.app.scheduler.run_once()
    assert world.sent[before:] == []
    clock.now = datetime(2026, 11, 27, 0, 0, 30, tzinfo=UTC)
    await world.app.scheduler.run_once()
    prompts = in_channel(world, world.sent[before:])
    assert len(prompts) == 1 and plain(prompts[0].content).startswith("Today's prompt")
    assert prompts[0].mentions == []


async def test_check_in_answers_are_private_and_totals_come_at_three(
    world: DiscordWorld,
) -> None:
    await wellness_on(world)
    ana, ben, cai = (world.person(n) for n in ("ana", "ben", "cai"))
    _, out = await ana.slash("checkin", in_server=True)
    polls = in_channel(world, out)
    assert len(polls) == 1
    poll = polls[0]
    assert list(poll.buttons)[:5] == ["Struggling", "A bit low", "Okay", "Good", "Really good"]
    assert "Check in privately" in poll.buttons
    for person, label in ((ana, "Okay"), (ben, "Good")):
        _, acks = await person.press(poll, label)
        assert len(acks) == 1 and acks[0].ephemeral
    assert not any("Okay" in plain(m.content) for m in world.sent)  # no totals yet
    _, last = await cai.press(poll, "Okay")
    totals = in_channel(world, last)
    assert len(totals) == 1 and "Okay 2" in plain(totals[0].content)
    assert all(m.ephemeral for m in last if m not in totals)


async def test_a_win_is_thanked_privately_and_kept_only_if_allowed(world: DiscordWorld) -> None:
    await wellness_on(world)
    ben = world.person("ben")
    _, out = await ben.slash("win", in_server=True, text="I stretched for five minutes")
    assert all(m.ephemeral for m in out)
    assert "Thank" in text(out) and "stretched" not in text(out)
    question = asking(out)
    _, answer = await ben.press(question, "Yes, include it")
    assert "without your name" in text(answer) and all(m.ephemeral for m in answer)
    kept = await world.app.store.load_group("discord", str(world.channel.id), wins=True)
    assert [w.text for w in kept.wins] == ["I stretched for five minutes"]


async def test_a_disclosure_gets_a_short_reply_and_a_private_offer(world: DiscordWorld) -> None:
    ben = world.person("ben")
    out = await ben.say_in_server(f"{mention(world)} I feel so hopeless")
    assert len(out) == 1 and out[0].where == world.channel.id
    assert "hopeless" not in plain(out[0].content)
    assert out[0].buttons  # talk privately
    dm = await ben.dm_id()
    assert not any(m.where == dm for m in world.sent)


async def test_a_crisis_gets_resources_here_and_a_private_message(world: DiscordWorld) -> None:
    ben = world.person("ben")
    out = await ben.say_in_server(f"{mention(world)} honestly I want to die")
    dm = await ben.dm_id()
    here = [m for m in out if m.where == world.channel.id]
    private = [m for m in out if m.where == dm]
    assert here and private
    assert "die" not in text(here) and "die" not in text(private)
    assert "bot from" in text(private)


async def test_a_refused_dm_leaves_the_channel_reply(world: DiscordWorld) -> None:
    ben = world.person("ben")
    world.refuse = lambda channel: _closed() if isinstance(channel, discord.DMChannel) else None
    out = await ben.say_in_server(f"{mention(world)} honestly I want to die")
    dm = await ben.dm_id()
    assert [m for m in out if m.where == world.channel.id]
    assert not [m for m in out if m.where == dm]


def _closed() -> discord.Forbidden:
    from tests.discord_bot.support import forbidden_dm

    return forbidden_dm()


async def test_a_moderator_alert_links_the_message(world: DiscordWorld) -> None:
    await wellness_on(world, "alerts on")
    admin, ben = world.person("admin"), world.person("ben")
    out = await ben.say_in_server(f"{mention(world)} honestly I want to die")
    dm = await admin.dm_id()
    alerts = [m for m in out if m.where == dm]
    assert len(alerts) == 1
    alert = plain(alerts[0].content)
    assert "may need support" in alert and f"/channels/{world.guild.id}/" in alert
    assert "die" not in alert and "ben" not in alert
