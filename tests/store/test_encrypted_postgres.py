"""EncryptedStore over PostgreSQL: the contract holds, nothing readable reaches the
tables, and keys rotate in place.  Skipped without ``TEST_POSTGRES_DSN``: then
only SQLite's encryption (tests/store/test_encrypted.py) is tested."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.store.pg import fresh_schema, require_postgres

DSN = require_postgres("encryption")

import asyncpg  # noqa: E402  (only once we know the module runs)

from bot.crypto import EncryptionKeyError, FieldCipher  # noqa: E402
from bot.store.base import Store  # noqa: E402
from bot.store.encrypted import EncryptedStore  # noqa: E402
from bot.store.keys import rotate_keys  # noqa: E402
from bot.store.postgres import PostgresStore  # noqa: E402
from bot.store.sealed import Sealer  # noqa: E402
from tests.store.conformance import StoreConformance  # noqa: E402
from tests.store.test_encrypted import (  # noqa: E402
    EXPECTED,
    KEY_A,
    KEY_B,
    SECRETS,
    read_back,
    write_everything,
)


class TestEncryptedPostgresConformance(StoreConformance):
    @pytest.fixture
    async def store(self) -> AsyncIterator[Store]:
        async with fresh_schema(DSN) as schema:
            store = EncryptedStore(PostgresStore(DSN, schema=schema), FieldCipher([KEY_A]))
            await store.open()
            try:
                yield store
            finally:
                await store.close()


async def raw_text(schema: str) -> str:
    """Every free-text column of the schema, as one string."""
    conn = await asyncpg.connect(DSN, server_settings={"search_path": schema})
    try:
        parts = []
        for sql in ("SELECT profile::text FROM users", "SELECT state::text FROM conversations",
                    "SELECT data::text FROM journal", "SELECT payload FROM outbox",
                    "SELECT last_error FROM outbox", "SELECT text FROM group_wins"):
            parts += [str(row[0]) for row in await conn.fetch(sql)]
        return "\n".join(parts)
    finally:
        await conn.close()


async def test_sealed_in_the_tables_rotated_in_place_and_the_old_key_refused() -> None:
    async with fresh_schema(DSN) as schema:
        store = EncryptedStore(PostgresStore(DSN, schema=schema), FieldCipher([KEY_A]))
        await store.open()
        await write_everything(store)
        await store.close()
        before = await raw_text(schema)
        assert not any(secret in before for secret in SECRETS)

        backend = PostgresStore(DSN, schema=schema)
        await backend.open()
        changed = await rotate_keys(backend, FieldCipher([KEY_A]), KEY_B, batch=1)
        again = await rotate_keys(backend, FieldCipher([KEY_A]), KEY_B)
        await backend.close()

        assert sum(changed.values()) == 7  # six in a turn and a failed send, one kept win
        assert set(again.values()) == {0}
        after = await raw_text(schema)
        assert after != before
        assert not any(secret in after for secret in SECRETS)
        with pytest.raises(EncryptionKeyError):
            await EncryptedStore(PostgresStore(DSN, schema=schema), FieldCipher([KEY_A])).open()
        store = EncryptedStore(PostgresStore(DSN, schema=schema), FieldCipher([KEY_B]))
        await store.open()
        got = await read_back(store)
        await store.close()
    # PostgreSQL keeps timestamps as timestamptz: the export's text differs from
    # SQLite's only there, so compare everything else.
    assert {k: v for k, v in got.items() if k != "export"} == {
        k: v for k, v in EXPECTED.items() if k != "export"}


async def test_a_rotation_interrupted_halfway_refuses_the_old_key_until_finished(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each batch of one value commits; the rotation dies after three.  The old
    key, which still opens the key check's first value, is refused at start."""
    rekey = Sealer.rekey
    calls = 0

    def dying(self: Sealer, column: str, stored: str) -> str | None:
        nonlocal calls
        calls += 1
        if calls > 3:
            raise RuntimeError("power cut")
        return rekey(self, column, stored)

    async with fresh_schema(DSN) as schema:
        store = EncryptedStore(PostgresStore(DSN, schema=schema), FieldCipher([KEY_A]))
        await store.open()
        await write_everything(store)
        await store.close()
        backend = PostgresStore(DSN, schema=schema)
        await backend.open()
        with monkeypatch.context() as patch:
            patch.setattr(Sealer, "rekey", dying)
            with pytest.raises(RuntimeError, match="power cut"):
                await rotate_keys(backend, FieldCipher([KEY_A]), KEY_B, batch=1)
        await backend.close()

        with pytest.raises(EncryptionKeyError, match="keys rotate --new-key -"):
            await EncryptedStore(PostgresStore(DSN, schema=schema), FieldCipher([KEY_A])).open()
        both = EncryptedStore(PostgresStore(DSN, schema=schema), FieldCipher([KEY_B, KEY_A]))
        await both.open()
        halfway = await read_back(both)
        await both.close()

        backend = PostgresStore(DSN, schema=schema)
        await backend.open()
        changed = await rotate_keys(backend, FieldCipher([KEY_A]), KEY_B)
        await backend.close()
        assert sum(changed.values()) == 7 - 3
        store = EncryptedStore(PostgresStore(DSN, schema=schema), FieldCipher([KEY_B]))
        await store.open()
        assert await read_back(store) == halfway
        await store.close()
