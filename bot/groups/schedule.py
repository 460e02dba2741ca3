"""When a wellness channel's daily moment (prompt, weekly digest) is next due, in UTC,
and reading the time and time zone an admin types.

DST: a local time that a spring-forward gap skips happens as far past the gap as
it was into it (02:30 in a 02:00-03:00 gap happens at 03:30); an ambiguous one
(clocks fall back) happens once, the first time.  These are the nudge
schedule's rules.

STAND-IN: the nudge schedule and its parsers (``bot.nudges.schedule``,
``bot.nudges.parse``) are not on main yet.  When they land, these functions
become thin calls into them (a nudge setting of one single time a day, no
quiet hours, in the group's zone; ``parse_time_window`` and
``parse_timezone``), and the tests of this module keep holding.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.groups.state import DEFAULT_TIME, GroupSettings

_CLOCK = re.compile(r"^([01]?\d|2[0-3])(?:[:.h]([0-5]\d))?\s*(am|pm)?$")
# A day before the first candidate (the local date may start before `after` in
# UTC) and two after it.
_SEARCH_DAYS = 4


def zone_of(settings: GroupSettings) -> tzinfo:
    """The group's time zone; UTC when the stored name is unknown here."""
    try:
        return ZoneInfo(settings.tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def _minute(clock: str) -> int:
    parsed = parse_clock(clock) or DEFAULT_TIME
    hours, minutes = parsed.split(":")
    return int(hours) * 60 + int(minutes)


def at_local(day: date, minute: int, zone: tzinfo) -> datetime:
    """``day`` at ``minute`` past local midnight, in UTC (DST rules as above)."""
    # fold=0: an ambiguous time is its first occurrence; a time in a gap is read
    # with the offset before the gap, which lands past it.
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    return local.astimezone(UTC)


def next_moment(settings: GroupSettings, after: datetime, *, seed: str) -> datetime | None:
    """The first daily moment strictly after ``after``, or ``None`` when nothing is
    scheduled (wellness off, or neither prompts nor the digest wanted).  ``seed``
    is unused (every group's moment is the minute its admin chose); it keeps the
    nudge schedule's signature."""
    if not settings.on or not (settings.prompt or settings.digest):
        return None
    zone = zone_of(settings)
    minute = _minute(settings.time)
    first = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(_SEARCH_DAYS):
        moment = at_local(first + timedelta(days=offset), minute, zone)
        if moment > after:
            return moment
    return None


def parse_clock(text: str) -> str | None:
    """A time of day as typed ("8:30", "7pm", "19.00") -> ``"HH:MM"``, else ``None``."""
    match = _CLOCK.match(" ".join(text.casefold().replace(" ", "").split()))
    if match is None:
        return None
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    return f"{hour:02d}:{minute:02d}"


def parse_zone(text: str) -> str | None:
    """An IANA time zone name, in any case ("europe/berlin" -> ``"Europe/Berlin"``)."""
    return _zones().get(text.strip().casefold().replace(" ", "_"))


@functools.cache
def _zones() -> dict[str, str]:
    return {zone.casefold(): zone for zone in available_timezones()}
