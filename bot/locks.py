"""A lock per conversation key, created on demand and dropped when idle.

Turns of one conversation run one at a time inside a process (so a person who
types fast gets answers in order); different conversations never wait for each
other.  Across processes, the store's optimistic ``version`` does the same job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from types import TracebackType


class KeyedLocks:
    """``async with locks.hold(key):`` serialises work on ``key``."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    def hold(self, key: Hashable) -> _Hold:
        """Hold ``key``'s lock for the ``async with`` block, waiting for it first."""
        return _Hold(self, key)

    def _enter(self, key: Hashable) -> asyncio.Lock:
        """Count one more user of ``key``'s lock (made for the first) and return it."""
        found = self._locks.get(key)
        lock, users = found if found is not None else (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        return lock

    def _leave(self, key: Hashable) -> None:
        """Count one user less; an idle key's lock is dropped."""
        lock, users = self._locks[key]
        if users == 1:
            del self._locks[key]
        else:
            self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        """How many keys are held or waited for (idle keys take no memory)."""
        return len(self._locks)


class _Hold:
    """One ``hold``: a plain async context manager rather than an
    ``@asynccontextmanager`` generator, whose machinery cost more than the lock
    itself on every turn."""

    __slots__ = ("_key", "_lock", "_owner")

    def __init__(self, owner: KeyedLocks, key: Hashable) -> None:
        self._owner = owner
        self._key = key
        self._lock: asyncio.Lock | None = None

    async def __aenter__(self) -> None:
        lock = self._owner._enter(self._key)
        try:
            await lock.acquire()
        except BaseException:
            # Cancelled while waiting: no longer a user of the key.
            self._owner._leave(self._key)
            raise
        self._lock = lock

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._lock is not None
        try:
            self._lock.release()
        finally:
            self._owner._leave(self._key)
