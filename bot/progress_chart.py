"""Draw the progress chart as a PNG sized for a phone.

One job: :class:`~bot.progress.ProgressData` in, PNG bytes out.  Two panels,
1080 x 1350 pixels (portrait, 4:5, which Telegram and Discord show whole):
mood 0-10 over the days, with the days that had an exercise shaded, and the
intensity before and after each recent rated exercise.

Matplotlib is used through ``Figure`` and the Agg canvas directly, never
``pyplot``: no global figure registry, no backend switch, nothing kept between
charts, so charts can be drawn from several threads.  It is imported when the
first chart is drawn, so starting the bot does not pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from bot.progress import ProgressData

__all__ = ["DPI", "HEIGHT_PX", "WIDTH_PX", "ChartLabels", "draw_chart"]

WIDTH_PX, HEIGHT_PX, DPI = 1080, 1350, 150
# Only so many before/after pairs stay readable side by side on a phone.
MAX_RATED = 10
# At most this many date labels under the mood panel.
MAX_DATE_TICKS = 6
TITLE_SIZE, TEXT_SIZE, TICK_SIZE = 17, 14, 13
MOOD_COLOUR = "#2f6690"
EXERCISE_COLOUR = "#f2c14e"
BEFORE_COLOUR = "#b5485d"
AFTER_COLOUR = "#3a7d44"
GRID_COLOUR = "#dddddd"



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
    date: Callable[[date], str]
    """A day as shown under the axes ("26 Nov")."""


def draw_chart(data: ProgressData, labels: ChartLabels) -> bytes:
    """The chart of ``data`` as PNG bytes, ``WIDTH_PX`` x ``HEIGHT_PX``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    # Fixed panel positions: tight_layout would cost more than the drawing.
    mood = figure.add_axes((0.11, 0.57, 0.83, 0.35))
    rated = figure.add_axes((0.11, 0.09, 0.83, 0.35))
    _draw_mood(mood, data, labels)
    _draw_rated(rated, data, labels)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, facecolor="white",
                   pil_kwargs={"compress_level": 3})
    return out.getvalue()


def _draw_mood(axes: Axes, data: ProgressData, labels: ChartLabels) -> None:
    _style(axes, labels.mood)

    def x(day: date) -> int:
        return (day - data.start).days

    if data.exercise_days:
        # One bar artist for all exercise days: cheaper to draw than a span each.
        axes.bar([x(day) for day in data.exercise_days], 11.3, bottom=-0.4, width=0.9,
                 color=EXERCISE_COLOUR, alpha=0.35, lw=0, label=labels.exercise_day)
        _legend(axes)
    if data.mood:
        axes.plot([x(day) for day, _ in data.mood], [value for _, value in data.mood],
                  color=MOOD_COLOUR, lw=2.5, marker="o", markersize=8)
    else:
        axes.text(0.5, 0.5, labels.no_mood, transform=axes.transAxes, ha="center",
                  va="center", fontsize=TEXT_SIZE, color="#666666")
    axes.set_xlim(-0.6, data.days - 0.4)
    step = max(1, -(-(data.days - 1) // (MAX_DATE_TICKS - 1)))
    # Counted back from today, so the newest day always has its label.
    ticks = sorted(range(data.days - 1, -1, -step))
    axes.set_xticks(ticks, [labels.date(data.start + timedelta(days=t)) for t in ticks])


def _draw_rated(axes: Axes, data: ProgressData, labels: ChartLabels) -> None:
    _style(axes, labels.intensity)
    shown = data.rated[-MAX_RATED:]
    if not shown:
        axes.text(0.5, 0.5, labels.no_ratings, transform=axes.transAxes, ha="center",
                  va="center", fontsize=TEXT_SIZE, color="#666666")
        axes.set_xticks([])
        return
    xs = range(len(shown))
    for x, item in zip(xs, shown, strict=True):
        axes.plot([x, x], [item.before, item.after], color="#999999", lw=2, zorder=1)
    axes.scatter(xs, [r.before for r in shown], s=110, facecolors="white",
                 edgecolors=BEFORE_COLOUR, linewidths=2.5, label=labels.before, zorder=2)
    axes.scatter(xs, [r.after for r in shown], s=110, color=AFTER_COLOUR,
                 label=labels.after, zorder=3)
    axes.set_xlim(-0.6, max(len(shown), 4) - 0.4)
    crowded = len(shown) > 5
    axes.set_xticks(list(xs), [labels.date(r.at) for r in shown],
                    rotation=45 if crowded else 0, ha="right" if crowded else "center")
    _legend(axes, columns=2)


def _style(axes: Axes, title: str) -> None:
    axes.set_title(title, fontsize=TITLE_SIZE, loc="left", pad=12)
    axes.set_ylim(-0.4, 10.9)
    axes.set_yticks(range(0, 11, 2))
    axes.tick_params(labelsize=TICK_SIZE)
    axes.grid(axis="y", color=GRID_COLOUR)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _legend(axes: Axes, columns: int = 1) -> None:
    # On the title's line, at the right, where no data point can hide it.
    axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=TICK_SIZE,
                frameon=False, borderaxespad=0.2, ncols=columns)
