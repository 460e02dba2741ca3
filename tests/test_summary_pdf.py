"""The one-page summary PDF (bot.summary_pdf), read back with pypdf."""

from __future__ import annotations

import io
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from bot.summary_pdf import SummaryData, SummaryLabels, render_summary

START, END = date(2024, 3, 1), date(2024, 5, 29)

LABELS = SummaryLabels(
    title="My self-compassion practice: a summary",
    period="From {start} to {end}",
    measures="Self-compassion (SCS-SF, 1 to 5, higher is kinder to yourself)",
    measures_source="Raes, Pommier, Neff & Van Gucht (2011). Construction and factorial "
                    "validation of a short form of the Self-Compassion Scale.",
    mood_screen="Mood screen (PHQ-2 and GAD-2, 0 to 6 each)",
    moods="Check-in moods (0 to 10)",
    exercises="Exercises done",
    plan="Safety plan",
    nothing="Nothing recorded in this period.",
    footer="Made by compassion-bot, a self-help bot, not a clinician. Generated on {date}.",
)

PLAN = (
    ("Warning signs", "I stop answering messages and stay in bed all day."),
    ("Things I can do myself", "Walk the dog, a hot shower, the breathing exercise."),
    ("People I can ask for help", "Anna, my sister"),
)


def _data(**changes: object) -> SummaryData:
    data = SummaryData(
        start=START,
        end=END,
        self_compassion=[(START + timedelta(days=14 * i), 2.1 + 0.3 * i) for i in range(6)],
        phq2=[(START, 4), (START + timedelta(days=30), 3), (START + timedelta(days=60), 2)],
        gad2=[(START, 3), (START + timedelta(days=30), 3), (START + timedelta(days=61), 1)],
        moods=[(START + timedelta(days=i), (3 * i) % 11) for i in range(0, 90, 3)],
        exercises=[("Self-compassion break", 12), ("Breathing space", 7), ("Kind letter", 1)],
        plan=PLAN,
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def _read(pdf: bytes) -> tuple[int, str]:
    """The number of pages and the text of the first, its whitespace made single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(reader.pages[0].extract_text().split())


def test_one_page_with_the_title_the_period_the_headings_and_the_footer() -> None:
    pages, text = _read(render_summary(_data(), LABELS))

    assert pages == 1
    for words in (LABELS.title, LABELS.measures, LABELS.measures_source, LABELS.mood_screen,
                  LABELS.moods, LABELS.exercises, LABELS.plan):
        assert words in text
    assert "From 2024-03-01 to 2024-05-29" in text
    assert "Generated on 2024-05-29." in text
    assert LABELS.nothing not in text


def test_the_scores_are_listed_by_date_beside_the_chart() -> None:
    _, text = _read(render_summary(_data(), LABELS))

    # The self-compassion score (two decimals, as scored) with the screens that day.
    assert "2024-03-01: SCS-SF 2.10, PHQ-2 4, GAD-2 3" in text
    # On days with only some of them, only those.
    assert "2024-03-15: SCS-SF 2.40" in text
    assert "2024-04-30: PHQ-2 2" in text
    assert "2024-05-01: GAD-2 1" in text


def test_the_exercises_with_their_counts() -> None:
    _, text = _read(render_summary(_data(), LABELS))

    for title, times in _data().exercises:
        assert f"{title}: {times}" in text


def test_the_plan_answers_are_printed_as_written() -> None:
    _, text = _read(render_summary(_data(), LABELS))

    for label, answer in PLAN:
        assert label in text
        assert answer in text


def test_no_plan_text_at_all_when_the_person_left_it_out() -> None:
    _, text = _read(render_summary(_data(plan=None), LABELS))

    assert LABELS.plan not in text
    for label, answer in PLAN:
        assert label not in text
        assert answer not in text
    assert LABELS.nothing not in text


def test_every_empty_section_says_nothing_was_recorded() -> None:
    empty = _data(self_compassion=[], phq2=[], gad2=[], moods=[], exercises=[], plan=[])
    pages, text = _read(render_summary(empty, LABELS))

    assert pages == 1
    # Self-compassion, moods, the mood screen, the exercises and the plan.
    assert text.count(LABELS.nothing) == 5
    assert LABELS.plan in text


def test_extreme_input_still_fits_on_one_page() -> None:
    days = [START + timedelta(days=i % 90) for i in range(500)]
    extreme = _data(
        self_compassion=[(day, 1 + (i % 41) / 10) for i, day in enumerate(days)],
        phq2=[(day, i % 7) for i, day in enumerate(days)],
        gad2=[(day, (i + 3) % 7) for i, day in enumerate(days)],
        moods=[(day, i % 11) for i, day in enumerate(days)],
        exercises=[(f"Exercise {i} with a title far too long to fit in its column " * 3, i)
                   for i in range(200)],
        plan=[("Warning signs", "word " * 1000 + "THE-END-OF-IT"),
              ("Reasons for living", "x" * 5000),
              *((f"Question {i} " * 20, f"An answer {i}\n\n\nover\nseveral\nlines")
                for i in range(40))],
    )
    long_labels = replace(LABELS, title="A very long title " * 30, measures="Heading " * 80,
                          measures_source="Source " * 200, footer="Footer {date} " * 100)

    pdf = render_summary(extreme, long_labels)
    pages, text = _read(pdf)

    assert pages == 1
    assert "…" in text  # what was cut says so
    assert "THE-END-OF-IT" not in text
    assert "Exercise 0 with a title" in text
    assert "Exercise 199 " not in text
    assert "x" * 50 in text
    # Every text drawn lies within the A4 page, margins included.
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    inside: list[bool] = []

    def visit(text: str, _cm: object, tm: list[float], *_: object) -> None:
        if text.strip():
            x, y = tm[4], tm[5]
            inside.append(0 <= x <= 595.3 and 20 <= y <= 842)

    page.extract_text(visitor_text=visit)
    assert inside
    assert all(inside)


def test_the_same_data_gives_the_same_bytes() -> None:
    first = render_summary(_data(), LABELS)
    second = render_summary(_data(), LABELS)

    assert first == second
    metadata = PdfReader(io.BytesIO(first)).metadata
    assert metadata is not None
    assert str(metadata["/CreationDate"]).startswith("D:20240529")


def test_renders_from_several_threads_at_once_give_the_same_bytes() -> None:
    expected = render_summary(_data(), LABELS)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: render_summary(_data(), LABELS), range(16)))

    assert all(result == expected for result in results)


@pytest.mark.parametrize("strange", [
    "😊🙏🏽👨‍👩‍👧",
    "你好，世界",
    "مرحبا",
    "zero\u200bwidth\ttab\x00nul\x1bescape\r\nwindows",
    "\ud800 lone surrogate",
])
def test_characters_the_font_lacks_do_not_crash(strange: str) -> None:
    labels = replace(LABELS, title=f"Title {strange}", nothing=f"Nothing {strange}")
    data = _data(moods=[], exercises=[(f"Breathing {strange}", 2)],
                 plan=[(f"Label {strange}", f"Before {strange} after")])

    pages, text = _read(render_summary(data, labels))

    assert pages == 1
    assert "Title" in text
    assert "Breathing" in text
    assert "Before" in text
    assert "after" in text


def test_a_missing_character_becomes_a_question_mark_and_latin_letters_stay() -> None:
    data = _data(plan=[("Gefühl", "Días difíciles, exercício 😊 über 你好 ß")])

    _, text = _read(render_summary(data, LABELS))

    assert "Días difíciles, exercício ? über ? ß" in text
    assert "Gefühl" in text


def test_odd_values_and_dates_are_drawn_without_complaint() -> None:
    odd = _data(
        start=END, end=END,
        self_compassion=[(END, math.nan), (END, 7.5), (END, -1.0), (START, 3.0)],
        moods=[(END, 11), (END + timedelta(days=3), 5)],
    )

    pages, text = _read(render_summary(odd, LABELS))

    assert pages == 1
    assert "From 2024-05-29 to 2024-05-29" in text


def test_a_render_is_fast() -> None:
    # About 40 ms of CPU with this much data.  CPU time of this thread, not time
    # on the clock, so a machine busy with the rest of the suite does not count.
    data = _data(moods=[(START + timedelta(days=i % 90), i % 11) for i in range(500)],
                 exercises=[(f"Exercise {i}", i) for i in range(200)],
                 plan=[("Warning signs", "word " * 1000)])
    timings = []
    for _ in range(5):
        began = time.thread_time()
        render_summary(data, LABELS)
        timings.append(time.thread_time() - began)

    assert min(timings) < 0.1
