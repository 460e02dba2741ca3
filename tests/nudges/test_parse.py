"""What people type when they set up nudges: time zones, times, quiet hours, days.

Table tests for the ways people say things, and property tests that no text
makes a parser raise and that whatever a parser returns is a setting the
schedule reads back as meant.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nudges.parse import parse_days, parse_quiet_hours, parse_time_window, parse_timezone
from bot.nudges.schedule import NudgeSettings, read_clock, read_span

TIMEZONES = {
    "Europe/Berlin": "Europe/Berlin",
    "europe/berlin": "Europe/Berlin",
    "AMERICA/NEW_YORK": "America/New_York",
    "america/new york": "America/New_York",
    "berlin": "Europe/Berlin",
    "Berlin": "Europe/Berlin",
    "New York": "America/New_York",
    "new york city": "America/New_York",
    "sao paulo": "America/Sao_Paulo",
    "São Paulo": "America/Sao_Paulo",
    "london": "Europe/London",
    "I live in London": "Europe/London",
    "Manchester, UK": "Europe/London",
    "north of england": "Europe/London",
    "boston": "America/New_York",
    "sf": "America/Los_Angeles",
    "Mumbai": "Asia/Kolkata",
    "tokyo": "Asia/Tokyo",
    "Germany": "Europe/Berlin",
    "UTC": "UTC",
    "gmt": "UTC",
    "UTC+2": "Etc/GMT-2",
    "utc +2": "Etc/GMT-2",
    "GMT-3": "Etc/GMT+3",
    "-3": "Etc/GMT+3",
    "+14": "Etc/GMT-14",
    "UTC\u22125": "Etc/GMT+5",
    "+05:30": "Asia/Kolkata",
    "UTC+5:45": "Asia/Kathmandu",
    "+0530": "Asia/Kolkata",
}
NOT_TIMEZONES = ["", "   ", "hello", "somewhere warm", "UTC+15", "GMT-13", "+05:17", "+2:75",
                 "christmas", "x" * 500, "I don't know",
                 # In the zone database, but the server's zone or a placeholder.
                 "localtime", "LOCALTIME", "Factory", "posixrules"]


@pytest.mark.parametrize(("typed", "zone"), TIMEZONES.items())
def test_time_zones_by_name_city_country_or_offset(typed: str, zone: str) -> None:
    assert parse_timezone(typed) == zone


@pytest.mark.parametrize("typed", NOT_TIMEZONES)
def test_what_is_not_a_place_is_asked_again(typed: str) -> None:
    assert parse_timezone(typed) is None


def test_an_offset_zone_keeps_the_offset_that_was_typed() -> None:
    # Etc/ names have the sign the other way round; the person gets what they asked for.
    from datetime import UTC, datetime

    moment = datetime(2026, 7, 1, 12, tzinfo=UTC)
    for typed, hours in (("UTC+2", 2), ("GMT-3", -3), ("+14", 14), ("-12", -12)):
        zone = parse_timezone(typed)
        assert zone is not None
        offset = moment.astimezone(ZoneInfo(zone)).utcoffset()
        assert offset is not None
        assert offset.total_seconds() == hours * 3600, typed


WINDOWS = {
    "9": "09:00",
    "9am": "09:00",
    "9 am": "09:00",
    "9 a.m.": "09:00",
    "21:30": "21:30",
    "9.30": "09:30",
    "noon": "12:00",
    "around 8ish": "08:00",
    "12am": "00:00",
    "12pm": "12:00",
    "between 9 and 11": "09:00-11:00",
    "9-11": "09:00-11:00",
    "9 – 11": "09:00-11:00",
    "9am to 11am": "09:00-11:00",
    "from 7pm until 9pm": "19:00-21:00",
    "9-11pm": "21:00-23:00",
    "10 to 2pm": "10:00-14:00",
    "9 to 5": "09:00-17:00",
    "18:15-19:45": "18:15-19:45",
}
NOT_WINDOWS = ["", "soon", "whenever", "25", "13pm", "9:75", "11pm-1am", "9 or 10",
               "9 to 11 to 12", "today",
               # A minus sign is no time of day, and a span needs both ends.
               "-1:00", "- 1:00", "-9", "-9am", "9-", "9 -", "9 to"]


@pytest.mark.parametrize(("typed", "stored"), WINDOWS.items())
def test_a_time_or_a_window(typed: str, stored: str) -> None:
    assert parse_time_window(typed) == stored


@pytest.mark.parametrize("typed", NOT_WINDOWS)
def test_what_is_not_a_time_or_a_window_within_a_day_is_asked_again(typed: str) -> None:
    assert parse_time_window(typed) is None


QUIET = {
    "10pm-7am": "22:00-07:00",
    "22:00 to 07:00": "22:00-07:00",
    "10-7": "22:00-07:00",
    "11pm to 6:30am": "23:00-06:30",
    "1-7": "01:00-07:00",
    "between 13 and 14": "13:00-14:00",
    "none": "none",
    "No quiet hours": "none",
}
QUIET_SPANS = [typed for typed, stored in QUIET.items() if stored != "none"]


@pytest.mark.parametrize(("typed", "stored"), QUIET.items())
def test_quiet_hours_may_run_past_midnight(typed: str, stored: str) -> None:
    assert parse_quiet_hours(typed) == stored


@pytest.mark.parametrize("typed", ["9", "at night", "10-10", ""])
def test_quiet_hours_need_a_start_and_an_end(typed: str) -> None:
    assert parse_quiet_hours(typed) is None


@given(st.sampled_from([*WINDOWS, *QUIET_SPANS]), st.sampled_from(["-", "- ", " -", "-  "]))
@settings(derandomize=True, deadline=None)
def test_a_time_with_a_minus_sign_in_front_is_never_read(typed: str, minus: str) -> None:
    """Whatever a person types, "-" before it makes it no time: it never quietly
    becomes the time without the sign."""
    assert parse_time_window(minus + typed) is None
    assert parse_quiet_hours(minus + typed) is None


DAYS = {
    "weekdays": "mon,tue,wed,thu,fri",
    "Every day": "every",
    "daily": "every",
    "mon wed fri": "mon,wed,fri",
    "Monday, Wednesday and Friday": "mon,wed,fri",
    "mondays": "mon",
    "every monday": "mon",
    "weekends": "sat,sun",
    "the weekend": "sat,sun",
    "mon-thu": "mon,tue,wed,thu",
    "Tuesday to Thursday": "tue,wed,thu",
    "fri to mon": "mon,fri,sat,sun",
    "every day except sunday": "mon,tue,wed,thu,fri,sat",
    "not on weekends": "mon,tue,wed,thu,fri",
    "weekdays and sunday": "mon,tue,wed,thu,fri,sun",
    "all": "every",
}


@pytest.mark.parametrize(("typed", "stored"), DAYS.items())
def test_days(typed: str, stored: str) -> None:
    assert parse_days(typed) == stored


@pytest.mark.parametrize("typed", ["", "we will see", "sometimes", "not on any day",
                                   "monday but not monday"])
def test_what_names_no_day_is_asked_again(typed: str) -> None:
    assert parse_days(typed) is None


# --- properties -----------------------------------------------------------------

texts = st.one_of(
    st.text(max_size=120),
    st.text(alphabet="0123456789:.-+ apmutcgh", max_size=20),
    st.lists(st.sampled_from(["9", "11", "am", "pm", "to", "and", "between", "-", ":30",
                              "utc", "+", "mon", "fri", "except", "weekdays", "new", "york",
                              "noon", "every", "day", "\u2212", "5:45"]),
             max_size=8).map(" ".join),
)


@given(texts)
@settings(max_examples=500, deadline=None)
def test_no_text_makes_a_parser_raise_and_every_answer_is_readable(text: str) -> None:
    zone = parse_timezone(text)
    if zone is not None:
        ZoneInfo(zone)
    window = parse_time_window(text)
    if window is not None:
        single, span = read_clock(window), read_span(window)
        assert single is not None or (span is not None and span[0] < span[1])
        settings_read = NudgeSettings.from_profile({"nudge_window": window})
        assert settings_read.window_start == (single if single is not None else span[0])
    quiet = parse_quiet_hours(text)
    if quiet is not None:
        assert quiet == "none" or read_span(quiet) is not None
    days = parse_days(text)
    if days is not None:
        read = NudgeSettings.from_profile({"nudge_days": days}).days
        assert read == (frozenset(range(7)) if days == "every" else read)
        assert days == "every" or len(read) == days.count(",") + 1
