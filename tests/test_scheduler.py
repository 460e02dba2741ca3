"""Timers through the scheduler: on time, after a restart, once only, gone after /forget.

The whole bot runs on a real SQLite file with a fake clock; no test waits in
real time.  A person who agreed to a check-in after a crisis is the running
example: the scheduler must start it a day later, exactly once.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.scheduler import Scheduler
from tests.harness import Bot, Person, texts

DAY = 24 * 3600
CHECK_IN = "yesterday"  # every wording of the check-in's first line mentions it


async def agree_to_a_check_in(person: Person) -> None:
    for line in ("My friend didn't reply and I feel worthless", "[Yes, keep them]",
                 "United States", "[Let's go on]", "[Lonely]", "[9]",
                 "honestly I want to kill myself", "[Yes]", "[No]", "[No]", "[I'm safe for now]",
                 "[Yes, please]"):
        await person.send(line)


def check_ins(person: Person) -> list[str]:
    return [t for t in texts(person.received()) if CHECK_IN in t.casefold()]


async def test_the_check_in_comes_a_day_later_and_only_once(bot: Bot) -> None:
    ana = bot.person("ana")
    await agree_to_a_check_in(ana)
    assert texts(await ana.wait(DAY - 120)) == []
    arrived = texts(await ana.wait(240))
    assert len(arrived) == 1 and CHECK_IN in arrived[0].casefold()
    # The next check-in is three days after the crisis (tests/test_follow_ups.py).
    assert texts(await ana.wait(DAY)) == []
    assert len(check_ins(ana)) == 1


async def test_a_timer_survives_a_restart(bot: Bot) -> None:
    ana = bot.person("ana")
    await agree_to_a_check_in(ana)
    await bot.restart()
    await ana.wait(DAY + 60)
    assert len(check_ins(ana)) == 1


async def test_forget_cancels_the_check_in(bot: Bot) -> None:
    ana = bot.person("ana")
    await agree_to_a_check_in(ana)
    await ana.send("/forget")
    await ana.send("[Yes, delete everything]")
    assert await ana.wait(2 * DAY) == []


async def test_two_workers_ticking_at_once_start_it_once(bot: Bot) -> None:
    ana, ben = bot.person("ana"), bot.person("ben")
    await agree_to_a_check_in(ana)
    await agree_to_a_check_in(ben)
    assert bot.store is not None and bot.runtime is not None
    bot.clock.now += timedelta(seconds=DAY + 60)
    workers = [Scheduler(bot.store, bot.runtime, bot.clock) for _ in range(3)]
    await asyncio.gather(*(w.run_once() for w in workers))
    await asyncio.gather(*(w.run_once() for w in workers))
    await bot.runtime.dispatcher.flush()
    assert len(check_ins(ana)) == len(check_ins(ben)) == 1


async def test_a_worker_that_died_after_claiming_is_replaced_after_the_lease(bot: Bot) -> None:
    ana = bot.person("ana")
    await agree_to_a_check_in(ana)
    assert bot.store is not None
    bot.clock.now += timedelta(seconds=DAY + 60)
    # A worker claims the timer and dies before handling it.
    claimed = await bot.store.claim_timers(bot.clock.now, 10, timedelta(minutes=2))
    assert len(claimed) == 1
    assert await ana.wait(30) == []  # still held by the dead worker
    await ana.wait(180)
    assert len(check_ins(ana)) == 1


async def test_a_worker_that_died_after_the_turn_sends_nothing_twice(bot: Bot) -> None:
    ana = bot.person("ana")
    await agree_to_a_check_in(ana)
    assert bot.store is not None and bot.runtime is not None
    bot.clock.now += timedelta(seconds=DAY + 60)
    # A worker runs the turn but dies before deleting its timer.
    claimed = await bot.store.claim_timers(bot.clock.now, 10, timedelta(minutes=2))
    from bot.scheduler import timer_event

    await bot.runtime.handle(timer_event(claimed[0]))
    await bot.runtime.dispatcher.flush()
    assert len(check_ins(ana)) == 1
    assert await bot.advance(600) == 1  # taken again after the lease: a duplicate
    assert len(check_ins(ana)) == 1
    assert await bot.advance(600) == 0  # and deleted this time


async def test_a_check_in_waits_for_no_one_else(bot: Bot) -> None:
    """Another person's conversation goes on while a timer is pending."""
    ana, ben = bot.person("ana"), bot.person("ben")
    await agree_to_a_check_in(ana)
    replies = await ben.say("hello")
    assert replies
    assert check_ins(ana) == []
