"""When a wellness channel's daily moment (prompt, weekly digest) is next due, in UTC,
and reading the time and time zone an admin types.

The local-time arithmetic is the nudge schedule's (:mod:`bot.nudges.schedule`): a
group's moment is a nudge setting of one single time a day, every day, with no
quiet hours, in the group's time zone.  So a time that a spring-forward gap
skips happens as far past the gap as it was into it, and an ambiguous one
(clocks fall back) happens once, the first time.  Times and zones are read by
the nudge settings' parsers (:mod:`bot.nudges.parse`).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.groups.state import DEFAULT_TIME, GroupSettings
from bot.nudges.parse import parse_time_window, parse_timezone
from bot.nudges.schedule import NudgeSettings, read_clock


def zone_of(settings: GroupSettings) -> tzinfo:
    """The group's time zone; UTC when the stored name is unknown here."""
    try:
        return ZoneInfo(settings.tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def next_moment(settings: GroupSettings, after: datetime, *, seed: str) -> datetime | None:
    """The first daily moment strictly after ``after``, or ``None`` when nothing is
    scheduled (wellness off, or neither prompts nor the digest wanted).  ``seed``
    is the nudge schedule's (it only matters for windows, which groups do not use)."""
    if not settings.on or not (settings.prompt or settings.digest):
        return None
    minute = read_clock(settings.time)
    if minute is None:
        minute = read_clock(DEFAULT_TIME)
        assert minute is not None
    daily = NudgeSettings(enabled=True, per_day=1, window_start=minute, window_end=None,
                          quiet=None, zone=zone_of(settings))
    return daily.next_due(after, seed=seed)


def parse_clock(text: str) -> str | None:
    """A time of day as typed ("8:30", "7pm", "19.00") -> ``"HH:MM"``; a window or
    anything else -> ``None``."""
    clock = parse_time_window(text)
    return clock if clock is not None and read_clock(clock) is not None else None


def parse_zone(text: str) -> str | None:
    """A time zone as typed (a zone name, a city or country, a UTC offset) -> its
    IANA name, or ``None``."""
    return parse_timezone(text)
