"""Groups: the bot answers only when addressed, briefly, and moves anything
personal to a private chat without repeating what was said."""

from __future__ import annotations

from benchmarks.fake_bot_api import BOT_USERNAME, FakeBotAPI
from tests.telegram.harness import TelegramBot, crisis_lines, key_of, shown

GROUP = -1001234567890
MEMBER = 601
DEEP_LINK = f"https://t.me/{BOT_USERNAME}?start=from_group"


def link_buttons(api: FakeBotAPI, since: int) -> list[str]:
    return [b["url"] for c in api.messages(GROUP, since) for b in c.buttons() if "url" in b]


async def test_a_mention_gets_a_short_answer_and_a_private_chat_link(
    bot: TelegramBot, api: FakeBotAPI
) -> None:
    since = len(api.calls)
    update = api.group_message(GROUP, MEMBER,
                               f"@{BOT_USERNAME} I failed my exam and I feel worthless")
    await bot.settled(update)
    replies = api.messages(GROUP, since)
    assert replies, "the bot did not answer in the group"
    assert link_buttons(api, since) == [DEEP_LINK]
    said = " ".join(shown(c) for c in replies).casefold()
    assert "exam" not in said
    assert "worthless" not in said
    assert not api.messages(MEMBER)  # nothing was sent privately unasked


async def test_messages_not_addressed_to_the_bot_are_left_alone(
    bot: TelegramBot, api: FakeBotAPI
) -> None:
    since = len(api.calls)
    chatter = api.group_message(GROUP, MEMBER, "Has anyone tried the new café?")
    other_bot = api.group_message(GROUP, MEMBER, "/help@some_other_bot")
    addressed = api.group_message(GROUP, 602, "thanks for this", reply_to_bot=True)
    await bot.settled(addressed)
    # Only the reply to the bot got an answer; the others were never even recorded.
    assert len(link_buttons(api, since)) == 1
    for update in (chatter, other_bot):
        assert not (await bot.app.store.load(key_of(update), f"u{update['update_id']}")).duplicate


async def test_sos_works_in_a_group(bot: TelegramBot, api: FakeBotAPI) -> None:
    since = len(api.calls)
    update = api.group_message(GROUP, MEMBER, f"/sos@{BOT_USERNAME}")
    await bot.settled(update)
    replies = api.messages(GROUP, since)
    assert crisis_lines(None) in "\n".join(shown(c) for c in replies)


async def test_a_crisis_in_a_group_gets_resources_and_a_private_chat(
    bot: TelegramBot, api: FakeBotAPI
) -> None:
    since = len(api.calls)
    text = f"@{BOT_USERNAME} I want to kill myself"
    update = api.group_message(GROUP, MEMBER, text)
    await bot.settled(update)
    replies = api.messages(GROUP, since)
    assert len(replies) >= 2
    assert crisis_lines(None) in "\n".join(shown(c) for c in replies)
    assert link_buttons(api, since) == [DEEP_LINK]
    assert all("kill" not in shown(c) for c in replies)
