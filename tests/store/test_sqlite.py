"""SqliteStore: the conformance suite on a real file, and what only SQLite has.

SQLite-specific behaviour pinned here: WAL on a file, migrations run once, a
commit is on disk (visible to other connections and processes) when ``commit()``
returns, concurrent commits are group committed in call order, and one bad
commit in a group fails alone.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.store.base import Commit, ConflictError, DuplicateEventError, Snapshot, StoreError
from bot.store.migrations import migrations_for
from bot.store.sqlite import SqliteStore
from tests.store.conformance import StoreConformance, commit, key
from tests.store.model import T0, assert_store_matches, commit_sequences

REPO = Path(__file__).resolve().parents[2]


class TestSqliteConformance(StoreConformance):
    @pytest.fixture
    async def store(self, tmp_path: Path) -> AsyncIterator[SqliteStore]:
        store = SqliteStore(tmp_path / "bot.sqlite")
        await store.open()
        yield store
        await store.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[SqliteStore]:
    store = SqliteStore(db_path)
    await store.open()
    yield store
    await store.close()


def query(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Read with a separate, plain sqlite3 connection: what another process would see."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


# --- the file -----------------------------------------------------------------


async def test_open_creates_directory_and_uses_wal(store: SqliteStore, db_path: Path) -> None:
    assert query(db_path, "PRAGMA journal_mode") == [("wal",)]


async def test_writes_wait_for_fsync(store: SqliteStore) -> None:
    writer = store._writer
    assert writer is not None
    assert list(await writer.execute_fetchall("PRAGMA synchronous")) == [(2,)]  # FULL
    assert list(await writer.execute_fetchall("PRAGMA foreign_keys")) == [(1,)]


async def test_in_memory_database_is_refused() -> None:
    with pytest.raises(StoreError, match="WAL"):
        await SqliteStore(":memory:").open()


async def test_reopen_keeps_data_and_does_not_rerun_migrations(db_path: Path) -> None:
    first = SqliteStore(db_path)
    await first.open()
    await first.commit(commit(key(), 0, json.dumps("kept"), profile_changes={"a": 1}))
    await first.close()
    applied = query(db_path, "SELECT version, applied_at FROM schema_migrations")
    assert [v for v, _at in applied] == [m.version for m in migrations_for("sqlite")]

    second = SqliteStore(db_path)
    await second.open()
    try:
        snapshot = await second.load(key())
        assert (snapshot.state_json, snapshot.version, snapshot.profile) == (
            json.dumps("kept"),
            1,
            {"a": 1},
        )
        assert await second.schema_version() == len(migrations_for("sqlite"))
    finally:
        await second.close()
    assert query(db_path, "SELECT version, applied_at FROM schema_migrations") == applied


async def test_newer_schema_is_refused(db_path: Path) -> None:
    store = SqliteStore(db_path)
    await store.open()
    await store.close()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("INSERT INTO schema_migrations VALUES (9999, '2099-01-01T00:00:00+00:00')")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        await SqliteStore(db_path).open()


# --- durability -------------------------------------------------------------------


async def test_commit_is_visible_to_another_connection_when_it_returns(
    store: SqliteStore, db_path: Path
) -> None:
    ids = await store.commit(commit(key(), 0, json.dumps("now"), event_id="e1", outbox=["r"]))
    assert query(db_path, "SELECT state, version FROM conversations") == [(json.dumps("now"), 1)]
    assert query(db_path, "SELECT event_id FROM processed_events") == [("e1",)]
    assert query(db_path, "SELECT id, payload FROM outbox") == [(ids[0], "r")]


def test_commit_survives_the_process_dying_right_after(db_path: Path) -> None:
    script = f"""
import asyncio, json, os
from bot.store.sqlite import SqliteStore
from tests.store.conformance import commit, key

async def main():
    store = SqliteStore({str(db_path)!r})
    await store.open()
    await store.commit(commit(key(), 0, json.dumps("survived"), outbox=["reply"]))
    os._exit(0)  # no close(), no flush, no atexit

asyncio.run(main())
"""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=REPO, timeout=60)
    assert query(db_path, "SELECT state FROM conversations") == [(json.dumps("survived"),)]
    assert query(db_path, "SELECT payload FROM outbox") == [("reply",)]


async def test_close_writes_everything_queued(db_path: Path) -> None:
    store = SqliteStore(db_path, max_batch=4)
    await store.open()
    tasks = [
        asyncio.create_task(store.commit(commit(key(f"c{n}"), 0, json.dumps(n)))) for n in range(30)
    ]
    await asyncio.sleep(0)  # let every task queue its commit
    await store.close()
    assert all(len(t.result()) == 0 for t in tasks)
    assert query(db_path, "SELECT count(*) FROM conversations") == [(30,)]


async def test_closed_store_refuses_work(db_path: Path) -> None:
    store = SqliteStore(db_path)
    with pytest.raises(StoreError):
        await store.commit(commit(key()))
    await store.open()
    with pytest.raises(StoreError):
        await store.open()
    await store.close()
    await store.close()  # closing twice is harmless
    with pytest.raises(StoreError):
        await store.commit(commit(key()))
    with pytest.raises(StoreError):
        await store.load(key())


# --- stored values -------------------------------------------------------------------


async def test_datetimes_are_stored_as_utc_text(store: SqliteStore, db_path: Path) -> None:
    auckland = timezone(timedelta(hours=12))
    at = datetime(2024, 5, 1, 20, 0, tzinfo=auckland)
    await store.commit(commit(key(), 0, at=at, outbox=["x"]))
    assert query(db_path, "SELECT updated_at FROM conversations") == [
        ("2024-05-01T08:00:00.000000+00:00",)
    ]
    rows = await store.pending_outbox()
    assert rows[0].created_at == at
    assert rows[0].created_at.tzinfo is not None


async def test_naive_datetimes_are_refused(store: SqliteStore) -> None:
    with pytest.raises(ValueError, match="timezone"):
        await store.commit(commit(key(), 0, at=datetime(2024, 5, 1)))
    ids = await store.commit(commit(key(), 0, outbox=["x"]))
    with pytest.raises(ValueError, match="timezone"):
        await store.mark_delivered(ids, datetime(2024, 5, 1))


async def test_values_that_are_not_json_fail_their_own_commit(store: SqliteStore) -> None:
    with pytest.raises(TypeError):
        await store.commit(commit(key(), 0, profile_changes={"when": datetime.now(UTC)}))
    with pytest.raises(ValueError, match="JSON"):
        await store.commit(commit(key(), 0, profile_changes={"score": float("nan")}))
    assert (await store.load(key())).version == 0


async def test_delivered_row_keeps_no_payload(store: SqliteStore, db_path: Path) -> None:
    ids = await store.commit(commit(key(), 0, outbox=[json.dumps({"text": "private words"})]))
    delivered_at = T0 + timedelta(seconds=3)
    await store.mark_delivered(ids, delivered_at)
    assert query(db_path, "SELECT payload, delivered_at FROM outbox") == [
        (None, "2024-05-01T08:00:03.000000+00:00")
    ]


async def test_failed_row_records_attempts_and_give_up(store: SqliteStore, db_path: Path) -> None:
    ids = await store.commit(commit(key(), 0, outbox=["x"]))
    await store.mark_failed(ids[0], "HTTP 502", T0, give_up=False)
    assert query(db_path, "SELECT attempts, last_error, given_up_at FROM outbox") == [
        (1, "HTTP 502", None)
    ]
    await store.mark_failed(ids[0], "HTTP 403", T0, give_up=True)
    assert query(db_path, "SELECT attempts, last_error, given_up_at FROM outbox") == [
        (2, "HTTP 403", "2024-05-01T08:00:00.000000+00:00")
    ]


# --- group commit ---------------------------------------------------------------------


async def test_concurrent_commits_share_transactions(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[int] = []
    apply = store._apply

    async def counting_apply(conn: aiosqlite.Connection, ops: list[Any]) -> list[Any]:
        batches.append(len(ops))
        return await apply(conn, ops)

    monkeypatch.setattr(store, "_apply", counting_apply)
    await asyncio.gather(*(store.commit(commit(key(f"c{n}"), 0)) for n in range(600)))
    assert sum(batches) == 600
    assert batches == [256, 256, 88]


async def test_concurrent_commits_get_their_own_errors(store: SqliteStore) -> None:
    for n in range(10):
        await store.commit(commit(key(f"c{n}"), 0, event_id=f"old{n}"))
    commits = []
    for n in range(100):
        k = key(f"c{n % 10}" if n < 50 else f"new{n}")
        if n % 3 == 0:
            commits.append(commit(k, 5, event_id=f"e{n}"))  # stale
        elif n % 3 == 1:
            commits.append(commit(k, 0 if n >= 50 else 1, event_id=f"old{n % 10}"))  # seen
        else:
            commits.append(commit(k, 0 if n >= 50 else 1, event_id=f"e{n}", outbox=[str(n)]))
    results = await asyncio.gather(*(store.commit(c) for c in commits), return_exceptions=True)
    for n, result in enumerate(results):
        if n % 3 == 0:
            assert isinstance(result, ConflictError), n
        elif n % 3 == 1:
            assert isinstance(result, DuplicateEventError), n
        elif n < 50:
            # Several commits expected version 1 of the same conversation: in
            # call order, the first one wins and the rest find version 2.
            first = next(m for m in range(50) if m % 3 == 2 and m % 10 == n % 10)
            assert isinstance(result, list if n == first else ConflictError), n
        else:
            assert isinstance(result, list), n
            assert len(result) == 1, n


async def test_a_bad_commit_fails_alone(
    store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    results = await asyncio.gather(
        *(
            store.commit(
                commit(key(f"c{n}"), 0, "not json" if n == 13 else json.dumps(n), outbox=[str(n)])
            )
            for n in range(40)
        ),
        return_exceptions=True,
    )
    assert isinstance(results[13], sqlite3.IntegrityError)
    assert all(isinstance(r, list) for n, r in enumerate(results) if n != 13)
    assert len(await store.pending_outbox(limit=100)) == 39
    assert "not json" not in caplog.text
    # The store carries on.
    assert await store.commit(commit(key("after"), 0, outbox=["ok"]))


async def test_commit_cancelled_before_its_batch_is_not_written(store: SqliteStore) -> None:
    task = asyncio.create_task(store.commit(commit(key(), 0, event_id="e1", outbox=["x"])))
    await asyncio.sleep(0)  # the commit is queued; the writer has not run yet
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # A later commit is written after the cancelled one would have been.
    await store.commit(commit(key("c2"), 0))
    assert (await store.load(key(), "e1")) == Snapshot(None, 0, {}, duplicate=False)
    assert await store.pending_outbox() == []


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), max_batch=st.sampled_from([1, 2, 3, 7, 256]))
async def test_concurrent_commits_match_the_model_in_call_order(
    tmp_path: Path, data: st.DataObject, max_batch: int
) -> None:
    platform = "p"
    commits: list[Commit] = data.draw(commit_sequences(platform, max_size=40))
    store = SqliteStore(tmp_path / f"{uuid.uuid4().hex}.sqlite", max_batch=max_batch)
    await store.open()
    try:
        # SqliteStore applies commits in the order they were called, batch or not.
        results = await asyncio.gather(*(store.commit(c) for c in commits), return_exceptions=True)
        await assert_store_matches(store, platform, commits, list(results))
    finally:
        await store.close()


async def test_forgotten_text_is_overwritten_in_the_file(db_path: Path) -> None:
    marker = b"my warning signs are"
    # Long, so that it spills to overflow pages, which a delete frees whole.
    secret = marker.decode() + " " + "x" * 3000
    store = SqliteStore(db_path)
    await store.open()
    await store.commit(commit(key(), 0, json.dumps({"plan": secret}),
                              profile_changes={"plan_signs": secret}))
    await store.close()
    assert marker in db_path.read_bytes()

    await store.open()
    await store.commit(commit(key(), 1, None, forget=True))
    await store.close()
    assert marker not in db_path.read_bytes()
