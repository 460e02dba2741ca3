"""When a wellness channel's daily moment (prompt, weekly digest) is next due, in UTC.

The local-time arithmetic, DST included, is the nudge schedule's: a group's
moment is a nudge setting of one single time a day, every day, with no quiet
hours, in the group's time zone.  So a time that a spring-forward gap skips
happens as far past the gap as it was into it, and an ambiguous one (clocks
fall back) happens once, the first time.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.groups.state import DEFAULT_TIME, GroupSettings
from bot.nudges.schedule import NudgeSettings, read_clock


def zone_of(settings: GroupSettings) -> tzinfo:
    """The group's time zone; UTC when the stored name is unknown here."""
    try:
        return ZoneInfo(settings.tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def next_moment(settings: GroupSettings, after: datetime, *, seed: str) -> datetime | None:
    """The first daily moment strictly after ``after``, or ``None`` when nothing is
    scheduled (wellness off, or neither prompts nor the digest wanted)."""
    if not settings.on or not (settings.prompt or settings.digest):
        return None
    minute = read_clock(settings.time)
    if minute is None:
        minute = read_clock(DEFAULT_TIME)
        assert minute is not None
    daily = NudgeSettings(enabled=True, per_day=1, window_start=minute, window_end=None,
                          quiet=None, zone=zone_of(settings))
    return daily.next_due(after, seed=seed)
