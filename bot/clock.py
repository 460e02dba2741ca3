"""The bot's own clock: UTC, but never stepped back while it runs.

Timers are stored with their due time in UTC (a breathing pause ends 5 s after
it began, a check-in a day later) so that they survive a restart.  Read from
the system clock alone, a step of that clock would move them: set back an hour
(by hand, by a virtual machine resumed from a snapshot, by NTP correcting a
clock that ran ahead) and every pause waits an hour longer, the breathing
exercise stalled mid-breath.

:class:`SteadyClock` follows the system clock, except that it never runs slower
than the monotonic clock: after a step back it keeps counting from where it
was, so due times written before and after the step stay on one timeline and
come due on time.  It is ahead of the system clock by the step from then on,
until the bot restarts, when it starts again from the system clock (stored due
times are wall-clock times across a restart).  A step *forward* is followed at
once: that is how a board without a battery-backed clock gets the right time
from NTP after boot, and nudges must come at the person's real 9:00.  Timers
pending at that moment come due early, once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

log = logging.getLogger(__name__)

STEP = timedelta(seconds=2)
"""A jump between two readings larger than this is a clock step worth a log line
(NTP's slewing changes the rate by at most 0.05 %)."""


def system_utc() -> datetime:
    """The system's wall clock, in UTC."""
    return datetime.now(UTC)


class SteadyClock:
    """``now()`` in UTC that never goes back and never stalls while the process runs.

    ``wall`` and ``monotonic`` are the system's clocks; tests pass fakes.
    """

    def __init__(
        self,
        wall: Callable[[], datetime] = system_utc,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._wall = wall
        self._monotonic = monotonic
        self._last = wall()
        self._last_tick = monotonic()
        self.ahead = timedelta(0)
        """How far this clock runs ahead of the system clock (after a step back)."""

    def __call__(self) -> datetime:
        wall, tick = self._wall(), self._monotonic()
        steady = self._last + timedelta(seconds=max(0.0, tick - self._last_tick))
        self._note_step(steady - wall)
        now = max(wall, steady)
        self._last, self._last_tick = now, tick
        self.ahead = now - wall
        return now

    def _note_step(self, ahead: timedelta) -> None:
        """Log a step of the system clock, once each time one happens: ``ahead`` is
        how far the steady reading is ahead of the system clock now."""
        if ahead - self.ahead > STEP:
            log.warning("the system clock was set back by %s; timers keep their pace on the "
                        "bot's own clock, now %s ahead of the system clock until the bot "
                        "restarts", ahead - self.ahead, ahead)
        elif ahead < -STEP:
            log.warning("the system clock jumped ahead by %s; timers pending now come due "
                        "early", -ahead)
