"""The schema catalogue (:mod:`bot.store.schema`) holds on both backends, table by table.

Every check here walks the catalogue rather than naming tables, so a table added
to it is checked without anyone remembering to: ``/forget`` empties every table
with an owner of that person's rows and clears every column that mentions them;
with ``ENCRYPTION_KEY`` every free-text column is sealed on disk (and the
person's words are in no other column either); retention purges exactly what
each table's rule says; a table that belongs to nobody (the safety report's
counts) names no one and is left alone by ``/forget``.  A new owned table or
free-text column that :func:`seed` does not fill fails the check by name instead
of passing unseen.

Rows are read as they are stored (:mod:`bot.store.tables`), never through the
``Store`` contract, which would show only what the store chooses to.  The
PostgreSQL legs need ``TEST_POSTGRES_DSN`` and are skipped without it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.crypto import PREFIX, generate_key
from bot.store import create_backend, create_store
from bot.store.base import GroupWrite, JournalEntry, Store, Subscription, Timer
from bot.store.fields import is_setting
from bot.store.keys import rotate_keys
from bot.store.schema import TABLE, TABLES, TEXT_COLUMNS, PurgedAfter, PurgedWhenIdle, Table
from bot.store.tables import open_tables
from bot.types import ConversationKey
from tests.store.conformance import TG, commit, key
from tests.store.model import T0
from tests.store.pg import DSN, fresh_schema

WORD = "Quillfeather"
"""What the people here write: found on disk only where their words are."""

ME, OTHER = "me", "other"

needs_postgres = pytest.mark.skipif(
    not DSN, reason="TEST_POSTGRES_DSN not set: the catalogue on PostgreSQL not checked"
)

Rows = dict[str, list[dict[str, Any]]]
"""Table name -> its rows as stored, each as ``{column: value}``."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=needs_postgres)])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of each backend, as a ``DATABASE_URL``."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.sqlite'}"
        return
    async with fresh_schema(DSN) as schema:
        yield f"{DSN}{'&' if '?' in DSN else '?'}search_path={schema}"


async def opened(url: str, encryption_key: str | None = None) -> Store:
    store = create_store(url, None if encryption_key is None else SecretStr(encryption_key))
    await store.open()
    return store


async def seed(store: Store, user: str) -> None:
    """Something of ``user``'s in every table the catalogue knows, through the
    public API, all of it at ``T0`` and quoting :data:`WORD`.

    Extend this when the catalogue gains a table: the checks below name one with an
    owner, a mention or a free-text column left empty, and a table belonging to
    nobody must be filled too, for the check that /forget leaves it alone.
    """
    dm, group = key(f"dm-{user}", user), key(f"group-{user}", user)
    ids = await store.commit(commit(
        dm, 0, json.dumps({"step": "reframe", "vars": {"story": f"{WORD} said so"}}),
        event_id=f"evt-{user}",
        profile_changes={"consent": True, "nudge_hour": 9, "plan_signs": f"{WORD} again"},
        journal=[JournalEntry("reframe", {"text": f"about {WORD}"}, T0)],
        outbox=[json.dumps({"text": f"You said {WORD}"})] * 3,
        timers=[Timer(T0 + timedelta(minutes=5), "pause")],
        subscription=Subscription(T0 + timedelta(days=1)),
        # What the operator's safety report counts: no trace of who or where.
        safety_counts={"crisis": 1, "resources": 1},
    ))
    await store.mark_delivered(ids[:1], T0)
    await store.mark_failed(ids[1], f"HTTP 400: cannot send 'You said {WORD}'", T0,
                            give_up=True)
    await store.mark_failed(ids[2], f"HTTP 502 while sending {WORD}", T0, give_up=False)
    # The person is their group's alert recipient; a group's state is settings only.
    await store.commit(commit(
        group, 0, json.dumps({"step": "checkin"}), wins=[f"told {WORD} no"],
        group=GroupWrite(0, json.dumps({"alerts": True}), alert_to=user)))


async def stored(url: str) -> Rows:
    """Every row of every catalogued table, as stored."""
    tables = open_tables(url)
    await tables.connect()
    try:
        await tables.begin_read()  # one snapshot; PostgreSQL reads through a cursor in it
        rows: Rows = {}
        for table in TABLES:
            rows[table.name] = [dict(zip(table.names, row, strict=True))
                                async for batch in tables.rows(table) for row in batch]
        await tables.rollback()  # only ever read
        return rows
    finally:
        await tables.close()


def naming(rows: Rows, table: Table, column: str, user: str) -> list[dict[str, Any]]:
    """The rows of ``table`` whose ``column`` names ``user`` (on Telegram)."""
    return [r for r in rows[table.name] if r["platform"] == TG and r[column] == user]


def person_columns() -> list[tuple[Table, str]]:
    """Every ``(table, column)`` the catalogue says names a person."""
    return [(table, column) for table in TABLES
            for column in (*([table.owner] if table.owner else []), *table.mentions)]


def nobodys() -> list[Table]:
    """The tables whose rows belong to no one: no owner, no mention."""
    return [table for table in TABLES if table.owner is None and not table.mentions]


WHO_OR_WHERE = frozenset({"user_id", "chat_id", "alert_to"})
"""Columns naming a person or a chat: a table belonging to nobody has none."""


# --- the catalogue itself ---------------------------------------------------------------


def test_every_column_naming_a_person_is_declared() -> None:
    """A ``user_id`` column that is neither owner nor mention would survive /forget."""
    for table in TABLES:
        if "user_id" in table.names:
            assert table.owner == "user_id" or "user_id" in table.mentions, table.name


def test_a_table_belonging_to_nobody_names_no_one() -> None:
    """Such a table is out of /forget's reach, so nothing in it may name a person
    or a chat; the safety report's counts are a day, a label and a number."""
    for table in nobodys():
        assert not WHO_OR_WHERE & set(table.names), table.name
        assert not any(column.seal for column in table.columns), table.name
    assert TABLE["safety_counts"].names == ("day", "kind", "count")


def test_free_text_is_sealed_in_a_known_way() -> None:
    assert TEXT_COLUMNS, "no free-text column at all"
    for text in TEXT_COLUMNS:
        assert text.seal in ("document", "profile", "journal", "text"), text.name


# --- /forget ------------------------------------------------------------------------------


async def test_forget_empties_every_owned_table_of_that_person_only(url: str) -> None:
    store = await opened(url)
    try:
        for user in (ME, OTHER):
            await seed(store, user)
        before = await stored(url)
        for table, column in person_columns():
            assert naming(before, table, column, ME), (
                f"seed() leaves {table.name}.{column} empty, so /forget of it is unchecked")

        me = ConversationKey(TG, f"dm-{ME}", ME)
        await store.commit(commit(me, (await store.load(me)).version, None, forget=True))
    finally:
        await store.close()

    after = await stored(url)
    for table in nobodys():
        # Nothing in it is theirs (the safety counts, the key check): left as it was.
        assert after[table.name] == before[table.name], f"/forget changed {table.name}"
    for table, column in person_columns():
        assert naming(after, table, column, ME) == [], f"{table.name}.{column} still names them"
        if column == table.owner:
            # The other person's rows are untouched, value for value.
            assert naming(after, table, column, OTHER) == naming(before, table, column, OTHER)
        else:
            # A mention is cleared, the row (someone else's group) stays.
            assert len(after[table.name]) == len(before[table.name])


# --- sealing at rest ----------------------------------------------------------------------


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)


@pytest.mark.parametrize("sealed_by", ["the store", "keys rotate"])
async def test_every_free_text_column_is_sealed_with_a_key(url: str, sealed_by: str) -> None:
    """Written through a store with ``ENCRYPTION_KEY``, or written plain and then
    sealed by ``compassion-bot keys rotate`` (which finds the columns only
    through the catalogue: one missing from it would stay in the clear)."""
    secret = generate_key()
    store = await opened(url, secret if sealed_by == "the store" else None)
    try:
        await seed(store, ME)
    finally:
        await store.close()
    if sealed_by == "keys rotate":
        backend = create_backend(url)
        await backend.open()
        try:
            await rotate_keys(backend, None, secret)
        finally:
            await backend.close()

    rows = await stored(url)
    for text in TEXT_COLUMNS:
        values = [_text(r[text.column.name]) for r in rows[text.table.name]
                  if r[text.column.name] is not None]
        assert values, f"seed() leaves {text.name} empty, so its sealing is unchecked"
        for value in values:
            assert PREFIX in value, f"{text.name} holds a value that is not sealed"
            assert WORD not in value, f"{text.name} holds the person's words in the clear"
    # Nothing the catalogue does not call free text holds their words either.
    for table in TABLES:
        for row in rows[table.name]:
            for name, value in row.items():
                assert WORD not in _text(value), f"{table.name}.{name} is free text not sealed"
    profile = json.loads(next(r["profile"] for r in rows["users"]))
    assert {name for name in profile if is_setting(name)} == {"consent", "nudge_hour"}
    assert profile["consent"] is True  # settings stay readable


# --- retention ----------------------------------------------------------------------------


def _old(row: dict[str, Any], rule: PurgedAfter, before: datetime) -> bool:
    done = not rule.once or any(row[column] is not None for column in rule.once)
    return bool(row[rule.age] < before and done)


async def test_retention_purges_what_each_table_rule_says(url: str) -> None:
    store = await opened(url)
    try:
        await seed(store, ME)
        before_rows = await stored(url)
        cutoff = T0 + timedelta(days=400)
        counts = await store.purge(cutoff)
    finally:
        await store.close()

    after = await stored(url)
    for table in TABLES:
        rule = table.retention
        if isinstance(rule, PurgedAfter):
            old = [r for r in before_rows[table.name] if _old(r, rule, cutoff)]
            assert old, f"seed() leaves nothing old in {table.name}, so its purge is unchecked"
            assert counts[table.name] == len(old)
            assert after[table.name] == [r for r in before_rows[table.name] if r not in old]
        elif isinstance(rule, PurgedWhenIdle):
            assert counts[rule.report_as] == len(before_rows[table.name]) == 1
            for row in after[table.name]:
                kept = json.loads(_text(row[rule.column]))
                assert kept and all(is_setting(name) for name in kept), table.name
        else:
            assert after[table.name] == before_rows[table.name], f"{table.name} is kept"


# --- what belongs to nobody ----------------------------------------------------------------


async def test_the_safety_counts_hold_no_identifier(url: str) -> None:
    """As stored: a day, a kind and a count per row, and none of the ids or words of
    the people whose turns were counted (they are everywhere else in the database)."""
    store = await opened(url)
    try:
        for user in (ME, OTHER):
            await seed(store, user)
    finally:
        await store.close()
    rows = (await stored(url))["safety_counts"]
    assert rows == [{"day": T0.date(), "kind": "crisis", "count": 2},
                    {"day": T0.date(), "kind": "resources", "count": 2}]
    traces = {ME, OTHER, TG, WORD, *(f"{where}-{user}" for where in ("dm", "group", "evt")
                                     for user in (ME, OTHER))}
    for row in rows:
        assert not {str(value) for value in row.values()} & traces, row
