"""The progress chart and its summary: ``render_progress(entries, now, days, lines)``.

One job: from journal entries, work out what to show (:func:`progress_series`
for the chart, :func:`week_summary` for the words) and put it into the two
messages the person receives: the chart as a PNG with a caption, and a short
summary of the last week.  Drawing is :mod:`bot.progress_chart`'s job.

What counts (the journal contract with the dialogues): ``checkin`` entries
give a mood 0-10; ``exercise`` entries give a day with an exercise and, when
both are there, the intensity ``before`` and ``after``; ``reframe`` entries
(the belief flow) count as an exercise with ``intensity_before`` and
``intensity_after``, and their ``reframe`` is the one quoted back; ``measure``
entries (the self-compassion questionnaire, SCS-SF, see :mod:`bot.measures`)
give ``scs_total``, the mean score 1.00-5.00 stored as text ("3.25"), drawn
as a line of its own and said as the latest score (its subscales and any
``phq2_total``/``gad2_total`` are not shown here).  Anything missing or out of range is
left out; unknown kinds are ignored.

Days are UTC days, as the store keeps them (see :mod:`bot.journal_view`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean
from typing import TYPE_CHECKING

from bot.journal_view import (
    QUOTE_CHARS,
    measure_score,
    person_text,
    scale_value,
    short_date,
    utc_day,
    window,
)
from bot.progress_data import ProgressData, Rated
from bot.store.base import JournalEntry
from bot.types import Outbound, Segment, SendImage, SendText
from bot.wording import LineBook, fill, fullest

if TYPE_CHECKING:
    from bot.progress_chart import ChartLabels

__all__ = [
    "ProgressData",
    "Rated",
    "WeekSummary",
    "measure_score",
    "progress_series",
    "render_progress",
    "summary_segments",
    "week_summary",
]

WEEK = 7
# An average change smaller than this is "about the same", not eased or rose.
SAME = 0.5
EXERCISE_KINDS = ("exercise", "reframe")
MEASURE_KIND = "measure"
# The SCS-SF total is a mean of items answered 1 to 5.


@dataclass(frozen=True, slots=True)
class WeekSummary:
    """The last seven days in numbers."""

    checkins: int
    rated: int
    """Exercises with both a before and an after."""
    mean_change: float | None
    """Mean of ``before - after`` over those; positive means the feeling eased."""
    last_reframe: str | None
    """The newest reframe among the entries given (they cover the chart's days)."""
    measures: int = 0
    """Self-compassion measures with a score, among the entries given (in the chart's
    days when :func:`week_summary` is told them)."""
    last_measure: float | None = None
    """The newest of those scores, 1-5."""


def progress_series(entries: Sequence[JournalEntry], now: datetime, days: int) -> ProgressData:
    """The chart's data: ``days`` days up to and including ``now``'s day."""
    start, end, inside = window(entries, now, days)
    moods: dict[date, list[int]] = {}
    exercise_days: set[date] = set()
    rated: list[Rated] = []
    measures: dict[date, list[float]] = {}
    for day, entry in inside:
        if entry.kind == "checkin":
            mood = scale_value(entry.data.get("mood"))
            if mood is not None:
                moods.setdefault(day, []).append(mood)
        elif entry.kind in EXERCISE_KINDS:
            exercise_days.add(day)
            pair = _rated(entry)
            if pair is not None:
                rated.append(pair)
        elif entry.kind == MEASURE_KIND:
            score = measure_score(entry.data.get("scs_total"))
            if score is not None:
                measures.setdefault(day, []).append(score)
    return ProgressData(
        start=start,
        end=end,
        mood=tuple((day, fmean(values)) for day, values in sorted(moods.items())),
        exercise_days=tuple(sorted(exercise_days)),
        rated=tuple(rated),
        self_compassion=tuple((day, fmean(values)) for day, values in sorted(measures.items())),
    )


def week_summary(
    entries: Sequence[JournalEntry], now: datetime, days: int | None = None
) -> WeekSummary:
    """Check-ins and rated exercises of the last seven days, the newest reframe, and
    the self-compassion measures (of the last ``days`` days, as the chart shows them;
    without ``days``, of all the entries given)."""
    week = progress_series(entries, now, WEEK)
    checkins = sum(
        1 for e in entries
        if e.kind == "checkin" and week.start <= utc_day(e.at) <= week.end
    )
    changes = [r.before - r.after for r in week.rated]
    reframes = sorted(
        (e for e in entries if e.kind == "reframe" and person_text(e.data.get("reframe"))),
        key=lambda e: e.at,
    )
    first = utc_day(now) - timedelta(days=days - 1) if days is not None else None
    measured = sorted(
        ((e.at, score) for e in entries
         if e.kind == MEASURE_KIND
         and (score := measure_score(e.data.get("scs_total"))) is not None
         and (first is None or first <= utc_day(e.at) <= utc_day(now))),
        key=lambda pair: pair[0],
    )
    return WeekSummary(
        checkins=checkins,
        rated=len(changes),
        mean_change=fmean(changes) if changes else None,
        last_reframe=person_text(reframes[-1].data.get("reframe")) if reframes else None,
        measures=len(measured),
        last_measure=measured[-1][1] if measured else None,
    )


def summary_segments(
    summary: WeekSummary, lines: LineBook, seed: int, quote_chars: int = QUOTE_CHARS
) -> tuple[Segment, ...]:
    """The summary in words: check-ins, the average change, the latest
    self-compassion score, the newest reframe."""
    parts: list[tuple[Segment, ...]] = []
    count = {0: "progress_checkins_none", 1: "progress_checkins_one"}
    name = count.get(summary.checkins, "progress_checkins_many")
    parts.append(_say(lines, name, seed, ours={"count": str(summary.checkins)}))
    if summary.mean_change is not None:
        change = summary.mean_change
        name = ("progress_change_same" if abs(change) < SAME
                else "progress_change_eased" if change > 0 else "progress_change_rose")
        parts.append(_say(lines, name, seed, ours={"change": _number(abs(change))}))
    if summary.last_measure is not None:
        ours = {"score": _score(summary.last_measure)}
        # A single measure is said by the wording without a count ("1 of them" reads oddly).
        if summary.measures > 1:
            ours["count"] = str(summary.measures)
        parts.append(_say(lines, "progress_measure", seed, ours=ours))
    if summary.last_reframe is not None:
        parts.append(_say(lines, "progress_reframe", seed,
                          theirs={"reframe": summary.last_reframe}, quote_chars=quote_chars))
    segments: list[Segment] = []
    for part in parts:
        if segments:
            segments.append(Segment(" "))
        segments.extend(part)
    return tuple(segments)


def render_progress(
    entries: Sequence[JournalEntry], now: datetime, days: int, lines: LineBook
) -> list[Outbound]:
    """The chart (a PNG with a caption) and the week's summary; or, with nothing to
    chart, the ``progress_empty`` line."""
    seed = utc_day(now).toordinal()
    data = progress_series(entries, now, days)
    if data.empty:
        return [SendText(_say(lines, "progress_empty", seed))]
    # Imported here: the chart module loads Pillow (about 4 MB resident), which
    # a process that never draws a chart should not carry.
    from bot.progress_chart import draw_chart

    png = draw_chart(data, chart_labels(lines))
    caption = "".join(s.text for s in _say(lines, "progress_caption", seed,
                                              ours={"days": str(days)}))
    summary = summary_segments(week_summary(entries, now, days), lines, seed)
    return [SendImage(png, caption), SendText(summary)]


def chart_labels(lines: LineBook) -> ChartLabels:
    """The chart's words, from the ``progress_chart_`` lines."""
    from bot.progress_chart import ChartLabels  # see render_progress: Pillow on demand

    def first(name: str) -> str:
        return lines.line(name)[0]

    return ChartLabels(
        mood=first("progress_chart_mood"),
        exercise_day=first("progress_chart_exercise_day"),
        no_mood=first("progress_chart_no_mood"),
        intensity=first("progress_chart_intensity"),
        before=first("progress_chart_before"),
        after=first("progress_chart_after"),
        no_ratings=first("progress_chart_no_ratings"),
        self_compassion=first("progress_chart_self_compassion"),
        measure_source=first("progress_chart_measure_source"),
        date=lambda day: short_date(day, lines),
    )


def _say(
    lines: LineBook, name: str, seed: int, *,
    ours: dict[str, str] | None = None, theirs: dict[str, str] | None = None,
    quote_chars: int = QUOTE_CHARS,
) -> tuple[Segment, ...]:
    ours, theirs = ours or {}, theirs or {}
    wording = fullest(lines.line(name), (*ours, *theirs), seed)
    return fill(wording, dict(theirs), quote_chars, ours=ours)


def _rated(entry: JournalEntry) -> Rated | None:
    if entry.kind == "reframe":
        before = scale_value(entry.data.get("intensity_before"))
        after = scale_value(entry.data.get("intensity_after"))
        dialogue = "belief"
    else:
        before = scale_value(entry.data.get("before"))
        after = scale_value(entry.data.get("after"))
        dialogue = str(entry.data.get("dialogue", ""))
    if before is None or after is None:
        return None
    return Rated(entry.at, dialogue, before, after)


def _number(value: float) -> str:
    """1.5 -> "1.5", 2.0 -> "2": one decimal at most."""
    return f"{value:.1f}".removesuffix(".0")


def _score(value: float) -> str:
    """3.25 -> "3.25", 3.5 -> "3.5", 4.0 -> "4": two decimals at most, as scored."""
    return f"{value:.2f}".rstrip("0").removesuffix(".")
