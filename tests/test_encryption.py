"""Encryption at rest, seen from a chat: what a person writes is not in the
database file, yet the bot answers and ``/export`` hands it back."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from bot.crypto import generate_key
from tests import test_transcripts
from tests.harness import Bot

TRANSCRIPTS = Path(__file__).parent / "transcripts"

# What the person types in belief_full.txt: what happened, the old belief, where
# it came from, and the reframe.
WRITTEN = (
    "yelled at my brother over nothing",
    "I always ruin things",
    "My dad used to say I ruin everything",
    "one bad evening doesn't make them a bad person",
    "I can say sorry, and I'm still a good brother",
)


def file_bytes(db: Path) -> bytes:
    """The database file and its write-ahead log, as a disk thief would read them."""
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def chat_belief_flow(bot: Bot) -> dict[str, object]:
    """Send the person's side of belief_full.txt; returns their /export."""
    person = bot.person("belief_full")
    for line in (TRANSCRIPTS / "belief_full.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("> "):
            await person.send(line[2:])
    return person.last_export()


async def test_what_a_person_writes_is_not_in_the_file_but_export_has_it(
    tmp_path: Path,
) -> None:
    db = tmp_path / "bot.db"
    bot = Bot(db, encryption_key=generate_key())
    await bot.start()
    try:
        export = await chat_belief_flow(bot)
        while_running = file_bytes(db)
    finally:
        await bot.stop()
    after_closing = file_bytes(db)

    entry, kept = export["journal"]  # type: ignore[misc]
    assert kept["kind"] == "kit"  # the same words, kept in the compassion kit: sealed too
    assert entry["data"]["reframe"] == (
        "I lost my temper, I can say sorry, and I'm still a good brother")
    assert entry["data"]["story"] == "I'm a terrible person and I always ruin things"
    for text in WRITTEN:
        assert text.encode() not in while_running, text
        assert text.encode() not in after_closing, text


async def test_without_a_key_the_same_words_are_in_the_file(tmp_path: Path) -> None:
    # The check above can see plain text: without a key it finds it.
    db = tmp_path / "bot.db"
    bot = Bot(db)
    await bot.start()
    try:
        await chat_belief_flow(bot)
    finally:
        await bot.stop()
    assert WRITTEN[-1].encode() in file_bytes(db)


@pytest.mark.parametrize("name", ["belief_full", "restart_midflow", "forget_then_export"])
async def test_golden_transcripts_read_the_same_with_a_key(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = generate_key()
    monkeypatch.setattr(test_transcripts, "Bot", lambda db: Bot(db, encryption_key=key))
    expected, actual = await test_transcripts.replay(TRANSCRIPTS / f"{name}.txt",
                                                     tmp_path / "bot.db")
    assert actual == expected


def test_a_malformed_key_is_named_but_never_quoted() -> None:
    with pytest.raises(SettingsError, match="ENCRYPTION_KEY") as caught:
        load_settings(encryption_key="hunter2-not-a-key")
    assert "hunter2" not in str(caught.value)


def test_retention_keeps_at_least_a_week() -> None:
    with pytest.raises(SettingsError, match="RETENTION_DAYS"):
        load_settings(retention_days=3)
    assert load_settings().retention_days == 365
