"""Group wellness channels on Telegram: a real PTB Application against the fake Bot API.

Admins are whoever the fake's getChatMember calls the group's creator.  The
daily prompt runs on a fake clock: the test moves it and runs the scheduler
once, so nothing waits in real time.  Everything works with privacy mode on:
the bot is sent only commands, mentions, replies, button presses and its own
polls' counts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from benchmarks.fake_bot_api import BOT_USERNAME, Call, FakeBotAPI
from bot.types import ConversationKey
from tests.harness import FakeClock
from tests.telegram.harness import PLATFORM, TelegramBot, eventually, shown

GROUP = -1001234567890
ADMIN, MEMBER, OTHER = 700, 701, 702
START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday


@pytest.fixture
async def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def bot(api: FakeBotAPI, tmp_path: Path, clock: FakeClock) -> AsyncIterator[TelegramBot]:
    api.admins[GROUP] = {ADMIN}
    running = TelegramBot(api, tmp_path / "bot.db", clock=clock)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def say(bot: TelegramBot, user: int, text: str) -> list[Call]:
    """A group message; the messages the bot sent to the group in answer."""
    since = len(bot.api.calls)
    update = bot.api.group_message(GROUP, user, text)
    await bot.settled(update)
    return bot.api.messages(GROUP, since)


def said(calls: list[Call]) -> str:
    return "\n".join(shown(c) for c in calls)


async def counts(bot: TelegramBot, poll_id: str, votes: list[int]) -> None:
    """Telegram tells the bot its poll's new counts; wait until they are handled."""
    update = bot.api.poll_votes(poll_id, votes)
    group = ConversationKey(PLATFORM, str(GROUP), "")

    async def handled() -> bool:
        if not (await bot.app.store.load(group, f"u{update['update_id']}")).duplicate:
            return False
        pending = await bot.app.store.pending_outbox(limit=1000, platform=PLATFORM)
        return not any(row.key == group for row in pending)

    await eventually(handled, what="the poll counts")


async def tick(bot: TelegramBot, clock: FakeClock, until: datetime) -> None:
    clock.now = until
    await bot.app.scheduler.run_once()


async def test_an_admin_turns_wellness_on_and_a_member_cannot(bot: TelegramBot) -> None:
    assert "Wellness mode is on" in said(await say(bot, ADMIN, "/wellness on"))
    refused = said(await say(bot, MEMBER, f"/wellness@{BOT_USERNAME} off"))
    assert "admin" in refused
    asked = [c.params for c in bot.api.calls_to("getChatMember")]
    assert {int(p["user_id"]) for p in asked} >= {ADMIN, MEMBER}
    assert "Wellness mode is on" in said(await say(bot, MEMBER, "/wellness"))


async def test_the_prompt_comes_at_the_local_time_on_a_fake_clock(
    bot: TelegramBot, clock: FakeClock
) -> None:
    await say(bot, ADMIN, "/wellness on")
    await say(bot, ADMIN, "/wellness time 8:30")
    assert "Europe/Berlin" in said(await say(bot, ADMIN, "/wellness zone Berlin"))
    since = len(bot.api.calls)
    # 08:30 in Berlin is 07:30 UTC in November.
    await tick(bot, clock, datetime(2026, 11, 27, 7, 29, tzinfo=UTC))
    assert bot.api.messages(GROUP, since) == []
    await tick(bot, clock, datetime(2026, 11, 27, 7, 30, 30, tzinfo=UTC))
    prompts = bot.api.messages(GROUP, since)
    assert len(prompts) == 1 and shown(prompts[0]).startswith("Today's prompt")


def sent_polls(api: FakeBotAPI) -> list[Call]:
    return [c for c in api.calls_to("sendPoll") if c.ok]


async def test_a_check_in_is_an_anonymous_poll_shown_from_three_answers(
    bot: TelegramBot,
) -> None:
    await say(bot, ADMIN, "/wellness on")
    await say(bot, MEMBER, "/checkin")
    polls = sent_polls(bot.api)
    assert len(polls) == 1
    poll = polls[0]
    assert poll.params["is_anonymous"] is True
    assert int(poll.params["chat_id"]) == GROUP
    # Answering privately, for one's own journal, is a link to the private chat.
    assert [b["url"] for b in poll.buttons()] == [
        f"https://t.me/{BOT_USERNAME}?start=groupjournal"]
    poll_id = poll.result["poll"]["id"]
    since = len(bot.api.calls)
    await counts(bot, poll_id, [0, 1, 1, 0, 0])
    assert bot.api.messages(GROUP, since) == []
    await counts(bot, poll_id, [1, 1, 1, 0, 0])
    results = said(bot.api.messages(GROUP, since))
    assert "3 of you have checked in" in results or "3 check-ins" in results
    assert "Struggling 1" in results


async def test_the_private_route_keeps_a_check_in_in_the_journal(bot: TelegramBot) -> None:
    person = bot.person(MEMBER)
    await person.say("hello")
    await person.press("Yes, keep them")
    await person.say("UK")
    replies = await person.say("/start groupjournal")
    assert "only to your own journal" in said(replies)
    await person.press("A bit low")
    journal = await bot.app.store.journal(person.key.user, kinds=("group_checkin",))
    assert [e.data["feeling"] for e in journal] == ["low"]


async def test_a_win_is_thanked_and_only_its_author_decides(bot: TelegramBot) -> None:
    await say(bot, ADMIN, "/wellness on")
    reply = await say(bot, MEMBER, "/win I went to bed on time")
    text = said(reply)
    assert "Thank" in text and "bed" not in text
    buttons = {b["text"]: b["callback_data"] for b in reply[-1].buttons()}
    other = bot.api.press(OTHER, buttons["Yes, include it"], chat_id=GROUP)
    await bot.settled(other)
    assert (await bot.app.store.load_group(PLATFORM, str(GROUP), wins=True)).wins == ()
    since = len(bot.api.calls)
    mine = bot.api.press(MEMBER, buttons["Yes, include it"], chat_id=GROUP)
    await bot.settled(mine)
    assert "without your name" in said(bot.api.messages(GROUP, since))
    kept = (await bot.app.store.load_group(PLATFORM, str(GROUP), wins=True)).wins
    assert [w.text for w in kept] == ["I went to bed on time"]


async def test_a_disclosure_gets_a_short_reply_and_a_private_offer(bot: TelegramBot) -> None:
    replies = await say(bot, MEMBER, f"@{BOT_USERNAME} I feel so hopeless")
    assert len(replies) == 1
    assert "hopeless" not in shown(replies[0])
    assert [b["url"] for b in replies[0].buttons()] == [
        f"https://t.me/{BOT_USERNAME}?start=from_group"]
    assert bot.api.messages(MEMBER) == []


async def dm(bot: TelegramBot, user: int) -> list[Call]:
    await eventually(lambda: _has(bot.api.messages(user)), what=f"a private message to {user}")
    return bot.api.messages(user)


async def _has(calls: list[Any]) -> bool:
    return bool(calls)


async def test_a_crisis_gets_resources_in_the_group_and_a_private_message(
    bot: TelegramBot,
) -> None:
    replies = await say(bot, MEMBER, f"@{BOT_USERNAME} honestly I want to die")
    assert all("die" not in shown(c) for c in replies)
    assert any(b.get("url") for c in replies for b in c.buttons())
    private = said(await dm(bot, MEMBER))
    assert "bot from" in private and "die" not in private


async def test_a_refused_private_message_leaves_the_group_reply(bot: TelegramBot) -> None:
    bot.api.closed_chats.add(MEMBER)
    replies = await say(bot, MEMBER, f"@{BOT_USERNAME} honestly I want to die")
    assert replies and any(b.get("url") for c in replies for b in c.buttons())

    async def refused() -> bool:
        return any(c.status == 403 and c.chat_id == MEMBER for c in bot.api.calls)

    await eventually(refused, what="the refused private message")
    assert bot.api.messages(MEMBER) == []


async def test_a_moderator_alert_links_the_message_and_says_nothing_else(
    bot: TelegramBot,
) -> None:
    await say(bot, ADMIN, "/wellness on")
    assert "private chat" in said(await say(bot, ADMIN, "/wellness alerts on"))
    update = bot.api.group_message(GROUP, MEMBER, f"@{BOT_USERNAME} honestly I want to die")
    await bot.settled(update)
    alert = said(await dm(bot, ADMIN))
    link = f"https://t.me/c/1234567890/{update['message']['message_id']}"
    assert "may need support" in alert and link in alert
    assert "die" not in alert and "Person701" not in alert


async def test_after_the_moment_the_next_is_a_day_later(
    bot: TelegramBot, clock: FakeClock
) -> None:
    await say(bot, ADMIN, "/wellness on")
    since = len(bot.api.calls)
    await tick(bot, clock, START + timedelta(days=1, seconds=30))
    await tick(bot, clock, START + timedelta(days=1, hours=12))
    assert len(bot.api.messages(GROUP, since)) == 1

