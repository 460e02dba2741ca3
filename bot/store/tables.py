"""Row-level access to a database's tables, beside the ``Store`` contract.

Maintenance commands (``compassion-bot migrate``, ``compassion-bot db copy``)
need what the contract deliberately hides: which migration a database is at,
how many rows each table holds, every row as it is, and where the id sequences
stand.  The tables, column by column, are the schema catalogue's
(:data:`bot.store.schema.TABLES`); :class:`SqliteTables` and
:class:`PostgresTables` read and write them.

Rows travel between the two as tuples of plain values, one kind per column:
``text`` and ``int`` as they are, ``ts`` as timezone-aware datetimes, ``date``
as ``datetime.date``, ``json`` as JSON text.  Each side converts to and from its
own storage here, and only here: SQLite keeps timestamps as UTC text, days as
``YYYY-MM-DD`` text and JSON as text, PostgreSQL as ``timestamptz``, ``date`` and
``json``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

import aiosqlite

from bot.store import POSTGRES_SCHEMES, UnsupportedDatabaseError, sqlite_path
from bot.store.schema import TABLES, Kind, Table
from bot.store.values import from_utc_text, utc_text

if TYPE_CHECKING:  # asyncpg is an optional extra: imported only when PostgreSQL is used
    import asyncpg
    from asyncpg.transaction import Transaction

__all__ = ["BATCH", "TABLES", "PostgresTables", "Row", "SqliteTables", "Table", "Tables",
           "open_tables"]

Value = str | int | datetime | date | None
Row = tuple[Value, ...]

BATCH = 1000
"""Rows read and written at a time, so a large database never sits in memory whole."""


class Tables(Protocol):
    """One database's tables.  Reads run in one snapshot between :meth:`begin_read`
    and :meth:`end`; writes in one transaction between :meth:`begin_write` and
    :meth:`end` (which commits) or :meth:`rollback`."""

    backend: str
    """``"sqlite"`` or ``"postgres"``: which migrations apply."""
    where: str
    """The database, for messages (never a password)."""

    async def connect(self) -> None: ...
    async def close(self) -> None: ...
    async def schema_version(self) -> int:
        """The newest migration applied; 0 for a database never migrated."""
        ...

    async def begin_read(self) -> None: ...
    async def begin_write(self) -> None: ...
    async def end(self) -> None: ...
    async def rollback(self) -> None: ...
    async def count(self, table: Table) -> int: ...
    def rows(self, table: Table) -> AsyncIterator[list[Row]]:
        """Every row, in primary-key order, in batches."""
        ...

    async def write(self, table: Table, rows: Sequence[Row]) -> None: ...
    async def sequence(self, table: Table) -> int:
        """The highest id the table's sequence has handed out (0: none yet)."""
        ...

    async def advance_sequence(self, table: Table, past: int) -> None:
        """Make the sequence hand out only ids above ``past`` from now on."""
        ...


def open_tables(url: str) -> Tables:
    """Row access to the database a ``DATABASE_URL``-style ``url`` names (not yet
    connected)."""
    if url.startswith("sqlite:"):
        return SqliteTables(sqlite_path(url))
    if url.startswith(POSTGRES_SCHEMES):
        return PostgresTables(url)
    scheme = url.split(":", 1)[0] or "(empty)"
    raise UnsupportedDatabaseError(
        f"database URL scheme '{scheme}' is not supported; "
        "use sqlite:///PATH or postgresql://USER@HOST/DB"
    )


# --- SQLite -------------------------------------------------------------------


def _from_sqlite_value(kind: Kind, value: object) -> Value:
    if value is None:
        return None
    if kind == "ts":
        return from_utc_text(cast(str, value))
    if kind == "date":
        return date.fromisoformat(cast(str, value))
    return cast(Value, value)


def _from_sqlite(kinds: Sequence[Kind], row: Sequence[object]) -> Row:
    return tuple(_from_sqlite_value(kind, v) for kind, v in zip(kinds, row, strict=True))


def _to_sqlite_value(kind: Kind, value: Value) -> object:
    if kind == "ts" and isinstance(value, datetime):
        return utc_text(value)
    if kind == "date" and isinstance(value, date):
        return value.isoformat()  # YYYY-MM-DD, the form the table's CHECK accepts
    return value


def _to_sqlite(kinds: Sequence[Kind], row: Row) -> tuple[object, ...]:
    return tuple(_to_sqlite_value(kind, v) for kind, v in zip(kinds, row, strict=True))


class SqliteTables:
    """The tables of one SQLite file."""

    backend = "sqlite"

    def __init__(self, path: Path) -> None:
        self._path = path
        self.where = str(path)
        self._conn: aiosqlite.Connection | None = None

    def _db(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("not connected")
        return self._conn

    async def connect(self) -> None:
        if not self._path.is_file():
            # Connecting would create an empty file and report an empty database.
            raise UnsupportedDatabaseError(f"{self._path}: no such SQLite database file")
        self._conn = await aiosqlite.connect(self._path, isolation_level=None)
        await self._conn.execute("PRAGMA busy_timeout = 5000")

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()

    async def schema_version(self) -> int:
        db = self._db()
        exists = await db.execute_fetchall(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        )
        if not list(exists):
            return 0
        rows = list(
            await db.execute_fetchall("SELECT coalesce(max(version), 0) FROM schema_migrations")
        )
        return int(rows[0][0])

    async def begin_read(self) -> None:
        # A deferred transaction: its first read fixes the snapshot (WAL) that
        # every later read sees.
        await self._db().execute("BEGIN")

    async def begin_write(self) -> None:
        await self._db().execute("BEGIN IMMEDIATE")

    async def end(self) -> None:
        await self._db().execute("COMMIT")

    async def rollback(self) -> None:
        if self._conn is not None and self._conn.in_transaction:
            await self._conn.execute("ROLLBACK")

    async def count(self, table: Table) -> int:
        rows = list(await self._db().execute_fetchall(f"SELECT count(*) FROM {table.name}"))  # noqa: S608 (names from the catalogue)
        return int(rows[0][0])

    async def rows(self, table: Table) -> AsyncIterator[list[Row]]:
        kinds = table.kinds
        sql = f"SELECT {', '.join(table.names)} FROM {table.name} ORDER BY {', '.join(table.key)}"  # noqa: S608
        async with self._db().execute(sql) as cursor:
            while batch := await cursor.fetchmany(BATCH):
                yield [_from_sqlite(kinds, row) for row in batch]

    async def write(self, table: Table, rows: Sequence[Row]) -> None:
        kinds = table.kinds
        marks = ", ".join("?" * len(table.columns))
        await self._db().executemany(
            f"INSERT INTO {table.name} ({', '.join(table.names)}) VALUES ({marks})",  # noqa: S608
            [_to_sqlite(kinds, row) for row in rows],
        )

    async def sequence(self, table: Table) -> int:
        rows = list(
            await self._db().execute_fetchall(
                "SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)
            )
        )
        return int(rows[0][0]) if rows else 0

    async def advance_sequence(self, table: Table, past: int) -> None:
        # Inserting explicit ids already moved sqlite_sequence up to the largest
        # one; this carries over ids the source handed out and later deleted.
        db = self._db()
        await db.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (past, table.name)
        )
        if past > 0 and await self.sequence(table) < past:
            await db.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table.name, past)
            )


# --- PostgreSQL -------------------------------------------------------------------


class PostgresTables:
    """The tables of one PostgreSQL database (in the URL's ``search_path``)."""

    backend = "postgres"

    def __init__(self, dsn: str) -> None:
        from bot.store.postgres import redact

        self._dsn = dsn
        self.where = redact(dsn)
        self._conn: asyncpg.Connection | None = None
        self._tx: Transaction | None = None

    def _db(self) -> asyncpg.Connection:
        if self._conn is None:
            raise RuntimeError("not connected")
        return self._conn

    async def connect(self) -> None:
        from bot.store.postgres import connect

        self._conn = await connect(self._dsn, "database URL")

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()

    async def schema_version(self) -> int:
        db = self._db()
        if await db.fetchval("SELECT to_regclass('schema_migrations')") is None:
            return 0
        return int(await db.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations"))

    async def begin_read(self) -> None:
        tx = self._db().transaction(isolation="repeatable_read", readonly=True)
        await tx.start()
        self._tx = tx

    async def begin_write(self) -> None:
        tx = self._db().transaction()
        await tx.start()
        self._tx = tx

    async def end(self) -> None:
        tx, self._tx = self._tx, None
        if tx is not None:
            await tx.commit()

    async def rollback(self) -> None:
        tx, self._tx = self._tx, None
        if tx is not None:
            await tx.rollback()

    async def count(self, table: Table) -> int:
        return int(await self._db().fetchval(f"SELECT count(*) FROM {table.name}"))  # noqa: S608

    async def rows(self, table: Table) -> AsyncIterator[list[Row]]:
        # JSON comes out as text, which is what travels between the two sides.
        select = ", ".join(
            f"{column.name}::text" if column.kind == "json" else column.name
            for column in table.columns
        )
        sql = f"SELECT {select} FROM {table.name} ORDER BY {', '.join(table.key)}"  # noqa: S608
        batch: list[Row] = []
        async for record in self._db().cursor(sql, prefetch=BATCH):
            batch.append(tuple(record))
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    async def write(self, table: Table, rows: Sequence[Row]) -> None:
        # COPY: one round trip a batch, with json and timestamptz in binary.
        await self._db().copy_records_to_table(table.name, records=rows, columns=table.names)

    async def sequence(self, table: Table) -> int:
        db = self._db()
        name = await db.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table.name)
        row = await db.fetchrow(f"SELECT last_value, is_called FROM {name}")  # noqa: S608
        assert row is not None
        return int(row["last_value"]) if row["is_called"] else int(row["last_value"]) - 1

    async def advance_sequence(self, table: Table, past: int) -> None:
        if past > await self.sequence(table):
            await self._db().execute(
                "SELECT setval(pg_get_serial_sequence($1, 'id'), $2, true)", table.name, past
            )
