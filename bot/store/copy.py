"""``compassion-bot db copy``: every row of one database into another, empty one.

Moving from SQLite to PostgreSQL (or back) is a copy, row for row, table by
table, ids included.  The source is read in one snapshot, so a bot still
running on it cannot make the copy inconsistent; the target is written in one
transaction, so a copy that fails leaves it as empty as it was.  Id sequences on
the target are moved past every id the source ever handed out, so an id is
never reused across the move.  Afterwards the rows of every table are counted
on both sides.  The tables are those of the schema catalogue
(:data:`bot.store.schema.TABLES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from bot.store import create_store
from bot.store.migrations import migrations_for
from bot.store.schema import TABLES
from bot.store.tables import Tables, open_tables


class CopyError(Exception):
    """The copy was refused before anything was written; the message says why."""


@dataclass(frozen=True, slots=True)
class CopyReport:
    """Rows per table after the copy, on each side."""

    source: str
    target: str
    counts: dict[str, tuple[int, int]]
    """Table name -> (rows in the source, rows in the target)."""

    @property
    def verified(self) -> bool:
        return all(src == dst for src, dst in self.counts.values())


async def copy_database(source_url: str, target_url: str) -> CopyReport:
    """Copy every table of ``source_url`` into ``target_url``.

    The target's schema is brought up to date first (created if need be); the
    source must already be at this release's newest schema.  Raises
    :class:`CopyError` when the target holds any data.
    """
    if source_url == target_url:
        raise CopyError("the source and the target are the same database")
    source, target = open_tables(source_url), open_tables(target_url)
    await source.connect()
    try:
        await _check_source_schema(source)
        # The same migrations the bot would run, through the target's own store.
        store = create_store(target_url)
        await store.open()
        await store.close()
        await target.connect()
        try:
            source_counts = await _copy_tables(source, target)
            target_counts = {t.name: await target.count(t) for t in TABLES}
        finally:
            await target.close()
    finally:
        await source.close()
    return CopyReport(
        source=source.where,
        target=target.where,
        counts={name: (source_counts[name], target_counts[name]) for name in source_counts},
    )


async def _check_source_schema(source: Tables) -> None:
    latest = len(migrations_for(source.backend))
    version = await source.schema_version()
    if version != latest:
        raise CopyError(
            f"{source.where} is at schema version {version}, this release writes {latest}: "
            "run `compassion-bot migrate --db SOURCE_URL` first"
        )


async def _copy_tables(source: Tables, target: Tables) -> dict[str, int]:
    """Copy in one source snapshot and one target transaction; the source's counts."""
    await source.begin_read()
    try:
        await target.begin_write()
        try:
            occupied = {t.name: n for t in TABLES if (n := await target.count(t))}
            if occupied:
                listed = ", ".join(f"{name}: {n}" for name, n in occupied.items())
                raise CopyError(
                    f"{target.where} already holds data ({listed}); "
                    "db copy only fills an empty database"
                )
            counts: dict[str, int] = {}
            for table in TABLES:
                counts[table.name] = await source.count(table)
                highest = 0
                async for batch in source.rows(table):
                    await target.write(table, batch)
                    if table.sequence:
                        highest = max(highest, *(cast(int, row[0]) for row in batch))
                if table.sequence:
                    highest = max(highest, await source.sequence(table))
                    await target.advance_sequence(table, highest)
            await target.end()
        except BaseException:
            await target.rollback()
            raise
    finally:
        await source.rollback()  # only ever read: ending the snapshot
    return counts
