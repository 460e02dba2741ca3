"""``compassion-bot report``: the operator's safety report, per UTC day, with no identifiers.

One job: read the day totals the store keeps
(:meth:`~bot.store.base.MaintenanceStore.safety_report`) and print, for each of
the last ``--days`` UTC days, how many crisis responses, concern checks ("are you
safe right now?") and crisis-line views the bot gave; days with none show zeros,
so a quiet day is told apart from a missing one.  A plain table by default, a
JSON list with ``--json``.  The table it reads holds no platform, chat, person or
text, so neither can the report (California SB 243 asks for referral counts
without identifiers).

``bot.cli`` registers it with :func:`add_command` and hands it over with :func:`run`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TextIO

from bot.config import Settings
from bot.store import open_store
from bot.store.base import SafetyCount

COLUMNS = ("crisis", "concern", "resources")
"""The kinds reported, in column order (those the runtime counts:
:data:`bot.store.base.SAFETY_KINDS`); any other kind in the store is left out."""

DEFAULT_DAYS = 30
MAX_DAYS = 36_600
"""A hundred years: more than any report needs, few enough rows to print."""


@dataclass(frozen=True, slots=True)
class DayRow:
    """One UTC day of the report: a count per column, zero when nothing happened."""

    day: date
    counts: tuple[int, ...]
    """In :data:`COLUMNS` order."""


def add_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``report`` to the ``compassion-bot`` parser."""
    report = sub.add_parser(
        "report", help="safety responses per UTC day (crisis, concern checks, crisis lines "
                       "shown), counts only, for the operator's reporting")
    report.add_argument("--days", type=_days, default=DEFAULT_DAYS,
                        help=f"how many UTC days up to today (default: {DEFAULT_DAYS})")
    report.add_argument("--json", action="store_true",
                        help='print a JSON list of {"day", "crisis", "concern", "resources"}')


def _days(text: str) -> int:
    """``--days``: a whole number of days, at least one."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}") from None
    if not 1 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"give between 1 and {MAX_DAYS} days")
    return days


def utc_today() -> date:
    """Today's UTC day: the last row of the report (tests pin it)."""
    return datetime.now(UTC).date()


def run(args: argparse.Namespace, settings: Settings, out: TextIO | None = None) -> int:
    """Print the report ``args`` asks for, from the configured database; the exit status."""
    out = out or sys.stdout  # looked up now: tests and tools swap sys.stdout
    rows = asyncio.run(read_report(settings, args.days, utc_today()))
    out.write(as_json(rows) if args.json else as_table(rows))
    return 0


async def read_report(settings: Settings, days: int, today: date) -> list[DayRow]:
    """The ``days`` UTC days up to and including ``today``, oldest first."""
    first = today - timedelta(days=days - 1)
    async with open_store(settings.database_url, settings.encryption_key) as store:
        counts = await store.safety_report(first)
    return day_rows(counts, first, today)


def day_rows(counts: Sequence[SafetyCount], first: date, last: date) -> list[DayRow]:
    """A row for every day from ``first`` to ``last``, zeros where nothing was counted."""
    found = {(c.day, c.kind): c.count for c in counts}
    return [
        DayRow(day, tuple(found.get((day, kind), 0) for kind in COLUMNS))
        for day in (first + timedelta(days=n) for n in range((last - first).days + 1))
    ]


def as_table(rows: Sequence[DayRow]) -> str:
    """The rows as a plain text table, with the period's totals last."""
    width = max(len(name) for name in COLUMNS)
    lines = ["day (UTC)   " + "  ".join(f"{name:>{width}}" for name in COLUMNS)]
    lines += [f"{row.day.isoformat():<10}  " + "  ".join(f"{n:>{width}}" for n in row.counts)
              for row in rows]
    totals = (sum(row.counts[i] for row in rows) for i in range(len(COLUMNS)))
    lines.append(f"{'total':<10}  " + "  ".join(f"{n:>{width}}" for n in totals))
    return "\n".join(lines) + "\n"


def as_json(rows: Sequence[DayRow]) -> str:
    """The rows as a JSON list of ``{"day", "crisis", "concern", "resources"}``."""
    data = [{"day": row.day.isoformat(), **dict(zip(COLUMNS, row.counts, strict=True))}
            for row in rows]
    return json.dumps(data, indent=2) + "\n"
