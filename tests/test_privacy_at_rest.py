"""What a person wrote is gone from the disk once deleted, while the bot runs.

Without an encryption key, text is stored as written.  After ``/forget`` and
after the retention purge, not a byte of it may remain in the database file,
its ``-wal`` (which keeps earlier copies of changed pages) or its ``-shm``,
read while the bot still has them open, as someone copying the files off the
machine would.  And the files the bot creates are readable by its own user only.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.housekeeping import Housekeeper
from bot.store.sqlite import SqliteStore
from tests.harness import Bot, Person

WORD = "Quillfeather"
"""A name nobody else writes: its bytes are found only where this person's words are."""


def copies(db: Path) -> dict[str, int]:
    """How often ``WORD`` appears in each of the database's files (absent: 0)."""
    found = {}
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        found[suffix or "db"] = path.read_bytes().count(WORD.encode()) if path.exists() else 0
    return found


def checkpoint(db: Path) -> None:
    """Copy the log into the database file, as SQLite does by itself every 1,000 pages:
    from then on the words are in the main file too."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        conn.close()


async def confide(person: Person) -> None:
    """The person writes the word, some of it lands in the main file, some in the log."""
    await person.say(f"My sister {WORD} said I am useless")
    checkpoint(person.bot.db)
    await person.say(f"I keep thinking about what {WORD} said")


async def test_after_forget_the_words_are_in_no_file_while_the_bot_runs(bot: Bot) -> None:
    ana = bot.person("ana")
    await confide(ana)
    before = copies(bot.db)
    assert before["db"] > 0 and before["-wal"] > 0  # the test would prove nothing otherwise

    await ana.command("forget")
    replies = await ana.press("Yes, delete everything")

    assert "deleted" in replies[-1]
    assert bot.store is not None  # still running, files open
    assert copies(bot.db) == {"db": 0, "-wal": 0, "-shm": 0}
    # Others go on talking; nothing brings the words back.
    await bot.person("ben").say("hello")
    assert copies(bot.db) == {"db": 0, "-wal": 0, "-shm": 0}


async def test_after_the_retention_purge_the_words_are_in_no_file(bot: Bot) -> None:
    await confide(bot.person("ana"))
    assert copies(bot.db)["db"] > 0
    assert bot.store is not None
    bot.clock.now += timedelta(days=400)

    counts = await Housekeeper(bot.store, bot.clock, timedelta(days=365)).run_once()

    assert counts["conversations"] == 1
    assert copies(bot.db) == {"db": 0, "-wal": 0, "-shm": 0}


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems start services with (group and others may read)."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("usual_umask")
async def test_the_files_the_bot_creates_are_its_own_only(tmp_path: Path) -> None:
    db = tmp_path / "data" / "sqlite" / "bot.db"
    there_before = mode(tmp_path)
    for _ in range(2):  # created, then opened again (the -wal is made anew)
        store = SqliteStore(db)
        await store.open()
        await store.set_meta("x", "y")
        files = {p.name: mode(p) for p in db.parent.iterdir()}
        assert files == {"bot.db": 0o600, "bot.db-wal": 0o600, "bot.db-shm": 0o600}
        await store.close()
    assert mode(tmp_path / "data") == mode(tmp_path / "data" / "sqlite") == 0o700
    assert mode(tmp_path) == there_before  # a folder that was there is left as it was


@pytest.mark.usefixtures("usual_umask")
async def test_a_database_file_the_operator_made_keeps_its_mode(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    db.touch()
    db.chmod(0o640)  # shared with a backup group, say
    store = SqliteStore(db)
    await store.open()
    await store.close()
    assert mode(db) == 0o640
