""""You are talking to a bot, not a person": at first use, after a week away, after
three hours of use, and whenever asked, in every language the bot speaks."""

from __future__ import annotations

import pytest

from tests.harness import Bot, onboard, texts

HOUR = 3600
DAY = 24 * HOUR


def notices(replies: list[str]) -> list[str]:
    return [r for r in replies if "not a person" in r or "not a human" in r]


async def test_first_use_says_it_is_a_bot(bot: Bot) -> None:
    replies = texts(await bot.person("ana").send("/start"))
    assert any("I'm a bot" in r for r in replies)


@pytest.mark.parametrize("question", [
    "are you a real person?", "Is this a bot", "am I talking to a human??",
    "wait, are you human?", "is anyone reading this?",
])
async def test_asking_is_answered_anywhere(bot: Bot, question: str) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    await ana.send("/checkin")
    replies = await ana.say(question)
    assert notices(replies) and notices(replies)[0] == replies[0]
    assert any("Back to where we were" in r or "back to where we were" in r.casefold()
               or "return to where we were" in r for r in replies), "the question comes back"


@pytest.mark.parametrize(("language", "question", "answer"), [
    ("es", "¿eres una persona real?", "bot"),
    ("de", "bist du ein mensch?", "Bot"),
    ("pt", "você é uma pessoa de verdade?", "bot"),
])
async def test_asking_in_another_language(
    bot: Bot, language: str, question: str, answer: str,
) -> None:
    ana = bot.person("ana")
    for line in ("/start", "[Yes, keep them]", "UK", "/language", ):
        await ana.send(line)
    name = {"es": "Español", "de": "Deutsch", "pt": "Português"}[language]
    await ana.send(f"[{name}]")
    replies = await ana.say(question)
    assert replies and answer in replies[0]


async def test_a_story_that_mentions_it_is_not_taken_for_the_question(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    replies = await ana.say(
        "My boss shouted at me in the meeting and then asked whether I was even a real "
        "person or a robot, and I felt so small and stupid in front of everyone")
    assert not any("I'm a bot, not a person" in r or "No, I'm a bot" in r for r in replies)


async def test_after_a_week_away_the_reminder_comes_first(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    await ana.wait(3 * DAY)
    assert notices(texts(await ana.send("/checkin"))) == []
    await ana.send("stop")
    await ana.wait(8 * DAY)
    replies = texts(await ana.send("/checkin"))
    assert notices(replies) and replies.index(notices(replies)[0]) == 0


async def test_after_three_hours_of_use_and_not_again_for_three_hours(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    heard = []
    for _ in range(13):  # every 20 minutes for four hours
        await ana.wait(20 * 60)
        heard += notices(texts(await ana.send("/checkin")))
        await ana.send("stop")
    assert len(heard) == 1


async def test_a_break_of_an_hour_starts_a_new_stretch(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    heard = []
    for _ in range(8):  # four hours, but with an hour's break each time
        await ana.wait(HOUR)
        heard += notices(texts(await ana.send("/checkin")))
        await ana.send("stop")
    assert heard == []


async def test_never_before_crisis_lines(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    await ana.wait(8 * DAY)
    replies = await ana.say("I want to kill myself")
    assert notices(replies) == []
    assert "Thank you" in replies[0]
