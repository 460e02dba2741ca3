"""Logging a failure that keeps happening: at once, then once a minute with a count.

While the database is down every turn, drain and tick fails; a log line (with a
traceback) for each would bury the one line the operator needs.  A
:class:`FailureLog` writes the first failure of each kind at once, then at most
one line per interval saying how many more there were and why, and one line
when it works again.

What is logged is safe to keep: a storage fault's own words (SQLite and asyncpg
name the condition, never a value; see :mod:`bot.storage_faults`), otherwise
the exception's type and where it was raised, never its message, which might
quote what a person wrote.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from bot.storage_faults import classify

DEFAULT_INTERVAL = 60.0


@dataclass(slots=True)
class _Streak:
    count: int = 0
    """Failures since the last line was written."""
    total: int = 0
    """Failures since it last worked."""
    logged_at: float = 0.0
    cause: str = ""


class FailureLog:
    """Rate-limited logging of one component's failures, by what failed (``logger``
    ``None``: only counted)."""

    def __init__(
        self, logger: logging.Logger | None, component: str, *,
        interval: float = DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.component = component
        self.interval = interval
        self.clock = clock
        self._streaks: dict[str, _Streak] = {}

    def failed(self, what: str, error: BaseException) -> None:
        """``what`` (a short description, no personal data) failed with ``error``."""
        streak = self._streaks.setdefault(what, _Streak())
        streak.count += 1
        streak.total += 1
        streak.cause = describe(error)
        now = self.clock()
        if self.logger is None:
            return  # counted only: the caller says it its own way
        if streak.total == 1:
            streak.logged_at, streak.count = now, 0
            where = "" if classify(error) is not None else "\n" + _where(error)
            self.logger.error("%s: %s failed: %s; retrying%s", self.component, what,
                              streak.cause, where)
        elif now - streak.logged_at >= self.interval:
            self.logger.error("%s: %s failed %d more times in the last %.0f s (%s); still "
                              "retrying", self.component, what, streak.count,
                              now - streak.logged_at, streak.cause)
            streak.logged_at, streak.count = now, 0

    def recovered(self, what: str) -> None:
        """``what`` worked: say so once, if it had been failing."""
        streak = self._streaks.pop(what, None)
        if streak is not None and streak.total and self.logger is not None:
            self.logger.warning("%s: %s works again after %d failures", self.component, what,
                                streak.total)

    def failing(self, what: str) -> int:
        """How many times ``what`` failed since it last worked."""
        streak = self._streaks.get(what)
        return streak.total if streak is not None else 0


def describe(error: BaseException) -> str:
    """A storage fault's one line, or the exception's type: never its message."""
    fault = classify(error)
    if fault is not None:
        return fault.line()
    return type(error).__name__


def _where(error: BaseException) -> str:
    """The traceback without the exception's message."""
    return "".join(traceback.format_tb(error.__traceback__)).rstrip()


class WithoutTraceback(logging.Filter):
    """For libraries' loggers (``names`` and their children): an exception they log
    is named by type, in one line; its traceback (pages of a driver's internals,
    whenever the database is down) and its message (which may quote data) are
    left out.  Install it on a handler: a logger's filters miss its children."""

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__()
        self.names = names

    def filter(self, record: logging.LogRecord) -> bool:
        library = any(record.name == n or record.name.startswith(n + ".") for n in self.names)
        if library and record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({describe(error)})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True
