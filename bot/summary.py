"""What goes into the one-page summary a person may share with a clinician.

One job: journal entries and the profile in, :class:`~bot.summary_pdf.SummaryData`
and its words out; drawing the page is :mod:`bot.summary_pdf`'s job.  The
journal contract is :mod:`bot.progress`'s (``checkin`` moods, exercises with
their ``dialogue``) plus ``measure`` entries (``scs_total``, ``phq2_total``,
``gad2_total``: the variables ``dialogues/measure.yaml`` keeps).
The safety plan is only read when the person chose to include it.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

from bot.journal_view import measure_score, person_text, scale_value, window
from bot.store.base import JournalEntry
from bot.summary_pdf import SummaryData, SummaryLabels, render_summary
from bot.types import SendFile
from bot.wording import LineBook

__all__ = ["PLAN_FIELDS", "SUMMARY_FILENAME", "summary_data", "summary_file", "summary_labels"]

SUMMARY_FILENAME = "compassion-summary.pdf"
_FALLBACK = re.compile(r"\{([a-z_]+)\|[^{}]*\}")
# The safety plan's six parts (plan.yaml), in the plan's own order.
PLAN_FIELDS = ("plan_signs", "plan_self", "plan_distract", "plan_people", "plan_pros",
               "plan_safer")
# Journal kinds that are an exercise done, named by the dialogue that wrote them.
# (a letter writes both its text and an "exercise" entry: counted once, as the latter).
_EXERCISE_KINDS = ("exercise", "reframe", "compassion_log", "win")
_SCREEN_MAX = 6


def summary_data(
    entries: Sequence[JournalEntry], profile: Mapping[str, object], now: datetime, days: int,
    titles: Callable[[str], str], include_plan: bool,
) -> SummaryData:
    """The page's data over the ``days`` days up to ``now``; ``titles`` names a
    dialogue in the person's language."""
    start, end, inside = window(entries, now, days)
    scs: list[tuple[date, float]] = []
    phq2: list[tuple[date, int]] = []
    gad2: list[tuple[date, int]] = []
    moods: list[tuple[date, int]] = []
    done: Counter[str] = Counter()
    for day, entry in inside:
        if entry.kind == "measure":
            total = measure_score(entry.data.get("scs_total"))
            if total is not None:
                scs.append((day, total))
            if (phq := _screen(entry.data.get("phq2_total"))) is not None:
                phq2.append((day, phq))
            if (gad := _screen(entry.data.get("gad2_total"))) is not None:
                gad2.append((day, gad))
            continue
        if entry.kind == "checkin" and (mood := scale_value(entry.data.get("mood"))) is not None:
            moods.append((day, mood))
        if entry.kind in _EXERCISE_KINDS:
            dialogue = str(entry.data.get("dialogue") or entry.kind)
            done[titles(dialogue)] += 1
    plan = None
    if include_plan:
        plan = [(name, text) for name in PLAN_FIELDS
                if (text := person_text(profile.get(name)))]
    return SummaryData(
        start=start, end=end, self_compassion=tuple(scs), phq2=tuple(phq2), gad2=tuple(gad2),
        moods=tuple(moods), exercises=tuple(sorted(done.items(), key=lambda kv: (-kv[1], kv[0]))),
        plan=plan,
    )


def summary_labels(lines: LineBook) -> SummaryLabels:
    """Every word on the page, from the ``summary_`` lines of the person's language."""
    def first(name: str) -> str:
        # The page fills in plain "{start}": a fallback is for the chat's renderer.
        return _FALLBACK.sub(r"{\1}", lines.line(name)[0])

    return SummaryLabels(
        title=first("summary_title"), period=first("summary_period"),
        measures=first("summary_measures"), measures_source=first("summary_measures_source"),
        mood_screen=first("summary_mood_screen"), moods=first("summary_moods"),
        exercises=first("summary_exercises"), plan=first("summary_plan"),
        nothing=first("summary_nothing"), footer=first("summary_footer"),
    )


def summary_file(
    entries: Sequence[JournalEntry], profile: Mapping[str, object], now: datetime, days: int,
    lines: LineBook, titles: Callable[[str], str], include_plan: bool,
) -> SendFile:
    """The PDF, ready to send; the plan's parts are named in the person's language."""
    data = summary_data(entries, profile, now, days, titles, include_plan)
    if data.plan is not None:
        data = _with_plan_labels(data, lines)
    content = render_summary(data, summary_labels(lines))
    return SendFile(SUMMARY_FILENAME, content, caption=lines.line("summary_caption")[0])


def _with_plan_labels(data: SummaryData, lines: LineBook) -> SummaryData:
    named = [(lines.line(f"summary_{name}")[0], text) for name, text in data.plan or ()]
    return dataclasses.replace(data, plan=named)


def _screen(value: object) -> int | None:
    """A PHQ-2 or GAD-2 sum (0-6) as stored, else ``None`` (read as the journal reads
    any small score: :func:`~bot.journal_view.scale_value`)."""
    number = scale_value(value)
    return number if number is not None and number <= _SCREEN_MAX else None
