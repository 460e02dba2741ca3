"""The daily moment of a wellness channel: local time to UTC, across DST (the nudge
schedule's rules, reused); reading a time and a zone (the nudge parsers, reused)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.groups.schedule import next_moment, parse_clock, parse_zone
from bot.groups.state import GroupSettings


def on(time: str = "09:00", tz: str = "UTC", **fields: bool) -> GroupSettings:
    return GroupSettings(on=True, time=time, tz=tz, **fields)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("settings", "after", "expected"), [
    # Berlin is UTC+1 in winter, UTC+2 in summer.
    (on("08:30", "Europe/Berlin"), utc(2026, 11, 26, 9), utc(2026, 11, 27, 7, 30)),
    (on("08:30", "Europe/Berlin"), utc(2026, 7, 1, 5), utc(2026, 7, 1, 6, 30)),
    # Spring forward (29 March 2026, 02:00 -> 03:00): 02:30 happens at 03:30 local.
    (on("02:30", "Europe/Berlin"), utc(2026, 3, 28, 12), utc(2026, 3, 29, 1, 30)),
    # Fall back (25 October 2026, 03:00 -> 02:00): 02:30 happens once, the first time.
    (on("02:30", "Europe/Berlin"), utc(2026, 10, 24, 12), utc(2026, 10, 25, 0, 30)),
    (on("02:30", "Europe/Berlin"), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)),
    # New York moves on 8 March 2026: 09:00 is 14:00 UTC before, 13:00 UTC after.
    (on("09:00", "America/New_York"), utc(2026, 3, 7, 15), utc(2026, 3, 8, 13)),
    (on("09:00", "America/New_York"), utc(2026, 3, 6, 15), utc(2026, 3, 7, 14)),
    # Strictly after: the moment itself counts from the next day.
    (on("09:00"), utc(2026, 11, 26, 9), utc(2026, 11, 27, 9)),
    (on("09:00"), utc(2026, 11, 26, 8, 59), utc(2026, 11, 26, 9)),
])
def test_next_moment_in_local_time(settings: GroupSettings, after: datetime,
                                   expected: datetime) -> None:
    assert next_moment(settings, after, seed="g") == expected


def test_nothing_is_scheduled_when_off_or_nothing_is_wanted() -> None:
    now = utc(2026, 11, 26, 9)
    assert next_moment(GroupSettings(), now, seed="g") is None
    assert next_moment(on(prompt=False, digest=False), now, seed="g") is None
    assert next_moment(on(prompt=False), now, seed="g") is not None  # the digest still comes


def test_an_unknown_zone_or_time_falls_back_to_utc_and_nine() -> None:
    moment = next_moment(on("soon", "Nowhere/Land"), utc(2026, 1, 1), seed="g")
    assert moment == utc(2026, 1, 1, 9)


ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
         "America/Sao_Paulo", "Pacific/Chatham"]


@given(zone=st.sampled_from(ZONES), hour=st.integers(0, 23), minute=st.integers(0, 59),
       after=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 1, 1),
                          timezones=st.just(UTC)))
def test_the_next_moment_is_soon_after_and_at_the_chosen_local_time(
    zone: str, hour: int, minute: int, after: datetime
) -> None:
    settings = on(f"{hour:02d}:{minute:02d}", zone)
    moment = next_moment(settings, after, seed="g")
    assert moment is not None
    assert after < moment <= after + timedelta(hours=49)
    local = moment.astimezone(ZoneInfo(zone))
    if (local.hour, local.minute) != (hour, minute):
        # Only a time a DST gap skips that day happens at another local time.
        wanted = datetime.combine(local.date(), time(hour, minute), tzinfo=ZoneInfo(zone))
        back = wanted.astimezone(UTC).astimezone(ZoneInfo(zone))
        assert (back.hour, back.minute) != (hour, minute)


@pytest.mark.parametrize(("text", "expected"), [
    ("08:30", "08:30"), ("8:30", "08:30"), ("8", "08:00"), ("19.15", "19:15"),
    ("7pm", "19:00"), ("7 pm", "19:00"), ("12am", "00:00"), ("12pm", "12:00"),
    ("25:00", None), ("13pm", None), ("", None), ("soon", None), ("8:75", None),
])
def test_clock_parsing(text: str, expected: str | None) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Europe/Berlin", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"),
    ("America/New York", "America/New_York"), ("UTC", "UTC"), ("Berlin", "Europe/Berlin"),
    ("Mars/Base", None), ("", None), ("../etc/passwd", None),
])
def test_zone_parsing(text: str, expected: str | None) -> None:
    assert parse_zone(text) == expected


@given(st.text(max_size=80))
def test_parsers_never_raise(text: str) -> None:
    parse_clock(text)
    parse_zone(text)
