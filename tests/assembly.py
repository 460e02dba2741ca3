"""What the platform harnesses share so that a conversation test never waits on time.

* :class:`SimulatedPace`: the rate limiters' clock and sleep.  A limiter paces
  exactly as in production (the same burst, the same rate per chat and overall,
  the same priorities), but its waits move a simulated clock instead of the
  real one, and each wait is recorded so that a test can check the pacing.
* :func:`shared_engine`: one :class:`~bot.engine.Engine` per set of settings it
  depends on, for the whole test process.  The engine is immutable (one instance
  serves every conversation in production too); building it reads every dialogue,
  the crisis resources and the prompt library, which was most of each platform
  test's setup.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import build_engine, build_limiters
from bot.config import Settings
from bot.engine import Engine
from bot.ratelimit import RateLimiter


class SimulatedPace:
    """A monotonic clock that moves only when a rate limiter waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []
        """Every wait a limiter asked for, in seconds of simulated time."""

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += max(0.0, seconds)
        # Still a suspension point, as the real sleep is: others run meanwhile.
        await asyncio.sleep(0)

    def limiters(self, settings: Settings) -> dict[str, RateLimiter]:
        """The production limiters of ``settings``, on this clock."""
        return build_limiters(settings, clock=self.clock, sleep=self.sleep)


_ENGINES: dict[tuple[Path, int, int, int], Engine] = {}


def shared_engine(settings: Settings) -> Engine:
    """The engine ``open_app`` would build for ``settings``, built once per process.

    Keyed by every setting :func:`~bot.app.build_engine` reads, so a test that
    changes one of them (its own dialogues folder) gets an engine of its own.
    """
    key = (settings.dialogues_dir.resolve(), settings.max_answer_chars,
           settings.nudge_grace_minutes, settings.min_age)
    if key not in _ENGINES:
        _ENGINES[key] = build_engine(settings)
    return _ENGINES[key]
