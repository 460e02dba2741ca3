"""When nudges are due: at the person's local times, on their days, never in their
quiet hours or a pause, and right across daylight-saving changes.

Times are asserted as the person would see them on their own clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nudges.schedule import WEEKDAYS, NudgeSettings, format_clock, next_due

SEED = "ana"


def profile(**fields: object) -> dict[str, object]:
    """Nudges on, in UTC, no quiet hours, plus ``fields``."""
    return {"nudge_on": "yes", "tz": "UTC", "nudge_quiet": "none", **fields}


def clock(moment: datetime | None, tz: str) -> str:
    """A due moment as the wall clock in ``tz`` shows it."""
    assert moment is not None, "no nudge is due"
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %a")


def upcoming(fields: dict[str, object], after: datetime, n: int) -> list[datetime]:
    """The next ``n`` due moments, each found from the one before."""
    found: list[datetime] = []
    for _ in range(n):
        moment = next_due(fields, after, seed=SEED)
        assert moment is not None
        found.append(moment)
        after = moment
    return found


# --- daylight saving ------------------------------------------------------------

SPRING_FORWARD = [
    # zone, the local time asked for (inside the gap), a moment the day before, wall clock
    ("Europe/Berlin", "02:30", datetime(2026, 3, 28, 12, tzinfo=UTC), "2026-03-29 03:30 Sun"),
    ("America/New_York", "02:30", datetime(2026, 3, 7, 12, tzinfo=UTC), "2026-03-08 03:30 Sun"),
    # Lord Howe Island moves by half an hour: 02:00 -> 02:30.
    ("Australia/Lord_Howe", "02:15", datetime(2026, 10, 3, tzinfo=UTC), "2026-10-04 02:45 Sun"),
]


@pytest.mark.parametrize(("tz", "time", "after", "expected"), SPRING_FORWARD,
                         ids=[case[0] for case in SPRING_FORWARD])
def test_a_time_that_does_not_exist_happens_just_past_the_gap(
    tz: str, time: str, after: datetime, expected: str
) -> None:
    fields = profile(tz=tz, nudge_window=time)
    first, second = upcoming(fields, after, 2)
    assert clock(first, tz) == expected
    # The day after, the time exists again and is kept.
    assert clock(second, tz)[11:16] == time


FALL_BACK = [
    # zone, the local time asked for (it happens twice that night), the day before
    ("Europe/Berlin", "02:30", datetime(2026, 10, 24, 12, tzinfo=UTC)),
    ("America/New_York", "01:30", datetime(2026, 10, 31, 12, tzinfo=UTC)),
    ("Australia/Sydney", "02:30", datetime(2026, 4, 4, tzinfo=UTC)),
]


@pytest.mark.parametrize(("tz", "time", "after"), FALL_BACK, ids=[case[0] for case in FALL_BACK])
def test_an_ambiguous_time_happens_once_the_first_time(
    tz: str, time: str, after: datetime
) -> None:
    fields = profile(tz=tz, nudge_window=time)
    first, second = upcoming(fields, after, 2)
    zone = ZoneInfo(tz)
    day = first.astimezone(zone).date()
    assert clock(first, tz)[11:16] == time
    # The earlier of the two: an hour later the same wall time comes round again.
    assert (first + timedelta(hours=1)).astimezone(zone).strftime("%H:%M") == time
    assert first.astimezone(zone).dst() != timedelta(0)
    # ... and no second nudge then: the next one is a day later.
    assert second.astimezone(zone).date() == day + timedelta(days=1)
    assert clock(second, tz)[11:16] == time


def test_a_zone_with_a_half_hour_offset() -> None:
    due = next_due(profile(tz="Asia/Kolkata", nudge_window="09:00"),
                   datetime(2026, 4, 4, tzinfo=UTC), seed=SEED)
    assert clock(due, "Asia/Kolkata") == "2026-04-04 09:00 Sat"
    assert due == datetime(2026, 4, 4, 3, 30, tzinfo=UTC)


def test_the_result_is_in_utc_and_strictly_after() -> None:
    fields = profile(tz="Europe/Berlin", nudge_window="10:00")
    at_ten = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 10:00 in Berlin
    due = next_due(fields, at_ten, seed=SEED)
    assert due is not None
    assert due.tzinfo == UTC
    assert due == at_ten + timedelta(days=1)
    assert next_due(fields, at_ten - timedelta(seconds=1), seed=SEED) == at_ten


# --- windows --------------------------------------------------------------------


def test_a_window_gives_a_minute_inside_it_that_changes_day_to_day() -> None:
    fields = profile(tz="America/New_York", nudge_window="09:00-11:00")
    moments = upcoming(fields, datetime(2026, 5, 1, tzinfo=UTC), 60)
    times = [clock(m, "America/New_York")[11:16] for m in moments]
    assert all("09:00" <= t < "11:00" for t in times)
    days = [clock(m, "America/New_York")[:10] for m in moments]
    assert len(set(days)) == 60, "one a day"
    assert len(set(times)) > 20, "not the same minute every day"


def test_the_minute_picked_is_stable_when_recomputed_and_is_each_persons_own() -> None:
    fields = profile(nudge_window="09:00-17:00")
    after = datetime(2026, 5, 1, tzinfo=UTC)
    assert next_due(fields, after, seed="ana") == next_due(fields, after, seed="ana")
    # Recomputed later in the day, before it is due: the same moment.
    due = next_due(fields, after, seed="ana")
    assert due is not None
    assert next_due(fields, due - timedelta(minutes=1), seed="ana") == due
    others = {next_due(fields, after, seed=f"person{n}") for n in range(10)}
    assert len(others) > 5


def test_three_a_day_spread_across_the_window() -> None:
    fields = profile(tz="Europe/Berlin", nudge_window="09:00-12:00", nudge_per_day="3")
    moments = upcoming(fields, datetime(2026, 5, 3, 22, tzinfo=UTC), 30)
    by_day: dict[str, list[str]] = {}
    for moment in moments:
        wall = clock(moment, "Europe/Berlin")
        by_day.setdefault(wall[:10], []).append(wall[11:16])
    assert all(len(times) == 3 for times in by_day.values())
    for first, second, third in by_day.values():
        # One in each hour of the three-hour window.
        assert "09:00" <= first < "10:00" <= second < "11:00" <= third < "12:00"


def test_three_a_day_at_a_single_time_are_three_hours_apart() -> None:
    fields = profile(tz="Europe/Berlin", nudge_window="09:00", nudge_per_day=3)
    moments = upcoming(fields, datetime(2026, 5, 3, 22, tzinfo=UTC), 4)
    assert [clock(m, "Europe/Berlin") for m in moments] == [
        "2026-05-04 09:00 Mon", "2026-05-04 12:00 Mon", "2026-05-04 15:00 Mon",
        "2026-05-05 09:00 Tue",
    ]


# --- days, quiet hours, pause ---------------------------------------------------


def test_only_on_the_chosen_days() -> None:
    fields = profile(tz="America/New_York", nudge_window="08:00", nudge_days="mon,wed,fri")
    moments = upcoming(fields, datetime(2026, 5, 1, tzinfo=UTC), 9)
    assert [clock(m, "America/New_York")[17:] for m in moments] == [
        "Fri", "Mon", "Wed", "Fri", "Mon", "Wed", "Fri", "Mon", "Wed"
    ]


def test_quiet_hours_across_midnight_move_early_slots_and_drop_late_ones() -> None:
    # 21:00, then 00:00 and 03:00, both in the quiet hours 22:00-07:00.
    fields = profile(tz="Europe/Berlin", nudge_window="21:00", nudge_per_day="3",
                     nudge_quiet="22:00-07:00")
    moments = upcoming(fields, datetime(2026, 5, 3, 22, tzinfo=UTC), 4)
    assert [clock(m, "Europe/Berlin")[11:16] for m in moments] == [
        "07:00", "21:00", "07:00", "21:00"
    ]
    late = profile(tz="Europe/Berlin", nudge_window="23:30", nudge_quiet="22:00-07:00")
    assert next_due(late, datetime(2026, 5, 3, tzinfo=UTC), seed=SEED) is None


def test_a_window_that_runs_into_quiet_hours_uses_only_the_rest_of_it() -> None:
    fields = profile(tz="Europe/Berlin", nudge_window="05:00-09:00", nudge_per_day=2,
                     nudge_quiet="22:00-07:00")
    moments = upcoming(fields, datetime(2026, 5, 3, tzinfo=UTC), 40)
    times = [clock(m, "Europe/Berlin")[11:16] for m in moments]
    assert all("07:00" <= t < "09:00" for t in times)


def test_the_default_quiet_hours_are_ten_at_night_to_seven() -> None:
    fields = {"nudge_on": "yes", "tz": "Europe/Berlin", "nudge_window": "06:00"}
    due = next_due(fields, datetime(2026, 5, 3, 12, tzinfo=UTC), seed=SEED)
    assert clock(due, "Europe/Berlin") == "2026-05-04 07:00 Mon"


def test_nothing_before_the_pause_ends() -> None:
    began = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    fields = profile(nudge_window="09:00", nudge_pause_days="3",
                     nudge_pause_from=began.isoformat())
    due = next_due(fields, began, seed=SEED)
    # Paused until 10:00 on the 7th: that day's 09:00 is still inside the pause.
    assert clock(due, "UTC") == "2026-05-08 09:00 Fri"
    ended = profile(nudge_window="09:00", nudge_pause_days="0",
                    nudge_pause_from=began.isoformat())
    assert clock(next_due(ended, began, seed=SEED), "UTC") == "2026-05-05 09:00 Tue"


# --- off, and odd values --------------------------------------------------------

AFTER = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.mark.parametrize("fields", [
    {},
    {"nudge_on": "no", "tz": "Europe/Berlin"},
    {"nudge_on": "maybe"},
    {"nudge_on": "yes", "unreachable": True},
    {"nudge_on": "yes", "unreachable": "true"},
], ids=["nothing set", "turned off", "not a yes", "unreachable", "unreachable as text"])
def test_off_or_unreachable_means_none(fields: dict[str, object]) -> None:
    assert next_due(fields, AFTER, seed=SEED) is None


def test_odd_values_fall_back_to_the_defaults() -> None:
    odd: dict[str, object] = {
        "nudge_on": True, "nudge_per_day": "lots", "nudge_window": "25:00-26:00",
        "nudge_days": "someday", "nudge_quiet": 7, "tz": "Mars/Olympus_Mons",
        "nudge_pause_days": "-3", "nudge_pause_from": "yesterday",
    }
    assert NudgeSettings.from_profile(odd) == NudgeSettings(enabled=True)
    due = next_due(odd, AFTER, seed=SEED)
    assert due is not None
    assert "09:00" <= clock(due, "UTC")[11:16] < "11:00"


@given(st.dictionaries(
    st.sampled_from(["nudge_on", "nudge_per_day", "nudge_window", "nudge_days", "nudge_quiet",
                     "nudge_pause_days", "nudge_pause_from", "tz", "unreachable"]),
    st.one_of(st.text(max_size=30), st.integers(), st.booleans(), st.none(),
              st.sampled_from(["yes", "../../etc/passwd", "Europe", "9999-12-31T00:00",
                               "00:00-00:00", "365", "mon,,fri"])),
))
@settings(max_examples=300, deadline=None)
def test_any_profile_values_never_raise(fields: dict[str, object]) -> None:
    result = next_due(fields, AFTER, seed=SEED)
    assert result is None or result > AFTER


# --- the property ---------------------------------------------------------------

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
         "Pacific/Auckland", "America/St_Johns", "America/Sao_Paulo"]
minutes = st.integers(0, 24 * 60 - 1)


@st.composite
def nudge_profiles(draw: st.DrawFn) -> dict[str, object]:
    fields: dict[str, object] = {"nudge_on": "yes", "tz": draw(st.sampled_from(ZONES)),
                                 "nudge_per_day": str(draw(st.integers(1, 3)))}
    start = draw(minutes)
    if draw(st.booleans()):
        fields["nudge_window"] = format_clock(start)
    else:
        end = draw(st.integers(start + 1, 24 * 60 - 1)) if start < 24 * 60 - 1 else start
        fields["nudge_window"] = (format_clock(start) if end == start
                                  else f"{format_clock(start)}-{format_clock(end)}")
    days = draw(st.sets(st.sampled_from(WEEKDAYS), min_size=1))
    fields["nudge_days"] = ",".join(sorted(days, key=WEEKDAYS.index))
    if draw(st.booleans()):
        quiet_start = draw(minutes)
        quiet_end = draw(minutes.filter(lambda m: m != quiet_start))
        fields["nudge_quiet"] = f"{format_clock(quiet_start)}-{format_clock(quiet_end)}"
    else:
        fields["nudge_quiet"] = "none"
    if draw(st.booleans()):
        fields["nudge_pause_days"] = str(draw(st.integers(0, 30)))
        fields["nudge_pause_from"] = draw(moments).isoformat()
    return fields


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31),
                       timezones=st.just(UTC))


@given(nudge_profiles(), moments)
@settings(max_examples=400, deadline=None)
def test_a_due_moment_is_after_on_a_chosen_day_in_the_window_and_never_quiet(
    fields: dict[str, object], after: datetime
) -> None:
    chosen = NudgeSettings.from_profile(fields)
    due = next_due(fields, after, seed=SEED)
    if due is None:
        assert chosen.quiet is not None, "without quiet hours there is always a next one"
        return
    assert due > after
    assert not chosen.paused_at(due)
    zone = chosen.zone
    local = due.astimezone(zone)
    minute = local.hour * 60 + local.minute
    assert not chosen.in_quiet_hours(minute)
    assert local.weekday() in chosen.days
    # A time that fell into a daylight-saving gap is shifted past it.
    after_gap = (due - timedelta(hours=3)).astimezone(zone).utcoffset() != local.utcoffset()
    if chosen.window_end is not None:
        assert chosen.window_start <= minute < chosen.window_end or after_gap
    else:
        singles = {(chosen.window_start + k * 180) % (24 * 60) for k in range(chosen.per_day)}
        if chosen.quiet is not None:
            singles.add(chosen.quiet[1])
        assert minute in singles or after_gap
    # Nothing is skipped: looking again from just before it finds the same moment.
    assert next_due(fields, due - timedelta(microseconds=1), seed=SEED) == due
