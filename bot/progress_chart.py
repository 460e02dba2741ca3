"""Draw the progress chart as a PNG sized for a phone.

One job: :class:`~bot.progress.ProgressData` in, PNG bytes out.  Two panels,
1080 x 1350 pixels (portrait, 4:5, which Telegram and Discord show whole):
mood 0-10 over the days, with the days that had an exercise shaded, and the
intensity before and after each recent rated exercise.  When the person has
taken the self-compassion measure (SCS-SF) in these days, a third panel shows
its score 1-5 over the same days, with the items' source in small print under
it; the three are about the same height, so the first two are shorter than
alone.  Without a measure the chart is exactly the two-panel one, byte for byte.

Drawn with Pillow straight onto a palette image.  Two small panels need lines,
discs and a few words, not a plotting library: matplotlib took about 120 ms of
CPU a chart, nearly all of it holding the GIL (so everyone else's replies
waited), and left each figure behind as a web of reference cycles that only a
full garbage collection frees, which the bot's tuned collector makes rare, so
they piled up to hundreds of megabytes.  This takes a few milliseconds and
everything it makes is freed by reference counting.  One byte a pixel and a
few dozen colours keep the PNG encoding cheap; words and discs are smoothed
with a ramp of shades from white to their ink.  Nothing is kept between
charts, so charts can be drawn from several threads.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageChops, ImageDraw, ImageFont

if TYPE_CHECKING:
    from bot.progress_data import ProgressData

__all__ = ["DPI", "HEIGHT_PX", "WIDTH_PX", "ChartLabels", "draw_chart"]

WIDTH_PX, HEIGHT_PX, DPI = 1080, 1350, 150
# Only so many before/after pairs stay readable side by side on a phone.
MAX_RATED = 10
# At most this many date labels under the mood panel.
MAX_DATE_TICKS = 6
# Sizes in points at DPI, as a designer would give them.
TITLE_SIZE, TEXT_SIZE, TICK_SIZE = 17, 14, 13
# Panels as (left, bottom, width, height), fractions of the image from its lower left.
MOOD_PANEL = (0.11, 0.57, 0.83, 0.35)
RATED_PANEL = (0.11, 0.09, 0.83, 0.35)
# With the self-compassion panel: three panels, room for the source under the last.
MOOD_PANEL_3 = (0.11, 0.74, 0.83, 0.205)
RATED_PANEL_3 = (0.11, 0.44, 0.83, 0.205)
MEASURE_PANEL = (0.11, 0.115, 0.83, 0.19)
Y_LOW, Y_HIGH = -0.4, 10.9
SCALE_TICKS = range(0, 11, 2)
# The SCS-SF mean score runs from 1 to 5; a little room below and above for the discs.
MEASURE_LOW, MEASURE_HIGH = 1, 5
MEASURE_Y_LOW, MEASURE_Y_HIGH = 0.8, 5.3
# The source under the self-compassion panel: small print, at most this many lines.
SOURCE_SIZE, SOURCE_LINES = 11, 3
# Shades from white to each ink, for smooth edges on a palette image.
RAMP = 8
INKS = {
    "text": "#1a1a1a",
    "muted": "#666666",
    "grid": "#dddddd",
    "mood": "#2f6690",
    # The exercise colour #f2c14e at 35 % over white: a band, not a block.
    "exercise": "#fae9c1",
    "before": "#b5485d",
    "after": "#3a7d44",
    "link": "#999999",
}
# Only on charts with the self-compassion panel: a palette of its own, so that a
# chart without it keeps exactly the palette (and the bytes) it always had.
MEASURE_INKS = {**INKS, "measure": "#6a4c93"}
WHITE = 0
"""Palette index of the background."""


def _px(points: float) -> int:
    return round(points * DPI / 72)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _palette(inks: dict[str, str]) -> list[int]:
    """White, then ``RAMP`` shades of each ink, the ink itself last."""
    palette = [255, 255, 255]
    for ink in inks.values():
        for k in range(1, RAMP + 1):
            palette.extend(255 + (channel - 255) * k // RAMP for channel in _rgb(ink))
    return palette


PALETTE = _palette(INKS)
MEASURE_PALETTE = _palette(MEASURE_INKS)
# MEASURE_INKS starts with INKS, so an ink has the same index in both palettes.
INK_INDEX = {name: 1 + n * RAMP + RAMP - 1 for n, name in enumerate(MEASURE_INKS)}
# Coverage 0-255 -> shade 0 (none) .. RAMP (full ink).  Byte tables for
# bytes.translate: Image.point rounds every entry of its table on each call.
_SHADE = [(v * RAMP + 127) // 255 for v in range(256)]
_COVERED = bytes(255 if shade else 0 for shade in _SHADE)
_SHADE_INDEX = {
    name: bytes(full - RAMP + shade if shade else WHITE for shade in _SHADE)
    for name, full in INK_INDEX.items()
}


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """Every word on the chart (from ``dialogues/system.yaml``)."""

    mood: str
    exercise_day: str
    no_mood: str
    intensity: str
    before: str
    after: str
    no_ratings: str
    self_compassion: str
    """The self-compassion panel's title."""
    measure_source: str
    """Where the measure's items come from, in small print under that panel."""
    date: Callable[[date], str]
    """A day as shown under the axes ("26 Nov")."""


Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
FONT_PATH = Path(__file__).parent / "data" / "fonts" / "DejaVuSans-Latin.ttf"
"""DejaVu Sans for the Latin scripts the bot speaks ("Ánimo", "Gefühl", "exercício"):
Pillow's built-in face has no accented letters.  Subset to 100 KB; licence beside it."""


class _Canvas:
    """A palette image with smooth words and discs; coordinates in pixels from the top left."""

    def __init__(self, palette: list[int] = PALETTE) -> None:
        self.image = Image.new("P", (WIDTH_PX, HEIGHT_PX), WHITE)
        self.image.putpalette(palette)
        self.draw = ImageDraw.Draw(self.image)
        # Loaded per chart (a fraction of a millisecond): a FreeType face is not
        # safe to share between threads drawing at once.
        self.title = ImageFont.truetype(FONT_PATH, size=_px(TITLE_SIZE))
        self.text = ImageFont.truetype(FONT_PATH, size=_px(TEXT_SIZE))
        self.tick = ImageFont.truetype(FONT_PATH, size=_px(TICK_SIZE))

    def stamp(self, coverage: Image.Image, left: int, top: int, ink: str) -> None:
        """Paint ``ink`` where the greyscale ``coverage`` is, in shades by coverage."""
        raw = coverage.tobytes()
        # Made as "P" from the bytes, not converted: they are palette indices.
        indices = Image.frombytes("P", coverage.size, raw.translate(_SHADE_INDEX[ink]))
        self.image.paste(indices, (left, top), _covered(coverage, raw))

    def words(self, x: float, y: float, text: str, font: Font, ink: str = "text",
              anchor: str = "la", angle: int = 0) -> int:
        """Write ``text`` at ``(x, y)`` by Pillow's ``anchor``; turned ``angle`` degrees
        anticlockwise about its right end when ``angle`` is set.  Its width, unturned."""
        x0, y0, x1, y1 = (round(v) for v in font.getbbox(text, anchor=anchor))
        if x1 <= x0 or y1 <= y0:
            return 0
        coverage = Image.new("L", (x1 - x0, y1 - y0), 0)
        ImageDraw.Draw(coverage).text((-x0, -y0), text, font=font, fill=255, anchor=anchor)
        if angle:
            coverage = coverage.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
            self.stamp(coverage, round(x) - coverage.width, round(y), ink)
        else:
            self.stamp(coverage, round(x) + x0, round(y) + y0, ink)
        return x1 - x0

    def disc(self, x: float, y: float, diameter: int, ink: str, ring: int = 0) -> None:
        """A disc centred on ``(x, y)``; with ``ring``, a white disc in a ring that wide."""
        outer = _disc_coverage(diameter)
        left, top = round(x - diameter / 2), round(y - diameter / 2)
        if ring:
            hole = Image.new("L", outer.size, 0)
            hole.paste(_disc_coverage(diameter - 2 * ring), (ring, ring))
            # White inside, so the link line behind does not show through.
            self.image.paste(WHITE, (left, top), _covered(hole))
            outer = ImageChops.subtract(outer, hole)
        self.stamp(outer, left, top, ink)

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, format="PNG", compress_level=3)
        return out.getvalue()


def _covered(coverage: Image.Image, raw: bytes | None = None) -> Image.Image:
    """A hard mask of where ``coverage`` gets at least the palest shade."""
    raw = coverage.tobytes() if raw is None else raw
    return Image.frombytes("L", coverage.size, raw.translate(_COVERED))


def _disc_coverage(diameter: int) -> Image.Image:
    """An antialiased disc: drawn four times larger, then averaged down."""
    big = Image.new("L", (diameter * 4, diameter * 4), 0)
    ImageDraw.Draw(big).ellipse((0, 0, diameter * 4 - 1, diameter * 4 - 1), fill=255)
    return big.resize((diameter, diameter), Image.Resampling.BOX)


@dataclass(frozen=True, slots=True)
class _Panel:
    """One panel's box in pixels and its x and y ranges in data units."""

    left: int
    top: int
    right: int
    bottom: int
    x_low: float
    x_high: float
    y_low: float = Y_LOW
    y_high: float = Y_HIGH

    @classmethod
    def at(cls, box: tuple[float, float, float, float], x_low: float, x_high: float,
           y_low: float = Y_LOW, y_high: float = Y_HIGH) -> _Panel:
        left, bottom, width, height = box
        return cls(round(left * WIDTH_PX), round((1 - bottom - height) * HEIGHT_PX),
                   round((left + width) * WIDTH_PX), round((1 - bottom) * HEIGHT_PX),
                   x_low, x_high, y_low, y_high)

    def x(self, value: float) -> float:
        return self.left + (value - self.x_low) / (self.x_high - self.x_low) * (
            self.right - self.left)

    def y(self, value: float) -> float:
        return self.bottom - (value - self.y_low) / (self.y_high - self.y_low) * (
            self.bottom - self.top)


def draw_chart(data: ProgressData, labels: ChartLabels) -> bytes:
    """The chart of ``data`` as PNG bytes, ``WIDTH_PX`` x ``HEIGHT_PX``."""
    if not data.self_compassion:
        canvas = _Canvas()
        _draw_mood(canvas, data, labels, MOOD_PANEL)
        _draw_rated(canvas, data, labels, RATED_PANEL)
        return canvas.png()
    canvas = _Canvas(MEASURE_PALETTE)
    _draw_mood(canvas, data, labels, MOOD_PANEL_3)
    _draw_rated(canvas, data, labels, RATED_PANEL_3)
    _draw_measure(canvas, data, labels)
    return canvas.png()


def _draw_mood(canvas: _Canvas, data: ProgressData, labels: ChartLabels,
               box: tuple[float, float, float, float]) -> None:
    panel = _Panel.at(box, -0.6, data.days - 0.4)

    def x(day: date) -> float:
        return panel.x((day - data.start).days)

    half_band = (panel.x(0.45) - panel.x(0))
    for day in data.exercise_days:
        canvas.draw.rectangle((round(x(day) - half_band), panel.top,
                               round(x(day) + half_band), panel.bottom),
                              fill=INK_INDEX["exercise"])
    _frame(canvas, panel, labels.mood)
    if data.exercise_days:
        _legend(canvas, panel, [("band", labels.exercise_day)])
    if data.mood:
        points = [(x(day), panel.y(value)) for day, value in data.mood]
        if len(points) > 1:
            canvas.draw.line(points, fill=INK_INDEX["mood"], width=_px(2.5), joint="curve")
        for px, py in points:
            canvas.disc(px, py, _px(8), "mood")
    else:
        _centred(canvas, panel, labels.no_mood)
    _day_ticks(canvas, panel, data, labels)


def _day_ticks(canvas: _Canvas, panel: _Panel, data: ProgressData, labels: ChartLabels
               ) -> None:
    """A few dates under a panel whose x axis is the chart's days."""
    step = max(1, -(-(data.days - 1) // (MAX_DATE_TICKS - 1)))
    # Counted back from today, so the newest day always has its label.
    ticks = sorted(range(data.days - 1, -1, -step))
    _x_ticks(canvas, panel, [(panel.x(t), labels.date(data.start + timedelta(days=t)))
                             for t in ticks], turned=False)


def _draw_rated(canvas: _Canvas, data: ProgressData, labels: ChartLabels,
                box: tuple[float, float, float, float]) -> None:
    shown = data.rated[-MAX_RATED:]
    panel = _Panel.at(box, -0.6, max(len(shown), 4) - 0.4)
    _frame(canvas, panel, labels.intensity)
    if not shown:
        _centred(canvas, panel, labels.no_ratings)
        return
    size, ring = round(110 ** 0.5 * DPI / 72), _px(2.5)
    for n, item in enumerate(shown):
        x = panel.x(n)
        canvas.draw.line((x, panel.y(item.before), x, panel.y(item.after)),
                         fill=INK_INDEX["link"], width=_px(2))
        canvas.disc(x, panel.y(item.before), size, "before", ring=ring)
        canvas.disc(x, panel.y(item.after), size, "after")
    _x_ticks(canvas, panel, [(panel.x(n), labels.date(r.at)) for n, r in enumerate(shown)],
             turned=len(shown) > 5)
    _legend(canvas, panel, [("before", labels.before), ("after", labels.after)])


def _draw_measure(canvas: _Canvas, data: ProgressData, labels: ChartLabels) -> None:
    """The self-compassion score 1-5 over the chart's days, and the items' source."""
    panel = _Panel.at(MEASURE_PANEL, -0.6, data.days - 0.4, MEASURE_Y_LOW, MEASURE_Y_HIGH)
    _frame(canvas, panel, labels.self_compassion,
           range(MEASURE_LOW, MEASURE_HIGH + 1))
    points = [(panel.x((day - data.start).days), panel.y(value))
              for day, value in data.self_compassion]
    if len(points) > 1:
        canvas.draw.line(points, fill=INK_INDEX["measure"], width=_px(2.5), joint="curve")
    for px, py in points:
        canvas.disc(px, py, _px(8), "measure")
    _day_ticks(canvas, panel, data, labels)
    # Under the dates, as wide as the panel, in as many lines as it takes (a few).
    small = ImageFont.truetype(FONT_PATH, size=_px(SOURCE_SIZE))
    top = panel.bottom + _px(6) + _px(TICK_SIZE) + _px(7)
    step = round(_px(SOURCE_SIZE) * 1.3)
    for n, line in enumerate(_wrapped(labels.measure_source, small,
                                      panel.right - panel.left)[:SOURCE_LINES]):
        canvas.words(panel.left, top + n * step, line, small, ink="muted")


def _wrapped(text: str, font: Font, width: int) -> list[str]:
    """``text`` in lines no wider than ``width`` (a word longer than that has its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _frame(canvas: _Canvas, panel: _Panel, title: str,
           ticks: Sequence[int] = SCALE_TICKS) -> None:
    """Title, grid, the left and bottom axes, and the scale (0-10 unless ``ticks``)."""
    for value in ticks:
        y = round(panel.y(value))
        canvas.draw.line((panel.left, y, panel.right, y), fill=INK_INDEX["grid"], width=2)
        canvas.draw.line((panel.left - _px(3.5), y, panel.left, y), fill=INK_INDEX["text"],
                         width=2)
        canvas.words(panel.left - _px(6), y, str(value), canvas.tick, anchor="rm")
    canvas.draw.line((panel.left, panel.top, panel.left, panel.bottom), fill=INK_INDEX["text"],
                     width=2)
    canvas.draw.line((panel.left, panel.bottom, panel.right, panel.bottom),
                     fill=INK_INDEX["text"], width=2)
    canvas.words(panel.left, panel.top - _px(12), title, canvas.title, anchor="ls")


def _x_ticks(canvas: _Canvas, panel: _Panel, ticks: Sequence[tuple[float, str]],
             turned: bool) -> None:
    for x, label in ticks:
        canvas.draw.line((x, panel.bottom, x, panel.bottom + _px(3.5)), fill=INK_INDEX["text"],
                         width=2)
        if turned:
            canvas.words(x, panel.bottom + _px(6), label, canvas.tick, anchor="rm", angle=45)
        else:
            canvas.words(x, panel.bottom + _px(6), label, canvas.tick, anchor="ma")


def _centred(canvas: _Canvas, panel: _Panel, text: str) -> None:
    canvas.words((panel.left + panel.right) / 2, (panel.top + panel.bottom) / 2, text,
                 canvas.text, ink="muted", anchor="mm")


def _legend(canvas: _Canvas, panel: _Panel, entries: Sequence[tuple[str, str]]) -> None:
    """Keys on the title's line, at the right, where no data point can hide them."""
    right, baseline = panel.right, panel.top - _px(12)
    middle = baseline - _px(TICK_SIZE) // 3
    for key, label in reversed(entries):
        right -= canvas.words(right, baseline, label, canvas.tick, anchor="rs") + _px(8)
        if key == "band":
            width = _px(24)
            canvas.draw.rectangle((right - width, middle - _px(5), right, middle + _px(5)),
                                  fill=INK_INDEX["exercise"])
        else:
            width = round(110 ** 0.5 * DPI / 72)
            canvas.disc(right - width / 2, middle, width, key,
                        ring=_px(2.5) if key == "before" else 0)
        right -= width + _px(24)
