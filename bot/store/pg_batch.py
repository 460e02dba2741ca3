"""Group commit for the PostgreSQL store: several turns in one transaction.

One job: take the turns that queue up while a transaction is being written and
write them together, each inside its own savepoint, so that one flush of the
write-ahead log (``synchronous_commit=on``) confirms many turns instead of one.

* A lone turn is written at once; under load batches grow by themselves (up to
  ``max_batch``), exactly as the SQLite store's writer does.
* Each turn runs in a savepoint: a turn refused by the database's checks
  (:class:`ConflictError`, :class:`DuplicateEventError`, or any error the server
  raises for that turn alone) is rolled back on its own and fails only its own
  caller; the others still land.
* What the accepted turns add to shared rows (the safety report's day totals) is
  written once per batch by ``finish``, after the last savepoint and before
  ``COMMIT``: such a row is locked only for the end of the transaction, after
  every turn has taken its own locks, so a hot row (today's crisis count) never
  holds up the rest of a batch or takes part in a lock-order circle.
* Nobody is answered before ``COMMIT`` returns: commit before confirm.  If the
  transaction itself fails (the connection drops, the server restarts), every
  caller of the batch gets the error, as each would have with its own
  transaction.
* Turns are spread over ``lanes`` writers, each with its own connection, by the
  person they belong to: one person's turns are always written in the order they
  came, by one lane, so two lanes never wait on each other for a person's rows.
  A deadlock that is still possible (two group chats locked in opposite orders)
  is turned into :class:`ConflictError`, which the runtime answers by loading
  the conversation again and re-running the turn.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar
from zlib import crc32

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.store.base import Commit, ConflictError, StoreError
from bot.store.batching import run_batches, settle

__all__ = ["DEFAULT_LANES", "DEFAULT_MAX_BATCH", "GroupCommit"]

log = logging.getLogger(__name__)

DEFAULT_LANES = 2
"""Writers per process.  Two keep the database busy while one lane's batch is in
flight; more add little on one process (measured in the closing note of the
speed issue) and hold more connections."""
DEFAULT_MAX_BATCH = 64
"""Turns per transaction at most: enough to share one WAL flush widely, few
enough that a batch's locks are held for a few milliseconds."""

V = TypeVar("V")
Apply = Callable[[PoolConnectionProxy, Commit, V], Awaitable[list[int]]]
Finish = Callable[[PoolConnectionProxy, list[tuple[Commit, V]]], Awaitable[None]]
"""Writes the batch's accepted turns share, inside the transaction, after the last
savepoint; raising fails the whole batch, so it is given only checked values."""


@dataclass(slots=True)
class _Job(Generic[V]):
    commit: Commit
    values: V
    future: asyncio.Future[list[int]]


class GroupCommit(Generic[V]):
    """Lanes of writers that group-commit turns on connections from ``pool``.

    ``apply`` writes one turn inside the caller's transaction (raising refuses
    it); ``values`` are whatever it needs prepared beforehand.  ``finish``, when
    given, writes what the turns ``apply`` accepted add up to, once per batch.
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        apply: Apply[V],
        *,
        finish: Finish[V] | None = None,
        lanes: int = DEFAULT_LANES,
        max_batch: int = DEFAULT_MAX_BATCH,
    ) -> None:
        if lanes < 1 or max_batch < 1:
            raise ValueError("lanes and max_batch must be at least 1")
        self._pool = pool
        self._apply = apply
        self._finish = finish
        self._max_batch = max_batch
        self._queues: list[asyncio.Queue[_Job[V] | None]] = [
            asyncio.Queue() for _ in range(lanes)
        ]
        self._tasks = [
            asyncio.create_task(self._lane(queue), name=f"postgres-group-commit-{n}")
            for n, queue in enumerate(self._queues)
        ]

    async def submit(self, commit: Commit, values: V) -> list[int]:
        """Write ``commit`` with whatever else is waiting; its outbox row ids once
        the transaction has committed."""
        if not self._tasks:
            raise StoreError("store is not open")
        key = commit.key
        lane = crc32(f"{key.platform}\0{key.user_id}".encode()) % len(self._queues)
        future: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        self._queues[lane].put_nowait(_Job(commit, values, future))
        return await future

    async def close(self) -> None:
        """Write what is queued, then stop the lanes."""
        tasks, self._tasks = self._tasks, []
        for queue in self._queues:
            queue.put_nowait(None)
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _lane(self, queue: asyncio.Queue[_Job[V] | None]) -> None:
        await run_batches(queue, self._max_batch, self._write)

    async def _write(self, jobs: list[_Job[V]]) -> None:
        """One transaction for ``jobs``, a savepoint each; settle every future."""
        # A caller that gave up before its turn was written gets nothing written.
        jobs = [job for job in jobs if not job.future.cancelled()]
        if not jobs:
            return
        outcomes: list[list[int] | BaseException] = []
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                for job in jobs:
                    outcomes.append(await self._one(conn, job))
                if self._finish is not None:
                    # Refused turns (their savepoint rolled back) add nothing.
                    accepted = [(job.commit, job.values) for job, outcome
                                in zip(jobs, outcomes, strict=True)
                                if not isinstance(outcome, BaseException)]
                    if accepted:
                        await self._finish(conn, accepted)
        except Exception as exc:  # the transaction itself failed: every turn with it
            log.warning("group commit of %d turns failed (%s)", len(jobs), type(exc).__name__)
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(exc)
            return
        settle(jobs, outcomes)

    async def _one(self, conn: PoolConnectionProxy, job: _Job[V]) -> list[int] | BaseException:
        """One turn in its own savepoint: its refusal is its own outcome."""
        try:
            async with conn.transaction():  # nested: a savepoint
                return await self._apply(conn, job.commit, job.values)
        except asyncpg.DeadlockDetectedError:
            return ConflictError("lost a lock wait to another writer; load and try again")
        except (StoreError, asyncpg.PostgresError) as exc:
            # Refused by a check or by the server for this turn alone; the
            # savepoint has been rolled back and the rest of the batch goes on.
            return exc
