"""Persistence behind the :class:`~bot.store.base.Store` protocol."""

from __future__ import annotations

from pathlib import Path

from bot.store.base import Store, StoreError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class UnsupportedDatabaseError(ValueError):
    """``DATABASE_URL`` names a backend this build cannot use."""


class DatabaseUnavailableError(StoreError):
    """``DATABASE_URL`` names a database that cannot be used right now (server
    down, unknown database, refused login).  The message names ``DATABASE_URL``
    and never a password."""


def sqlite_path(url: str) -> Path:
    """``sqlite:///relative/path`` or ``sqlite:////absolute/path`` to a path."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise UnsupportedDatabaseError(f"DATABASE_URL must start with {prefix}")
    rest = url[len(prefix):]
    if not rest:
        raise UnsupportedDatabaseError("DATABASE_URL names no database file")
    return Path(rest)


def create_store(url: str) -> Store:
    """The store a ``DATABASE_URL`` names (SQLite by default)."""
    if url.startswith("sqlite:"):
        from bot.store.sqlite import SqliteStore

        return SqliteStore(sqlite_path(url))
    if url.startswith(POSTGRES_SCHEMES):
        try:
            from bot.store.postgres import PostgresStore
        except ImportError as exc:
            raise UnsupportedDatabaseError(
                "DATABASE_URL names PostgreSQL, but asyncpg is not installed: "
                "pip install 'compassion-bot[postgres]'"
            ) from exc
        return PostgresStore(url)
    scheme = url.split(":", 1)[0] or "(empty)"
    raise UnsupportedDatabaseError(
        f"DATABASE_URL scheme '{scheme}' is not supported; "
        "use sqlite:///PATH or postgresql://USER@HOST/DB"
    )
