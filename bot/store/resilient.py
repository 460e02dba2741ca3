"""A store that may be down: the bot starts anyway and picks it up when it is back.

The composition root wraps the configured store in a :class:`ResilientStore`.
If the database cannot be opened at start because of an outage (PostgreSQL is
down, the disk is full or read-only, the file is damaged: see
:mod:`bot.storage_faults`), the bot still starts: every call fails with
:class:`~bot.storage_faults.StorageUnavailableError` naming the cause, so turns
are retried by the adapters and the safety floor answers a crisis meanwhile,
while this store tries to open the database again in the background.  A wrong
setting (a refused password, an unknown database, a key that does not fit) is
not an outage: it still stops the start with one line naming the setting.

Some faults outlive their cause on an open connection: SQLite keeps a file it
opened read-only read-only after the permissions are fixed.  After such a fault
the store is reopened (at most every few seconds) so that fixing the file is
enough.  PostgreSQL's pool reconnects by itself after a server restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Final, TypeVar

from bot.storage_faults import StorageFault, StorageUnavailableError, classify
from bot.store.base import (
    Commit,
    DueGroup,
    DueNudge,
    GroupSnapshot,
    JournalEntry,
    OutboxRow,
    PollRef,
    SafetyCount,
    Snapshot,
    Store,
    TimerRow,
)
from bot.types import ConversationKey, UserKey

log = logging.getLogger(__name__)

RETRY_FIRST: Final = 0.5
RETRY_MAX: Final = 10.0
"""Pauses between attempts to open the database, doubling from the first."""
REOPEN_AFTER: Final = frozenset({"read_only", "corrupt"})
"""Faults after which the connections are opened afresh."""

Verify = Callable[[Store], Awaitable[None]]
_R = TypeVar("_R")


class ResilientStore:
    """:class:`~bot.store.base.Store` over whatever ``factory`` builds, opened (and
    reopened) in the background when the database is not available.

    ``verify`` runs after each successful open (the encryption key check);
    whatever it raises at start stops the start, later it keeps the store closed.
    """

    def __init__(
        self, factory: Callable[[], Store], *, verify: Verify | None = None,
        retry_first: float = RETRY_FIRST, retry_max: float = RETRY_MAX,
    ) -> None:
        self.factory = factory
        self.verify = verify
        self.retry_first = retry_first
        self.retry_max = retry_max
        self._store: Store | None = None
        self._fault: StorageFault | None = None
        self._opener: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def available(self) -> bool:
        return self._store is not None

    @property
    def fault(self) -> StorageFault | None:
        """Why the store is not available (``None`` while it is)."""
        return None if self._store is not None else self._fault

    # --- lifecycle ------------------------------------------------------------------

    async def open(self) -> None:
        """Open the database; if an outage prevents it, keep trying in the background."""
        try:
            await self._open_once()
        except Exception as exc:
            fault = classify(exc)
            if fault is None:
                raise  # a setting to fix, not an outage to wait out
            self._fault = fault
            log.error("the database cannot be used at start: %s. Crisis lines are still "
                      "answered; trying again in the background", fault.line())
            self._start_opener()

    async def _open_once(self) -> None:
        store = self.factory()
        await store.open()
        try:
            if self.verify is not None:
                await self.verify(store)
        except BaseException:
            with contextlib.suppress(Exception):
                await store.close()
            raise
        self._store = store
        self._fault = None

    def _start_opener(self) -> None:
        if self._closed or (self._opener is not None and not self._opener.done()):
            return
        self._opener = asyncio.ensure_future(self._keep_opening())

    async def _keep_opening(self) -> None:
        pause = self.retry_first
        while not self._closed and self._store is None:
            await asyncio.sleep(pause)
            pause = min(self.retry_max, pause * 2)
            try:
                await self._open_once()
            except Exception as exc:
                fault = classify(exc)
                if fault is None:
                    log.critical("the database cannot be used (%s); not trying again: "
                                 "fix the setting and restart", type(exc).__name__)
                    return
                self._fault = fault
                continue
            log.warning("the database is available again")

    async def _reopen(self, fault: StorageFault) -> None:
        """Drop the connections after a fault they would keep (read-only), and open
        them again in the background."""
        store, self._store = self._store, None
        if store is None:
            return
        self._fault = fault
        log.error("reopening the database after: %s", fault.line())
        with contextlib.suppress(Exception):
            await store.close()
        self._start_opener()

    async def close(self) -> None:
        self._closed = True
        opener, self._opener = self._opener, None
        if opener is not None:
            opener.cancel()
            await asyncio.gather(opener, return_exceptions=True)
        store, self._store = self._store, None
        if store is not None:
            await store.close()

    # --- every call -------------------------------------------------------------------

    async def _call(self, call: Callable[[Store], Awaitable[_R]]) -> _R:
        store = self._store
        if store is None:
            raise StorageUnavailableError(self._fault or StorageFault("unreachable", "closed"))
        try:
            return await call(store)
        except Exception as exc:
            fault = classify(exc)
            if fault is not None and fault.cause in REOPEN_AFTER and self._store is store:
                await self._reopen(fault)
            raise

    async def schema_version(self) -> int:
        return await self._call(lambda s: s.schema_version())

    async def load(self, key: ConversationKey, event_id: str | None = None) -> Snapshot:
        return await self._call(lambda s: s.load(key, event_id))

    async def commit(self, commit: Commit) -> list[int]:
        return await self._call(lambda s: s.commit(commit))

    async def pending_outbox(
        self, limit: int = 100, platform: str | None = None
    ) -> list[OutboxRow]:
        return await self._call(lambda s: s.pending_outbox(limit, platform))

    async def claim_outbox(
        self, now: datetime, limit: int, lease: timedelta, platform: str | None = None
    ) -> list[OutboxRow]:
        return await self._call(lambda s: s.claim_outbox(now, limit, lease, platform))

    async def mark_delivered(self, ids: Sequence[int], at: datetime) -> None:
        await self._call(lambda s: s.mark_delivered(ids, at))

    async def mark_failed(
        self, row_id: int, error: str, at: datetime, give_up: bool,
        retry_at: datetime | None = None,
    ) -> None:
        await self._call(lambda s: s.mark_failed(row_id, error, at, give_up, retry_at))

    async def release_outbox(self, ids: Sequence[int], until: datetime | None = None) -> None:
        await self._call(lambda s: s.release_outbox(ids, until))

    async def export_user(self, user: UserKey) -> dict[str, Any]:
        return await self._call(lambda s: s.export_user(user))

    async def journal(
        self,
        user: UserKey,
        *,
        kinds: Sequence[str] = (),
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[JournalEntry]:
        return await self._call(lambda s: s.journal(user, kinds=kinds, since=since, limit=limit))

    async def claim_timers(self, now: datetime, limit: int, lease: timedelta) -> list[TimerRow]:
        return await self._call(lambda s: s.claim_timers(now, limit, lease))

    async def delete_timers(self, ids: Sequence[int]) -> None:
        await self._call(lambda s: s.delete_timers(ids))

    async def claim_nudges(self, now: datetime, limit: int, lease: timedelta) -> list[DueNudge]:
        return await self._call(lambda s: s.claim_nudges(now, limit, lease))

    async def load_group(
        self, platform: str, chat_id: str, *, wins: bool = False
    ) -> GroupSnapshot:
        return await self._call(lambda s: s.load_group(platform, chat_id, wins=wins))

    async def claim_groups(self, now: datetime, limit: int, lease: timedelta) -> list[DueGroup]:
        return await self._call(lambda s: s.claim_groups(now, limit, lease))

    async def record_poll(self, platform: str, chat_id: str, poll_id: str, ref: str) -> None:
        await self._call(lambda s: s.record_poll(platform, chat_id, poll_id, ref))

    async def find_poll(self, platform: str, poll_id: str) -> PollRef | None:
        return await self._call(lambda s: s.find_poll(platform, poll_id))

    async def export_groups(self, user: UserKey) -> dict[str, Any]:
        return await self._call(lambda s: s.export_groups(user))

    async def purge(self, before: datetime) -> dict[str, int]:
        return await self._call(lambda s: s.purge(before))

    async def get_meta(self, name: str) -> str | None:
        return await self._call(lambda s: s.get_meta(name))

    async def set_meta(self, name: str, value: str | None) -> None:
        await self._call(lambda s: s.set_meta(name, value))

    async def safety_report(self, since: date | None = None) -> list[SafetyCount]:
        return await self._call(lambda s: s.safety_report(since))
