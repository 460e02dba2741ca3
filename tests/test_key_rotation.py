"""Key rotation that does not finish, and the key check that follows it.

An operator runs ``compassion-bot keys rotate`` and it dies part-way (the
machine goes down, someone presses Ctrl-C, the OOM killer).  Then the bot is
started again with the old key, as anyone would.  It must stop right there,
saying what to run, instead of starting and failing every turn of everyone
whose text is already under the new key.  The rotation is killed for real: a
child process sends itself SIGKILL after its fourth batch.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.cli import main
from bot.crypto import EncryptionKeyError, FieldCipher, generate_key
from bot.store import open_store
from bot.store.base import Commit, JournalEntry
from bot.store.encrypted import EncryptedStore
from bot.store.keys import rotate_keys
from bot.store.sqlite import SqliteStore
from bot.types import ConversationKey

OLD, NEW = generate_key(), generate_key()
KEY = ConversationKey("telegram", "c1", "u1")
ENTRIES = 1200
"""Journal entries: three batches of 500, so a rotation can die inside the journal."""

REPO = Path(__file__).resolve().parent.parent

# Runs `compassion-bot keys rotate --new-key -` and kills itself (SIGKILL: no
# cleanup, no finally) right after the fourth batch is committed: the profiles,
# the conversations and the first 1,000 journal entries are under the new key,
# the last 200 still under the old one.
DIES_HALFWAY = """
import os, signal, sys
import bot.store.sqlite as backend

written = 0
rewrite_batch = backend._rewrite_batch

def then_die(*args):
    global written
    result = rewrite_batch(*args)
    written += 1
    if written == 4:
        os.kill(os.getpid(), signal.SIGKILL)
    return result

backend._rewrite_batch = then_die
from bot.cli import main
sys.exit(main(["keys", "rotate", "--new-key", "-"]))
"""


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An encrypted database (``OLD``) with a person's journal; ENCRYPTION_KEY=OLD."""
    path = tmp_path / "bot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("ENCRYPTION_KEY", OLD)
    monkeypatch.chdir(tmp_path)  # no .env file from the checkout
    asyncio.run(write_journal(path))
    return path


async def write_journal(path: Path) -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    async with open_store(f"sqlite:///{path}", SecretStr(OLD)) as store:
        await store.commit(Commit(
            KEY, at, 0, json.dumps({"step": "x"}),
            profile_changes={"consent": True, "plan_signs": "I stop eating"},
            journal=[JournalEntry("reframe", {"text": f"kind words {n}"}, at)
                     for n in range(ENTRIES)]))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def sealed_under(path: Path) -> dict[str, int]:
    """Journal entries as stored: how many each key opens."""
    old, new = FieldCipher([OLD]), FieldCipher([NEW])
    conn = sqlite3.connect(path)
    try:
        rows = [json.loads(data)["sealed"] for (data,) in conn.execute("SELECT data FROM journal")]
    finally:
        conn.close()
    return {"old": sum(old.opens(v) for v in rows), "new": sum(new.opens(v) for v in rows)}


def rotate_and_die(path: Path) -> int:
    """Run the rotation in a child process that SIGKILLs itself halfway; its exit status."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", DIES_HALFWAY], input=NEW + "\n", text=True,
                          capture_output=True, env=env, cwd=path.parent, timeout=120,
                          check=False)
    return done.returncode


def test_a_rotation_killed_halfway_stops_the_old_key_and_says_what_to_run(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert rotate_and_die(db) == -signal.SIGKILL
    assert sealed_under(db) == {"old": 200, "new": 1000}  # really half done

    # The operator starts the bot again with the key it has always had.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    status, out, err = run(capsys, "chat")
    assert status == 2
    assert err.startswith("compassion-bot: ENCRYPTION_KEY opens only part of this database")
    assert "`compassion-bot keys rotate --new-key -`" in err
    assert "ENCRYPTION_KEY=NEW,OLD" in err
    assert OLD not in err and NEW not in err
    status, out, _ = run(capsys, "health")
    assert status == 1
    assert "keys rotate --new-key -" in out and out.count("\n") == 1

    # Both keys, as the message says, run the bot meanwhile and read everything.
    monkeypatch.setenv("ENCRYPTION_KEY", f"{NEW},{OLD}")
    assert run(capsys, "health")[0] == 0
    assert len(read_journal(db, f"{NEW},{OLD}")) == ENTRIES

    # Running what the message says finishes the job.
    monkeypatch.setenv("ENCRYPTION_KEY", OLD)
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW + "\n"))
    status, out, _ = run(capsys, "keys", "rotate", "--new-key", "-")
    assert status == 0
    assert "journal.data: 200 re-encrypted" in out
    assert sealed_under(db) == {"old": 0, "new": ENTRIES}
    monkeypatch.setenv("ENCRYPTION_KEY", NEW)
    assert run(capsys, "health")[0] == 0
    assert len(read_journal(db, NEW)) == ENTRIES
    monkeypatch.setenv("ENCRYPTION_KEY", OLD)
    status, out, _ = run(capsys, "health")
    assert status == 1
    assert "ENCRYPTION_KEY is not the key this database was encrypted with" in out


def read_journal(path: Path, setting: str) -> list[str]:
    async def read() -> list[str]:
        store = EncryptedStore(SqliteStore(path), FieldCipher.from_setting(setting))
        await store.open()
        try:
            return [e.data["text"] for e in await store.journal(KEY.user)]
        finally:
            await store.close()
    return asyncio.run(read())


def test_a_second_run_with_another_new_key_is_refused_before_writing(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operator lost track of which new key the killed run had: nothing is
    sealed under a third key, and the message says why."""
    assert rotate_and_die(db) == -signal.SIGKILL
    before = sealed_under(db)
    monkeypatch.setattr("sys.stdin", io.StringIO(generate_key() + "\n"))
    status, _, err = run(capsys, "keys", "rotate", "--new-key", "-")
    assert status == 2
    assert "an earlier rotation did not finish" in err
    assert sealed_under(db) == before


async def test_a_key_dropped_too_soon_is_refused_at_start(tmp_path: Path) -> None:
    """A bot ran with NEW,OLD (NEW sealing new text) and no rotation followed:
    OLD alone no longer opens everything, NEW alone neither."""
    path = tmp_path / "bot.db"
    at = datetime(2026, 3, 1, tzinfo=UTC)
    for setting, version in ((OLD, 0), (f"{NEW},{OLD}", 1)):
        store = EncryptedStore(SqliteStore(path), FieldCipher.from_setting(setting))
        await store.open()
        await store.commit(Commit(KEY, at, version, json.dumps({"step": setting[:4]})))
        await store.close()
    for alone in (OLD, NEW):
        with pytest.raises(EncryptionKeyError, match="opens only part of this database"):
            await EncryptedStore(SqliteStore(path), FieldCipher([alone])).open()
    # After the rotation, the new key alone.
    backend = SqliteStore(path)
    await backend.open()
    await rotate_keys(backend, FieldCipher([OLD]), NEW)
    await backend.close()
    store = EncryptedStore(SqliteStore(path), FieldCipher([NEW]))
    await store.open()
    assert (await store.load(KEY)).state_json == json.dumps({"step": NEW[:4]})
    await store.close()
