"""PostgresStore: the conformance suite on a real server, and what only PostgreSQL has.

Runs when ``TEST_POSTGRES_DSN`` names a server (``make test`` in CI sets it);
otherwise the module is skipped with that reason.  Each test works in a schema
of its own, dropped afterwards.

PostgreSQL-specific behaviour pinned here: several processes starting at once
migrate once; several workers claiming timers and nudges never get the same
row; JSON is kept exactly as written; connection errors name
``DATABASE_URL`` and never the password.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.store.pg import fresh_schema, require_postgres

DSN = require_postgres()

import asyncpg  # noqa: E402  (only once we know the module runs)

from bot.store import (  # noqa: E402
    DatabaseUnavailableError,
    UnsupportedDatabaseError,
    create_store,
)
from bot.store.base import (  # noqa: E402
    Commit,
    ConflictError,
    DuplicateEventError,
    JournalEntry,
    StoreError,
    Subscription,
    Timer,
)
from bot.store.migrations import migrations_for  # noqa: E402
from bot.store.postgres import PostgresStore  # noqa: E402
from tests.store.conformance import StoreConformance, commit, key  # noqa: E402
from tests.store.model import T0  # noqa: E402


class TestPostgresConformance(StoreConformance):
    @pytest.fixture
    async def store(self) -> AsyncIterator[PostgresStore]:
        async with fresh_schema(DSN) as schema:
            store = PostgresStore(DSN, schema=schema)
            await store.open()
            try:
                yield store
            finally:
                await store.close()


@pytest.fixture
async def schema() -> AsyncIterator[str]:
    async with fresh_schema(DSN) as name:
        yield name


@pytest.fixture
async def store(schema: str) -> AsyncIterator[PostgresStore]:
    store = PostgresStore(DSN, schema=schema)
    await store.open()
    yield store
    await store.close()


async def query(schema: str, sql: str, *args: object) -> list[tuple[object, ...]]:
    """Read with a separate connection: what another process would see."""
    conn = await asyncpg.connect(DSN, server_settings={"search_path": f'"{schema}"'})
    try:
        return [tuple(row) for row in await conn.fetch(sql, *args)]
    finally:
        await conn.close()


# --- migrations ---------------------------------------------------------------


async def test_concurrent_opens_migrate_once(schema: str) -> None:
    stores = [PostgresStore(DSN, schema=schema) for _ in range(5)]
    await asyncio.gather(*(s.open() for s in stores))
    try:
        latest = len(migrations_for("postgres"))
        assert [await s.schema_version() for s in stores] == [latest] * 5
        rows = await query(schema, "SELECT version FROM schema_migrations ORDER BY version")
        assert rows == [(v,) for v in range(1, latest + 1)]
    finally:
        await asyncio.gather(*(s.close() for s in stores))


async def test_reopen_keeps_data_and_does_not_rerun_migrations(schema: str) -> None:
    first = PostgresStore(DSN, schema=schema)
    await first.open()
    await first.commit(commit(key(), 0, json.dumps("kept"), profile_changes={"a": 1}))
    await first.close()
    applied = await query(schema, "SELECT version, applied_at FROM schema_migrations")
    second = PostgresStore(DSN, schema=schema)
    await second.open()
    try:
        snapshot = await second.load(key())
        assert (snapshot.state_json, snapshot.version, snapshot.profile) == ('"kept"', 1, {"a": 1})
    finally:
        await second.close()
    assert await query(schema, "SELECT version, applied_at FROM schema_migrations") == applied


async def test_newer_schema_is_refused(schema: str, store: PostgresStore) -> None:
    await store.close()
    conn = await asyncpg.connect(DSN, server_settings={"search_path": f'"{schema}"'})
    try:
        await conn.execute("INSERT INTO schema_migrations VALUES (9999, now())")
    finally:
        await conn.close()
    with pytest.raises(StoreError, match="newer"):
        await PostgresStore(DSN, schema=schema).open()


async def test_schemas_are_separate(store: PostgresStore) -> None:
    await store.commit(commit(key(), 0, json.dumps("here")))
    async with fresh_schema(DSN) as other_schema:
        other = PostgresStore(DSN, schema=other_schema)
        await other.open()
        try:
            assert (await other.load(key())).version == 0
        finally:
            await other.close()


# --- claims shared by several workers ---------------------------------------------


async def _claim_all(
    claim: object, now: datetime, lease: timedelta, limit: int
) -> list[list[object]]:
    """Call ``claim(now, limit, lease)`` until it returns nothing; every batch."""
    batches: list[list[object]] = []
    while batch := await claim(now, limit, lease):  # type: ignore[operator]
        batches.append(batch)
    return batches


async def test_two_pools_never_claim_the_same_timer(schema: str) -> None:
    stores = [PostgresStore(DSN, schema=schema, max_size=4) for _ in range(2)]
    for s in stores:
        await s.open()
    try:
        for n in range(60):
            timers = [Timer(T0 + timedelta(seconds=i), f"t{n}-{i}") for i in range(5)]
            await stores[0].commit(commit(key(f"c{n}", f"u{n}"), 0, timers=timers))
        now, lease = T0 + timedelta(hours=1), timedelta(minutes=5)
        # Four claimers per pool, all at once, small batches: plenty of contention.
        results = await asyncio.gather(
            *(_claim_all(s.claim_timers, now, lease, 7) for s in stores for _ in range(4))
        )
        claimed = [t.id for batches in results for batch in batches for t in batch]  # type: ignore[attr-defined]
        assert len(claimed) == 300
        assert len(set(claimed)) == 300
        # Both pools took part (the claims really ran side by side).
        assert all(results[i] for i in range(len(results)))
        # Held for the lease: nobody gets them again until it runs out.
        assert await stores[1].claim_timers(now + lease - timedelta(seconds=1), 500, lease) == []
        again = await stores[1].claim_timers(now + lease, 500, lease)
        assert len(again) == 300
    finally:
        for s in stores:
            await s.close()


async def test_two_pools_never_claim_the_same_nudge(schema: str) -> None:
    stores = [PostgresStore(DSN, schema=schema, max_size=4) for _ in range(2)]
    for s in stores:
        await s.open()
    try:
        for n in range(200):
            due = T0 + timedelta(seconds=n)
            await stores[0].commit(
                commit(key(f"c{n}", f"u{n}"), 0, subscription=Subscription(due))
            )
        now, lease = T0 + timedelta(hours=1), timedelta(minutes=5)
        results = await asyncio.gather(
            *(_claim_all(s.claim_nudges, now, lease, 5) for s in stores for _ in range(4))
        )
        claimed = [n.key for batches in results for batch in batches for n in batch]  # type: ignore[attr-defined]
        assert len(claimed) == 200
        assert len(set(claimed)) == 200
        assert await stores[1].claim_nudges(now, 500, lease) == []
    finally:
        for s in stores:
            await s.close()


# --- stored values -------------------------------------------------------------------


async def test_json_is_kept_as_written(store: PostgresStore, schema: str) -> None:
    # json, not jsonb: key order, spacing and number forms survive (jsonb would
    # sort the keys and print 1e+16 back as the int 10000000000000000).
    value = {"zeta": 1e16, "alpha": -1.5e300, "mid": 1e-7, "int": 10**18, "nul": "a\u0000b"}
    state = json.dumps(value, indent=1)
    await store.commit(
        commit(
            key(),
            0,
            state,
            profile_changes={"v": value, "b": 1, "a": 2},
            journal=[JournalEntry("k", value, T0)],
        )
    )
    snapshot = await store.load(key())
    assert snapshot.state_json == state
    assert list(snapshot.profile) == ["v", "b", "a"]
    assert list(snapshot.profile["v"].items()) == list(value.items())
    assert {k: type(v) for k, v in snapshot.profile["v"].items()} == {
        k: type(v) for k, v in value.items()
    }
    [entry] = await store.journal(key().user)
    assert list(entry.data.items()) == list(value.items())
    [(column_type,)] = await query(
        schema, "SELECT data_type FROM information_schema.columns WHERE table_name = 'users'"
        " AND column_name = 'profile' AND table_schema = $1", schema
    )
    assert column_type == "json"


async def test_datetimes_are_timestamptz(store: PostgresStore, schema: str) -> None:
    at = datetime.fromisoformat("2024-05-01T20:00:00+12:00")
    await store.commit(commit(key(), 0, at=at, outbox=["x"]))
    [(updated_at,)] = await query(schema, "SELECT updated_at FROM conversations")
    assert updated_at == at
    rows = await store.pending_outbox()
    assert rows[0].created_at == at
    assert rows[0].created_at.tzinfo is not None


async def test_naive_datetimes_are_refused(store: PostgresStore) -> None:
    with pytest.raises(ValueError, match="timezone"):
        await store.commit(commit(key(), 0, at=datetime(2024, 5, 1)))
    with pytest.raises(ValueError, match="timezone"):
        await store.claim_timers(datetime(2024, 5, 1), 10, timedelta(minutes=1))
    assert (await store.load(key())).version == 0


async def test_values_that_are_not_json_fail_their_own_commit(store: PostgresStore) -> None:
    with pytest.raises(TypeError):
        await store.commit(commit(key(), 0, profile_changes={"when": datetime.now()}))
    with pytest.raises(ValueError, match="JSON"):
        await store.commit(commit(key(), 0, profile_changes={"score": float("nan")}))
    with pytest.raises(asyncpg.DataError):
        await store.commit(commit(key(), 0, "not json", outbox=["x"]))
    assert (await store.load(key())).version == 0
    assert await store.pending_outbox() == []


async def test_delivered_and_given_up_rows_keep_no_payload(
    store: PostgresStore, schema: str
) -> None:
    ids = await store.commit(commit(key(), 0, outbox=["private words", "more"]))
    await store.mark_delivered(ids[:1], T0 + timedelta(seconds=3))
    await store.mark_failed(ids[1], "HTTP 403", T0, give_up=True)
    rows = await query(
        schema, "SELECT payload, delivered_at IS NULL, attempts FROM outbox ORDER BY id"
    )
    assert rows == [(None, False, 0), (None, True, 1)]


async def test_forget_removes_timers_and_subscription(store: PostgresStore, schema: str) -> None:
    me, other = key("dm", "me"), key("dm", "other")
    for k in (me, other):
        await store.commit(
            commit(k, 0, timers=[Timer(T0, "wake")], subscription=Subscription(T0))
        )
    await store.commit(commit(me, 1, None, forget=True))
    assert await query(schema, "SELECT user_id FROM timers") == [("other",)]
    assert await query(schema, "SELECT user_id FROM subscriptions") == [("other",)]


async def test_commit_leaves_nothing_when_it_fails_halfway(store: PostgresStore) -> None:
    # The outbox insert is the last statement; make it fail and nothing stays.
    bad = Commit(
        key=key(), at=T0, expected_version=0, state_json='{"a":1}', event_id="e1",
        profile_changes={"x": 1}, outbox=["fine", "nul\x00byte"],
    )
    with pytest.raises(asyncpg.PostgresError):
        await store.commit(bad)
    snapshot = await store.load(key(), "e1")
    assert (snapshot.version, snapshot.profile, snapshot.duplicate) == (0, {}, False)


# --- choosing and reaching the server ------------------------------------------------


def test_database_url_selects_postgres() -> None:
    assert isinstance(create_store("postgresql://u@localhost/db"), PostgresStore)
    assert isinstance(create_store("postgres://u@localhost/db"), PostgresStore)


def test_missing_asyncpg_names_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "asyncpg", None)
    monkeypatch.delitem(sys.modules, "bot.store.postgres")
    with pytest.raises(UnsupportedDatabaseError, match=r"DATABASE_URL.*asyncpg"):
        create_store("postgresql://u@localhost/db")


async def test_unreachable_server_names_database_url_not_password() -> None:
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    store = PostgresStore("postgresql://bot:s3cret-pass@127.0.0.1:1/db")
    with pytest.raises(DatabaseUnavailableError) as caught:
        await store.open()
    message = str(caught.value)
    assert "DATABASE_URL" in message
    assert "postgresql://bot@127.0.0.1:1/db" in message
    assert "s3cret" not in message
    assert caught.value.__cause__ is None


async def test_unknown_database_names_database_url(schema: str) -> None:
    base = DSN.rsplit("/", 1)[0]
    with pytest.raises(DatabaseUnavailableError, match="DATABASE_URL"):
        await PostgresStore(f"{base}/no_such_database_{schema}").open()


async def test_closed_store_refuses_work(schema: str) -> None:
    store = PostgresStore(DSN, schema=schema)
    with pytest.raises(StoreError):
        await store.load(key())
    await store.open()
    with pytest.raises(StoreError):
        await store.open()
    await store.close()
    await store.close()  # closing twice is harmless
    with pytest.raises(StoreError):
        await store.commit(commit(key()))


# --- lock order -------------------------------------------------------------------------


async def test_turns_forgets_and_deliveries_on_one_person_never_deadlock(
    store: PostgresStore,
) -> None:
    # Every statement that locks several rows of one person does so in the same
    # order; a circle of waits would surface here as a DeadlockDetectedError.
    chats = [key(f"chat{n}", "me") for n in range(6)]
    for rnd in range(4):
        ids: list[int] = []
        for k in chats:
            version = (await store.load(k)).version
            ids += await store.commit(
                commit(k, version, json.dumps(rnd), outbox=["a", "b"], timers=[Timer(T0, "t")])
            )
        versions = [(await store.load(k)).version for k in chats]
        work = [
            store.commit(
                commit(
                    k,
                    v,
                    json.dumps({"r": rnd}),
                    forget=n % 3 == 0,
                    profile_changes={"n": n},
                    subscription=Subscription(T0 + timedelta(minutes=n)),
                    outbox=["x"],
                )
            )
            for n, (k, v) in enumerate(zip(chats, versions, strict=True))
        ]
        work += [store.mark_delivered(ids[::-1], T0), store.mark_delivered(ids, T0)]
        work += [store.delete_timers(list(range(1, 100))), store.claim_nudges(T0, 10, LEASE)]
        results = await asyncio.gather(*work, return_exceptions=True)
        for result in results:
            assert not isinstance(result, BaseException) or isinstance(result, StoreError), result


LEASE = timedelta(minutes=1)


async def test_concurrent_first_profile_changes_all_land(store: PostgresStore) -> None:
    # Someone new writes in many chats at once: every turn finds no profile row,
    # and each must merge into the row another created rather than overwrite it.
    await asyncio.gather(
        *(
            store.commit(commit(key(f"chat{n}", "new"), 0, profile_changes={f"f{n}": n}))
            for n in range(20)
        )
    )
    assert (await store.load(key("chat0", "new"))).profile == {f"f{n}": n for n in range(20)}


# --- group commit ------------------------------------------------------------------


async def test_a_burst_lands_in_few_transactions_and_a_refused_turn_fails_alone(
    schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.store.postgres as postgres

    transactions: list[int] = []
    apply = postgres._apply

    async def apply_and_note_transaction(conn: Any, c: Commit, values: Any) -> list[int]:
        # txid_current() names the top-level transaction, even inside a savepoint.
        transactions.append(int(await conn.fetchval("SELECT txid_current()")))
        return await apply(conn, c, values)

    monkeypatch.setattr(postgres, "_apply", apply_and_note_transaction)
    store = PostgresStore(DSN, schema=schema, lanes=1, max_batch=64)
    await store.open()
    try:
        await store.commit(commit(key("c0", "u0"), 0, event_id="seen"))
        transactions.clear()
        turns = [commit(key(f"c{n}", f"u{n}"), 0, outbox=[f"reply {n}"]) for n in range(1, 41)]
        stale = commit(key("c0", "u0"), 0, outbox=["stale"])  # the conversation is at 1
        repeat = commit(key("c0", "u0"), 1, event_id="seen", outbox=["again"])
        results = await asyncio.gather(*(store.commit(c) for c in [*turns, stale, repeat]),
                                       return_exceptions=True)
    finally:
        await store.close()
    assert all(isinstance(r, list) and len(r) == 1 for r in results[:40])
    assert isinstance(results[40], ConflictError)
    assert isinstance(results[41], DuplicateEventError)
    # Every accepted reply is there and the refused turns wrote nothing...
    rows = await query(schema, "SELECT payload FROM outbox ORDER BY id")
    assert sorted(str(p) for (p,) in rows) == sorted(f"reply {n}" for n in range(1, 41))
    # ...and the 42 turns shared a handful of transactions, not one each.
    assert len(transactions) == 42
    assert len(set(transactions)) <= 3
