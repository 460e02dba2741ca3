"""Timers keep their pace when the system clock is set back.

Someone is halfway through paced breathing when the machine's clock is set back
an hour (by hand, a VM restored from a snapshot, NTP correcting a clock that
ran fast).  The next breath must still come five seconds later, not an hour
later.  The machine here is fake: its wall clock and its monotonic clock move
only when the test says so, and no test waits in real time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.app import open_app
from bot.clock import SteadyClock
from bot.config import Settings
from tests.harness import START, Bot, Person, texts

HOUR = timedelta(hours=1)
BREATHS = 6
"""Paced messages of the breathing exercise: three in-breaths, three out-breaths."""


class Machine:
    """A computer's two clocks, and the bot's steady clock over them.

    ``now`` is what :meth:`Bot.advance` moves when time passes: both clocks
    advance.  :meth:`set_clock` is someone changing the system time: only the
    wall clock moves.
    """

    def __init__(self, start: datetime = START) -> None:
        self.wall = start
        self.ticks = 5000.0
        self.steady = SteadyClock(lambda: self.wall, lambda: self.ticks)

    def __call__(self) -> datetime:
        return self.steady()

    @property
    def now(self) -> datetime:
        return self.wall

    @now.setter
    def now(self, value: datetime) -> None:
        self.ticks += (value - self.wall).total_seconds()
        self.wall = value

    def set_clock(self, by: timedelta) -> None:
        self.wall += by

    def restart(self) -> None:
        """A new process: its clock starts from the system clock."""
        self.steady = SteadyClock(lambda: self.wall, lambda: self.ticks)


@pytest.fixture
async def machine_bot(tmp_path: Path) -> AsyncIterator[tuple[Bot, Machine]]:
    bot = Bot(tmp_path / "bot.db")
    machine = Machine()
    bot.clock = machine  # type: ignore[assignment]  # same interface: called, and .now moved
    await bot.start()
    yield bot, machine
    await bot.stop()


async def start_breathing(person: Person) -> None:
    await person.say("hello")
    await person.press("Yes, keep them")
    await person.say("UK")
    await person.command("breathe")
    await person.say("6")
    replies = await person.press("Slow breathing")
    assert replies[-1].startswith(("Breathe in", "In…", "Let the breath"))


async def test_breathing_keeps_its_pace_when_the_clock_is_set_back_an_hour(
    machine_bot: tuple[Bot, Machine],
) -> None:
    bot, machine = machine_bot
    ana = bot.person("ana")
    await start_breathing(ana)

    machine.set_clock(-HOUR)
    paced = [texts(await ana.wait(8)) for _ in range(BREATHS)]

    # Every breath came within its 5-7 seconds, the one pending at the step too,
    # and then the question after the last one.
    assert all(len(replies) == 1 for replies in paced), paced
    assert "notice" in paced[-1][0].casefold()
    assert machine.steady.ahead == HOUR


async def test_breathing_keeps_its_pace_when_the_clock_is_set_back_mid_exercise(
    machine_bot: tuple[Bot, Machine],
) -> None:
    bot, machine = machine_bot
    ana = bot.person("ana")
    await start_breathing(ana)
    first = [texts(await ana.wait(8)) for _ in range(2)]
    machine.set_clock(-HOUR)
    machine.set_clock(-HOUR)  # and again: the steps add up, the pace stays
    rest = [texts(await ana.wait(8)) for _ in range(BREATHS - 2)]
    assert all(len(replies) == 1 for replies in first + rest), first + rest


def test_the_steady_clock_never_goes_back_and_follows_a_step_forward() -> None:
    machine = Machine()
    clock = machine.steady
    assert clock() == START
    machine.now += timedelta(seconds=10)
    assert clock() == START + timedelta(seconds=10)
    machine.set_clock(-HOUR)
    assert clock() == START + timedelta(seconds=10)  # not back, not stalled either
    machine.now += timedelta(seconds=5)
    assert clock() == START + timedelta(seconds=15)
    assert clock.ahead == HOUR
    # NTP setting a clock that booted late: followed at once, so nudges come at
    # the person's real time.
    machine.set_clock(3 * HOUR)
    assert clock() == START + timedelta(seconds=15) + 2 * HOUR
    assert clock.ahead == timedelta(0)


def test_after_a_restart_the_clock_is_the_system_clock_again() -> None:
    machine = Machine()
    machine.now += timedelta(seconds=10)
    machine.set_clock(-HOUR)
    assert machine() - machine.wall == HOUR
    machine.restart()
    assert machine() == machine.wall


async def test_the_bot_runs_on_one_steady_clock(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}")
    async with open_app(settings) as app:
        assert isinstance(app.runtime.clock, SteadyClock)
        assert app.scheduler.clock is app.runtime.clock is app.dispatcher.clock
