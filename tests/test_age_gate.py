"""The operator's minimum age: asked at onboarding, a kind refusal with lines for
young people, and the crisis lines still open to them.

The other tests run with MIN_AGE=0 (tests/conftest.py); these set it themselves.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from tests.harness import Bot, Person, texts


@pytest.fixture
async def adults_only(tmp_path: Path) -> AsyncIterator[Bot]:
    bot = Bot(tmp_path / "bot.db", min_age=18)
    await bot.start()
    yield bot
    await bot.stop()


async def onboard_to_age(person: Person) -> list[str]:
    return texts(await person.send("/start"))


async def too_young(bot: Bot, country: str = "United Kingdom") -> Person:
    """Ben, who said he is younger than the minimum age, and gave his country."""
    ben = bot.person("ben")
    await onboard_to_age(ben)
    await ben.send("[No]")
    await ben.send(country)
    return ben


def test_the_default_minimum_age_is_eighteen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIN_AGE", raising=False)
    assert Settings(_env_file=None).min_age == 18  # type: ignore[call-arg]
    monkeypatch.setenv("MIN_AGE", "16")
    assert Settings(_env_file=None).min_age == 16  # type: ignore[call-arg]


async def test_an_adult_says_yes_and_goes_on(adults_only: Bot) -> None:
    ana = adults_only.person("ana")
    replies = await onboard_to_age(ana)
    assert any("Are you 18 or older?" in r for r in replies)
    assert set(ana.buttons()) == {"Yes", "No"}
    replies = texts(await ana.send("[Yes]"))
    assert any("May I keep your answers" in r or "keep what you write" in r for r in replies)


async def test_someone_younger_is_refused_kindly_with_lines_for_young_people(
    adults_only: Bot,
) -> None:
    ben = adults_only.person("ben")
    await onboard_to_age(ben)
    replies = texts(await ben.send("[No]"))
    assert any("only made for people aged 18" in r for r in replies)
    replies = texts(await ben.send("United Kingdom"))
    assert any("Childline" in r and "0800 1111" in r for r in replies)
    assert any("/sos" in r for r in replies)


async def test_someone_younger_gets_no_exercise_later_but_crisis_lines_still_work(
    adults_only: Bot,
) -> None:
    ben = await too_young(adults_only, country="Skip")
    for attempt in ("/checkin", "/start", "I feel sad today", "/mistake"):
        replies = texts(await ben.send(attempt))
        assert any("only made for people aged 18" in r for r in replies), \
            attempt
        assert not any("Are you 18" in r for r in replies), "never asked again"
    sos = " ".join(texts(await ben.send("/sos")))
    assert "988" in sos or "findahelpline" in sos.casefold() or "112" in sos
    crisis = " ".join(await ben.say("I want to kill myself"))
    assert "Thank you for telling me" in crisis or "Thank you for trusting me" in crisis


async def test_help_lists_only_what_is_open_to_someone_younger(adults_only: Bot) -> None:
    ben = await too_young(adults_only, country="Skip")
    shown = "\n".join(await ben.command("help"))
    commands = set(re.findall(r"^(/[a-z]+) –", shown, flags=re.MULTILINE))
    assert {"/sos", "/breathe", "/plan", "/forget"} <= commands
    assert not commands & {"/talk", "/tools", "/checkin", "/journal", "/nudges"}, commands
    for command in sorted(commands):  # each one listed opens for him
        replies = " ".join(texts(await ben.send(command)))
        assert "only made for people aged 18" not in replies, command
        await ben.send("/stop")


async def test_a_typed_answer_counts_and_skipping_asks_again(adults_only: Bot) -> None:
    ana = adults_only.person("ana")
    await onboard_to_age(ana)
    replies = await ana.say("skip")
    assert any("yes or a no" in r.casefold() for r in replies)
    assert any("Are you 18 or older?" in r or "aged 18 and over" in r for r in replies)
    replies = await ana.say("yes i am")
    assert any("keep" in r for r in replies)


async def test_another_minimum_age_is_said_as_set(tmp_path: Path) -> None:
    bot = Bot(tmp_path / "bot.db", min_age=16)
    await bot.start()
    try:
        replies = texts(await bot.person("ana").send("/start"))
        assert any("16 or older" in r for r in replies)
    finally:
        await bot.stop()


async def test_without_a_minimum_age_nobody_is_asked(bot: Bot) -> None:
    replies = texts(await bot.person("ana").send("/start"))
    assert not any("or older" in r for r in replies)


async def test_someone_younger_in_crisis_gets_lines_for_young_people_first(
    adults_only: Bot,
) -> None:
    ben = await too_young(adults_only)
    lines = " ".join(await ben.say("I want to kill myself"))
    assert "Childline" in lines and "Samaritans" in lines
    assert lines.index("Childline") < lines.index("Samaritans")


async def test_someone_younger_is_offered_breathing_in_a_hard_moment_and_it_opens(
    adults_only: Bot,
) -> None:
    ben = await too_young(adults_only)
    await ben.say("I can't do this anymore, everything is too much")
    await ben.send("[Yes]")  # safe right now
    await ben.send("[Not now]")  # not looking at it together
    assert set(ben.buttons()) == {"Soothing breathing"}, "only what is open to them"
    replies = " ".join(await ben.press("Soothing breathing"))
    assert "only made for people aged 18" not in replies
    assert "slow moment" in replies  # soothing breathing has begun


async def test_someone_younger_in_crisis_is_offered_a_trusted_adult_and_never_the_kit(
    adults_only: Bot,
) -> None:
    """The kit is closed to someone under the minimum age, so the crisis menu does
    not offer it; telling an adult they trust is offered first."""
    ben = await too_young(adults_only)
    await ben.say("I want to kill myself")
    await ben.press("No")  # not thinking of it right now
    await ben.press("Some support would help")
    assert "Look at my compassion kit" not in ben.buttons()
    assert next(iter(ben.buttons())) == "Who could I tell?"
    told = " ".join(await ben.say("who can i tell"))
    assert "adult you trust" in told or "grown-up on your side" in told
    assert "only made for people aged 18" not in told
    # "i cant tell my parents" (a trial's words) is met with other adults to tell.
    replies = " ".join(await ben.say("i cant tell my parents theyd be so angry"))
    assert "doesn't have to be a parent" in replies or "don't have to start with them" in replies
    assert "teacher" in replies
    assert "Who could I tell?" in ben.buttons(), "the menu comes back"


async def test_an_adult_in_crisis_is_not_shown_lines_for_children(adults_only: Bot) -> None:
    """Childline is "for under-19s": someone who said they are 18 or over gets the
    adult lines; the kit is offered to them as before."""
    ana = adults_only.person("ana")
    await onboard_to_age(ana)
    for line in ("[Yes]", "[Yes, keep them]", "United Kingdom"):
        await ana.send(line)
    lines = " ".join(await ana.say("I want to kill myself"))
    assert "Samaritans" in lines and "999" in lines
    assert "Childline" not in lines
    await ana.press("No")
    await ana.press("Some support would help")
    assert "Look at my compassion kit" in ana.buttons()
    assert "Who could I tell?" not in ana.buttons()


async def test_someone_younger_is_listened_to_after_a_crisis_not_refused(
    adults_only: Bot,
) -> None:
    """A trial's 15-year-old wrote "i still feel awful and i dont know what to do"
    minutes after a crisis and was told "I can't do this with you... Take good care"."""
    ben = await too_young(adults_only)
    await ben.say("I want to kill myself")
    await ben.send("/stop")
    replies = " ".join(await ben.say("i still feel awful and i dont know what to do"))
    assert "only made for people aged 18" not in replies
    assert "are you safe right now" in replies  # first, within a day of the crisis
    replies = " ".join(await ben.press("Yes, I'm safe"))
    assert "What would help" in replies or "What would feel right" in replies
    assert set(ben.buttons()) == {"Just keep writing", "Show the crisis lines"}
    replies = " ".join(await ben.press("Just keep writing"))
    assert "listening" in replies.casefold()


async def test_a_later_refusal_names_a_trusted_adult_and_no_way_to_start_over(
    adults_only: Bot,
) -> None:
    ben = await too_young(adults_only)
    replies = " ".join(texts(await ben.send("/checkin")))
    assert "only made for people aged 18" in replies
    assert "/forget" not in replies
    assert "adult you trust" in replies or "/sos" in replies


async def test_nothing_offered_to_someone_younger_is_then_refused(adults_only: Bot) -> None:
    """A trial's 15-year-old was offered "Self-compassion break" after breathing and,
    pressing it, told "I'm only made for people aged 18 and over"."""
    ben = await too_young(adults_only)
    await ben.send("/breathe")
    await ben.say("5")
    await ben.press("Slow breathing")
    for _ in range(40):  # the paced breaths, to "how would you like to go on?"
        if "That's enough" in ben.buttons():
            break
        await ben.wait(15)
    assert "That's enough" in ben.buttons()
    await ben.press("That's enough")
    closing = " ".join(await ben.say("2"))
    assert "compassion" in closing.casefold() or "kind" in closing.casefold(), closing
    assert "other exercises" not in closing and "pick one here" not in closing
    assert not {"Self-compassion break", "Compassionate imagery"} & set(ben.buttons())


async def test_someone_younger_with_a_plan_is_offered_an_adult_to_tell_too(
    adults_only: Bot,
) -> None:
    """A second trial's 16-year-old with a plan and means near was offered reaching
    out, staying and a plan, but never help to find an adult to tell."""
    ben = await too_young(adults_only)
    await ben.say("I want to kill myself")
    for answer in ("Yes", "Yes", "Yes", "I can't right now"):
        await ben.press(answer)
    assert "I'm safe for now" not in ben.buttons()
    assert "Who could I tell?" in ben.buttons()
    told = " ".join(await ben.say("who am i supposed to tell if i cant tell my parents"))
    assert "adult you trust" in told or "grown-up on your side" in told
    await ben.press("There's no one")
    assert "I'm safe for now" not in ben.buttons(), "back to the urgent menu"
    assert "I'll reach out to someone now" in ben.buttons()


async def test_the_safety_plan_does_not_point_someone_younger_to_the_kit(
    adults_only: Bot,
) -> None:
    ben = await too_young(adults_only)
    await ben.send("/plan")
    replies = " ".join(await ben.say("when i stop talking to people"))
    assert "/kit" not in replies and "compassion kit" not in replies
    assert "2 of 6" in replies
