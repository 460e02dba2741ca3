"""Persistence behind the :class:`~bot.store.base.Store` protocol."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from pydantic import SecretStr

from bot.store.base import DatabaseUnavailableError, RawStore, Store

__all__ = [
    "POSTGRES_SCHEMES",
    "DatabaseUnavailableError",
    "UnsupportedDatabaseError",
    "create_backend",
    "create_store",
    "open_store",
    "sqlite_path",
]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class UnsupportedDatabaseError(ValueError):
    """``DATABASE_URL`` names a backend this build cannot use."""


def sqlite_path(url: str) -> Path:
    """``sqlite:///relative/path`` or ``sqlite:////absolute/path`` to a path."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise UnsupportedDatabaseError(f"DATABASE_URL must start with {prefix}")
    rest = url[len(prefix):]
    if not rest:
        raise UnsupportedDatabaseError("DATABASE_URL names no database file")
    return Path(rest)


def create_store(url: str, encryption_key: SecretStr | None = None) -> Store:
    """The store a ``DATABASE_URL`` names, sealing free text when there is an
    ``ENCRYPTION_KEY`` (see :mod:`bot.store.encrypted`)."""
    backend = create_backend(url)
    if encryption_key is None:
        return backend
    from bot.crypto import FieldCipher
    from bot.store.encrypted import EncryptedStore

    return EncryptedStore(backend, FieldCipher.from_setting(encryption_key.get_secret_value()))


@asynccontextmanager
async def open_store(url: str, encryption_key: SecretStr | None = None) -> AsyncIterator[Store]:
    """:func:`create_store`, opened (migrated, key checked), and closed afterwards.

    Raises :class:`~bot.crypto.EncryptionKeyError` when the key does not fit the
    database, or is missing for one that holds encrypted text.
    """
    store = create_store(url, encryption_key)
    await store.open()
    try:
        if encryption_key is None:
            from bot.store.keys import verify_key

            await verify_key(store, None)
        yield store
    finally:
        await store.close()


def create_backend(url: str) -> RawStore:
    """The backend a ``DATABASE_URL`` names (SQLite by default), storing text as given."""
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
