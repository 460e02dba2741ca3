"""Nudges end to end: set up in the chat, sent by the scheduler at the local time,
once, across restarts; held back after a crisis; stopped for someone who blocked
the bot.  The whole bot runs on a real SQLite file with a fake clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.delivery import PermanentDeliveryError
from bot.types import Outbound, SendText
from tests.harness import Bot, Person, texts
from tests.nudges.test_dialogue import onboarded, profile_of

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600.0


async def subscribe(person: Person, window: str = "between 7 and 9pm") -> None:
    """Nudges on, Berlin time, once a day in ``window``, every day."""
    for line in ("/nudges", "[Yes, let's set them up]", "Berlin", "[Once a day]",
                 "[A time of my own]", window, "[That's all, thanks]"):
        await person.send(line)


def nudges(actions: list[Outbound]) -> list[SendText]:
    """Messages with a nudge's one-tap reply button."""
    return [a for a in actions if isinstance(a, SendText)
            and any(c.id.startswith("+:nudge:") for c in a.choices)]


async def until(bot: Bot, person: Person, local: datetime) -> list[SendText]:
    """Let time pass until ``local`` (Berlin); the nudges that arrived meanwhile."""
    seconds = (local.astimezone(UTC) - bot.clock.now).total_seconds()
    return nudges(await person.wait(seconds))


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


async def test_a_nudge_arrives_once_a_day_inside_the_window(bot: Bot) -> None:
    ana = await onboarded(bot)
    await subscribe(ana)
    assert await until(bot, ana, berlin(26, 18, 59)) == []
    first = await until(bot, ana, berlin(26, 21, 0))
    assert len(first) == 1
    assert await until(bot, ana, berlin(27, 18, 59)) == []
    assert len(await until(bot, ana, berlin(27, 21, 0))) == 1
    # Pressing its button starts the exercise it offers.
    replies = await ana.press_payload(first[0].choices[0].id)
    assert replies


async def test_restarts_neither_lose_nor_repeat_a_nudge(bot: Bot) -> None:
    ana = await onboarded(bot)
    await subscribe(ana)
    await until(bot, ana, berlin(26, 18, 0))
    await bot.restart()
    got = await until(bot, ana, berlin(26, 21, 0))
    await bot.restart()
    got += await until(bot, ana, berlin(26, 23, 0))
    assert len(got) == 1


async def test_a_nudge_found_late_within_the_grace_is_sent_and_after_it_is_not(
    bot: Bot,
) -> None:
    ana, ben = await onboarded(bot, "ana"), await onboarded(bot, "ben")
    await subscribe(ana, "7pm")
    await subscribe(ben, "7pm")
    await bot.stop()  # the bot is down from 18:00 ...
    bot.clock.now = berlin(26, 19, 40).astimezone(UTC)  # ... until 19:40 (grace: 60 min)
    await bot.start()
    assert len(nudges(await ana.wait(1))) == 1
    await bot.stop()
    bot.clock.now = berlin(27, 21, 0).astimezone(UTC)  # down again past the next grace
    await bot.start()
    assert nudges(await ben.wait(1)) == []
    # ... and the schedule goes on the day after, not in a burst of missed ones.
    assert len(await until(bot, ben, berlin(28, 19, 30))) == 1


async def test_a_crisis_holds_nudges_back_for_a_day_and_the_check_in_comes(bot: Bot) -> None:
    ana = await onboarded(bot)
    await subscribe(ana, "7pm")
    await ana.send("honestly I want to kill myself")
    for answer in ("[Yes]", "[No]", "[No]"):  # thoughts, a plan, means near
        await ana.send(answer)
    await ana.send("[I'm safe for now]")
    await ana.send("[Yes, please]")
    arrived = await ana.wait((berlin(27, 12, 0).astimezone(UTC) - bot.clock.now).total_seconds())
    assert nudges(arrived) == []  # the 19:00 nudge the evening of the crisis is not sent
    assert any("yesterday" in t.casefold() for t in texts(arrived))  # the agreed check-in
    # The next ordinary nudge, a day later, comes as usual.
    assert len(await until(bot, ana, berlin(27, 19, 30))) == 1


async def test_someone_who_blocked_the_bot_is_unsubscribed(bot: Bot) -> None:
    ana = await onboarded(bot)
    await subscribe(ana, "7pm")

    def blocked(action: Outbound) -> Exception | None:
        return PermanentDeliveryError("Forbidden: bot was blocked by the user")

    bot.recorder.fail_with = blocked
    await until(bot, ana, berlin(26, 19, 30))
    bot.recorder.fail_with = None
    assert bot.store is not None
    assert (await profile_of(bot, ana)).get("unreachable") is True
    assert await bot.store.claim_nudges(berlin(30, 0).astimezone(UTC), 10,
                                        timedelta(minutes=1)) == []


async def test_nudges_quote_the_persons_own_reframe(bot: Bot) -> None:
    ana = bot.person("ana")
    reframe = "I lost my temper, I can say sorry, and I'm still a good brother"
    for line in ("My brother says I ruin everything and I feel like a terrible person",
                 "[Yes, keep them]", "Germany", "[Let's go on]", "[Ashamed]", "[8]",
                 "I'm a terrible person and I always ruin things",
                 "It makes me feel like one bad moment shows who I really am",
                 "My dad used to say I ruin everything", "It was trying to keep me safe",
                 "I hide from people", "[Not today]", "[No, not really]",
                 "I'd tell them one bad evening doesn't make them a bad person",
                 reframe, "[5]", "[No, thanks]", "[That's enough for now]"):
        await ana.send(line)
    assert (await profile_of(bot, ana))["last_reframe"] == reframe
    await subscribe(ana, "7pm")
    sent = []
    for day in range(26, 30):  # the bot keeps running: time passes a day at a time
        sent += await until(bot, ana, berlin(day, 19, 30))
    assert len(sent) == 4
    quoting = [n for n in sent if any(s.quoted and s.text == reframe for s in n.segments)]
    assert len(quoting) >= 1
