"""Retention: once a day, free text older than ``RETENTION_DAYS`` is deleted.

What "free text older than" means per table is the store's contract
(:meth:`bot.store.base.Store.purge`); this task only decides when.  It runs once
at startup, so a bot restarted every night still purges, and then every
``interval``.  Several processes may each run it: a purge is idempotent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.storage_faults import classify
from bot.store.base import MaintenanceStore

log = logging.getLogger(__name__)

MIN_RETENTION = timedelta(days=7)
"""Processed event ids must outlive a platform's redelivery of an update (Telegram
keeps them for a day); a week leaves room for a long outage."""


def purge_cutoff(now: datetime, retention: timedelta) -> datetime:
    """The moment before which free text goes; never less than a week ago."""
    return now - max(retention, MIN_RETENTION)


class Housekeeper:
    """Runs :meth:`Store.purge` every ``interval`` with a ``retention`` cutoff."""

    def __init__(
        self,
        store: MaintenanceStore,
        clock: Callable[[], datetime],
        retention: timedelta,
        *,
        interval: timedelta = timedelta(days=1),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = store
        self.clock = clock
        self.retention = retention
        self.interval = interval
        self.sleep = sleep

    async def run_once(self) -> dict[str, int]:
        """Purge now; returns the rows deleted (or, for profiles, cleared) per table."""
        counts = await self.store.purge(purge_cutoff(self.clock(), self.retention))
        if any(counts.values()):
            # Counts only: which rows went would say who talked when.
            log.info("retention purge: %s",
                     ", ".join(f"{table} {n}" for table, n in sorted(counts.items())))
        return counts

    async def run(self) -> None:
        """Purge, then again every ``interval``, until cancelled."""
        while True:
            try:
                await self.run_once()
            except Exception as exc:
                fault = classify(exc)
                if fault is None:
                    log.exception("retention purge failed; will try again")
                else:  # an outage: what is wrong, no traceback
                    log.error("retention purge failed: %s; will try again", fault.line())
            await self.sleep(self.interval.total_seconds())
