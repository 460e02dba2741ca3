"""Conversations in direct messages: typed answers through dpytest, presses through
the registered buttons, over the real runtime, dialogues and a SQLite file."""

from __future__ import annotations

import json
import logging

import discord.ext.test as dpytest
import pytest

from bot.render import escape_markdown
from bot.safety.resources import ENGLISH_WORDS
from tests.discord_bot.support import DiscordWorld, Person, Sent, asking, plain, server_error

FEELING_BUTTONS = {"Sad", "Anxious", "Angry", "Ashamed", "Guilty", "Lonely", "Overwhelmed",
                   "Something else"}
SCALE_BUTTONS = {str(n) for n in range(11)}


def is_text_question(message: Sent) -> bool:
    """A question answered in the person's own words: its only buttons are Skip,
    and "I'm not sure" where the question helps someone who is stuck."""
    return list(message.buttons) in (["Skip"], ["I'm not sure", "Skip"])


async def onboard(person: Person) -> Sent:
    """A new person says hello, agrees to keep answers, names a country; the menu."""
    out = await person.say_dm("hello")
    consent = asking(out)
    assert {"Yes, keep them", "No, thanks"} <= set(consent.buttons)
    _, out = await person.press(consent, "Yes, keep them")
    assert is_text_question(asking(out))  # which country?
    out = await person.say_dm("UK")
    menu = asking(out)
    assert "Talk through something that's bothering me" in menu.buttons
    return menu


async def start_belief(person: Person) -> Sent:
    """From the menu to "how strong is it?"; returns that question."""
    menu = await onboard(person)
    _, out = await person.press(menu, "Talk through something that's bothering me")
    _, out = await person.press(asking(out), "Let's go on")
    feeling = asking(out)
    assert set(feeling.buttons) >= FEELING_BUTTONS
    _, out = await person.press(feeling, "Sad")
    scale = asking(out)
    assert set(scale.buttons) >= SCALE_BUTTONS
    return scale


async def test_whole_belief_flow_in_a_dm(world: DiscordWorld) -> None:
    ana = world.person("ana")
    dm = await ana.dm_id()
    await start_belief(ana)

    out = await ana.say_dm("7")
    assert is_text_question(asking(out))  # what happened?
    out = await ana.say_dm("My friend forgot my birthday")
    assert is_text_question(asking(out))  # the story
    out = await ana.say_dm("I am not important to people")
    assert is_text_question(asking(out))  # where it came from
    for answer in ("It started at school", "It kept me from hoping for too much",
                   "I do not ask people for things"):
        out = await ana.say_dm(answer)
    # A friend was part of it: a look at their side is offered, and can wait.
    _, out = await ana.press(asking(out), "Not today")
    fit = asking(out)
    assert {"Yes, it fits", "Partly", "No, not really"} <= set(fit.buttons)
    _, out = await ana.press(fit, "Partly")
    assert is_text_question(asking(out))  # a friend
    out = await ana.say_dm("You matter to me")
    assert is_text_question(asking(out))  # the reframe
    out = await ana.say_dm("I matter too")
    _, out = await ana.press(asking(out), "3")
    _, out = await ana.press(asking(out), "No, thanks")  # not into the compassion kit
    offer = asking(out)
    assert {"That's enough for now", "Another round"} <= set(offer.buttons)
    _, out = await ana.press(offer, "That's enough for now")
    assert out
    assert not out[-1].buttons

    # Everything happened in her DM, and nothing was ever posted in the server.
    assert all(m.where == dm for m in world.sent)
    # Her reframe was kept (she agreed to that), and /export hands it to her.
    _, out = await ana.slash("export")
    export = json.loads(next(m for m in out if m.files).files["compassion-bot-export.json"])
    reframes = [e for e in export["journal"] if e["kind"] == "reframe"]
    assert reframes[-1]["data"]["reframe"] == "I matter too"
    assert reframes[-1]["data"]["intensity_before"] == 7
    assert reframes[-1]["data"]["intensity_after"] == 3


@pytest.mark.parametrize("how", ["typed", "slash"])
async def test_stop_ends_the_exercise_and_old_buttons_turn_stale(
    world: DiscordWorld, how: str
) -> None:
    ana = world.person("ana")
    scale = await start_belief(ana)
    if how == "typed":
        out = await ana.say_dm("/stop")
    else:
        interaction, out = await ana.slash("stop")
        assert interaction.calls[0] == ("defer", {"ephemeral": False, "thinking": True})
    assert out, "the bot answers /stop"
    assert not any(set(m.buttons) >= SCALE_BUTTONS for m in out)

    _, out = await ana.press(scale, "6")
    stale = [escape_markdown(v) for v in world.app.dialogues.line("stale_button")]
    assert any(v in out[0].content for v in stale)


async def test_crisis_message_stops_the_exercise_and_gives_resources(
    world: DiscordWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ana = world.person("Zephyrine")
    scale = await start_belief(ana)
    out = await ana.say_dm("I want to kill myself")
    # The crisis lines for her country come first, before anything else is asked.
    country = (await world.profile(ana)).get("country")
    # She is onboarded as an adult: no lines made only for children.
    lines = world.app.engine.services.crisis_resources(country, None, ENGLISH_WORDS, True)
    text = "\n".join(plain(m.content) for m in out)
    assert lines.strip() in text
    assert not any(set(m.buttons) >= SCALE_BUTTONS for m in out)  # the exercise is over
    # The old question's buttons no longer move the exercise on.
    _, out = await ana.press(scale, "6")
    assert not any(set(m.buttons) >= FEELING_BUTTONS for m in out)
    # Neither the message nor her name reached the logs.
    assert "kill myself" not in caplog.text
    assert "zephyrine" not in caplog.text.casefold()


async def test_restart_mid_flow_continues_at_the_same_step(world: DiscordWorld) -> None:
    ana = world.person("ana")
    scale = await start_belief(ana)
    await world.restart()  # a new client, a new store, the same SQLite file

    out = await ana.say_dm("6")
    assert is_text_question(asking(out))  # on to "what happened?"
    happened = asking(out)
    await world.restart()
    # A button from before both restarts is still understood: stale, kindly.
    _, out = await ana.press(scale, "4")
    stale = [escape_markdown(v) for v in world.app.dialogues.line("stale_button")]
    assert any(v in out[0].content for v in stale)
    # ...and the current question's button still works after a restart.
    _, out = await ana.press(happened, "Skip")
    assert is_text_question(asking(out))  # the story


async def test_the_same_message_twice_is_answered_once(world: DiscordWorld) -> None:
    ana = world.person("ana")
    await onboard(ana)
    before = len(world.sent)
    message = await dpytest.message("hello again", channel=await ana.dm(), member=ana.user)
    answered = len(world.sent) - before
    assert answered > 0
    world.client.dispatch("message", message)  # Discord delivers it again
    await world.settle()
    assert len(world.sent) - before == answered


async def test_a_reply_left_in_the_outbox_is_sent_after_a_restart(world: DiscordWorld) -> None:
    ana = world.person("ana")
    await onboard(ana)
    world.refuse = lambda channel: server_error()
    out = await ana.say_dm("/talk")
    assert out == []  # Discord was down: nothing arrived
    world.refuse = None
    await world.restart()  # the drain at startup delivers it
    question = asking(world.sent)
    assert {"Let's go on", "A breath first"} <= set(question.buttons)
