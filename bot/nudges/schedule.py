"""When a person's next compassion nudge is due, from the nudge fields of their profile.

Pure: no clock, no I/O.  The ``/nudges`` dialogue writes the fields with
``set_profile`` steps, as strings, so that the dialogue can read them back with
``from_profile``, quote them and branch on them.  The scheduler calls
:func:`next_due` whenever the profile changes and after each nudge.

Profile fields (odd or missing values never raise: each falls back to its default):

``nudge_on``
    ``"yes"`` turns nudges on; anything else, or nothing, is off.
``nudge_per_day``
    How many a day, ``"1"`` to ``"3"`` (clamped); default 1.
``nudge_window``
    ``"HH:MM"`` (a time) or ``"HH:MM-HH:MM"`` (a window within one day, start
    before end); default ``"09:00-11:00"``.
``nudge_days``
    ``"every"`` or weekdays such as ``"mon,wed,fri"``; default every day.
``nudge_quiet``
    ``"HH:MM-HH:MM"`` (may wrap midnight) or ``"none"``; default ``"22:00-07:00"``.
``nudge_pause_days``, ``nudge_pause_from``
    No nudges for that many days (0-365) from that moment (ISO 8601, the
    ``"{now}"`` of a ``set_profile`` step); a pause without a valid start is ignored.
``tz``
    IANA time zone name; default ``"UTC"``.
``unreachable``
    ``True`` (the platform refused delivery for good) means off.

The rules:

* Times are local to ``tz``.  Windows and quiet hours are half-open: quiet
  hours ``22:00-07:00`` are quiet at 22:00 and over at 07:00.
* A window: the part of it outside quiet hours is cut into ``per_day`` equal
  stretches and one minute is picked in each, pseudo-randomly from the seed, the
  local date and the slot number.  So it is stable when recomputed, different
  day to day, always inside the window and never in quiet hours.
* A single time ``T``: ``per_day`` slots :data:`SPACING` (3 hours) apart, ``T``,
  ``T+3h``, ``T+6h``, wrapping round within the same day.  A slot in quiet hours
  moves to the end of quiet hours when that is later the same day, and is
  skipped otherwise (with quiet ``22:00-07:00``: ``06:00`` moves to ``07:00``,
  ``23:00`` is skipped).
* Only on the chosen weekdays, of the local date.
* DST: a local time that does not exist (clocks spring forward) happens as far
  past the gap as it was into it (02:30 in a 02:00-03:00 gap happens at 03:30);
  an ambiguous one (clocks fall back) happens once, the first time (``fold=0``).
  A slot that a gap pushes into quiet hours or onto the next day is skipped.
* Nothing before the pause ends.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names as ``nudge_days`` holds them, Monday first (``date.weekday()``)."""
EVERY_DAY = "every"
NO_QUIET = "none"
YES = "yes"
MAX_PER_DAY = 3
MAX_PAUSE_DAYS = 365
DEFAULT_WINDOW = "09:00-11:00"
DEFAULT_QUIET = "22:00-07:00"
DEFAULT_TZ = "UTC"
SPACING = timedelta(hours=3)
"""How far apart the slots of a single time are, when more than one a day is asked for."""

MINUTES_PER_DAY = 24 * 60
# A day before the first candidate (a slot's local date may start before `after`
# in UTC) and a week after it (every allowed weekday comes round once).
_SEARCH_DAYS = 9
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

Span = tuple[int, int]
"""Minutes of the local day, ``[start, end)``; ``end`` may be below ``start`` (wraps)."""


def format_clock(minute: int) -> str:
    """Minutes since midnight as ``"HH:MM"``."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def read_clock(text: str) -> int | None:
    """``"HH:MM"`` (exactly as stored) as minutes since midnight."""
    match = _CLOCK.match(text)
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def read_span(text: str) -> Span | None:
    """``"HH:MM-HH:MM"`` as a span; a span that starts where it ends is no span."""
    start, dash, end = text.partition("-")
    first, last = read_clock(start), read_clock(end)
    if not dash or first is None or last is None or first == last:
        return None
    return first, last


def _is_yes(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().casefold() == YES)


def _flag(value: object) -> bool:
    """A stored yes/no that may have been written as a bool or as words."""
    return value is True or (
        isinstance(value, str) and value.strip().casefold() in {YES, "true", "1"}
    )


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) < 6:
        return int(value.strip())
    return None


def _zone(value: object) -> tzinfo:
    if isinstance(value, str) and value and len(value) < 80:
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return UTC  # DEFAULT_TZ, without needing the time zone database


def _window(value: object) -> tuple[int, int | None]:
    text = value if isinstance(value, str) else DEFAULT_WINDOW
    single = read_clock(text)
    if single is not None:
        return single, None
    span = read_span(text)
    if span is None or span[0] > span[1]:
        span = read_span(DEFAULT_WINDOW)
        assert span is not None
    return span


def _days(value: object) -> frozenset[int]:
    if isinstance(value, str):
        names = [part.strip() for part in value.casefold().split(",")]
        days = frozenset(WEEKDAYS.index(name) for name in names if name in WEEKDAYS)
        if days:
            return days
    return frozenset(range(7))


def _quiet(value: object) -> Span | None:
    text = value.strip().casefold() if isinstance(value, str) else DEFAULT_QUIET
    if text == NO_QUIET:
        return None
    return read_span(text) or read_span(DEFAULT_QUIET)


def _pause_until(days_value: object, from_value: object) -> datetime | None:
    days = _as_int(days_value)
    if not days or not isinstance(from_value, str):
        return None
    try:
        began = datetime.fromisoformat(from_value)
        if began.tzinfo is None:
            began = began.replace(tzinfo=UTC)
        return began.astimezone(UTC) + timedelta(days=min(days, MAX_PAUSE_DAYS))
    except (ValueError, OverflowError):
        return None


def _in_span(minute: int, span: Span) -> bool:
    start, end = span
    return start <= minute < end if start < end else minute >= start or minute < end


def _without(start: int, end: int, quiet: Span | None) -> list[Span]:
    """The pieces of ``[start, end)`` (not wrapping) outside quiet hours."""
    if quiet is None:
        return [(start, end)]
    qs, qe = quiet
    cuts = [(qs, qe)] if qs < qe else [(qs, MINUTES_PER_DAY), (0, qe)]
    pieces = [(start, end)]
    for cut_start, cut_end in cuts:
        kept: list[Span] = []
        for a, b in pieces:
            if cut_end <= a or cut_start >= b:
                kept.append((a, b))
                continue
            if a < cut_start:
                kept.append((a, cut_start))
            if cut_end < b:
                kept.append((cut_end, b))
        pieces = kept
    return pieces


def _draw(seed: str, day: date, slot: int) -> int:
    """A number fixed by who, which local date and which slot."""
    digest = hashlib.blake2b(f"{seed}\x00{day.isoformat()}\x00{slot}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


@dataclass(frozen=True, slots=True)
class NudgeSettings:
    """A person's nudge settings, read leniently from their profile (see the module)."""

    enabled: bool = False
    per_day: int = 1
    window_start: int = 9 * 60
    """Minutes since local midnight."""
    window_end: int | None = 11 * 60
    """End of the window (exclusive); ``None`` for a single time."""
    days: frozenset[int] = frozenset(range(7))
    """Allowed weekdays, 0 = Monday."""
    quiet: Span | None = (22 * 60, 7 * 60)
    zone: tzinfo = UTC
    pause_until: datetime | None = None

    @classmethod
    def from_profile(cls, profile: Mapping[str, object]) -> NudgeSettings:
        """The settings in ``profile``; never raises, whatever the values are."""
        per_day = _as_int(profile.get("nudge_per_day"))
        start, end = _window(profile.get("nudge_window", DEFAULT_WINDOW))
        return cls(
            enabled=_is_yes(profile.get("nudge_on")) and not _flag(profile.get("unreachable")),
            per_day=min(max(per_day or 1, 1), MAX_PER_DAY),
            window_start=start,
            window_end=end,
            days=_days(profile.get("nudge_days")),
            quiet=_quiet(profile.get("nudge_quiet", DEFAULT_QUIET)),
            zone=_zone(profile.get("tz")),
            pause_until=_pause_until(profile.get("nudge_pause_days"),
                                     profile.get("nudge_pause_from")),
        )

    def paused_at(self, moment: datetime) -> bool:
        return self.pause_until is not None and moment < self.pause_until

    def active_at(self, moment: datetime) -> bool:
        """On, and not paused at ``moment``."""
        return self.enabled and not self.paused_at(moment)

    def in_quiet_hours(self, minute: int) -> bool:
        return self.quiet is not None and _in_span(minute, self.quiet)

    def local_slots(self, day: date, *, seed: str) -> list[int]:
        """The minutes of ``day`` (local) when a nudge is due, before any DST shift."""
        if day.weekday() not in self.days:
            return []
        if self.window_end is None:
            return self._single_slots()
        pieces = _without(self.window_start, self.window_end, self.quiet)
        length = sum(b - a for a, b in pieces)
        minutes: set[int] = set()
        for slot in range(self.per_day):
            low, high = slot * length // self.per_day, (slot + 1) * length // self.per_day
            if high > low:
                minutes.add(_at_offset(pieces, low + _draw(seed, day, slot) % (high - low)))
        return sorted(minutes)

    def _single_slots(self) -> list[int]:
        step = int(SPACING.total_seconds()) // 60
        minutes: set[int] = set()
        for slot in range(self.per_day):
            minute = (self.window_start + slot * step) % MINUTES_PER_DAY
            if self.quiet is not None and _in_span(minute, self.quiet):
                quiet_end = self.quiet[1]
                if quiet_end <= minute:
                    continue  # quiet hours run past midnight: nothing more today
                minute = quiet_end
            minutes.add(minute)
        return sorted(minutes)

    def slots_on(self, day: date, *, seed: str) -> list[datetime]:
        """The moments (UTC) on local ``day`` when a nudge is due, earliest first."""
        moments: set[datetime] = set()
        for minute in self.local_slots(day, seed=seed):
            # fold=0: an ambiguous time is its first occurrence; a time in a gap
            # is read with the offset before the gap, which lands past it.
            local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)
            moment = local.astimezone(UTC)
            actual = moment.astimezone(self.zone)
            if actual.date() != day or self.in_quiet_hours(actual.hour * 60 + actual.minute):
                continue
            moments.add(moment)
        return sorted(moments)

    def next_due(self, after: datetime, *, seed: str) -> datetime | None:
        """The first due moment strictly after ``after`` and not in a pause, in UTC."""
        if not self.enabled:
            return None
        after = after.replace(tzinfo=UTC) if after.tzinfo is None else after.astimezone(UTC)
        start = max(after, self.pause_until) if self.pause_until is not None else after
        try:
            first_day = start.astimezone(self.zone).date() - timedelta(days=1)
            for offset in range(_SEARCH_DAYS):
                for moment in self.slots_on(first_day + timedelta(days=offset), seed=seed):
                    if moment > after and not self.paused_at(moment):
                        return moment
        except OverflowError:
            return None  # a date at the very end of the calendar: nothing to schedule
        return None


def _at_offset(pieces: list[Span], offset: int) -> int:
    """The minute ``offset`` minutes into the pieces laid end to end."""
    for start, end in pieces:
        if offset < end - start:
            return start + offset
        offset -= end - start
    raise ValueError("offset beyond the pieces")


def next_due(profile: Mapping[str, object], after: datetime, *, seed: str) -> datetime | None:
    """The next moment strictly after ``after`` (aware, UTC) when a nudge is due for
    this profile, in UTC; ``None`` when nudges are off.  ``seed`` (the person's id)
    makes the minute picked inside a window theirs."""
    return NudgeSettings.from_profile(profile).next_due(after, seed=seed)
