"""Delivery on Telegram: rate limits, blocked people, redelivered updates,
restarts and crashes, long messages, pictures and files."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.telegram_ptb import (
    PLATFORM,
    Limits,
    TelegramApplication,
    TelegramSender,
    build_application,
)
from benchmarks.fake_bot_api import FakeBotAPI
from bot.delivery import PermanentDeliveryError, TransientDeliveryError
from bot.runtime import Handled
from bot.types import (
    Choice,
    ConversationKey,
    Inbound,
    Segment,
    SendFile,
    SendImage,
    SendText,
)
from tests.telegram.harness import Person, TelegramBot, eventually, settings_for, shown, texts

ROOT = Path(__file__).resolve().parents[2]
CHAT = 42
KEY = ConversationKey(PLATFORM, str(CHAT), str(CHAT))


# --- through the whole bot ----------------------------------------------------------


async def test_flood_control_is_waited_out_and_the_reply_arrives(
    person: Person, api: FakeBotAPI
) -> None:
    api.fail_next("sendMessage", 429, retry_after=1)
    replies = await person.say("/stop")
    assert [c.status for c in api.calls_to("sendMessage")] == [429, 200]
    assert len(replies) == 1


async def test_flood_control_beyond_ptbs_retries_goes_back_to_the_outbox(
    person: Person, bot: TelegramBot, api: FakeBotAPI
) -> None:
    api.fail_next("sendMessage", 429, retry_after=1, times=2)  # PTB retries once here
    update = api.private_message(person.user_id, "/stop")

    async def delayed() -> bool:
        rows = await bot.app.store.pending_outbox(platform=PLATFORM)
        return any(row.key == person.key and row.attempts == 1 for row in rows)

    await eventually(delayed, what="the reply to be put back in the outbox")
    assert not person.received()
    await bot.app.dispatcher.drain()  # what the periodic retry loop does
    await bot.settled(update)
    assert len(person.received()) == 1


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(
    person: Person, bot: TelegramBot, api: FakeBotAPI
) -> None:
    api.fail_next("sendMessage", 403)
    await person.say("/stop")
    assert not person.received()

    async def unreachable() -> bool:
        return (await bot.profile(person.key)).get("unreachable") is True

    await eventually(unreachable, what="the person to be marked unreachable")
    # Writing again (they unblocked the bot) makes them reachable again.
    assert await person.say("/stop")
    assert "unreachable" not in await bot.profile(person.key)


async def test_blocking_the_bot_marks_the_person_unreachable(
    person: Person, bot: TelegramBot, api: FakeBotAPI
) -> None:
    chat = {"id": person.user_id, "type": "private", "first_name": "Ana"}
    member = {"user": api.bot_user, "status": "member"}
    api.queue({"my_chat_member": {
        "chat": chat, "from": {"id": person.user_id, "is_bot": False, "first_name": "Ana"},
        "date": 1_700_000_000, "old_chat_member": member,
        "new_chat_member": {**member, "status": "kicked", "until_date": 0},
    }})

    async def unreachable() -> bool:
        return (await bot.profile(person.key)).get("unreachable") is True

    await eventually(unreachable, what="the person to be marked unreachable")
    assert not person.received()


async def test_the_same_update_twice_is_answered_once(person: Person, bot: TelegramBot,
                                                      api: FakeBotAPI) -> None:
    first = await person.say("/help")
    assert first
    update = person.last_update
    assert update is not None
    api.redeliver(update)
    after = await person.say("/stop")  # settles after the redelivered update was handled
    assert api.times_served[update["update_id"]] == 2
    assert len(person.received()) == len(first) + len(after)


async def test_a_restart_mid_flow_continues_at_the_same_step(person: Person,
                                                             bot: TelegramBot) -> None:
    await person.say("/start")
    consent = person.buttons()["Yes, keep them"]
    await bot.restart()  # a new Application and a new store on the same file
    replies = await person.press_data(consent)
    assert "Skip" in person.buttons()  # the country question, next after consent
    assert (await bot.profile(person.key)).get("consent") is True
    assert "earlier question" not in " ".join(texts(replies))  # not treated as stale
    await bot.restart()
    replies = await person.say("UK")
    assert replies
    assert (await bot.profile(person.key)).get("country") == "GB"


async def test_a_reply_committed_before_a_crash_is_sent_once_after_restart(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    db = tmp_path / "bot.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "TELEGRAM_TOKEN": api.token,
           "TELEGRAM_BASE_URL": api.base_url, "TELEGRAM_WEBHOOK_URL": "",
           "LOG_LEVEL": "ERROR"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.telegram.crashing_bot", cwd=ROOT, env=env)
    try:
        api.hang_next("sendMessage")  # Telegram never answers the first reply...
        update = api.private_message(901, "hello")
        await api.wait_until(lambda: bool(api.calls_to("sendMessage")), seconds=20)
    finally:
        process.kill()  # ...and the bot dies waiting for it
        await process.wait()
    hung = api.calls_to("sendMessage")
    assert [c.status for c in hung] == [None]
    assert not api.messages(901)

    bot = TelegramBot(api, db)
    await bot.start()
    try:
        await bot.settled(update)
        delivered = texts(api.messages(901))
        assert len(delivered) == 4  # the welcome, the about, the how, the consent question
        assert delivered[0] == shown(hung[0])
        assert len(set(delivered)) == len(delivered)
        # Nothing is sent a second time by later drains or new turns.
        await bot.app.dispatcher.drain()
        person = bot.person(901)
        await person.press("Yes, keep them")
        assert texts(api.messages(901))[:4] == delivered
        assert sum(1 for t in texts(api.messages(901)) if t == delivered[0]) == 1
    finally:
        await bot.stop()


# --- the sender on its own -----------------------------------------------------------


@pytest.fixture
async def application(api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[TelegramApplication]:
    app = build_application(settings_for(api, tmp_path / "unused.db"), limits=Limits(retries=0))
    await app.initialize()
    try:
        yield app
    finally:
        await app.shutdown()


async def test_a_long_message_is_split_with_the_buttons_on_the_last_piece(
    application: TelegramApplication, api: FakeBotAPI
) -> None:
    sentence = "This is one calm sentence about being kind to yourself. "
    text = sentence * 200
    action = SendText(
        (Segment(text[:5000]), Segment("<my words & more>", quoted=True), Segment(text[5000:])),
        choices=(Choice("belief:fit:yes", "Yes, it fits"),),
    )
    await TelegramSender(application.bot).send(KEY, action)
    pieces = api.messages(CHAT)
    assert len(pieces) == 3
    assert all(len(shown(p)) <= 4096 for p in pieces)
    assert [bool(p.buttons()) for p in pieces] == [False, False, True]
    assert all(shown(p).rstrip().endswith(".") for p in pieces)  # cut at sentence ends
    assert "".join(shown(p) for p in pieces).replace(" ", "") == action.plain.replace(" ", "")
    assert "<i>&lt;my words &amp; more&gt;</i>" in "".join(p.text for p in pieces)


async def test_pictures_and_files(application: TelegramApplication, api: FakeBotAPI) -> None:
    sender = TelegramSender(application.bot)
    png = b"\x89PNG\r\n\x1a\nfake"
    await sender.send(KEY, SendImage(png, caption="Your week, in moods"))
    await sender.send(KEY, SendFile("export.json", b'{"a": 1}', caption="Everything I keep"))
    photo, = api.calls_to("sendPhoto")
    assert photo.files["photo"][1] == png
    assert photo.params["caption"] == "Your week, in moods"
    document, = api.calls_to("sendDocument")
    assert document.files["document"] == ("export.json", b'{"a": 1}')
    # A caption too long for Telegram follows as its own message.
    await sender.send(KEY, SendImage(png, caption="x" * 2000))
    assert "caption" not in api.calls_to("sendPhoto")[-1].params
    assert api.messages(CHAT)[-1].text == "x" * 2000


@pytest.mark.parametrize(
    ("status", "description", "expected"),
    [
        (403, "Forbidden: bot was blocked by the user", PermanentDeliveryError),
        (403, "Forbidden: user is deactivated", PermanentDeliveryError),
        (400, "Bad Request: chat not found", PermanentDeliveryError),
        (400, "Bad Request: can't parse entities", TransientDeliveryError),
        (502, "Bad Gateway", TransientDeliveryError),
        (500, "Internal Server Error", TransientDeliveryError),
    ],
)
async def test_errors_are_translated_for_the_outbox(
    application: TelegramApplication, api: FakeBotAPI, status: int, description: str,
    expected: type[Exception],
) -> None:
    api.fail_next("sendMessage", status, description)
    with pytest.raises(expected):
        await TelegramSender(application.bot).send(KEY, SendText((Segment("hi"),)))


async def test_flood_control_carries_retry_after(application: TelegramApplication,
                                                 api: FakeBotAPI) -> None:
    api.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(TransientDeliveryError) as caught:
        await TelegramSender(application.bot).send(KEY, SendText((Segment("hi"),)))
    assert caught.value.retry_after == 7.0


async def test_a_group_that_became_a_supergroup_still_gets_its_reply(
    application: TelegramApplication, api: FakeBotAPI
) -> None:
    api.fail_next("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                  parameters={"migrate_to_chat_id": -1009999})
    await TelegramSender(application.bot).send(
        ConversationKey(PLATFORM, "-555", "7"), SendText((Segment("hi"),)))
    assert [c.chat_id for c in api.calls_to("sendMessage")] == [-555, -1009999]
    assert api.messages(-1009999)


async def test_an_update_is_confirmed_to_telegram_only_after_it_is_committed(
    bot: TelegramBot, api: FakeBotAPI
) -> None:
    """A crash while an update is handled must not lose it: Telegram sends it again
    unless the bot already asked for the next offset, which it does only afterwards."""
    runtime = bot.app.runtime
    entered = asyncio.Event()
    release = asyncio.Event()
    original = runtime.handle

    async def slow_handle(event: Inbound, **options: Any) -> Handled:
        entered.set()
        await release.wait()
        return await original(event, **options)

    runtime.handle = slow_handle  # type: ignore[method-assign]
    update = api.private_message(601, "hello")
    await asyncio.wait_for(entered.wait(), 5)
    await asyncio.sleep(0.3)  # time for a premature confirmation to show up
    confirming = [c for c in api.calls_to("getUpdates")
                  if (c.params.get("offset") or 0) > update["update_id"]]
    assert confirming == []
    release.set()
    await bot.settled(update)
    await eventually_confirmed(api, update["update_id"])


async def eventually_confirmed(api: FakeBotAPI, update_id: int) -> None:
    for _ in range(100):
        if any((c.params.get("offset") or 0) > update_id for c in api.calls_to("getUpdates")):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"update {update_id} was never confirmed")
