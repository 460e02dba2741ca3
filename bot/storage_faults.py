"""What a storage failure means, in words an operator (or the person at the terminal) can act on.

A turn that cannot be committed fails with whatever the database driver raised:
``sqlite3.OperationalError('database or disk is full')``, asyncpg's
``ConnectionDoesNotExistError``, an ``OSError`` from a refused connection...
:func:`classify` reads such an exception (and the exceptions it was raised from)
into a :class:`StorageFault`: a short cause code for logs and counters, and one
line saying what is wrong and what to do.  Exceptions that are not about
storage give ``None``: they are bugs, not outages.

Nothing here ever quotes a value: SQLite's messages name the condition only,
and for every other driver only the exception's type and SQLSTATE are used.
"""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass
from typing import Final, Literal

Cause = Literal["disk_full", "read_only", "corrupt", "unreachable", "locked", "io"]

# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_BUSY: Final = 5
_SQLITE_LOCKED: Final = 6
_SQLITE_READONLY: Final = 8
_SQLITE_IOERR: Final = 10
_SQLITE_CORRUPT: Final = 11
_SQLITE_FULL: Final = 13
_SQLITE_CANTOPEN: Final = 14
_SQLITE_NOTADB: Final = 26

_SQLITE_CAUSES: Final[dict[int, Cause]] = {
    _SQLITE_BUSY: "locked",
    _SQLITE_LOCKED: "locked",
    _SQLITE_READONLY: "read_only",
    _SQLITE_IOERR: "io",
    _SQLITE_CORRUPT: "corrupt",
    _SQLITE_FULL: "disk_full",
    _SQLITE_CANTOPEN: "read_only",
    _SQLITE_NOTADB: "corrupt",
}

_SUMMARY: Final[dict[Cause, str]] = {
    "disk_full": "the disk holding the database is full",
    "read_only": "the database cannot be written (read-only file, folder or disk)",
    "corrupt": "the database file is damaged",
    "unreachable": "the database server cannot be reached",
    "locked": "the database is locked by another program",
    "io": "the disk holding the database reports errors",
}

_REMEDY: Final[dict[Cause, str]] = {
    "disk_full": "free some space on that disk",
    "read_only": "make the database file and its folder writable by the bot",
    "corrupt": "stop the bot and restore the file from a backup "
               "(`compassion-bot health` says what is wrong)",
    "unreachable": "check that PostgreSQL is running and DATABASE_URL is right",
    "locked": "close the other program using the database file",
    "io": "check the disk; `compassion-bot health` says whether the file is intact",
}


@dataclass(frozen=True, slots=True)
class StorageFault:
    """Why a turn could not be stored."""

    cause: Cause
    detail: str
    """The driver's own words when they carry no data (SQLite's messages, asyncpg's
    SQLSTATE), else the exception's type name."""

    @property
    def summary(self) -> str:
        return _SUMMARY[self.cause]

    @property
    def remedy(self) -> str:
        return _REMEDY[self.cause]

    def line(self) -> str:
        """One line: what is wrong, in the driver's words too, and what to do."""
        return f"{self.summary} ({self.detail}): {self.remedy}"


class StorageUnavailableError(Exception):
    """The store cannot be used right now; :attr:`fault` says why.  Raised instead of
    the driver's exception where the store knows the cause already (a database
    that could not be opened at start)."""

    def __init__(self, fault: StorageFault) -> None:
        super().__init__(fault.line())
        self.fault = fault


def classify(error: BaseException) -> StorageFault | None:
    """The storage fault behind ``error`` (or any exception it was raised from),
    or ``None`` when it is not a storage failure."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        fault = _one(current)
        if fault is not None:
            return fault
        current = current.__cause__ or current.__context__
    return None


def _one(error: BaseException) -> StorageFault | None:
    if isinstance(error, StorageUnavailableError):
        return error.fault
    if isinstance(error, sqlite3.Error):
        return _sqlite(error)
    if type(error).__module__.startswith("asyncpg"):
        return _postgres(error)
    if _named(error, "DatabaseUnavailableError"):
        # Raised on connecting: a server that is down is an outage; a wrong
        # DATABASE_URL (password, database name) is a setting to fix, not to wait out.
        if getattr(error, "transient", False):
            return StorageFault("unreachable", "DatabaseUnavailableError")
        return None
    if isinstance(error, ConnectionError | TimeoutError):
        return StorageFault("unreachable", type(error).__name__)
    if isinstance(error, PermissionError) or (
            isinstance(error, OSError) and error.errno == errno.EROFS):
        return StorageFault("read_only", type(error).__name__)
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return StorageFault("disk_full", type(error).__name__)
    if isinstance(error, OSError):
        return StorageFault("io", type(error).__name__)
    return None


def _sqlite(error: sqlite3.Error) -> StorageFault:
    code = getattr(error, "sqlite_errorcode", None)
    cause = _SQLITE_CAUSES.get(code & 0xFF) if isinstance(code, int) else None
    message = str(error)
    if cause is None:
        # Older builds without error codes: SQLite's fixed messages.
        lowered = message.casefold()
        cause = ("disk_full" if "full" in lowered
                 else "read_only" if "readonly" in lowered or "unable to open" in lowered
                 else "corrupt" if "malformed" in lowered or "not a database" in lowered
                 else "locked" if "locked" in lowered
                 else "io")
    # SQLite's own messages name the condition, never a bound value.
    return StorageFault(cause, message or type(error).__name__)


def _postgres(error: BaseException) -> StorageFault:
    state = str(getattr(error, "sqlstate", "") or "")
    name = type(error).__name__
    detail = f"{name} {state}".strip()
    if state.startswith(("08", "57P")) or not state:
        # Connection exceptions, an admin shutdown, a server starting up; and the
        # client-side errors with no SQLSTATE (a connection that went away).
        return StorageFault("unreachable", detail)
    if state == "53100":
        return StorageFault("disk_full", detail)
    if state == "25006":
        return StorageFault("read_only", detail)
    if state.startswith("XX"):
        return StorageFault("corrupt", detail)
    return StorageFault("io", detail)


def _named(error: BaseException, name: str) -> bool:
    return any(cls.__name__ == name for cls in type(error).__mro__)
