"""Conversations on Telegram, end to end: real PTB over HTTP to the fake Bot API,
the real dialogues and a real SQLite file."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from adapters.telegram_ptb import TelegramSettings
from benchmarks.fake_bot_api import FakeBotAPI
from tests.telegram.harness import Person, TelegramBot, crisis_lines, shown, texts

REFRAME = "I lost my temper, I can say sorry, and I'm still a good brother <3"


async def test_the_whole_belief_flow_with_buttons(person: Person, api: FakeBotAPI) -> None:
    opening = await person.say("I yelled at my brother over nothing & I feel like a <bad> person")
    assert len(opening) >= 2
    assert all(c.params["parse_mode"] == "HTML" for c in opening)
    assert opening[-1].rows() == [["Yes, keep them", "No, thanks"]]  # short labels share a row

    await person.press("Yes, keep them")
    await person.say("UK")
    feelings = await person.press("Let's go on")
    assert feelings[-1].rows()[0] == ["Sad", "Anxious"]
    scale = await person.press("Ashamed")
    # A 0-10 scale fits on two rows instead of eleven.
    assert scale[-1].rows()[:2] == [["0", "1", "2", "3", "4", "5"], ["6", "7", "8", "9", "10"]]

    story = await person.press("8")
    # The first message is quoted back, escaped, in italics; nothing of it is markup.
    quoted = "<i>I yelled at my brother over nothing &amp; I feel like a &lt;bad&gt; person</i>"
    assert quoted in story[0].text
    await person.say("I'm a terrible person and I always ruin things")
    await person.say("It makes me feel like one bad moment shows who I really am")
    await person.say("My dad used to say I ruin everything")
    await person.say("Maybe it was trying to make me careful, so nobody would be angry with me")
    await person.say("I feel on edge all the time and I hide from people")
    # Someone else was part of it: a look at their side is offered, and can wait.
    fit = await person.press("Not today")
    assert "No, not really" in person.buttons()
    assert fit[-1].params["reply_markup"]["inline_keyboard"]
    await person.press("No, not really")
    await person.say("I'd tell them that one bad evening doesn't make them a bad person")
    await person.say(REFRAME)
    await person.press("5")
    await person.press("No, thanks")  # not into the compassion kit
    goodbye = await person.press("That's enough for now")
    assert goodbye
    assert not goodbye[-1].buttons()

    export_at = len(api.calls)
    await person.say("/export")
    documents = [c for c in api.calls[export_at:] if c.method == "sendDocument"]
    assert len(documents) == 1
    filename, content = documents[0].files["document"]
    assert filename.endswith(".json")
    exported = json.loads(content)
    assert REFRAME in json.dumps(exported["journal"], ensure_ascii=False)


async def test_start_help_stop_sos(person: Person) -> None:
    welcome = await person.say("/start")
    assert welcome
    assert "Yes, keep them" in person.buttons()
    help_text = " ".join(texts(await person.say("/help")))
    assert "/sos" in help_text
    assert "/forget" in help_text
    sos = await person.say("/sos")
    assert crisis_lines(None) in "\n".join(texts(sos))
    stopped = await person.say("/stop")
    assert len(stopped) == 1
    assert not stopped[0].buttons()


async def test_forget_asks_first_and_then_deletes(person: Person, bot: TelegramBot) -> None:
    await person.say("/start")
    await person.press("Yes, keep them")
    assert (await bot.profile(person.key)).get("consent") is True

    confirm = await person.say("/forget")
    assert set(person.buttons()) == {"Yes, delete everything", "No, keep it"}
    assert confirm[-1].rows() == [["Yes, delete everything"], ["No, keep it"]]
    kept = await person.press("No, keep it")
    assert kept
    assert (await bot.profile(person.key)).get("consent") is True

    await person.say("/forget")
    done = await person.press("Yes, delete everything")
    assert done
    assert await bot.profile(person.key) == {}


async def test_a_crisis_stops_the_exercise(person: Person) -> None:
    await person.say("/start")
    await person.press("Yes, keep them")
    await person.say("UK")
    replies = await person.say("I want to kill myself")
    # The crisis lines for their country come first, before any question...
    first_question = next(n for n, c in enumerate(replies) if c.buttons())
    assert crisis_lines("GB", adult=True) in "\n".join(texts(replies[:first_question]))
    # ...and the exercise is not what comes next.
    assert "Skip" not in person.buttons()
    # After the lines it asks, directly and kindly, about thoughts of suicide.
    assert {"Yes", "No"} <= set(person.buttons())


async def test_a_stale_button_is_answered_and_not_acted_on(person: Person,
                                                           api: FakeBotAPI) -> None:
    await person.say("/start")
    consent = person.buttons()["Yes, keep them"]
    await person.press("Yes, keep them")
    country_question = person.received()[-1]

    answered_before = len(api.calls_to("answerCallbackQuery"))
    replies = await person.press_data(consent)  # the consent button, pressed again later
    answers = api.calls_to("answerCallbackQuery")
    assert len(answers) == answered_before + 1
    assert person.last_update is not None
    assert answers[-1].params["callback_query_id"] == person.last_update["callback_query"]["id"]
    # The bot says the button is old and asks the current question again
    # (perhaps in other words); consent was not given a second time.
    assert len(replies) == 2
    assert not replies[0].buttons()
    assert replies[-1].buttons() == country_question.buttons()
    assert "country" in shown(replies[-1])

    nonsense = await person.press_data("no:such:button")
    assert len(api.calls_to("answerCallbackQuery")) == answered_before + 2
    assert nonsense[-1].buttons() == country_question.buttons()


async def test_every_press_is_answered(person: Person, api: FakeBotAPI) -> None:
    await person.say("/start")
    await person.press("Yes, keep them")
    await person.press("Skip")
    presses = [c for c in api.calls if c.method == "answerCallbackQuery"]
    assert len(presses) == 2


async def test_the_bot_shows_it_is_typing(person: Person, api: FakeBotAPI) -> None:
    await person.say("hello")
    actions = api.calls_to("sendChatAction")
    assert actions
    assert actions[0].params == {"chat_id": person.user_id, "action": "typing"}
    # The typing indicator comes before the reply, not after it.
    first_reply = api.messages(person.user_id)[0]
    assert actions[0].at <= first_reply.at


async def test_deep_link_from_a_group_opens_the_private_chat(bot: TelegramBot) -> None:
    person = bot.person(777)
    # What Telegram sends when the "Continue in private" link is followed.
    replies = await person.say("/start from_group")
    # Someone new is welcomed, exactly as with a plain /start.
    assert replies
    assert "Yes, keep them" in person.buttons()


async def test_logs_hold_no_message_text_names_or_token(
    api: FakeBotAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = TelegramBot(api, tmp_path / "bot.db")
    await bot.start()
    try:
        person = bot.person(4242)
        secret_words = "my secret sorrow about Zanzibar"
        await person.say(secret_words)
        await person.press("Yes, keep them")
        api.fail_next("sendMessage", 403)
        await person.say("I want to kill myself, Zanzibar")
    finally:
        await bot.stop()
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
        if not r.name.startswith("aiosqlite")  # the store's driver; see the report
    )
    assert caplog.records  # the check below is not vacuous
    assert "Zanzibar" not in logged
    assert "Person4242" not in logged  # the name Telegram sent
    assert api.token not in logged
    assert api.token.split(":")[1] not in logged


async def test_replies_to_one_chat_are_paced_on_the_simulated_clock(
        bot: TelegramBot, person: Person) -> None:
    """TELEGRAM_CHAT_RATE's pacing (a burst of three, then one a second) still
    holds in these tests; only its waiting is simulated."""
    sent = 0
    for text in ("/help", "/sos", "/help", "/sos"):
        sent += len(await person.say(text))
    assert sent > 3
    rate = bot.settings.platform(TelegramSettings).chat_rate
    # Three went at once; every one after them waited for its share of a second.
    assert bot.pace.now >= (sent - 3) / rate - 1e-9
    assert all(wait <= 1 / rate + 1e-9 for wait in bot.pace.waits)
