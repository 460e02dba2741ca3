"""``compassion-bot db copy`` and ``migrate``: a copy is the same database, seen
through the public Store API, in both directions.

The PostgreSQL legs need ``TEST_POSTGRES_DSN`` and are skipped without it; the
SQLite-only ones always run.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.store import create_store
from bot.store.base import GroupWrite, JournalEntry, SafetyCount, Store, Subscription, Timer
from bot.store.copy import CopyError, copy_database
from bot.store.migrations import migrations_for
from bot.store.sqlite import SqliteStore
from bot.store.tables import TABLES
from bot.types import UserKey
from tests.store.conformance import DC, TG, commit, key
from tests.store.model import T0
from tests.store.pg import DSN, fresh_schema

needs_postgres = pytest.mark.skipif(
    not DSN, reason="TEST_POSTGRES_DSN not set: copies to and from PostgreSQL not run"
)

PEOPLE = [UserKey(TG, "ana"), UserKey(TG, "ben"), UserKey(DC, "ana"), UserKey(TG, "gone")]
LEASE = timedelta(minutes=5)


def pg_url(schema: str) -> str:
    """The test server's URL with its tables in ``schema``."""
    return f"{DSN}{'&' if '?' in DSN else '?'}search_path={schema}"


async def populate(store: Store) -> None:
    """A bit of everything, through the public API only."""
    ana, ben, ana_dc, gone = (key("dm", p.user_id, p.platform) for p in PEOPLE)
    later = T0 + timedelta(hours=1)
    delivered = await store.commit(
        commit(
            ana,
            0,
            json.dumps({"step": "reframe", "vars": {"feeling": "tired ü"}, "big": 1e16}),
            event_id="u1",
            profile_changes={"consent": True, "country": "NZ", "score": 2.5},
            journal=[
                JournalEntry("mood", {"score": 3}, T0),
                JournalEntry("reframe", {"text": "I may rest", "n": 1.0}, later),
            ],
            outbox=[json.dumps({"text": "hello"}), json.dumps({"text": "how are you?"})],
            timers=[
                Timer(T0 + timedelta(minutes=1), "pause:a"),
                Timer(T0 + timedelta(minutes=2), "soon"),
                Timer(later, "later"),
            ],
            subscription=Subscription(T0 + timedelta(minutes=2)),
            safety_counts={"crisis": 1, "resources": 1},
        )
    )
    await store.mark_delivered(delivered[:1], T0 + timedelta(seconds=2))
    await store.commit(commit(key("group", "ana"), 0, json.dumps({"step": "checkin"}), at=later))
    failed = await store.commit(
        commit(ben, 0, event_id="u2", profile_changes={"consent": False}, outbox=["x", "y"],
               safety_counts={"concern": 1})
    )
    await store.mark_failed(failed[0], "HTTP 502", T0, give_up=False)
    await store.mark_failed(failed[1], "HTTP 403", T0, give_up=True)
    await store.commit(
        commit(ana_dc, 0, journal=[JournalEntry("mood", {"score": 5}, T0)], outbox=["dc"])
    )
    # Rows that were written and deleted again: their ids must stay used.  The
    # safety count of that day stays (it is nobody's), and crosses a day.
    await store.commit(commit(gone, 0, outbox=["bye"] * 3, timers=[Timer(T0, "t")],
                              at=T0 + timedelta(days=1), safety_counts={"crisis": 1}))
    await store.commit(commit(gone, 1, None, forget=True))
    # A wellness group with a kept win, its daily moment and its poll.
    await store.commit(commit(
        key("group", "ben"), 0, wins=["a walk ü"], at=later,
        group=GroupWrite(0, json.dumps({"settings": {"on": True}}), alert_to="ben",
                         reschedule=True, next_due_at=later + timedelta(days=1))))
    await store.record_poll(TG, "group", "poll-1", "1")
    # One timer claimed by a worker, so its lease is part of the copy.
    await store.claim_timers(T0 + timedelta(minutes=1), 1, LEASE)


async def observe(store: Store) -> dict[str, Any]:
    """Everything the public API shows about the populated store (JSON text and
    key order included: a copy changes neither)."""
    return {
        "exports": [json.dumps(await store.export_user(p)) for p in PEOPLE],
        "journals": [
            [(e.kind, e.data, e.at) for e in await store.journal(p)] for p in PEOPLE
        ],
        "pending": [
            (r.id, r.key, r.payload, r.attempts, r.created_at)
            for r in await store.pending_outbox(limit=1000)
        ],
        "loads": [
            await store.load(key(chat, p.user_id, p.platform), event)
            for p in PEOPLE
            for chat in ("dm", "group")
            for event in ("u1", "u2", "u3")
        ],
        "groups": [json.dumps(await store.export_groups(p)) for p in PEOPLE],
        "group": await store.load_group(TG, "group", wins=True),
        "poll": await store.find_poll(TG, "poll-1"),
        "safety": await store.safety_report(),
    }


async def claims(store: Store) -> tuple[list[Any], list[Any]]:
    """What the scheduler would claim next (changes the store: call last).

    By then "soon" and the nudge are due; "pause:a" is still leased to the worker
    that claimed it before the copy.
    """
    now = T0 + timedelta(minutes=4)
    return (
        [(t.id, t.key, t.token, t.due_at) for t in await store.claim_timers(now, 100, LEASE)],
        [(n.key, n.due_at) for n in await store.claim_nudges(now, 100, LEASE)],
    )


@pytest.fixture
async def source(tmp_path: Path) -> str:
    """A populated SQLite database, closed, as a URL."""
    store = SqliteStore(tmp_path / "source.sqlite")
    await store.open()
    await populate(store)
    await store.close()
    return f"sqlite:///{tmp_path / 'source.sqlite'}"


async def opened(url: str) -> Store:
    store = create_store(url)
    await store.open()
    return store


async def observe_url(url: str) -> dict[str, Any]:
    store = await opened(url)
    try:
        return await observe(store)
    finally:
        await store.close()


async def next_ids_and_claims(url: str) -> tuple[list[int], tuple[list[Any], list[Any]]]:
    """The ids the next outbox rows get, then the next claims."""
    store = await opened(url)
    try:
        ids = await store.commit(commit(key("new", "new"), 0, outbox=["a", "b"]))
        return ids, await claims(store)
    finally:
        await store.close()


# --- round trips --------------------------------------------------------------


@needs_postgres
async def test_sqlite_to_postgres_and_back_is_the_same_database(
    source: str, tmp_path: Path
) -> None:
    expected = await observe_url(source)
    back = f"sqlite:///{tmp_path / 'back.sqlite'}"
    async with fresh_schema(DSN) as schema:
        there = await copy_database(source, pg_url(schema))
        assert there.verified
        assert await observe_url(pg_url(schema)) == expected
        again = await copy_database(pg_url(schema), back)
        assert again.verified
        pg_next = await next_ids_and_claims(pg_url(schema))
    assert there.counts == again.counts
    assert there.counts == {
        "users": (2, 2),
        "conversations": (5, 5),
        "processed_events": (2, 2),
        "outbox": (5, 5),
        "journal": (3, 3),
        "timers": (3, 3),
        "subscriptions": (1, 1),
        "group_channels": (1, 1),
        "group_wins": (1, 1),
        "meta": (0, 0),
        "safety_counts": (4, 4),
    }
    assert await observe_url(back) == expected
    # Ids go on past every id the source handed out (the forgotten ones too), and
    # the scheduler finds the same due work, leases included.
    source_next = await next_ids_and_claims(source)
    assert source_next[0] == [9, 10]
    assert [t[2] for t in source_next[1][0]] == ["soon"]
    assert len(source_next[1][1]) == 1
    assert pg_next == source_next
    assert await next_ids_and_claims(back) == source_next


async def test_sqlite_to_sqlite_copy(source: str, tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    report = await copy_database(source, target)
    assert report.verified
    assert sum(src for src, _dst in report.counts.values()) == 23 + 4
    copied = await observe_url(target)
    assert copied == await observe_url(source)
    day = T0.date()
    assert copied["safety"] == [
        SafetyCount(day, "concern", 1), SafetyCount(day, "crisis", 1),
        SafetyCount(day, "resources", 1), SafetyCount(day + timedelta(days=1), "crisis", 1)]
    assert await next_ids_and_claims(target) == await next_ids_and_claims(source)


async def test_non_empty_target_is_refused_and_left_alone(source: str, tmp_path: Path) -> None:
    target_path = tmp_path / "busy.sqlite"
    store = SqliteStore(target_path)
    await store.open()
    await store.commit(commit(key("c", "someone"), 0, outbox=["mine"]))
    await store.close()
    with pytest.raises(CopyError, match=r"already holds data \(conversations: 1, outbox: 1\)"):
        await copy_database(source, f"sqlite:///{target_path}")
    rows = sqlite3.connect(target_path).execute("SELECT payload FROM outbox").fetchall()
    assert rows == [("mine",)]


async def test_old_source_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)")
    conn.execute("INSERT INTO schema_migrations VALUES (1, '2024-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(CopyError, match="migrate"):
        await copy_database(f"sqlite:///{path}", f"sqlite:///{tmp_path / 'new.sqlite'}")


# --- the tables the copy knows are the tables the schemas have -----------------------


async def test_copy_knows_every_sqlite_table_and_column(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    await store.open()
    await store.close()
    conn = sqlite3.connect(tmp_path / "s.sqlite")
    names = {
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not row[0].startswith("sqlite_") and row[0] != "schema_migrations"
    }
    assert names == {t.name for t in TABLES}
    for table in TABLES:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table.name})")]
        assert tuple(columns) == table.names, table.name
    conn.close()


@needs_postgres
async def test_copy_knows_every_postgres_table_and_column() -> None:
    import asyncpg

    async with fresh_schema(DSN) as schema:
        store = await opened(pg_url(schema))
        await store.close()
        conn = await asyncpg.connect(DSN)
        try:
            rows = await conn.fetch(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = $1 ORDER BY table_name, ordinal_position",
                schema,
            )
        finally:
            await conn.close()
    columns: dict[str, list[str]] = {}
    for row in rows:
        columns.setdefault(row["table_name"], []).append(row["column_name"])
    columns.pop("schema_migrations")
    assert {name: tuple(cols) for name, cols in columns.items()} == {
        t.name: t.names for t in TABLES
    }


# --- the command line ------------------------------------------------------------------


def test_cli_copy_prints_counts_and_refuses_a_second_copy(
    source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert main(["db", "copy", "--from", source, "--to", target]) == 0
    out = capsys.readouterr().out
    assert "outbox" in out
    assert "5         5" in out
    assert main(["db", "copy", "--from", source, "--to", target]) == 1
    assert "already holds data" in capsys.readouterr().err


@pytest.mark.parametrize(
    "url", ["mysql://db/x", "sqlite://relative-without-third-slash", "sqlite:///missing/no.db"]
)
def test_cli_copy_bad_source_url_exits_2(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "never.sqlite"
    assert main(["db", "copy", "--from", url, "--to", f"sqlite:///{target}"]) == 2
    assert "compassion-bot:" in capsys.readouterr().err
    assert not target.exists()


def test_cli_copy_unreachable_server_exits_2(
    source: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql://bot:s3cret@127.0.0.1:1/db"
    assert main(["db", "copy", "--from", source, "--to", url]) == 2
    err = capsys.readouterr().err
    assert "cannot connect" in err
    assert "s3cret" not in err


def test_cli_migrate_reports_versions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    latest = len(migrations_for("sqlite"))
    assert main(["migrate", "--db", url]) == 0
    assert capsys.readouterr().out.strip() == f"schema migrated from version 0 to {latest}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out.strip() == f"schema is up to date (version {latest})"


@needs_postgres
def test_cli_migrate_postgres(capsys: pytest.CaptureFixture[str]) -> None:
    import asyncio

    async def run() -> tuple[int, int]:
        async with fresh_schema(DSN) as schema:
            first = await asyncio.to_thread(main, ["migrate", "--db", pg_url(schema)])
            second = await asyncio.to_thread(main, ["migrate", "--db", pg_url(schema)])
            return first, second

    assert asyncio.run(run()) == (0, 0)
    latest = len(migrations_for("postgres"))
    assert capsys.readouterr().out.splitlines() == [
        f"schema migrated from version 0 to {latest}",
        f"schema is up to date (version {latest})",
    ]
