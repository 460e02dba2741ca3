"""EncryptedStore over SQLite: the whole contract still holds, free text never
reaches the file in the clear, and keys are checked, rotated and refused as an
operator would expect.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.crypto import EncryptionKeyError, FieldCipher, generate_key
from bot.store import open_store
from bot.store.base import JournalEntry, Store
from bot.store.copy import copy_database
from bot.store.encrypted import EncryptedStore
from bot.store.keys import rotate_keys
from bot.store.sealed import Sealer
from bot.store.sqlite import SqliteStore
from tests.store.conformance import StoreConformance, commit, key
from tests.store.model import T0

KEY_A = generate_key()
KEY_B = generate_key()

PLAN = "I stop answering my phone when it gets bad"
REFRAME = "I am allowed to rest without earning it"
ANSWER = "my father told me I was lazy"
REPLY = "You wrote: my father told me I was lazy"
ERROR = "Bad Request: can't send my father told me"
SECRETS = (PLAN, REFRAME, ANSWER, "my father")


class TestEncryptedSqliteConformance(StoreConformance):
    @pytest.fixture
    async def store(self, tmp_path: Path) -> AsyncIterator[Store]:
        store = EncryptedStore(SqliteStore(tmp_path / "bot.sqlite"), FieldCipher([KEY_A]))
        await store.open()
        yield store
        await store.close()


def encrypted(path: Path, setting: str = KEY_A) -> EncryptedStore:
    return EncryptedStore(SqliteStore(path), FieldCipher.from_setting(setting))


async def write_everything(store: Store) -> None:
    """One of each kind of free text, the way a turn and a failed send write them."""
    [row_id, _pending] = await store.commit(commit(
        key(), 0, json.dumps({"vars": {"story": ANSWER}}),
        event_id="evt-1",
        profile_changes={"consent": True, "country": "GB", "plan_signs": PLAN},
        journal=[JournalEntry("reframe", {"reframe": REFRAME}, T0)],
        outbox=[json.dumps({"text": REPLY}), json.dumps({"text": REPLY + " again"})],
    ))
    await store.mark_failed(row_id, ERROR, T0, give_up=False)


async def read_back(store: Store) -> dict[str, object]:
    snapshot = await store.load(key())
    assert snapshot.state_json is not None
    return {
        "state": json.loads(snapshot.state_json),
        "profile": snapshot.profile,
        "journal": [e.data for e in await store.journal(key().user)],
        "outbox": [json.loads(row.payload) for row in await store.pending_outbox()],
        "export": await store.export_user(key().user),
    }


EXPECTED = {
    "state": {"vars": {"story": ANSWER}},
    "profile": {"consent": True, "country": "GB", "plan_signs": PLAN},
    "journal": [{"reframe": REFRAME}],
    "outbox": [{"text": REPLY}, {"text": REPLY + " again"}],
    "export": {
        "profile": {"consent": True, "country": "GB", "plan_signs": PLAN},
        "conversations": [{"chat_id": "c1", "state": {"vars": {"story": ANSWER}},
                           "updated_at": "2024-05-01T08:00:00.000000+00:00"}],
        "journal": [{"kind": "reframe", "data": {"reframe": REFRAME},
                     "at": "2024-05-01T08:00:00.000000+00:00"}],
    },
}


def raw_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            "users.profile": conn.execute("SELECT profile FROM users").fetchall(),
            "conversations.state": conn.execute("SELECT state FROM conversations").fetchall(),
            "journal.data": conn.execute("SELECT data FROM journal").fetchall(),
            "outbox.payload": conn.execute("SELECT payload FROM outbox").fetchall(),
            "outbox.last_error": conn.execute(
                "SELECT last_error FROM outbox WHERE last_error IS NOT NULL").fetchall(),
        }
    finally:
        conn.close()


def assert_nothing_readable(path: Path) -> None:
    for column, rows in raw_rows(path).items():
        assert rows, column
        for (value,) in rows:
            assert isinstance(value, str)
            for secret in SECRETS:
                assert secret not in value, column


# --- what is stored ---------------------------------------------------------------


async def test_free_text_is_sealed_in_every_column_and_reads_back(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite"
    store = encrypted(db)
    await store.open()
    await write_everything(store)
    assert await read_back(store) == EXPECTED
    await store.close()

    assert_nothing_readable(db)
    raw = raw_rows(db)
    # JSON columns stay JSON; settings stay readable for the scheduler and retention.
    profile = json.loads(str(raw["users.profile"][0][0]))
    assert profile["consent"] is True and profile["country"] == "GB"
    assert str(profile["plan_signs"]).startswith("enc:v1:")
    assert str(json.loads(str(raw["conversations.state"][0][0]))).startswith("enc:v1:")
    assert json.loads(str(raw["journal.data"][0][0])).keys() == {"sealed"}


async def test_same_text_seals_differently_each_time() -> None:
    cipher = FieldCipher([KEY_A])
    assert cipher.encrypt(PLAN) != cipher.encrypt(PLAN)
    assert cipher.decrypt(cipher.encrypt(PLAN)) == PLAN
    assert KEY_A not in repr(cipher)


# --- the key check ----------------------------------------------------------------


async def test_wrong_key_is_refused_at_open_and_destroys_nothing(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite"
    store = encrypted(db)
    await store.open()
    await write_everything(store)
    await store.close()
    before = raw_rows(db)

    with pytest.raises(EncryptionKeyError, match="ENCRYPTION_KEY is not the key"):
        await encrypted(db, KEY_B).open()

    assert raw_rows(db) == before
    store = encrypted(db)
    await store.open()
    assert await read_back(store) == EXPECTED
    await store.close()


async def test_missing_key_is_refused_when_the_database_is_encrypted(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite"
    store = encrypted(db)
    await store.open()
    await write_everything(store)
    await store.close()

    with pytest.raises(EncryptionKeyError, match="ENCRYPTION_KEY is not set"):
        async with open_store(f"sqlite:///{db}", None):
            pass
    async with open_store(f"sqlite:///{db}", SecretStr(KEY_A)) as reopened:
        assert await read_back(reopened) == EXPECTED


async def test_without_a_key_text_is_plain_and_works_as_before(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite"
    async with open_store(f"sqlite:///{db}", None) as store:
        await write_everything(store)
        assert await read_back(store) == EXPECTED
    assert PLAN in str(raw_rows(db)["users.profile"][0][0])


async def test_a_plain_database_keeps_working_once_a_key_is_set(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite"
    async with open_store(f"sqlite:///{db}", None) as store:
        await write_everything(store)
    async with open_store(f"sqlite:///{db}", SecretStr(KEY_A)) as store:
        assert await read_back(store) == EXPECTED
    # From then on the database is known to be encrypted.
    with pytest.raises(EncryptionKeyError):
        async with open_store(f"sqlite:///{db}", None):
            pass


# --- rotation ---------------------------------------------------------------------


async def rotate(db: Path, old: str | None, new: str, batch: int = 500) -> dict[str, int]:
    backend = SqliteStore(db)
    await backend.open()
    try:
        return await rotate_keys(backend, None if old is None else FieldCipher.from_setting(old),
                                 new, batch=batch)
    finally:
        await backend.close()


async def test_rotate_moves_everything_to_the_new_key(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite"
    store = encrypted(db)
    await store.open()
    await write_everything(store)
    await store.close()

    changed = await rotate(db, KEY_A, KEY_B, batch=1)

    assert changed == {"users.profile": 1, "conversations.state": 1, "journal.data": 1,
                       "outbox.payload": 2, "outbox.last_error": 1}
    assert_nothing_readable(db)
    with pytest.raises(EncryptionKeyError):
        await encrypted(db, KEY_A).open()
    store = encrypted(db, KEY_B)
    await store.open()
    assert await read_back(store) == EXPECTED
    await store.close()
    # Safe to run again: nothing is left to do.
    assert set((await rotate(db, KEY_A, KEY_B)).values()) == {0}


async def test_rotate_with_a_wrong_old_key_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite"
    store = encrypted(db)
    await store.open()
    await write_everything(store)
    await store.close()
    before = raw_rows(db)

    with pytest.raises(EncryptionKeyError, match="ENCRYPTION_KEY"):
        await rotate(db, KEY_B, generate_key())

    assert raw_rows(db) == before


async def test_interrupted_rotation_is_finished_by_running_it_again(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite"
    store = encrypted(db)
    await store.open()
    await write_everything(store)
    await store.close()

    # The rotation dies after two values; each batch of one was committed.
    backend = SqliteStore(db)
    await backend.open()
    rekey = Sealer(FieldCipher([KEY_B, KEY_A])).rekey
    calls = 0

    def dying(column: str, stored: str) -> str | None:
        nonlocal calls
        calls += 1
        if calls > 2:
            raise RuntimeError("power cut")
        return rekey(column, stored)

    with pytest.raises(RuntimeError):
        await backend.rewrite_text(dying, batch=1)
    await backend.close()

    # Meanwhile a bot given both keys reads the half-rotated database.
    store = encrypted(db, f"{KEY_B},{KEY_A}")
    await store.open()
    assert await read_back(store) == EXPECTED
    await store.close()

    changed = await rotate(db, KEY_A, KEY_B)
    assert sum(changed.values()) == 6 - 2
    store = encrypted(db, KEY_B)
    await store.open()
    assert await read_back(store) == EXPECTED
    await store.close()


async def test_rotate_encrypts_a_database_that_had_no_key(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite"
    async with open_store(f"sqlite:///{db}", None) as store:
        await write_everything(store)

    changed = await rotate(db, None, KEY_A)

    assert sum(changed.values()) == 6
    assert_nothing_readable(db)
    async with open_store(f"sqlite:///{db}", SecretStr(KEY_A)) as store:
        assert await read_back(store) == EXPECTED


async def test_a_copy_of_an_encrypted_database_keeps_its_key_check(tmp_path: Path) -> None:
    source, target = tmp_path / "bot.sqlite", tmp_path / "copy.sqlite"
    store = encrypted(source)
    await store.open()
    await write_everything(store)
    await store.close()

    report = await copy_database(f"sqlite:///{source}", f"sqlite:///{target}")

    assert report.counts["meta"] == (1, 1)
    with pytest.raises(EncryptionKeyError, match="ENCRYPTION_KEY is not set"):
        async with open_store(f"sqlite:///{target}", None):
            pass
    async with open_store(f"sqlite:///{target}", SecretStr(KEY_A)) as copied:
        assert await read_back(copied) == EXPECTED
