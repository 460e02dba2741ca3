"""The journal view and the progress chart: what a person sees for /journal and /progress."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray
from PIL import Image

from bot.config import default_dialogues_dir
from bot.dialogue.loader import load_dialogues
from bot.dialogue.spec import Variants
from bot.journal_view import answer_lines, render_journal, scale_value
from bot.progress import (
    ProgressData,
    Rated,
    WeekSummary,
    progress_series,
    render_progress,
    summary_segments,
    week_summary,
)
from bot.progress_chart import HEIGHT_PX, WIDTH_PX
from bot.store.base import JournalEntry
from bot.types import Segment, SendImage, SendText

LINES = load_dialogues([default_dialogues_dir()])
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
EMPTY = (Segment("Nothing here yet."),)


def imread(png: io.BytesIO) -> NDArray[np.float64]:
    """The picture as RGB(A) values from 0 to 1, rows first."""
    with Image.open(png) as image:
        return np.asarray(image.convert("RGBA"), dtype=np.float64) / 255.0


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def entry(kind: str, when: datetime, **data: object) -> JournalEntry:
    return JournalEntry(kind, dict(data), when)


# A week of journal, newest first as the store returns it; the comments say what
# each entry must do to the chart.
WEEK = sorted(
    [
        entry("checkin", at(19), mood=2, word="low"),  # the day before the 7-day window
        entry("checkin", at(20, 9), mood=4, word="tense"),  # 20th: two check-ins, mean 5
        entry("checkin", at(20, 21), mood=6, word="calmer"),
        entry("exercise", at(21), dialogue="breathing", before=7, after=4),  # 3 easier
        entry("exercise", at(22), dialogue="sc_break", before=6),  # no after: a day, no pair
        entry("checkin", at(23)),  # a check-in without a mood: counted, not drawn
        entry("compassion_log", at(23), act="made soup for a neighbour"),  # not an exercise
        entry("checkin", at(24), mood=11),  # out of range: not drawn
        entry("reframe", at(24), reframe="I did my best", story="I'm useless",
              intensity_before=8, intensity_after=5),  # the belief flow: 3 easier
        entry("checkin", at(25), mood=8, word="ok"),
        entry("dream", at(25), text="flying"),  # unknown kind: ignored
        entry("checkin", at(26, 8), mood="7"),  # stored as digits
        entry("exercise", at(26, 9), dialogue="reset", before=5, after=6),  # 1 stronger
    ],
    key=lambda e: e.at,
    reverse=True,
)


# --- the chart's data ---------------------------------------------------------


def test_series_holds_daily_mood_exercise_days_and_rated_pairs() -> None:
    data = progress_series(WEEK, NOW, 7)
    assert (data.start, data.end, data.days) == (date(2026, 11, 20), date(2026, 11, 26), 7)
    assert data.mood == (
        (date(2026, 11, 20), 5.0), (date(2026, 11, 25), 8.0), (date(2026, 11, 26), 7.0),
    )
    assert data.exercise_days == (
        date(2026, 11, 21), date(2026, 11, 22), date(2026, 11, 24), date(2026, 11, 26),
    )
    assert data.rated == (
        Rated(at(21), "breathing", 7, 4),
        Rated(at(24), "belief", 8, 5),
        Rated(at(26, 9), "reset", 5, 6),
    )


def test_a_longer_window_reaches_further_back() -> None:
    data = progress_series(WEEK, NOW, 30)
    assert data.start == date(2026, 10, 28)
    assert data.mood[0] == (date(2026, 11, 19), 2.0)


def test_the_week_in_numbers() -> None:
    assert week_summary(WEEK, NOW) == WeekSummary(
        checkins=6, rated=3, mean_change=pytest.approx(5 / 3), last_reframe="I did my best",
    )


@given(st.lists(st.tuples(
    st.sampled_from(["checkin", "exercise", "reframe", "letter", "other"]),
    st.integers(0, 400),
    st.dictionaries(
        st.sampled_from(["mood", "before", "after", "intensity_before", "intensity_after",
                         "dialogue", "reframe"]),
        st.one_of(st.integers(-5, 15), st.text(max_size=5), st.none(), st.booleans()),
    ),
), max_size=30), st.integers(7, 365))
def test_any_journal_gives_a_series_inside_the_window_and_the_scale(
    raw: list[tuple[str, int, dict[str, object]]], days: int
) -> None:
    entries = [JournalEntry(kind, data, NOW - timedelta(hours=hours)) for kind, hours, data in raw]
    data = progress_series(entries, NOW, days)
    assert data.days == days
    assert all(data.start <= day <= data.end for day, _ in data.mood)
    assert all(0 <= value <= 10 for _, value in data.mood)
    assert all(data.start <= day <= data.end for day in data.exercise_days)
    assert all(0 <= r.before <= 10 and 0 <= r.after <= 10 for r in data.rated)


# --- the summary in words ------------------------------------------------------


def test_summary_counts_check_ins_gives_the_average_change_and_quotes_the_reframe() -> None:
    segments = summary_segments(week_summary(WEEK, NOW), LINES, seed=0)
    text = "".join(s.text for s in segments)
    assert text.startswith("You checked in 6 times in the last week. ")
    assert "the feeling eased by an average of 1.7 on the 0 to 10 scale." in text
    assert text.endswith("I did my best")
    assert [s for s in segments if s.quoted] == [Segment("I did my best", quoted=True)]


@pytest.mark.parametrize(
    ("summary", "says", "never"),
    [
        (WeekSummary(0, 0, None, None), "no check-ins in the last week", "average"),
        (WeekSummary(1, 1, 0.2, None), "checked in once", "eased"),
        (WeekSummary(1, 1, 0.2, None), "stayed about the same", "stronger"),
        (WeekSummary(2, 2, -2.0, None), "stronger afterwards, by an average of 2 on", "eased"),
        (WeekSummary(2, 2, 2.0, None), "eased by an average of 2 on", "reframe"),
    ],
)
def test_summary_says_each_case_in_its_own_words(
    summary: WeekSummary, says: str, never: str
) -> None:
    text = "".join(s.text for s in summary_segments(summary, LINES, seed=0))
    assert says in text
    assert never not in text


# --- the messages sent -----------------------------------------------------------


def test_progress_is_a_phone_sized_chart_and_a_summary() -> None:
    image, summary = render_progress(WEEK, NOW, 30, LINES)
    assert isinstance(image, SendImage) and isinstance(summary, SendText)
    assert image.png.startswith(b"\x89PNG")
    pixels = imread(io.BytesIO(image.png))
    assert pixels.shape[:2] == (HEIGHT_PX, WIDTH_PX)
    assert (WIDTH_PX, HEIGHT_PX) == (1080, 1350)
    assert "30 days" in image.caption
    assert summary.plain.startswith("You checked in 6 times")
    assert Segment("I did my best", quoted=True) in summary.segments


def test_the_chart_is_not_blank() -> None:
    image, _ = render_progress(WEEK, NOW, 7, LINES)
    assert isinstance(image, SendImage)
    pixels = imread(io.BytesIO(image.png))
    # Mood line, bands and markers: plenty of pixels that are not white.
    assert (pixels[..., :3] < 0.9).any(axis=-1).mean() > 0.02


@pytest.mark.parametrize(
    "entries",
    [
        [entry("exercise", at(25), dialogue="breathing")],  # a day, nothing rated, no mood
        [entry("checkin", at(26), mood=3)],  # one point, nothing rated
        [entry("exercise", at(26 - i % 20), dialogue="reset", before=8, after=i % 9)
         for i in range(25)],  # more pairs than fit: the newest are shown
    ],
    ids=["exercise_day_only", "one_mood", "many_pairs"],
)
def test_sparse_and_crowded_journals_still_chart(entries: list[JournalEntry]) -> None:
    image, _ = render_progress(entries, NOW, 365, LINES)
    assert isinstance(image, SendImage)
    assert imread(io.BytesIO(image.png)).shape[:2] == (HEIGHT_PX, WIDTH_PX)


@pytest.mark.parametrize(
    "entries",
    [[], [entry("dream", at(26))], [entry("letter", at(26), letter="Dear me")],
     [entry("checkin", NOW - timedelta(days=40), mood=5)]],
    ids=["nothing", "unknown_kind", "nothing_to_chart", "too_old"],
)
def test_with_nothing_to_chart_one_kind_line_is_said(entries: list[JournalEntry]) -> None:
    [message] = render_progress(entries, NOW, 30, LINES)
    assert isinstance(message, SendText)
    assert message.plain in LINES.line("progress_empty")


def test_progress_data_knows_when_it_is_empty() -> None:
    assert ProgressData(date(2026, 11, 20), date(2026, 11, 26), (), (), ()).empty


# --- the journal -------------------------------------------------------------------


def test_journal_lists_entries_newest_first_under_a_header() -> None:
    message = render_journal(WEEK, EMPTY, LINES)
    lines = message.plain.split("\n")
    assert lines[0] in LINES.line("journal_header")
    assert lines[1:4] == [
        "26 Nov: a mental reset, from 5 to 6 out of 10",
        "26 Nov: checked in at 7 out of 10",
        "25 Nov: checked in at 8 out of 10, in a word: ok",
    ]
    assert "24 Nov: instead of I'm useless, you wrote: I did my best" in lines
    assert "23 Nov: a kind act: made soup for a neighbour" in lines
    assert "23 Nov: checked in" in lines
    assert "22 Nov: a self-compassion break" in lines  # a before without an after: no numbers
    assert not any("flying" in line for line in lines)  # unknown kinds are passed over
    assert len(lines) == 1 + len(WEEK) - 1


def test_the_persons_words_are_quoted_and_ours_are_not() -> None:
    tricky = "<b>*proud*</b> & [link](http://x)"
    message = render_journal(
        [entry("compassion_log", at(26), act=tricky),
         entry("checkin", at(25), mood=6, word="_meh_")], EMPTY, LINES)
    quoted = [s.text for s in message.segments if s.quoted]
    assert quoted == [tricky, "_meh_"]
    unquoted = "".join(s.text for s in message.segments if not s.quoted)
    assert "26 Nov" in unquoted and "6 out of 10" in unquoted


def test_long_words_are_shortened_like_the_engine_does() -> None:
    act = "I made tea and " + "sat with it quietly by the window. " * 10
    message = render_journal([entry("compassion_log", at(26), act=act)], EMPTY, LINES)
    [quoted] = [s for s in message.segments if s.quoted]
    assert len(quoted.text) <= 120 and quoted.text.endswith("\u2026")
    assert quoted.text.startswith("I made tea and sat")


def test_a_letter_is_read_back_whole_up_to_a_message() -> None:
    letter = "Dear me, " + "you are doing better than you think. " * 20
    message = render_journal([entry("letter", at(26), letter=letter)], EMPTY, LINES)
    [quoted] = [s for s in message.segments if s.quoted]
    assert quoted.text == letter.strip()
    huge = render_journal([entry("letter", at(26), letter="word " * 1000)], EMPTY, LINES)
    assert len(huge.plain) < 2000


def test_an_exercise_of_an_unknown_dialogue_has_a_plain_name() -> None:
    message = render_journal([entry("exercise", at(26), dialogue="new_thing")], EMPTY, LINES)
    assert message.plain.endswith("26 Nov: an exercise")


@pytest.mark.parametrize("entries", [[], [entry("dream", at(26)), entry("mood", at(25))]],
                         ids=["nothing", "unknown_kinds"])
def test_an_empty_journal_says_the_dialogues_empty_line(entries: list[JournalEntry]) -> None:
    assert render_journal(entries, EMPTY, LINES) == SendText(EMPTY)


class MarkerLines:
    """Lines that are markers, to show that every word comes from the line book."""

    LINES: ClassVar[dict[str, Variants]] = {
        "journal_header": ("HEAD",),
        "journal_date": ("{month}-{day}",),
        "journal_months": tuple(f"M{n}" for n in range(1, 13)),
        "journal_checkin": ("{date} MOOD {mood} WORD {word}", "{date} MOOD {mood}"),
        "journal_ex_other": ("EX",),
        "journal_ex_mistake": ("MISTAKE",),
        "journal_exercise": ("{date} {exercise} {before} {after}", "{date} {exercise}"),
        "journal_answer": ("- {label}: {answer}",),
        "journal_answer_learned": ("LEARNED",),
        "journal_answer_mistake_intention": ("HOPED",),
        "journal_answer_intention": ("INTENDED",),
        "journal_answer_other": ("OTHER",),
    }

    def line(self, name: str) -> Variants:
        return self.LINES[name]

    def option_label(self, dialogue: str, field: str, value: str) -> str | None:
        return "BUTTON" if value == "pressed" else None


def test_every_word_of_the_journal_comes_from_the_lines() -> None:
    message = render_journal(
        [entry("checkin", at(26), mood=3, word="fine"), entry("checkin", at(2), mood=4)],
        EMPTY, MarkerLines())
    assert message.plain == "HEAD\nM11-26 MOOD 3 WORD fine\nM11-2 MOOD 4"


def test_every_answer_written_in_an_exercise_is_shown_under_its_entry() -> None:
    """In the order asked, named by the exercise's own label where it has one."""
    message = render_journal(
        [entry("exercise", at(26), dialogue="mistake", before=7, after=4, intention="to help",
               learned="ask first", surprise="a new question")],
        EMPTY, MarkerLines())
    assert message.plain == ("HEAD\nM11-26 MISTAKE 7 4\n- HOPED: to help\n- LEARNED: ask first"
                             "\n- OTHER: a new question")
    assert [s.text for s in message.segments if s.quoted] == [
        "to help", "ask first", "a new question"]


@pytest.mark.parametrize("stored", ["²", "٧", "7²", " 3 "])
def test_a_stored_rating_that_is_not_plain_digits_never_breaks_the_view(stored: str) -> None:
    value = scale_value(stored)
    assert value is None or value == int(stored.strip())


def test_a_button_they_pressed_is_named_in_their_language_not_quoted() -> None:
    # "ashamed" is the belief flow's button; in Spanish its label is "Vergüenza".
    segments = answer_lines(entry("reframe", at(26), reframe="kind", feeling="pressed",
                                  learned="my own words"), {"reframe"}, MarkerLines())
    text = "".join(s.text for s in segments)
    assert "- OTHER: BUTTON" in text
    assert not any(s.quoted and s.text == "BUTTON" for s in segments)
    assert any(s.quoted and s.text == "my own words" for s in segments)


def test_the_chart_can_draw_every_letter_of_every_language() -> None:
    # Pillow's own face has no accented letters: "Ánimo" came out as a box.
    from PIL import ImageFont

    from bot.dialogue.loader import load_locales
    from bot.progress_chart import FONT_PATH

    font = ImageFont.truetype(FONT_PATH, 24)
    def drawn(ch: str) -> bytes:
        mask = font.getmask(ch)
        width, height = mask.size
        return bytes(mask.getpixel((x, y)) for y in range(height) for x in range(width))

    missing = drawn("\ue000")  # a private-use character: the empty box
    locales, _ = load_locales(Path(__file__).parents[1] / "dialogues")
    letters = set()
    for locale in locales.values():
        for name, variants in locale.dialogues["system"].lines.items():
            if name.startswith(("progress_chart", "journal_months")):
                letters.update(ch for text in variants for ch in text if ch.isalpha())
    assert {"Á", "í", "ó", "ü", "ç", "ã"} & letters  # the languages' own letters are there
    boxes = sorted(ch for ch in letters if drawn(ch) == missing)
    assert boxes == []
