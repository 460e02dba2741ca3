"""The operator's commands, run as ``compassion-bot ...`` would run them:
``keys generate``, ``keys rotate``, ``health`` and ``db purge``."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from bot.cli import build_parser, main
from bot.crypto import FieldCipher
from bot.maintenance import attach_key_values
from bot.store import open_store
from bot.store.base import Commit, JournalEntry
from bot.store.migrations import migrations_for
from bot.types import ConversationKey

KEY = ConversationKey("telegram", "c1", "u1")
REFRAME = "I am allowed to rest"
DASH_KEY = base64.urlsafe_b64encode(b"\xf8" + bytes(range(31))).decode()
"""A valid key that begins with ``-``, as 1 in 64 generated keys used to."""


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


def write_many(db: Path, entries: int) -> None:
    """A plain database of several hundred pages."""
    async def write() -> None:
        at = datetime.now(UTC)
        async with open_store(f"sqlite:///{db}") as store:
            await store.commit(Commit(KEY, at, 0, json.dumps({"step": "x"}), journal=[
                JournalEntry("reframe", {"text": f"{REFRAME} {n} " * 20}, at)
                for n in range(entries)]))
    asyncio.run(write())


def test_health_finds_damaged_pages_and_leaves_the_file_alone(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_many(db, 2000)
    assert run(capsys, "health")[:2] == (0, f"ok: schema {len(migrations_for('sqlite'))}, "
                                            "NOT encrypted\n")
    size = db.stat().st_size
    assert size > 500_000
    with db.open("r+b") as file:  # a bad sector, a torn write: garbage mid-file
        file.seek(size // 2)
        file.write(random.Random(14).randbytes(8192))
    damaged = db.read_bytes()

    status, out, _ = run(capsys, "health")

    assert status == 1
    assert out.startswith(f"unhealthy: {db} is damaged (")
    assert out.rstrip().endswith("stop the bot, keep a copy of the file, restore the last backup")
    assert out.count("\n") == 1
    assert db.read_bytes() == damaged  # no migration, no checkpoint written into it


def test_health_names_a_file_that_is_not_a_database(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.write_text("DATABASE_URL=sqlite:///data/bot.db\n" * 200)  # an .env, say

    status, out, _ = run(capsys, "health")

    assert status == 1
    assert out == (f"unhealthy: {db} is not an SQLite database (file is not a database): "
                   "check that DATABASE_URL names the bot's database; if it does, stop the "
                   "bot, keep a copy of the file, restore the last backup\n")


@pytest.mark.parametrize("made", ["generated", "begins with a dash"])
def test_rotate_then_only_the_new_key_opens_the_data(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, made: str
) -> None:
    old, new = new_key(capsys), new_key(capsys)
    if made != "generated":
        new = DASH_KEY  # made by an earlier release: `--new-key -...` must still work
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


def test_generated_keys_never_begin_with_a_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random bytes that would make a key begin with "-" are drawn again."""
    draws = iter([b"\xf8" + bytes(31), b"\xfb" * 32, b"\x01" * 32])
    monkeypatch.setattr("bot.crypto.os.urandom", lambda n: next(draws))
    assert new_key(capsys) == base64.urlsafe_b64encode(b"\x01" * 32).decode()


@settings(derandomize=True, max_examples=400, deadline=None)
@given(st.binary(min_size=32, max_size=32))
@example(b"\xf8" * 32)  # "-" then more
@example(b"\xfb\xef" + bytes(30))  # "--" : looks like a long option
def test_any_key_is_read_as_the_value_of_new_key(raw: bytes) -> None:
    key = base64.urlsafe_b64encode(raw).decode()
    parser = build_parser()
    for argv in (["keys", "rotate", "--new-key", key], ["keys", "rotate", f"--new-key={key}"]):
        assert parser.parse_args(attach_key_values(argv)).new_key == key
    # "-" alone still means "read it from standard input".
    assert parser.parse_args(attach_key_values(["keys", "rotate", "--new-key", "-"])).new_key \
        == "-"


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
    assert out.splitlines() == ["conversations: 1", "group_wins: 0", "journal: 1", "outbox: 0",
                                "processed_events: 0", "profiles: 0"]

    status, _, err = run(capsys, "db", "purge", "--days", "2")
    assert status == 2
    assert "at least 7" in err
