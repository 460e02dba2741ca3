"""The self-compassion measure (SCS-SF) in /progress: its line on the chart and its sentence.

A ``measure`` entry holds ``scs_total``, the mean score 1.00-5.00 as text ("3.25").
The chart gets a third panel for it only when there is one; without, it must stay
the two-panel chart it always was, byte for byte.
"""

from __future__ import annotations

import io
import subprocess
import sys
import types
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from bot.config import default_dialogues_dir
from bot.dialogue.loader import load_dialogues
from bot.dialogue.spec import Variants
from bot.progress import (
    ProgressData,
    chart_labels,
    measure_score,
    progress_series,
    render_progress,
    summary_segments,
    week_summary,
)
from bot.progress_chart import HEIGHT_PX, INK_INDEX, MEASURE_PANEL, WIDTH_PX, draw_chart
from bot.store.base import JournalEntry
from bot.types import Segment, SendImage, SendText

ROOT = Path(__file__).parents[1]
LINES = load_dialogues([default_dialogues_dir()])
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
# The last commit before the self-compassion panel: the chart without a measure
# must stay exactly what this commit drew.
BEFORE_MEASURES = "0d2668186e7d251761cbc47c9d62712b46ed180c"


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def entry(kind: str, when: datetime, **data: object) -> JournalEntry:
    return JournalEntry(kind, dict(data), when)


def measure(when: datetime, total: object, **more: object) -> JournalEntry:
    return entry("measure", when, scs_total=total, scs_sk="3.50", scs_sj="2.00", **more)


# Newest first, as the store returns them; the comments say what each must do.
JOURNAL = sorted(
    [
        measure(at(19), "1.50"),  # the day before the 7-day window
        measure(at(20, 9), "2.50"),  # 20th: two measures, mean 2.875
        measure(at(20, 21), "3.25", phq2=2, gad2=1),
        measure(at(21), "5.50"),  # out of range
        measure(at(22), "0.50"),  # out of range
        measure(at(22, 13), "nan"),  # not a number we stored
        measure(at(22, 14), "３.0"),  # full-width digit: not ours either
        measure(at(22, 15), "1e0"),
        measure(at(23), None),
        measure(at(23, 13), True),
        entry("measure", at(23, 14), phq2=1),  # no total at all
        measure(at(24), 4),  # a number rather than text: still a score
        measure(at(25), " 3.75 "),
        entry("checkin", at(25), mood=6, word="ok"),
        measure(at(26, 9), "3.08"),
        measure(NOW + timedelta(days=1), "4.00"),  # tomorrow (clock skew): not yet
    ],
    key=lambda e: e.at,
    reverse=True,
)


# --- the series ------------------------------------------------------------------


def test_series_holds_each_days_mean_score_and_ignores_bad_values() -> None:
    data = progress_series(JOURNAL, NOW, 7)
    assert data.self_compassion == (
        (date(2026, 11, 20), 2.875),  # (2.5 + 3.25) / 2, exact in binary
        (date(2026, 11, 24), 4.0),
        (date(2026, 11, 25), 3.75),
        (date(2026, 11, 26), 3.08),
    )
    assert data.mood == ((date(2026, 11, 25), 6.0),)


def test_a_longer_window_reaches_the_older_measure() -> None:
    assert progress_series(JOURNAL, NOW, 30).self_compassion[0] == (date(2026, 11, 19), 1.5)


@pytest.mark.parametrize(
    ("stored", "score"),
    [("3.25", 3.25), ("1", 1.0), ("5.00", 5.0), (" 2.5 ", 2.5), (4, 4.0), (1.75, 1.75),
     ("0.99", None), ("5.01", None), ("-3", None), ("3,25", None), ("", None), ("inf", None),
     (float("nan"), None), (True, None), (None, None), ([3], None), ("²", None)],
)
def test_a_stored_score_is_read_only_when_it_is_a_score(stored: object, score: float | None
                                                        ) -> None:
    assert measure_score(stored) == score


def test_someone_with_only_measures_has_a_chart() -> None:
    data = progress_series([measure(at(26), "3.00")], NOW, 30)
    assert not data.empty
    image, summary = render_progress([measure(at(26), "3.00")], NOW, 30, LINES)
    assert isinstance(image, SendImage) and isinstance(summary, SendText)
    assert ProgressData(date(2026, 11, 20), date(2026, 11, 26), (), (), (),
                        ((date(2026, 11, 26), 3.0),)).empty is False


@given(st.lists(st.tuples(
    st.integers(0, 400),
    st.one_of(st.floats(allow_nan=True), st.integers(-5, 15), st.text(max_size=6), st.none(),
              st.booleans(), st.decimals(0, 6, places=2).map(str)),
), max_size=30), st.integers(7, 365))
def test_any_journal_gives_scores_inside_the_window_and_the_scale(
    raw: list[tuple[int, object]], days: int
) -> None:
    entries = [measure(NOW - timedelta(hours=hours), total) for hours, total in raw]
    data = progress_series(entries, NOW, days)
    assert all(data.start <= day <= data.end for day, _ in data.self_compassion)
    assert all(1 <= value <= 5 for _, value in data.self_compassion)
    assert [day for day, _ in data.self_compassion] == sorted(
        {day for day, _ in data.self_compassion})


# --- the chart --------------------------------------------------------------------


def png_pixels(png: bytes) -> Image.Image:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        image.load()
        return image.copy()


def test_a_chart_with_measures_is_a_phone_sized_png_with_a_third_panel() -> None:
    labels = chart_labels(LINES)
    with_measures = progress_series(JOURNAL, NOW, 30)
    without = progress_series([e for e in JOURNAL if e.kind != "measure"], NOW, 30)
    png = draw_chart(with_measures, labels)
    assert png.startswith(b"\x89PNG") and png != draw_chart(without, labels)
    image = png_pixels(png)
    assert image.size == (WIDTH_PX, HEIGHT_PX) == (1080, 1350)
    # The line and its discs are in their own ink, in the lowest panel.
    _, bottom, _, height = MEASURE_PANEL
    top = round((1 - bottom - height) * HEIGHT_PX)
    ink = INK_INDEX["measure"]
    lower = image.crop((0, top, WIDTH_PX, round((1 - bottom) * HEIGHT_PX)))
    assert lower.histogram()[ink] > 500
    assert image.crop((0, 0, WIDTH_PX, top)).histogram()[ink] == 0
    # The source is written under it, in muted ink.
    below = image.crop((0, round((1 - bottom) * HEIGHT_PX) + 45, WIDTH_PX, HEIGHT_PX))
    assert below.histogram()[INK_INDEX["muted"]] > 200


@pytest.mark.parametrize("count", [1, 2, 40])
def test_one_or_many_measures_chart_in_a_long_window(count: int) -> None:
    entries = [measure(NOW - timedelta(days=9 * n), f"{1 + (n % 5):.2f}") for n in range(count)]
    image, _ = render_progress(entries, NOW, 365, LINES)
    assert isinstance(image, SendImage)
    assert png_pixels(image.png).size == (WIDTH_PX, HEIGHT_PX)


def test_the_chart_names_its_source_from_the_lines() -> None:
    labels = chart_labels(LINES)
    assert labels.self_compassion == "Self-compassion (SCS-SF, 1-5)"
    assert "Raes, Pommier, Neff & Van Gucht (2011)" in labels.measure_source


def _chart_before_measures() -> types.ModuleType:
    """bot/progress_chart.py as it was before the measure, loaded beside the current one."""
    try:
        source = subprocess.run(
            ["git", "show", f"{BEFORE_MEASURES}:bot/progress_chart.py"], cwd=ROOT,
            capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        pytest.skip("the repository's history is not here to compare with")
    module = types.ModuleType("progress_chart_before_measures")
    # Its font is found beside the module, as the current one's is.
    module.__file__ = str(ROOT / "bot" / "progress_chart.py")
    sys.modules[module.__name__] = module
    try:
        exec(compile(source, f"{BEFORE_MEASURES[:7]}:bot/progress_chart.py", "exec"),
             module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module


@pytest.fixture(scope="module")
def before_measures() -> types.ModuleType:
    return _chart_before_measures()


WITHOUT_MEASURES = {
    "a_week": ([e for e in JOURNAL if e.kind != "measure"] + [
        entry("checkin", at(20, 9), mood=4), entry("checkin", at(22), mood=7),
        entry("exercise", at(21), dialogue="breathing", before=7, after=4),
        entry("exercise", at(23), dialogue="sc_break"),
        entry("reframe", at(24), reframe="kind", intensity_before=8, intensity_after=5),
    ], 7),
    "a_month_of_crowded_pairs": ([
        entry("exercise", at(26 - i % 20), dialogue="reset", before=8, after=i % 9)
        for i in range(25)] + [entry("checkin", at(3 + i), mood=i % 11) for i in range(20)], 30),
    "only_an_exercise_day": ([entry("exercise", at(25), dialogue="breathing")], 365),
    "one_mood": ([entry("checkin", at(26), mood=3)], 30),
    "measures_elsewhere_in_the_journal": (
        [entry("checkin", at(26), mood=3), measure(NOW - timedelta(days=60), "3.00")], 30),
}


@pytest.mark.parametrize("case", sorted(WITHOUT_MEASURES))
def test_a_chart_without_measures_is_byte_for_byte_the_one_before(
    case: str, before_measures: types.ModuleType
) -> None:
    entries, days = WITHOUT_MEASURES[case]
    data = progress_series(entries, NOW, days)
    assert data.self_compassion == () and not data.empty
    labels = chart_labels(LINES)
    assert draw_chart(data, labels) == before_measures.draw_chart(data, labels)


def test_drawing_needs_no_plotting_or_array_library() -> None:
    """Charts take milliseconds because only Pillow draws them: the chart module brings
    in nothing heavy, and neither does drawing one (numpy is the safety classifier's,
    loaded with the rest of the bot, never the chart's)."""
    script = """
import sys
from datetime import date
from bot.progress_chart import ChartLabels, draw_chart
from bot.progress_data import ProgressData

labels = ChartLabels(*"abcdefghi", date=lambda day: str(day.day))
data = ProgressData(date(2026, 11, 1), date(2026, 11, 30), ((date(2026, 11, 3), 5.0),),
                    (date(2026, 11, 4),), (), ((date(2026, 11, 5), 3.25),))
assert draw_chart(data, labels).startswith(b"\\x89PNG")
print(" ".join(sorted(sys.modules)))
"""
    loaded = set(subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                                text=True, check=True, timeout=60).stdout.split())
    assert "PIL.Image" in loaded
    assert HEAVY.isdisjoint(name.split(".")[0] for name in loaded)


def test_rendering_progress_imports_nothing_heavy_on_the_way() -> None:
    script = """
import sys
from datetime import UTC, datetime
from bot.progress import render_progress
from bot.store.base import JournalEntry

class Lines:
    def line(self, name):
        return tuple("abcdefghijkl") if name == "journal_months" else ("{score} {count}",)
    def option_label(self, dialogue, field, value):
        return None

now = datetime(2026, 11, 26, tzinfo=UTC)
entries = [JournalEntry("measure", {"scs_total": "3.25"}, now),
           JournalEntry("checkin", {"mood": 5}, now)]
before = set(sys.modules)
image, _ = render_progress(entries, now, 30, Lines())
assert image.png.startswith(b"\\x89PNG")
print(" ".join(sorted(set(sys.modules) - before)))
"""
    fresh = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                           text=True, check=True, timeout=60).stdout.split()
    assert HEAVY.isdisjoint(name.split(".")[0] for name in fresh)


HEAVY = frozenset({"matplotlib", "numpy", "pandas", "scipy", "plotly", "cairo", "reportlab"})


# --- the sentence ------------------------------------------------------------------


def test_the_summary_gives_the_latest_score_as_our_own_number() -> None:
    summary = week_summary(JOURNAL, NOW, 30)
    assert (summary.measures, summary.last_measure) == (6, 3.08)
    segments = summary_segments(summary, LINES, seed=0)
    text = "".join(s.text for s in segments)
    assert "self-compassion score is 3.08, on a scale of 1 to 5, the newest of 6" in text
    assert not any(s.quoted for s in segments)


def test_the_summary_counts_only_the_charts_days() -> None:
    # Seven days: the 19th is outside, as are tomorrow and every bad value.
    assert week_summary(JOURNAL, NOW, 7).measures == 5
    assert week_summary(JOURNAL, NOW, 7).last_measure == 3.08
    # Without days, every measure given (before now or not) counts.
    assert week_summary(JOURNAL, NOW).last_measure == 4.0


class CountLines:
    """The real lines, but ``progress_measure`` marks which values it was given."""

    def line(self, name: str) -> Variants:
        if name == "progress_measure":
            return ("SCORE {score|?} OF {count|?}", "SCORE {score|?}")
        return LINES.line(name)

    def option_label(self, dialogue: str, field: str, value: str) -> str | None:
        return None


@pytest.mark.parametrize(
    ("entries", "says"),
    [([measure(at(26), "4.00")], "SCORE 4"),
     ([measure(at(24), "2.00"), measure(at(26), "3.50")], "SCORE 3.5 OF 2"),
     ([measure(at(26, 9), "3.00"), measure(at(26, 8), "2.25")], "SCORE 3 OF 2")],
    ids=["one_without_a_count", "two_with_their_count", "newest_by_time_not_order"],
)
def test_one_measure_is_said_without_a_count(entries: list[JournalEntry], says: str) -> None:
    text = "".join(s.text for s in summary_segments(week_summary(entries, NOW, 30),
                                                   CountLines(), seed=0))
    # The last sentence, with nothing after it but a reframe there is not.
    assert text.endswith(" " + says)


def test_without_measures_the_summary_has_no_such_sentence_and_the_reframe_stays_last() -> None:
    quiet = [entry("reframe", at(25), reframe="I did my best", intensity_before=6,
                   intensity_after=4)]
    plain = "".join(s.text for s in summary_segments(week_summary(quiet, NOW, 30), LINES, 0))
    assert "self-compassion" not in plain
    both = [*quiet, measure(at(26), "2.75")]
    segments = summary_segments(week_summary(both, NOW, 30), LINES, seed=1)
    text = "".join(s.text for s in segments)
    assert "2.75" in text and text.endswith("I did my best")
    assert segments[-1] == Segment("I did my best", quoted=True)


@pytest.mark.parametrize("seed", range(3))
def test_every_wording_reads_whole_with_our_values(seed: int) -> None:
    for count in (1, 3):
        entries = [measure(at(26 - n), "3.25") for n in range(count)]
        [_, summary] = render_progress(entries, NOW + timedelta(days=seed), 30, LINES)
        assert isinstance(summary, SendText)
        text = summary.plain
        assert "3.25" in text and "{" not in text and "?" not in text
        # The count is said only when there is more than one.
        assert ("3" in text.replace("3.25", "")) == (count == 3)
