"""The operator's counts through the running bot: each crisis response, concern check
and showing of the crisis lines is counted once, per day, with nobody named, and the
counts outlive /forget (they belong to no one)."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta

from tests.harness import Bot, onboard

DAY = 24 * 3600


async def counts(bot: Bot) -> dict[tuple[str, str], int]:
    assert bot.store is not None
    return {(c.day.isoformat(), c.kind): c.count for c in await bot.store.safety_report()}


async def test_crisis_concern_and_lines_are_counted_by_day(bot: Bot) -> None:
    ana, ben = bot.person("ana"), bot.person("ben")
    await onboard(ana)
    await onboard(ben)
    today = bot.clock().date().isoformat()
    await ana.say("I want to kill myself")           # a crisis: its lines shown once
    await ben.send("/sos")                           # the lines, no crisis
    assert await counts(bot) == {(today, "crisis"): 1, (today, "resources"): 2}
    await ben.wait(DAY)
    tomorrow = (bot.clock()).date().isoformat()
    await ben.say("I can't do this anymore, everything is too much")
    after = await counts(bot)
    assert after[(today, "crisis")] == 1
    assert after.get((tomorrow, "concern"), 0) + after.get((tomorrow, "crisis"), 0) == 1


async def test_a_redelivered_message_is_not_counted_twice(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    await ana.say("I want to kill myself")
    await ana.redeliver()
    report = await counts(bot)
    assert report[(bot.clock().date().isoformat(), "crisis")] == 1


async def test_the_counts_outlive_forget_and_name_nobody(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    await ana.say("I want to kill myself")
    await ana.send("/forget")
    await ana.send("[Yes, delete everything]")
    report = await counts(bot)
    assert report[(bot.clock().date().isoformat(), "crisis")] == 1
    # Nobody is named: the rows are a day, a kind and a number, and nothing else
    # (tests/store/test_schema.py checks the table's columns on both backends).
    assert bot.store is not None
    rows = await bot.store.safety_report(since=bot.clock().date() - timedelta(days=1))
    assert rows
    assert {tuple(f.name for f in fields(row)) for row in rows} == {("day", "kind", "count")}
