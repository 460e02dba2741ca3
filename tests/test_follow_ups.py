"""Check-ins after a crisis: about a day, three days and a week later, exactly once each.

The whole bot on a real SQLite file with a fake clock (no test waits in real time):
the person agrees to check-ins at the end of the crisis conversation; the scheduler
starts each one on time, once, also across a restart; "I'm okay now" stops the ones
still to come; agreeing again after a new crisis replaces the old schedule, so there
are never more check-ins than agreed; the agreed times are in /export.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.render import plain
from bot.types import SendText
from tests.harness import Bot, Person, onboard, texts

HOUR = 3600
DAY = 24 * HOUR
STOP_LABEL = "I'm okay now, no more check-ins"


async def agree_to_check_ins(person: Person) -> None:
    for line in ("My friend didn't reply and I feel worthless", "[Yes, keep them]",
                 "United States", "[Let's go on]", "[Lonely]", "[9]",
                 "honestly I want to kill myself", "[Yes]", "[No]", "[No]",
                 "[I'm safe for now]", "[Yes, please]"):
        await person.send(line)


def check_ins(person: Person) -> list[str]:
    """Each check-in received so far: its question (the one message with the "no more
    check-ins" button) with the line before it, lower case."""
    found = []
    received = person.received()
    for index, action in enumerate(received):
        if isinstance(action, SendText) and any(c.label == STOP_LABEL for c in action.choices):
            before = received[index - 1] if index else None
            lead = plain(before.segments) if isinstance(before, SendText) else ""
            found.append(f"{lead} {plain(action.segments)}".casefold())
    return found


async def test_three_check_ins_come_on_time_and_once_each(bot: Bot) -> None:
    ana = bot.person("ana")
    await agree_to_check_ins(ana)
    assert "tomorrow, in a few days and in a week" in " ".join(texts(ana.received()))
    await ana.wait(DAY - 2 * 60)
    assert check_ins(ana) == []
    await ana.wait(4 * 60)
    assert len(check_ins(ana)) == 1 and "yesterday" in check_ins(ana)[0]
    await ana.send("[About the same]")
    await ana.wait(2 * DAY)  # 72 hours after the crisis
    assert len(check_ins(ana)) == 2 and "a few days ago" in check_ins(ana)[1]
    await ana.send("[A bit better]")
    await ana.wait(4 * DAY + 10 * 60)  # a week after
    assert len(check_ins(ana)) == 3 and "week" in check_ins(ana)[2]
    await ana.send("[A bit better]")
    await ana.wait(30 * DAY)
    assert len(check_ins(ana)) == 3, "never more than the three agreed"


async def test_each_check_in_offers_the_lines_and_the_plan(bot: Bot) -> None:
    ana = bot.person("ana")
    await agree_to_check_ins(ana)
    await ana.wait(DAY + 60)
    assert {"Show me the crisis lines", "My safety plan",
            "I'm okay now, no more check-ins"} <= set(ana.buttons())
    replies = await ana.press("Show me the crisis lines")
    assert any("988" in reply for reply in replies)


async def test_the_check_ins_survive_a_restart(bot: Bot) -> None:
    ana = bot.person("ana")
    await agree_to_check_ins(ana)
    await bot.restart()
    await ana.wait(DAY + 60)
    await bot.restart()
    await ana.wait(2 * DAY)
    await bot.restart()
    await ana.wait(4 * DAY + 60)
    assert len(check_ins(ana)) == 3


async def test_saying_i_am_fine_stops_the_rest(bot: Bot) -> None:
    ana = bot.person("ana")
    await agree_to_check_ins(ana)
    await ana.wait(DAY + 60)
    replies = await ana.send("[I'm okay now, no more check-ins]")
    assert any("won't check in again" in t or "No more check-ins" in t for t in texts(replies))
    await ana.wait(10 * DAY)
    assert len(check_ins(ana)) == 1
    await ana.send("/export")
    assert "follow_ups" not in ana.last_export()["profile"]


async def test_typing_i_am_fine_stops_them_too(bot: Bot) -> None:
    ana = bot.person("ana")
    await agree_to_check_ins(ana)
    await ana.wait(DAY + 60)
    await ana.say("I'm fine")
    await ana.wait(10 * DAY)
    assert len(check_ins(ana)) == 1


async def test_a_new_agreement_replaces_the_old_schedule(bot: Bot) -> None:
    ana = bot.person("ana")
    await agree_to_check_ins(ana)
    await ana.wait(12 * HOUR)
    # A second crisis half a day later, and check-ins agreed again.
    for line in ("I want to kill myself", "[Yes]", "[No]", "[No]", "[I'm safe for now]",
                 "[Yes, please]"):
        await ana.send(line)
    await ana.wait(20 * DAY)
    assert len(check_ins(ana)) == 3, "the first agreement's timers are stale"


async def test_the_agreed_times_are_in_the_export(bot: Bot) -> None:
    ana = bot.person("ana")
    await agree_to_check_ins(ana)
    await ana.send("/export")
    profile = ana.last_export()["profile"]
    due = [datetime.fromisoformat(at) for at in profile["follow_ups"]]
    crisis = bot.clock()
    assert [round((at - crisis) / timedelta(hours=1)) for at in due] == [24, 72, 168]


async def test_check_ins_keep_their_hours_across_a_daylight_saving_change(
    tmp_path: Path,
) -> None:
    # Europe's clocks go forward at 01:00 UTC on 28 March 2027: a check-in is due
    # 24, 72 and 168 real hours later, whatever the wall clock says.
    bot = Bot(tmp_path / "dst.db", start=datetime(2027, 3, 27, 20, 0, tzinfo=UTC))
    await bot.start()
    try:
        ana = bot.person("ana")
        await agree_to_check_ins(ana)
        agreed = bot.clock()
        await ana.wait(DAY - 60)
        assert check_ins(ana) == []
        await ana.wait(2 * 60)
        assert len(check_ins(ana)) == 1
        assert timedelta(hours=24) <= bot.clock() - agreed < timedelta(hours=24, minutes=2)
    finally:
        await bot.stop()


async def test_talking_in_the_crisis_conversation_does_not_start_it_again(bot: Bot) -> None:
    cara = bot.person("cara")
    for line in ("/start", "[Yes, keep them]", "United Kingdom", "I don't want to be alive anymore",
                 "[Yes]", "[Yes]", "[Yes]", "[I'll move it now]", "[Stay and talk]"):
        await cara.send(line)
    replies = await cara.say("I just feel like nobody would notice if I was gone")
    assert not any("killing yourself" in r or "Samaritans" in r for r in replies)
    assert any("Thank you" in r for r in replies)
    # A plan told in the middle of it: the lines again, at once.
    replies = await cara.say("I have the pills right here and I'm going to take them tonight")
    assert any("Samaritans" in r for r in replies)


async def test_i_am_fine_to_the_direct_question_is_a_no(bot: Bot) -> None:
    cara = bot.person("cara")
    await onboard(cara)
    await cara.send("I don't want to be alive anymore")
    replies = await cara.say("I'm fine")
    assert not any("plan" in r for r in replies)
    assert any("Thank you for" in r for r in replies)
