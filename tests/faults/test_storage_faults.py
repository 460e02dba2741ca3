"""Storage failures read into causes, and failures logged once a minute with a count."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from bot.failure_log import FailureLog
from bot.storage_faults import StorageFault, StorageUnavailableError, classify
from tests.faults.test_discord_faults import sqlite_says


def test_sqlites_own_errors_are_named(tmp_path: Path) -> None:
    full = classify(sqlite_says("full", tmp_path))
    assert full is not None and full.cause == "disk_full"
    assert "database or disk is full" in full.line()
    read_only = classify(sqlite_says("read_only", tmp_path))
    assert read_only is not None and read_only.cause == "read_only"
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master")
    damaged = classify(caught.value)
    assert damaged is not None and damaged.cause == "corrupt"
    assert "restore" in damaged.line()


def test_connection_trouble_and_wrapped_errors_are_outages() -> None:
    assert classify(ConnectionRefusedError()) == StorageFault("unreachable",
                                                              "ConnectionRefusedError")
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.Error as inner:
            raise RuntimeError("commit failed") from inner
    except RuntimeError as outer:
        fault = classify(outer)
    assert fault is not None and fault.cause == "disk_full"
    known = StorageFault("read_only", "x")
    assert classify(StorageUnavailableError(known)) is known


def test_bugs_are_not_outages() -> None:
    assert classify(TypeError("a bug")) is None
    assert classify(KeyError("state")) is None


def test_a_failure_that_lasts_is_logged_once_a_minute_with_a_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    failures = FailureLog(logging.getLogger("test"), "turns", clock=lambda: now[0])
    error = sqlite3.OperationalError("database or disk is full")
    with caplog.at_level(logging.WARNING):
        for second in range(125):
            now[0] = float(second)
            failures.failed("telegram turn", error)
        failures.recovered("telegram turn")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 4  # the first, one a minute after it twice, and the recovery
    assert "database or disk is full" in lines[0]
    assert "60 more times" in lines[1]
    assert "works again after 125 failures" in lines[3]


def test_what_a_person_wrote_never_reaches_the_log(caplog: pytest.LogCaptureFixture) -> None:
    failures = FailureLog(logging.getLogger("test"), "turns")
    with caplog.at_level(logging.WARNING):
        failures.failed("telegram turn", ValueError("I want to kill myself"))
    assert "kill" not in caplog.text
    assert "ValueError" in caplog.text
