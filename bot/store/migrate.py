"""``compassion-bot migrate``: bring a database's schema up to date."""

from __future__ import annotations

from bot.store import create_store, sqlite_path
from bot.store.tables import open_tables


async def migrate(url: str) -> tuple[int, int]:
    """Apply the pending migrations of the database ``url`` names (creating an
    SQLite file that does not exist yet); the schema versions before and after."""
    before = await _current_version(url)
    store = create_store(url)
    await store.open()  # the store migrates on open, under its usual locks
    try:
        after = await store.schema_version()
    finally:
        await store.close()
    return before, after


async def _current_version(url: str) -> int:
    if url.startswith("sqlite:") and not sqlite_path(url).exists():
        return 0
    tables = open_tables(url)
    await tables.connect()
    try:
        return await tables.schema_version()
    finally:
        await tables.close()
