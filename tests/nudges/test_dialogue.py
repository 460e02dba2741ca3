"""The /nudges and /settings dialogues through the whole bot: what a person sets up
is what gets saved, and the schedule then finds nudges at their local times."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.nudges.schedule import NudgeSettings, next_due
from tests.harness import Bot, Person

BERLIN = ZoneInfo("Europe/Berlin")


async def onboarded(bot: Bot, name: str = "ana") -> Person:
    person = bot.person(name)
    await person.say("hello")
    await person.press("Yes, keep them")
    await person.say("Germany")
    return person


async def profile_of(bot: Bot, person: Person) -> dict[str, Any]:
    assert bot.store is not None
    return (await bot.store.load(person.key)).profile


def walk(first: datetime, seed: str, profile: dict[str, Any], n: int) -> list[str]:
    """The next ``n`` nudges as a person in Berlin sees them on the clock."""
    seen: list[str] = []
    after = first
    for _ in range(n):
        due = next_due(profile, after, seed=seed)
        assert due is not None
        seen.append(due.astimezone(BERLIN).strftime("%a %d %H:%M"))
        after = due
    return seen


async def test_setting_up_nudges_saves_them_and_they_fall_at_local_times(bot: Bot) -> None:
    person = await onboarded(bot)
    await person.command("nudges")
    await person.press("Yes, let's set them up")
    asked_again = await person.say("Atlantis")
    assert any("city" in t for t in asked_again)
    assert "tz" not in await profile_of(bot, person)
    await person.say("berlin")
    await person.press("Twice a day")
    await person.press("A time of my own")
    replies = await person.say("between 7 and 9pm")
    assert any("/nudges" in t for t in replies), "says how to stop them"
    await person.press("Which days")
    await person.press("Weekdays")
    await person.press("Quiet hours")
    await person.press("Other hours")
    await person.say("11pm to 6:30am")
    await person.press("That's all, thanks")

    profile = await profile_of(bot, person)
    assert {k: v for k, v in profile.items() if k.startswith("nudge_") or k == "tz"} == {
        "nudge_on": "yes",
        "tz": "Europe/Berlin",
        "nudge_per_day": "2",
        "nudge_window": "19:00-21:00",
        "nudge_days": "mon,tue,wed,thu,fri",
        "nudge_quiet": "23:00-06:30",
    }
    # Thursday 26 November, 10:00 in Berlin: two this evening, two on Friday, then Monday.
    now = bot.clock.now
    times = walk(now, "ana", profile, 6)
    assert [t[:6] for t in times] == ["Thu 26", "Thu 26", "Fri 27", "Fri 27", "Mon 30",
                                      "Mon 30"]
    for first, second in zip(times[::2], times[1::2], strict=True):
        assert "19:00" <= first[7:] < "20:00" <= second[7:] < "21:00"


async def test_the_summary_shows_the_defaults_for_what_was_skipped(bot: Bot) -> None:
    person = await onboarded(bot)
    await person.command("nudges")
    await person.press("Yes, let's set them up")
    await person.say("New York")
    await person.say("skip")
    replies = await person.say("skip")
    summary = next(t for t in replies if "Quiet hours" in t)
    defaults = NudgeSettings()
    assert "1 a day" in summary
    assert "09:00-11:00" in summary
    assert defaults.window_start == 9 * 60
    assert defaults.window_end == 11 * 60
    assert "22:00-07:00" in summary
    assert defaults.quiet == (22 * 60, 7 * 60)
    assert "every day" in summary
    profile = await profile_of(bot, person)
    due = next_due(profile, bot.clock.now, seed="ana")
    assert due is not None
    local = due.astimezone(ZoneInfo("America/New_York"))
    assert "09:00" <= local.strftime("%H:%M") < "11:00"


async def test_without_a_time_zone_nudges_stay_off(bot: Bot) -> None:
    person = await onboarded(bot)
    await person.command("nudges")
    await person.press("Yes, let's set them up")
    replies = await person.say("skip")
    assert any("off" in t and "/nudges" in t for t in replies)
    profile = await profile_of(bot, person)
    assert next_due(profile, bot.clock.now, seed="ana") is None


async def test_pausing_and_stopping(bot: Bot) -> None:
    person = await onboarded(bot)
    await person.command("nudges")
    await person.press("Yes, let's set them up")
    await person.say("Berlin")
    await person.press("Once a day")
    await person.press("Mornings, 9 to 11")
    await person.press("Pause or restart them")
    await person.press("A week")
    profile = await profile_of(bot, person)
    due = next_due(profile, bot.clock.now, seed="ana")
    assert due is not None
    assert due >= bot.clock.now + timedelta(days=7)

    replies = await person.command("nudges")
    assert any("paused" in t for t in replies)
    await person.press("Pause or restart them")
    await person.press("No pause: start them again now")
    profile = await profile_of(bot, person)
    due = next_due(profile, bot.clock.now, seed="ana")
    assert due is not None
    assert due < bot.clock.now + timedelta(days=1)

    await person.press("Stop the nudges")
    profile = await profile_of(bot, person)
    assert profile["nudge_on"] == "no"
    assert next_due(profile, bot.clock.now, seed="ana") is None
    # Starting again later asks only what it needs: the time zone is remembered.
    await person.command("nudges")
    replies = await person.press("Yes, let's set them up")
    assert any("How many" in t or "How often" in t for t in replies)


async def test_settings_leads_to_nudges_and_says_whether_they_are_on(bot: Bot) -> None:
    person = await onboarded(bot)
    replies = await person.command("settings")
    assert any("Nudges: off" in t and "DE" in t for t in replies)
    replies = await person.press("Nudges")
    assert any("/nudges" in t for t in replies)
    assert "Yes, let's set them up" in person.buttons()
