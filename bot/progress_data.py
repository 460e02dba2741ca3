"""What the progress chart shows: :class:`ProgressData` and its :class:`Rated` exercises.

One job: the value passed from :mod:`bot.progress` (which works it out from the
journal) to :mod:`bot.progress_chart` (which draws it).  It lives apart from both
so that neither imports the other's module for it (no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["ProgressData", "Rated"]


@dataclass(frozen=True, slots=True)
class Rated:
    """An exercise rated before and after (0-10)."""

    at: datetime
    dialogue: str
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class ProgressData:
    """What the chart shows, for the ``days`` days ending on ``end`` (inclusive)."""

    start: date
    end: date
    mood: tuple[tuple[date, float], ...]
    """Each day with a check-in, and that day's mean mood, oldest first."""
    exercise_days: tuple[date, ...]
    """Days with at least one exercise, oldest first."""
    rated: tuple[Rated, ...]
    """Exercises rated before and after, oldest first."""
    self_compassion: tuple[tuple[date, float], ...] = ()
    """Each day with a self-compassion measure (SCS-SF), and that day's mean score
    1-5 (higher is kinder to oneself), oldest first."""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def empty(self) -> bool:
        return not (self.mood or self.exercise_days or self.rated or self.self_compassion)
