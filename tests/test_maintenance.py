"""The operator's commands, run as ``compassion-bot ...`` would run them:
``keys generate``, ``keys rotate``, ``health`` and ``db purge``."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.cli import main
from bot.crypto import FieldCipher
from bot.store import open_store
from bot.store.base import Commit, JournalEntry
from bot.store.migrations import migrations_for
from bot.types import ConversationKey

KEY = ConversationKey("telegram", "c1", "u1")
REFRAME = "I am allowed to rest"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """DATABASE_URL points at a fresh file; no key unless a test sets one."""
    path = tmp_path / "bot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("ENCRYPTION_KEY", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file from the checkout
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def new_key(capsys: pytest.CaptureFixture[str]) -> str:
    status, out, _ = run(capsys, "keys", "generate")
    assert status == 0
    return out.strip()


def write_reframe(db: Path, key: str | None, at: datetime) -> None:
    async def write() -> None:
        async with open_store(f"sqlite:///{db}", None if key is None else SecretStr(key)) as store:
            await store.commit(Commit(KEY, at, 0, json.dumps({"step": "x"}),
                                      journal=[JournalEntry("reframe", {"text": REFRAME}, at)]))
    asyncio.run(write())


def read_reframes(db: Path, key: str) -> list[str]:
    async def read() -> list[str]:
        async with open_store(f"sqlite:///{db}", SecretStr(key)) as store:
            return [e.data["text"] for e in await store.journal(KEY.user)]
    return asyncio.run(read())


def test_keys_generate_prints_a_fresh_usable_key(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = new_key(capsys), new_key(capsys)
    assert first != second
    FieldCipher.from_setting(first)  # usable as ENCRYPTION_KEY


def test_health_says_ok_or_why_not(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key(capsys)
    monkeypatch.setenv("ENCRYPTION_KEY", key)
    status, out, _ = run(capsys, "health")
    newest = len(migrations_for("sqlite"))
    assert (status, out) == (0, f"ok: schema {newest}, encrypted\n")

    monkeypatch.setenv("ENCRYPTION_KEY", new_key(capsys))
    status, out, _ = run(capsys, "health")
    assert status == 1
    assert out.startswith("unhealthy: EncryptionKeyError: ENCRYPTION_KEY is not the key")
    assert out.count("\n") == 1
    assert key not in out


def test_health_fails_on_a_database_from_a_newer_release(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "health")[0] == 0
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO schema_migrations VALUES (99, '2030-01-01')")
    conn.commit()
    conn.close()
    status, out, _ = run(capsys, "health")
    assert status == 1
    assert out.startswith("unhealthy: StoreError: ")
    assert "schema version 99 is newer" in out


def test_rotate_then_only_the_new_key_opens_the_data(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = new_key(capsys), new_key(capsys)
    write_reframe(db, old, datetime.now(UTC))
    monkeypatch.setenv("ENCRYPTION_KEY", old)

    status, out, _ = run(capsys, "keys", "rotate", "--new-key", new)

    assert status == 0
    assert "journal.data: 1 re-encrypted" in out
    assert new not in out and old not in out
    assert read_reframes(db, new) == [REFRAME]
    monkeypatch.setenv("ENCRYPTION_KEY", old)
    status, out, _ = run(capsys, "health")
    assert status == 1
    # Run again (as after an interruption): nothing left to do, nothing broken.
    monkeypatch.setenv("ENCRYPTION_KEY", f"{new},{old}")
    status, out, _ = run(capsys, "keys", "rotate", "--new-key", new)
    assert status == 0
    assert "journal.data: 0 re-encrypted" in out
    assert read_reframes(db, new) == [REFRAME]


def test_rotate_reads_the_new_key_from_stdin_and_encrypts_a_plain_database(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key(capsys)
    write_reframe(db, None, datetime.now(UTC))
    assert REFRAME.encode() in db.read_bytes()
    monkeypatch.setattr("sys.stdin", io.StringIO(key + "\n"))

    status, out, _ = run(capsys, "keys", "rotate", "--new-key", "-")

    assert status == 0
    assert "journal.data: 1 re-encrypted" in out
    assert REFRAME.encode() not in db.read_bytes()  # overwritten, not just unlinked
    assert read_reframes(db, key) == [REFRAME]
    status, out, _ = run(capsys, "health")  # no key set any more: refused, clearly
    assert status == 1
    assert "ENCRYPTION_KEY is not set" in out


def test_a_wrong_key_stops_the_bot_with_a_message_naming_the_setting(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reframe(db, new_key(capsys), datetime.now(UTC))
    monkeypatch.setenv("ENCRYPTION_KEY", new_key(capsys))
    status, _, err = run(capsys, "db", "purge")
    assert status == 2
    assert err.startswith("compassion-bot: ENCRYPTION_KEY is not the key")


def test_db_purge_deletes_what_is_older_than_the_days_given(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_reframe(db, None, datetime.now(UTC) - timedelta(days=40))

    status, out, _ = run(capsys, "db", "purge", "--days", "60")
    assert status == 0
    assert "journal: 0" in out

    status, out, _ = run(capsys, "db", "purge", "--days", "30")
    assert status == 0
    assert out.splitlines() == ["conversations: 1", "journal: 1", "outbox: 0",
                                "processed_events: 0", "profiles: 0"]

    status, _, err = run(capsys, "db", "purge", "--days", "2")
    assert status == 2
    assert "at least 7" in err
