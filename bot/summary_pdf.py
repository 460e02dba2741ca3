"""Render the one-page summary a person can share with a clinician, as a PDF.

One job: :class:`SummaryData` and the words of :class:`SummaryLabels` in, the bytes
of one A4 page out.  Nothing is read or stored here: the caller gathers the
data and the words (from the dialogues of the person's language).

The page, top to bottom: the title and the period; the self-compassion score
(SCS-SF, 1 to 5) and the check-in moods (0 to 10) as two small line charts side
by side, with the measures' citation under them; the mood screen (PHQ-2 and
GAD-2 by date) and the exercises done (title: times) as two short lists; the
safety plan as question and answer, only when the person chose to include it;
and a footer.  An empty section says ``labels.nothing``.

Always exactly one page, whatever comes in: every section has a fixed number
of lines at most, and the safety plan shares out the lines left between its
answers.  Whatever is cut ends with an ellipsis ("…").  Charts take any number
of points.  The person's own words are printed as they wrote them (only
characters the bundled Latin font lacks, such as emoji or CJK, become "?").

Drawn with fpdf2 in well under 100 ms.  Everything lives in one ``FPDF`` made
per call, nothing is kept between calls, so summaries can be rendered from
several threads.  The output is deterministic: the PDF's creation date is the
period's last day, so the same data gives the same bytes.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = ["SummaryData", "SummaryLabels", "render_summary"]

FONT_PATH = Path(__file__).parent / "data" / "fonts" / "DejaVuSans-Latin.ttf"
"""DejaVu Sans subset to the Latin scripts (the one ``bot.progress_chart`` uses)."""
FAMILY = "dejavu"
ELLIPSIS = "…"
MISSING = "?"
"""Printed for a character the font has no glyph for (emoji, CJK...)."""
EMPTY_ANSWER = "—"

# The page, in millimetres from the top left (A4 portrait).
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN, TOP, BOTTOM = 15.0, 14.0, 12.0
GUTTER = 8.0
CONTENT_W = PAGE_W - 2 * MARGIN
COL_W = (CONTENT_W - GUTTER) / 2
SECTION_GAP = 5.0

# Type sizes in points, each with its line height in millimetres.
TITLE_PT, TITLE_LH = 16.0, 8.0
PERIOD_PT, PERIOD_LH = 9.5, 5.0
HEADING_PT, HEADING_LH = 10.5, 5.0
BODY_PT, BODY_LH = 9.0, 4.3
LABEL_PT, LABEL_LH = 8.0, 3.8
SMALL_PT, SMALL_LH = 7.0, 3.2

# Most lines each part may take: together they leave the safety plan about
# half the page, which it shares out between its answers.
HEADING_LINES = 3
SOURCE_LINES = 3
FOOTER_LINES = 2
LIST_LINES = 10
"""Mood screen and exercises: longer lists are cut (with a line "…")."""

CHART_H = 30.0
"""The plotting area's height; tick labels add ``CHART_PAD`` above and below."""
CHART_PAD = 1.6
Y_LABELS_W = 6.0
"""Room left of a chart for the numbers of its y axis."""
MARKERS_UP_TO = 60
"""Points drawn as dots as well as joined by a line; more make a smudge."""
MARKER_D = 1.3
PLAN_INDENT = 3.0
PLAN_ITEM_GAP = 1.8

Colour = tuple[int, int, int]
INK: Colour = (26, 26, 26)
MUTED: Colour = (102, 102, 102)
GRID: Colour = (221, 221, 221)
SELF_COMPASSION_INK: Colour = (58, 125, 68)
MOOD_INK: Colour = (47, 102, 144)


@dataclass(frozen=True, slots=True)
class SummaryLabels:
    """Every word on the page, from the dialogues of the person's language (so it can be
    translated)."""

    title: str                 # e.g. "My self-compassion practice: a summary"
    period: str                # e.g. "From {start} to {end}" (dates filled in as YYYY-MM-DD)
    measures: str              # heading, "Self-compassion (SCS-SF, 1 to 5, higher is kinder
                               # to yourself)"
    measures_source: str       # the citation line printed under the chart (small, grey)
    mood_screen: str           # heading "Mood screen (PHQ-2 and GAD-2, 0 to 6 each)"
    moods: str                 # heading "Check-in moods (0 to 10)"
    exercises: str             # heading "Exercises done"
    plan: str                  # heading "Safety plan"
    nothing: str               # "Nothing recorded in this period."
    footer: str                # e.g. "Made by compassion-bot, ... Generated on {date}."


@dataclass(frozen=True, slots=True)
class SummaryData:
    """What the page shows, for the days from ``start`` to ``end`` (both included)."""

    start: date
    end: date
    self_compassion: Sequence[tuple[date, float]]   # SCS-SF total mean score, 1.0-5.0
    phq2: Sequence[tuple[date, int]]                # 0-6
    gad2: Sequence[tuple[date, int]]                # 0-6
    moods: Sequence[tuple[date, int]]               # 0-10 check-in moods
    exercises: Sequence[tuple[str, int]]            # exercise title, times done (already sorted)
    plan: Sequence[tuple[str, str]] | None          # (question label, the person's answer) or
                                                    # None when the person chose not to include it


def render_summary(data: SummaryData, labels: SummaryLabels) -> bytes:
    """The one-page PDF as bytes.

    Dates on the page are ISO (YYYY-MM-DD): ``{start}`` and ``{end}`` in
    ``labels.period`` are the period's, ``{date}`` in ``labels.footer`` is
    ``data.end`` (the day the summary is made, for a period that ends today).
    The safety plan's section is left out entirely when ``data.plan`` is None.
    """
    page = _Page(datetime(data.end.year, data.end.month, data.end.day, tzinfo=UTC))
    page.pdf.set_title(page.clean(labels.title))
    y = TOP
    page.line(MARGIN, y, CONTENT_W, labels.title, TITLE_PT, TITLE_LH)
    y += TITLE_LH
    period = labels.period.replace("{start}", data.start.isoformat())
    period = period.replace("{end}", data.end.isoformat())
    page.line(MARGIN, y, CONTENT_W, period, PERIOD_PT, PERIOD_LH, MUTED)
    y += PERIOD_LH + SECTION_GAP

    footer = labels.footer.replace("{date}", data.end.isoformat())
    footer_lines = page.wrap(footer, CONTENT_W, SMALL_PT, FOOTER_LINES)
    footer_top = PAGE_H - BOTTOM - len(footer_lines) * SMALL_LH

    y = _charts(page, y, data, labels) + SECTION_GAP
    y = _lists(page, y, data, labels) + SECTION_GAP
    if data.plan is not None:
        _plan(page, y, footer_top - SECTION_GAP, data.plan, labels)

    page.lines(MARGIN, footer_top, footer_lines, SMALL_PT, SMALL_LH, MUTED)
    return bytes(page.pdf.output())


def _headings(page: _Page, y: float, left_text: str, right_text: str) -> float:
    """Two column headings side by side at ``y``; where the columns begin under them."""
    heads = [page.wrap(text, COL_W, HEADING_PT, HEADING_LINES) for text in (left_text, right_text)]
    for x, head in zip((MARGIN, MARGIN + COL_W + GUTTER), heads, strict=True):
        page.lines(x, y, head, HEADING_PT, HEADING_LH)
    return y + max(len(head) for head in heads) * HEADING_LH + 1


def _charts(page: _Page, y: float, data: SummaryData, labels: SummaryLabels) -> float:
    """Self-compassion beside the moods, the measures' source under both; its bottom."""
    left, right = MARGIN, MARGIN + COL_W + GUTTER
    top = _headings(page, y, labels.measures, labels.moods)

    scores = [(day, float(score)) for day, score in data.self_compassion]
    left_bottom = page.chart(left, top, scores, (1, 5), range(1, 6), data,
                             SELF_COMPASSION_INK, labels.nothing)
    moods = [(day, float(mood)) for day, mood in data.moods]
    right_bottom = page.chart(right, top, moods, (0, 10), range(0, 11, 2), data,
                              MOOD_INK, labels.nothing)
    y = max(left_bottom, right_bottom) + 1
    source = page.wrap(labels.measures_source, CONTENT_W, SMALL_PT, SOURCE_LINES)
    page.lines(MARGIN, y, source, SMALL_PT, SMALL_LH, MUTED)
    return y + len(source) * SMALL_LH


def _lists(page: _Page, y: float, data: SummaryData, labels: SummaryLabels) -> float:
    """The mood screen beside the exercises done; the bottom of the longer."""
    left, right = MARGIN, MARGIN + COL_W + GUTTER
    top = _headings(page, y, labels.mood_screen, labels.exercises)

    screens = [_score_row(day, scs, phq, gad)
               for day, scs, phq, gad in _scores(data.self_compassion, data.phq2, data.gad2)]
    if len(screens) > LIST_LINES:  # the first (a baseline), then the latest
        screens = [screens[0], ELLIPSIS, *screens[len(screens) - (LIST_LINES - 2):]]
    exercises = [page.counted(title, times, COL_W) for title, times in data.exercises]
    if len(exercises) > LIST_LINES:
        exercises = [*exercises[:LIST_LINES - 1], ELLIPSIS]

    bottoms = []
    for x, rows in ((left, screens), (right, exercises)):
        lines = [page.fit(row, COL_W, BODY_PT) for row in rows or [labels.nothing]]
        page.lines(x, top, lines, BODY_PT, BODY_LH, INK if rows else MUTED)
        bottoms.append(top + len(lines) * BODY_LH)
    return max(bottoms)


def _scores(
    scs: Sequence[tuple[date, float]], phq2: Sequence[tuple[date, int]],
    gad2: Sequence[tuple[date, int]],
) -> Iterator[tuple[date, float | None, int | None, int | None]]:
    """The self-compassion score, PHQ-2 and GAD-2 side by side, day by day (in the
    order given within a day), so that a reader has the numbers the chart draws."""
    days: dict[date, tuple[list[float], list[int], list[int]]] = {}
    for day, value in scs:
        if math.isfinite(value):
            days.setdefault(day, ([], [], []))[0].append(value)
    for day, score in phq2:
        days.setdefault(day, ([], [], []))[1].append(score)
    for day, score in gad2:
        days.setdefault(day, ([], [], []))[2].append(score)
    for day in sorted(days):
        scss, phqs, gads = days[day]
        for one_scs, phq, gad in zip_longest(scss, phqs, gads):
            yield day, one_scs, phq, gad


def _score_row(day: date, scs: float | None, phq: int | None, gad: int | None) -> str:
    parts = [f"SCS-SF {scs:.2f}" if scs is not None else "",
             f"PHQ-2 {phq}" if phq is not None else "",
             f"GAD-2 {gad}" if gad is not None else ""]
    return f"{day.isoformat()}: {', '.join(part for part in parts if part)}"


def _plan(page: _Page, y: float, bottom: float, plan: Sequence[tuple[str, str]],
          labels: SummaryLabels) -> None:
    """The safety plan between ``y`` and ``bottom``: each answer gets the lines it
    needs while there are enough, else a fair share of them (at least one)."""
    head = page.wrap(labels.plan, CONTENT_W, HEADING_PT, HEADING_LINES)
    page.lines(MARGIN, y, head, HEADING_PT, HEADING_LH)
    y += len(head) * HEADING_LH + 1
    if not plan:
        page.lines(MARGIN, y, [page.fit(labels.nothing, CONTENT_W, BODY_PT)],
                   BODY_PT, BODY_LH, MUTED)
        return
    per_item = LABEL_LH + PLAN_ITEM_GAP
    room = bottom - y
    shown = len(plan)
    if shown * (per_item + BODY_LH) > room:  # keep a line for "…" after the last shown
        shown = max(0, math.floor((room - BODY_LH) / (per_item + BODY_LH)))
    cut_items = shown < len(plan)
    budget = math.floor((room - shown * per_item - (BODY_LH if cut_items else 0)) / BODY_LH)
    width = CONTENT_W - PLAN_INDENT
    answers = [page.wrap_cut(answer, width, BODY_PT, budget) for _, answer in plan[:shown]]
    wrapped = [lines or [EMPTY_ANSWER] for lines, _ in answers]
    # A line each, then one more to each answer still short, in turn.
    given = [1] * shown
    left = budget - shown
    while left > 0:
        wanting = [i for i in range(shown) if given[i] < len(wrapped[i])]
        if not wanting:
            break
        for i in wanting[:left]:
            given[i] += 1
        left -= min(left, len(wanting))

    for (label, _), lines, (_, more), lines_given in zip(plan, wrapped, answers, given,
                                                          strict=False):
        page.lines(MARGIN, y, [page.fit(label, CONTENT_W, LABEL_PT)], LABEL_PT, LABEL_LH, MUTED)
        y += LABEL_LH
        kept = lines[:lines_given]
        if lines_given < len(lines) or more:
            kept[-1] = page.ellipsis(kept[-1], width, BODY_PT)
        page.lines(MARGIN + PLAN_INDENT, y, kept, BODY_PT, BODY_LH)
        y += len(kept) * BODY_LH + PLAN_ITEM_GAP
    if cut_items:
        page.lines(MARGIN, y, [ELLIPSIS], BODY_PT, BODY_LH)


def _codepoints(font: object) -> Collection[int]:
    """The characters a font fpdf2 loaded has glyphs for: the ``cmap`` of a
    ``TTFFont`` since fpdf2 2.7.x, of a dict before; printable ASCII if neither."""
    cmap = font.get("cmap") if isinstance(font, dict) else getattr(font, "cmap", None)
    if isinstance(cmap, Collection) and cmap:
        return frozenset(code for code in cmap if isinstance(code, int))
    return range(0x20, 0x7F)


class _Advances(dict[str, float]):
    """Characters' widths at 1 point in millimetres, each measured when first asked
    for: fpdf2's ``get_string_width`` costs tens of microseconds a call."""

    def __init__(self, pdf: FPDF) -> None:
        super().__init__()
        self.pdf = pdf

    def __missing__(self, char: str) -> float:
        self.pdf.set_font(FAMILY, size=100)
        advance = self[char] = self.pdf.get_string_width(char) / 100
        return advance


class _Page:
    """One A4 page of one render, and the text helpers that keep to its font."""

    def __init__(self, created: datetime) -> None:
        # Imported on the first summary, not at start: fpdf2 brings fontTools and
        # costs about 60 MB and half a second, for a page few people ask for.
        from fpdf import FPDF

        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_creation_date(created)
        pdf.set_creator("compassion-bot")
        # Every position is set by hand and every part is bounded: never a second page.
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, TOP, MARGIN)
        pdf.c_margin = 0
        # Parsed per render (a few milliseconds): fpdf2 keeps what each document
        # used in its font object, so one can't be shared between renders.
        pdf.add_font(FAMILY, "", str(FONT_PATH))
        pdf.add_page()
        self.known = _codepoints(pdf.fonts[FAMILY])
        # What ``clean`` lets through as it is, to check a whole text in one go.
        self.plain = frozenset(
            char for char in map(chr, self.known) if char == " " or (
                not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf")))
        self.plain_lines = self.plain | {"\n"}
        self.advances = _Advances(pdf)
        self.pdf = pdf

    def clean(self, text: str, *, newlines: bool = False) -> str:
        """``text`` in the font's characters: line breaks kept only with ``newlines``,
        other controls and invisible marks dropped, a run of anything else the font
        lacks (an emoji and its modifiers, CJK) as one "?"."""
        text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
        if all(map((self.plain_lines if newlines else self.plain).__contains__, text)):
            return text
        out: list[str] = []
        replaced = False
        for char in text:
            if char == "\n":
                out.append("\n" if newlines else " ")
            elif char.isspace():
                out.append(" ")
            elif unicodedata.category(char) in ("Cc", "Cf"):
                continue
            elif ord(char) in self.known:
                out.append(char)
            elif unicodedata.category(char) in ("Mn", "Me"):
                continue
            elif not replaced:
                out.append(MISSING)
                replaced = True
                continue
            else:
                continue
            replaced = False
        return "".join(out)

    def width(self, text: str, size: float) -> float:
        """How wide ``text`` (already clean) is at ``size`` points, in millimetres."""
        return sum(map(self.advances.__getitem__, text)) * size

    def wrap(self, text: str, width: float, size: float, max_lines: int) -> list[str]:
        """``text`` on one line or more (line breaks in it become spaces), at most
        ``max_lines`` lines ``width`` wide, the last ending in "…" when there was more."""
        lines, more = self.wrap_cut(text, width, size, max_lines, newlines=False)
        if more:
            lines[-1] = self.ellipsis(lines[-1], width, size)
        return lines

    def wrap_cut(self, text: str, width: float, size: float, max_lines: int, *,
                 newlines: bool = True) -> tuple[list[str], bool]:
        """The first ``max_lines`` lines of ``text`` ``width`` wide (its line breaks
        kept with ``newlines``, blank lines left out), and whether there was more."""
        lines: list[str] = []
        for line in self._lines(self.clean(text, newlines=newlines), width, size):
            if len(lines) >= max_lines:
                return lines, True
            lines.append(line)
        return lines, False

    def _lines(self, text: str, width: float, size: float) -> Iterator[str]:
        """Greedy line breaking at spaces (a word too long for a line is split)."""
        space = self.width(" ", size)
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in paragraph.split():
                wide = self.width(word, size)
                if line and used + space + wide <= width:
                    line, used = f"{line} {word}", used + space + wide
                    continue
                if line:
                    yield line
                line, used = word, wide
                while used > width:
                    cut = self._fitting(line, width, size)
                    yield line[:cut]
                    line = line[cut:]
                    used = self.width(line, size)
            if line:
                yield line

    def _fitting(self, text: str, width: float, size: float) -> int:
        """How many characters of ``text`` fit in ``width`` (at least one)."""
        used = 0.0
        for i, char in enumerate(text):
            used += self.advances[char] * size
            if used > width:
                return max(i, 1)
        return len(text)

    def ellipsis(self, text: str, width: float, size: float) -> str:
        """``text`` shortened to end in "…" within ``width``."""
        cut = self._fitting(text, width - self.width(ELLIPSIS, size), size)
        return text[:cut].rstrip() + ELLIPSIS

    def fit(self, text: str, width: float, size: float) -> str:
        """``text`` on one line, shortened with "…" when too long."""
        text = " ".join(self.clean(text).split())
        if self.width(text, size) <= width:
            return text
        return self.ellipsis(text, width, size)

    def counted(self, title: str, times: int, width: float) -> str:
        """"title: times" on one line, the title shortened if need be."""
        count = f": {times}"
        room = width - self.width(count, BODY_PT)
        return self.fit(title, room, BODY_PT) + count

    def line(self, x: float, y: float, width: float, text: str, size: float, height: float,
             colour: Colour = INK) -> None:
        self.lines(x, y, [self.fit(text, width, size)], size, height, colour)

    def lines(self, x: float, y: float, lines: Sequence[str], size: float, height: float,
              colour: Colour = INK, align: str = "L", width: float = 0) -> None:
        """Lines already fitted, one under the other from ``(x, y)``."""
        pdf = self.pdf
        pdf.set_font(FAMILY, size=size)
        pdf.set_text_color(*colour)
        for i, text in enumerate(lines):
            pdf.set_xy(x, y + i * height)
            pdf.cell(width or self.pdf.get_string_width(text), height, text, align=align)

    def chart(self, x: float, y: float, points: Sequence[tuple[date, float]],
              bounds: tuple[float, float], ticks: range, data: SummaryData, ink: Colour,
              nothing: str) -> float:
        """A line chart ``COL_W`` wide from ``(x, y)`` of the points in the period,
        values kept to ``bounds``; ``nothing`` when there are none.  Its bottom."""
        first, last = min(data.start, data.end), max(data.start, data.end)
        low, high = bounds
        kept = sorted(((day, min(max(value, low), high)) for day, value in points
                       if first <= day <= last and math.isfinite(value)),
                      key=lambda point: point[0])
        if not kept:
            self.lines(x, y, [self.fit(nothing, COL_W, BODY_PT)], BODY_PT, BODY_LH, MUTED)
            return y + BODY_LH
        pdf = self.pdf
        left, top = x + Y_LABELS_W, y + CHART_PAD
        width = COL_W - Y_LABELS_W
        span = (last - first).days

        def at(day: date, value: float) -> tuple[float, float]:
            across = (day - first).days / span if span else 0.5
            return left + across * width, top + (high - value) / (high - low) * CHART_H

        pdf.set_line_width(0.15)
        pdf.set_draw_color(*GRID)
        for tick in ticks:
            _, tick_y = at(first, tick)
            pdf.line(left, tick_y, left + width, tick_y)
            self.lines(x, tick_y - SMALL_LH / 2, [str(tick)], SMALL_PT, SMALL_LH, MUTED,
                       align="R", width=Y_LABELS_W - 1.2)
        pdf.set_line_width(0.25)
        pdf.set_draw_color(*MUTED)
        pdf.line(left, top, left, top + CHART_H)
        pdf.line(left, top + CHART_H, left + width, top + CHART_H)
        under = top + CHART_H + 0.6
        self.lines(left, under, [first.isoformat()], SMALL_PT, SMALL_LH, MUTED)
        self.lines(left, under, [last.isoformat()], SMALL_PT, SMALL_LH, MUTED,
                   align="R", width=width)

        xy = [at(day, value) for day, value in kept]
        pdf.set_draw_color(*ink)
        pdf.set_fill_color(*ink)
        if len(xy) > 1:
            pdf.set_line_width(0.4)
            pdf.polyline(xy, style="D")
        if len(xy) <= MARKERS_UP_TO:
            for px, py in xy:
                pdf.ellipse(px - MARKER_D / 2, py - MARKER_D / 2, MARKER_D, MARKER_D, style="F")
        return under + SMALL_LH
