"""The PostgreSQL backend of the :class:`~bot.store.base.Store` contract (asyncpg).

This is the backend for several bot processes sharing one database.  Each
:meth:`PostgresStore.commit` is one turn, written in a savepoint of a transaction
that carries the other turns waiting at that moment (group commit,
:mod:`bot.store.pg_batch`), and every decision is made by the database under
row locks, never from what a process remembers:

* the event id is inserted first (``ON CONFLICT DO NOTHING``): no row back
  means the event was processed (:class:`DuplicateEventError`);
* the conversation row is locked (``SELECT ... FOR UPDATE``) and its version
  compared; a new conversation's ``INSERT ... ON CONFLICT DO NOTHING`` catches a
  racing creator (:class:`ConflictError`);
* raising inside the transaction rolls everything back, so a refused commit
  writes nothing.

Locks are always taken in the same order (the person's conversations by chat,
then the group of the chat, then their profile, then their subscription; outbox
and timer rows by id; last, once the whole batch is written, the safety report's
day totals by key), so two commits never wait for each other in a circle.
Timers and nudges are claimed with ``FOR UPDATE SKIP LOCKED`` and a lease, so
several workers share them without handing one out twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.groups.state import SharedWin
from bot.store.base import (
    Commit,
    ConflictError,
    DatabaseUnavailableError,
    DueGroup,
    DueNudge,
    DuplicateEventError,
    GroupSnapshot,
    JournalEntry,
    OutboxRow,
    PollRef,
    SafetyCount,
    Snapshot,
    StoreError,
    TextTransform,
    TimerRow,
)
from bot.store.fields import is_setting, merge_profile
from bot.store.migrations import migrations_for
from bot.store.pg_batch import DEFAULT_LANES, DEFAULT_MAX_BATCH, GroupCommit
from bot.store.schema import (
    FORGET,
    PURGE,
    PURGE_IDLE,
    TABLE,
    TEXT_COLUMN,
    TEXT_COLUMNS,
    ForgetStep,
    PurgedWhenIdle,
    Table,
    purge_statement,
)
from bot.store.values import json_text, require_aware, safety_increments, utc_text
from bot.types import ConversationKey, UserKey

log = logging.getLogger(__name__)

MIGRATION_LOCK = 0x63627462  # "cbtb": compassion-bot's advisory lock class for migrations
OUTBOX_CLAIM_LOCK = 0x63626F63  # "cboc": ... and for outbox claims
"""First half of the advisory lock key held while migrating; the second half is a
hash of the schema, so that databases in different schemas migrate independently."""


_SECRET_PARAMETERS = frozenset({"password", "sslpassword"})


def redact(dsn: str) -> str:
    """``dsn`` without its password (in the address or as a parameter): safe to
    print and log."""
    parts = urlsplit(dsn)
    host = parts.hostname or "localhost"
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not a number: leave it out rather than fail while reporting
        port = ""
    user = f"{parts.username}@" if parts.username else ""
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in _SECRET_PARAMETERS]
    )
    return f"{parts.scheme}://{user}{host}{port}{parts.path}{'?' if query else ''}{query}"


def quote_ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def naming_database_url(dsn: str, setting: str = "DATABASE_URL") -> Iterator[None]:
    """Turn a failure to connect into :class:`DatabaseUnavailableError`, naming the
    ``setting`` the URL came from."""
    try:
        yield
    except ValueError:  # asyncpg's verdict on a malformed URL
        raise DatabaseUnavailableError(
            f"{setting} is not a valid PostgreSQL URL: {redact(dsn)}"
        ) from None  # the driver's message may quote the URL, password and all
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        # The server's messages and the socket's name the user, database or
        # address, never the password; the driver's own configuration errors
        # might quote the URL, so for those only the type is shown.
        detail = str(exc) if isinstance(exc, OSError | asyncpg.PostgresError) else ""
        # Down, unreachable or starting up: worth waiting for (a wrong password
        # or database name is not).
        transient = isinstance(exc, OSError | asyncpg.CannotConnectNowError
                               | asyncpg.TooManyConnectionsError)
        raise DatabaseUnavailableError(
            f"{setting}: cannot connect to PostgreSQL at {redact(dsn)} "
            f"({type(exc).__name__}{': ' if detail else ''}{detail})", transient=transient,
        ) from None


async def connect(dsn: str, setting: str = "DATABASE_URL") -> asyncpg.Connection:
    """One plain connection (for maintenance commands), failing as :meth:`PostgresStore.open`
    does when the server cannot be used."""
    with naming_database_url(dsn, setting):
        return await asyncpg.connect(dsn)


# --- SQL ----------------------------------------------------------------------

_LOCK_MIGRATIONS = "SELECT pg_advisory_lock($1, hashtext(coalesce(current_schema(), '')))"
_UNLOCK_MIGRATIONS = "SELECT pg_advisory_unlock($1, hashtext(coalesce(current_schema(), '')))"

_LOAD = """
SELECT c.state::text, c.version, u.profile::text,
       $4::text IS NOT NULL AND EXISTS (
           SELECT 1 FROM processed_events AS e WHERE e.platform = $1 AND e.event_id = $4)
FROM (SELECT 1) AS one
LEFT JOIN conversations AS c ON c.platform = $1 AND c.chat_id = $2 AND c.user_id = $3
LEFT JOIN users AS u ON u.platform = $1 AND u.user_id = $3
"""

_INSERT_EVENT = """
INSERT INTO processed_events (platform, event_id, at) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING
RETURNING true
"""

# A forget locks every conversation of the person, in chat order, before anything
# else: two forgets (or a forget and a turn) then never hold one row each while
# waiting for the other's.
_LOCK_PERSON = """
SELECT 1 FROM conversations WHERE platform = $1 AND user_id = $2
ORDER BY chat_id COLLATE "C" FOR UPDATE
"""

_LOCK_CONVERSATION = """
SELECT version FROM conversations
WHERE platform = $1 AND chat_id = $2 AND user_id = $3
FOR UPDATE
"""

def _in_key_order(table: Table) -> str:
    """``ORDER BY`` for locking ``table``'s rows: its primary key, text compared
    byte by byte, so that every statement locks rows in the same order whatever
    the database's collation."""
    return ", ".join(
        f'{name} COLLATE "C"' if table.column(name).kind == "text" else name
        for name in table.key
    )


def _forget_statement(step: ForgetStep) -> str:
    """One step of a ``/forget`` as SQL taking ``($1 platform, $2 user id)``.

    The rows are locked in key order before they change (see the module
    docstring), like every other statement touching several rows.  A cleared
    mention moves the row's version on, so that a group turn loaded before the
    forget cannot write the person back as the group's alert recipient.
    """
    table, column = step.table, step.column
    key = ", ".join(table.key)
    rows = (f"({key}) IN (SELECT {key} FROM {table.name}"  # noqa: S608
            f" WHERE platform = $1 AND {column} = $2"
            f" ORDER BY {_in_key_order(table)} FOR UPDATE)")
    if step.delete:
        return f"DELETE FROM {table.name} WHERE {rows}"  # noqa: S608
    bump = f", {table.version} = {table.version} + 1" if table.version else ""
    return f"UPDATE {table.name} SET {column} = NULL{bump} WHERE {rows}"  # noqa: S608


# A forget locks every conversation of the person (_LOCK_PERSON) before these.
_FORGET = tuple(_forget_statement(step) for step in FORGET)
"""What ``/forget`` runs, derived from the schema catalogue (names from it, never
from input)."""

# Locked after the conversation row (the order every commit keeps).
_LOCK_GROUP = """
SELECT version FROM group_channels WHERE platform = $1 AND chat_id = $2 FOR UPDATE
"""

_INSERT_GROUP = """
INSERT INTO group_channels (platform, chat_id, state, version, alert_to, next_due_at,
                            updated_at)
VALUES ($1, $2, $3::json, $4, $5, CASE WHEN $6 THEN $7::timestamptz END, $8)
ON CONFLICT DO NOTHING
RETURNING true
"""

_UPDATE_GROUP = """
UPDATE group_channels
SET state = $3::json, version = $4, alert_to = $5, updated_at = $8,
    next_due_at = CASE WHEN $6 THEN $7::timestamptz ELSE next_due_at END,
    claimed_until = CASE WHEN $6 THEN NULL ELSE claimed_until END
WHERE platform = $1 AND chat_id = $2
"""

_INSERT_WINS = """
INSERT INTO group_wins (platform, chat_id, user_id, text, at)
SELECT $1, $2, $3, w.text, $5
FROM unnest($4::text[]) WITH ORDINALITY AS w(text, n)
ORDER BY w.n
"""

_DELETE_WINS = """
DELETE FROM group_wins WHERE platform = $1 AND chat_id = $2 AND id = ANY($3::bigint[])
"""

_LOAD_GROUP = """
SELECT state::text, version, alert_to FROM group_channels WHERE platform = $1 AND chat_id = $2
"""

_GROUP_WINS = """
SELECT id, text, at FROM group_wins WHERE platform = $1 AND chat_id = $2 ORDER BY at, id
"""

_CLAIM_GROUPS = """
UPDATE group_channels AS g SET claimed_until = $2
WHERE (g.platform, g.chat_id) IN (
    SELECT platform, chat_id FROM group_channels
    WHERE next_due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
    ORDER BY next_due_at, platform, chat_id
    LIMIT $3
    FOR UPDATE SKIP LOCKED)
RETURNING g.platform, g.chat_id, g.next_due_at
"""

_RECORD_POLL = """
UPDATE group_channels SET poll_id = $3, poll_ref = $4 WHERE platform = $1 AND chat_id = $2
"""

_FIND_POLL = "SELECT chat_id, poll_ref FROM group_channels WHERE platform = $1 AND poll_id = $2"

_EXPORT_WINS = """
SELECT chat_id, text, at FROM group_wins WHERE platform = $1 AND user_id = $2 ORDER BY at, id
"""

_EXPORT_ALERTS = """
SELECT chat_id FROM group_channels WHERE platform = $1 AND alert_to = $2
ORDER BY chat_id COLLATE "C"
"""

_INSERT_CONVERSATION = """
INSERT INTO conversations (platform, chat_id, user_id, state, version, updated_at)
VALUES ($1, $2, $3, $4::json, $5, $6)
ON CONFLICT DO NOTHING
RETURNING true
"""

_UPDATE_CONVERSATION = """
UPDATE conversations SET state = $4::json, version = $5, updated_at = $6
WHERE platform = $1 AND chat_id = $2 AND user_id = $3
"""

_DELETE_CONVERSATION = """
DELETE FROM conversations WHERE platform = $1 AND chat_id = $2 AND user_id = $3
"""

# The profile is merged in Python, as SQLite does, so its keys keep their order.
_LOCK_PROFILE = """
SELECT profile::text FROM users WHERE platform = $1 AND user_id = $2 FOR UPDATE
"""

_UPDATE_PROFILE = """
UPDATE users SET profile = $3::json, updated_at = $4 WHERE platform = $1 AND user_id = $2
"""

_INSERT_PROFILE = """
INSERT INTO users (platform, user_id, profile, created_at, updated_at)
VALUES ($1, $2, $3::json, $4, $4)
ON CONFLICT DO NOTHING
RETURNING true
"""

_INSERT_JOURNAL = """
INSERT INTO journal (platform, user_id, kind, data, at)
SELECT $1, $2, e.kind, e.data::json, e.at
FROM unnest($3::text[], $4::text[], $5::timestamptz[]) WITH ORDINALITY AS e(kind, data, at, n)
ORDER BY e.n
"""

# Rows are inserted in payload order, so their ids (drawn from the identity as
# each row is inserted) increase in that order too.
_INSERT_OUTBOX = """
INSERT INTO outbox (platform, chat_id, user_id, payload, created_at, claimed_until, priority)
SELECT $1, $2, $3, p.payload, $5, $6, $7
FROM unnest($4::text[]) WITH ORDINALITY AS p(payload, n)
ORDER BY p.n
RETURNING id
"""

_INSERT_TIMERS = """
INSERT INTO timers (platform, chat_id, user_id, token, due_at)
SELECT $1, $2, $3, t.token, t.due_at
FROM unnest($4::text[], $5::timestamptz[]) AS t(token, due_at)
"""

_UPSERT_SUBSCRIPTION = """
INSERT INTO subscriptions (platform, user_id, chat_id, next_due_at, claimed_until)
VALUES ($1, $2, $3, $4, NULL)
ON CONFLICT (platform, user_id) DO UPDATE
SET chat_id = excluded.chat_id, next_due_at = excluded.next_due_at, claimed_until = NULL
"""

_DELETE_SUBSCRIPTION = "DELETE FROM subscriptions WHERE platform = $1 AND user_id = $2"

# Rows are locked in id order (see the module docstring) before they change.
_MARK_DELIVERED = """
UPDATE outbox SET delivered_at = $1, payload = NULL
WHERE id IN (
    SELECT id FROM outbox WHERE id = ANY($2::bigint[]) AND delivered_at IS NULL
    ORDER BY id FOR UPDATE)
"""

_MARK_FAILED = """
UPDATE outbox
SET attempts = attempts + 1,
    last_error = $1,
    given_up_at = CASE WHEN $2 THEN $3 ELSE given_up_at END,
    -- A reply that will never be sent is not kept either.
    payload = CASE WHEN $2 THEN NULL ELSE payload END,
    -- Released: a drain, in this worker or another, tries it again (not before
    -- the time the platform asked to wait, when it said one).
    claimed_until = $5
WHERE id = $4 AND delivered_at IS NULL
"""

_RELEASE = """
UPDATE outbox SET claimed_until = $2
WHERE id IN (
    SELECT id FROM outbox
    WHERE id = ANY($1::bigint[]) AND delivered_at IS NULL AND given_up_at IS NULL
    ORDER BY id FOR UPDATE)
"""

_PENDING = """
SELECT id, platform, chat_id, user_id, payload, attempts, created_at, claimed_until, priority
FROM outbox
WHERE delivered_at IS NULL AND given_up_at IS NULL AND payload IS NOT NULL
  AND ($1::text IS NULL OR platform = $1)
ORDER BY id
LIMIT $2
"""

_EXPORT_PROFILE = "SELECT profile::text FROM users WHERE platform = $1 AND user_id = $2"

_EXPORT_CONVERSATIONS = """
SELECT chat_id, state::text, updated_at FROM conversations
WHERE platform = $1 AND user_id = $2
ORDER BY chat_id COLLATE "C"
"""

_EXPORT_JOURNAL = """
SELECT kind, data::text, at FROM journal
WHERE platform = $1 AND user_id = $2
ORDER BY at, id
"""

_JOURNAL = """
SELECT kind, data::text, at FROM journal
WHERE platform = $1 AND user_id = $2
  AND (cardinality($3::text[]) = 0 OR kind = ANY($3::text[]))
  AND ($4::timestamptz IS NULL OR at >= $4)
ORDER BY at DESC, id DESC
LIMIT $5
"""

# SKIP LOCKED: a row another worker is claiming right now is left to it rather
# than waited for; the lease (claimed_until) keeps it from being claimed again
# after that worker's transaction ends.
_CLAIM_TIMERS = """
UPDATE timers SET claimed_until = $2
WHERE id IN (
    SELECT id FROM timers
    WHERE due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
    ORDER BY due_at, id
    LIMIT $3
    FOR UPDATE SKIP LOCKED)
RETURNING id, platform, chat_id, user_id, token, due_at
"""

# Rows a turn committed carry their worker's claim already, so a drain elsewhere
# leaves them alone until that worker had its go (see Commit.outbox_claimed_until).
# Claims of the outbox run one at a time (a transaction-scoped advisory lock,
# taken in its own statement so that the claim's snapshot comes after it): the
# check that no earlier row of a chat is held must see every claim made before.
_LOCK_OUTBOX_CLAIMS = "SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))"

_CLAIM_OUTBOX = """
UPDATE outbox SET claimed_until = $2
WHERE id IN (
    SELECT o.id FROM outbox AS o
    WHERE o.delivered_at IS NULL AND o.given_up_at IS NULL AND o.payload IS NOT NULL
      AND ($4::text IS NULL OR o.platform = $4)
      AND (o.claimed_until IS NULL OR o.claimed_until <= $1)
      -- A chat's replies go in order: none is taken while an earlier one is held.
      AND NOT EXISTS (
          SELECT 1 FROM outbox AS e
          WHERE e.platform = o.platform AND e.chat_id = o.chat_id AND e.id < o.id
            AND e.delivered_at IS NULL AND e.given_up_at IS NULL AND e.payload IS NOT NULL
            AND e.claimed_until > $1)
    -- Chats holding an urgent reply first; each chat's rows share its place, so
    -- a claim cut short by the limit still takes every chat from its oldest row.
    ORDER BY (SELECT min(p.priority) FROM outbox AS p
              WHERE p.platform = o.platform AND p.chat_id = o.chat_id
                AND p.delivered_at IS NULL AND p.given_up_at IS NULL
                AND p.payload IS NOT NULL),
             o.id
    LIMIT $3
    FOR UPDATE SKIP LOCKED)
RETURNING id, platform, chat_id, user_id, payload, attempts, created_at, claimed_until, priority
"""

# A batch's safety counts, summed per (day, kind) beforehand (ON CONFLICT may not
# touch a row twice in one statement) and locked in key order, so that two
# lanes adding to the same days never wait for each other in a circle.  Added
# to, never set: batches of one day in any order add up.
_ADD_SAFETY_COUNTS = """
INSERT INTO safety_counts AS s (day, kind, count)
SELECT a.day, a.kind, a.count
FROM unnest($1::date[], $2::text[], $3::bigint[]) AS a(day, kind, count)
ORDER BY a.day, a.kind COLLATE "C"
ON CONFLICT (day, kind) DO UPDATE SET count = s.count + excluded.count
"""

_SAFETY_REPORT = """
SELECT day, kind, count FROM safety_counts
WHERE $1::date IS NULL OR day >= $1
ORDER BY day, kind COLLATE "C"
"""

_DELETE_TIMERS = """
DELETE FROM timers WHERE id IN (
    SELECT id FROM timers WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE)
"""

_CLAIM_NUDGES = """
UPDATE subscriptions AS s SET claimed_until = $2
WHERE (s.platform, s.user_id) IN (
    SELECT platform, user_id FROM subscriptions
    WHERE next_due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
    ORDER BY next_due_at, platform, user_id
    LIMIT $3
    FOR UPDATE SKIP LOCKED)
RETURNING s.platform, s.chat_id, s.user_id, s.next_due_at
"""


@dataclass(frozen=True, slots=True)
class _Values:
    """A :class:`Commit`'s values, checked and converted before a connection is
    taken, so that a bad value fails its caller without touching the database."""

    at: datetime
    state: str | None
    profile_changes: dict[str, Any]
    """As JSON would give them back (checked to be JSON)."""
    journal: tuple[list[str], list[str], list[datetime]]
    timers: tuple[list[str], list[datetime]]
    next_due_at: datetime | None
    outbox_claimed_until: datetime | None
    group_due: datetime | None = None
    safety: tuple[tuple[date, str, int], ...] = ()
    """(UTC day, kind, count) per non-zero safety count, written by the batch."""


def _outbox_row(r: asyncpg.Record) -> OutboxRow:
    return OutboxRow(
        id=r["id"],
        key=ConversationKey(r["platform"], r["chat_id"], r["user_id"]),
        payload=r["payload"],
        attempts=r["attempts"],
        created_at=r["created_at"],
        claimed_until=r["claimed_until"],
        priority=int(r["priority"]),
    )


def _values(commit: Commit) -> _Values:
    if commit.expected_version < 0:
        raise ValueError("expected_version cannot be negative")
    return _Values(
        at=require_aware(commit.at),
        state=commit.state_json,
        profile_changes=json.loads(json_text(commit.profile_changes)),
        journal=(
            [e.kind for e in commit.journal],
            [json_text(e.data) for e in commit.journal],
            [require_aware(e.at) for e in commit.journal],
        ),
        timers=(
            [t.token for t in commit.timers],
            [require_aware(t.due_at) for t in commit.timers],
        ),
        next_due_at=(
            None
            if commit.subscription is None or commit.subscription.next_due_at is None
            else require_aware(commit.subscription.next_due_at)
        ),
        group_due=(
            None
            if commit.group is None or commit.group.next_due_at is None
            else require_aware(commit.group.next_due_at)
        ),
        outbox_claimed_until=(
            None if commit.outbox_claimed_until is None
            else require_aware(commit.outbox_claimed_until)
        ),
        safety=safety_increments(commit.safety_counts, commit.at),
    )


# --- the store ------------------------------------------------------------------


class PostgresStore:
    """:class:`~bot.store.base.Store` on a PostgreSQL database, through a pool.

    ``dsn`` is a ``postgresql://`` (or ``postgres://``) URL.  ``schema`` puts the
    tables in that schema instead of the server's default search path (it must
    exist); tests use it to give every test an empty database.  ``min_size`` and
    ``max_size`` bound the pool.  Turns are group-committed
    (:mod:`bot.store.pg_batch`) by ``lanes`` writers, at most ``max_batch`` turns
    per transaction; ``max_batch=1`` gives each turn its own transaction.
    """

    def __init__(
        self,
        dsn: str,
        *,
        schema: str | None = None,
        min_size: int = 1,
        max_size: int = 10,
        lanes: int = DEFAULT_LANES,
        max_batch: int = DEFAULT_MAX_BATCH,
    ) -> None:
        if not 1 <= min_size <= max_size:
            raise ValueError("pool sizes need 1 <= min_size <= max_size")
        if not 1 <= lanes < max_size or max_batch < 1:
            # A lane holds a connection while it writes; reads need one too.
            raise ValueError("need 1 <= lanes < max_size and max_batch >= 1")
        self._lanes = lanes
        self._max_batch = max_batch
        self._group: GroupCommit[_Values] | None = None
        self._dsn = dsn
        self._schema = schema
        self._min_size = min_size
        self._max_size = max_size
        self._pool: asyncpg.Pool | None = None

    # --- lifecycle ---------------------------------------------------------

    async def open(self) -> None:
        if self._pool is not None:
            raise StoreError("store is already open")
        settings = {"application_name": "compassion-bot"}
        if self._schema is not None:
            settings["search_path"] = quote_ident(self._schema)
        with naming_database_url(self._dsn):
            pool = await asyncpg.create_pool(
                self._dsn,
                min_size=self._min_size,
                max_size=self._max_size,
                server_settings=settings,
            )
        try:
            await self._migrate(pool)
        except BaseException:
            await pool.close()
            raise
        self._pool = pool
        self._group = GroupCommit(pool, _apply, finish=_add_safety_counts, lanes=self._lanes,
                                  max_batch=self._max_batch)

    async def close(self) -> None:
        group, self._group = self._group, None
        if group is not None:
            await group.close()
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    async def _migrate(self, pool: asyncpg.Pool) -> None:
        migrations = migrations_for("postgres")
        async with pool.acquire() as conn:
            # A session lock around the whole run: processes starting together
            # queue here, and each one after the first finds nothing left to do.
            await conn.execute(_LOCK_MIGRATIONS, MIGRATION_LOCK)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations"
                    " (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)"
                )
                applied = {
                    int(r[0]) for r in await conn.fetch("SELECT version FROM schema_migrations")
                }
                if applied and max(applied) > len(migrations):
                    # Written by a newer release; this code would misread the schema.
                    raise StoreError(
                        f"schema version {max(applied)} is newer than this release "
                        f"knows ({len(migrations)})"
                    )
                for migration in migrations:
                    if migration.version in applied:
                        continue
                    # DDL is transactional in PostgreSQL: a migration and its
                    # record land together or not at all.
                    async with conn.transaction():
                        await conn.execute(migration.sql)  # several statements, one call
                        await conn.execute(
                            "INSERT INTO schema_migrations (version, applied_at)"
                            " VALUES ($1, now())",
                            migration.version,
                        )
                    log.info(
                        "applied postgres migration %04d_%s", migration.version, migration.name
                    )
            finally:
                await conn.execute(_UNLOCK_MIGRATIONS, MIGRATION_LOCK)

    def _open_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StoreError("store is not open")
        return self._pool

    # --- reads ---------------------------------------------------------------

    async def schema_version(self) -> int:
        version = await self._open_pool().fetchval(
            "SELECT coalesce(max(version), 0) FROM schema_migrations"
        )
        return int(version)

    async def load(self, key: ConversationKey, event_id: str | None = None) -> Snapshot:
        row = await self._open_pool().fetchrow(
            _LOAD, key.platform, key.chat_id, key.user_id, event_id
        )
        assert row is not None  # the query always returns its one row
        state, version, profile, duplicate = row
        return Snapshot(
            state_json=state,
            version=int(version or 0),
            profile=json.loads(profile) if profile is not None else {},
            duplicate=bool(duplicate),
        )

    async def pending_outbox(
        self, limit: int = 100, platform: str | None = None
    ) -> list[OutboxRow]:
        rows = await self._open_pool().fetch(_PENDING, platform, limit)
        return [_outbox_row(r) for r in rows]

    async def export_user(self, user: UserKey) -> dict[str, Any]:
        who = (user.platform, user.user_id)
        # One snapshot for the three reads, so a turn committing meanwhile
        # cannot show up in one part and not in another.
        async with (
            self._open_pool().acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            profile = await conn.fetchval(_EXPORT_PROFILE, *who)
            conversations = await conn.fetch(_EXPORT_CONVERSATIONS, *who)
            journal = await conn.fetch(_EXPORT_JOURNAL, *who)
        return {
            "profile": json.loads(profile) if profile is not None else {},
            "conversations": [
                {"chat_id": chat_id, "state": json.loads(state), "updated_at": utc_text(at)}
                for chat_id, state, at in conversations
            ],
            "journal": [
                {"kind": kind, "data": json.loads(data), "at": utc_text(at)}
                for kind, data, at in journal
            ],
        }

    async def journal(
        self,
        user: UserKey,
        *,
        kinds: Sequence[str] = (),
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[JournalEntry]:
        rows = await self._open_pool().fetch(
            _JOURNAL,
            user.platform,
            user.user_id,
            list(kinds),
            None if since is None else require_aware(since),
            limit,  # LIMIT NULL is no limit
        )
        return [JournalEntry(kind, json.loads(data), at) for kind, data, at in rows]

    # --- writes --------------------------------------------------------------

    async def commit(self, commit: Commit) -> list[int]:
        if self._group is None:
            raise StoreError("store is not open")
        return await self._group.submit(commit, _values(commit))

    async def mark_delivered(self, ids: Sequence[int], at: datetime) -> None:
        require_aware(at)
        if ids:
            await self._open_pool().execute(_MARK_DELIVERED, at, sorted(set(ids)))

    async def mark_failed(
        self, row_id: int, error: str, at: datetime, give_up: bool,
        retry_at: datetime | None = None,
    ) -> None:
        await self._open_pool().execute(
            _MARK_FAILED, error, give_up, require_aware(at), row_id,
            None if retry_at is None else require_aware(retry_at))

    async def release_outbox(self, ids: Sequence[int], until: datetime | None = None) -> None:
        if ids:
            await self._open_pool().execute(
                _RELEASE, sorted(set(ids)), None if until is None else require_aware(until))

    # --- the scheduler's claims ------------------------------------------------

    async def claim_timers(self, now: datetime, limit: int, lease: timedelta) -> list[TimerRow]:
        require_aware(now)
        rows = await self._open_pool().fetch(_CLAIM_TIMERS, now, now + lease, limit)
        timers = [
            TimerRow(
                id=r["id"],
                key=ConversationKey(r["platform"], r["chat_id"], r["user_id"]),
                token=r["token"],
                due_at=r["due_at"],
            )
            for r in rows
        ]
        # RETURNING does not promise any order.
        return sorted(timers, key=lambda t: (t.due_at, t.id))

    async def claim_outbox(
        self, now: datetime, limit: int, lease: timedelta, platform: str | None = None
    ) -> list[OutboxRow]:
        require_aware(now)
        async with self._open_pool().acquire() as conn, conn.transaction():
            await conn.execute(_LOCK_OUTBOX_CLAIMS, OUTBOX_CLAIM_LOCK)
            rows = await conn.fetch(_CLAIM_OUTBOX, now, now + lease, limit, platform)
        # RETURNING does not promise any order.
        return sorted((_outbox_row(r) for r in rows), key=lambda r: r.id)

    async def delete_timers(self, ids: Sequence[int]) -> None:
        if ids:
            await self._open_pool().execute(_DELETE_TIMERS, list(ids))

    async def claim_nudges(self, now: datetime, limit: int, lease: timedelta) -> list[DueNudge]:
        require_aware(now)
        rows = await self._open_pool().fetch(_CLAIM_NUDGES, now, now + lease, limit)
        nudges = [
            DueNudge(
                key=ConversationKey(r["platform"], r["chat_id"], r["user_id"]),
                due_at=r["next_due_at"],
            )
            for r in rows
        ]
        return sorted(nudges, key=lambda n: (n.due_at, n.key.platform, n.key.user_id))

    async def claim_groups(self, now: datetime, limit: int, lease: timedelta) -> list[DueGroup]:
        require_aware(now)
        rows = await self._open_pool().fetch(_CLAIM_GROUPS, now, now + lease, limit)
        due = [DueGroup(r["platform"], r["chat_id"], r["next_due_at"]) for r in rows]
        return sorted(due, key=lambda d: (d.due_at, d.platform, d.chat_id))

    async def record_poll(self, platform: str, chat_id: str, poll_id: str, ref: str) -> None:
        await self._open_pool().execute(_RECORD_POLL, platform, chat_id, poll_id, ref)

    # --- groups: reads ----------------------------------------------------------

    async def load_group(
        self, platform: str, chat_id: str, *, wins: bool = False
    ) -> GroupSnapshot:
        pool = self._open_pool()
        row = await pool.fetchrow(_LOAD_GROUP, platform, chat_id)
        kept: tuple[SharedWin, ...] = ()
        if wins:
            kept = tuple(SharedWin(r["id"], r["text"], r["at"])
                         for r in await pool.fetch(_GROUP_WINS, platform, chat_id))
        if row is None:
            return GroupSnapshot(None, 0, wins=kept)
        return GroupSnapshot(row["state"], int(row["version"]), row["alert_to"], kept)

    async def find_poll(self, platform: str, poll_id: str) -> PollRef | None:
        row = await self._open_pool().fetchrow(_FIND_POLL, platform, poll_id)
        return PollRef(row["chat_id"], row["poll_ref"]) if row is not None else None

    async def export_groups(self, user: UserKey) -> dict[str, Any]:
        who = (user.platform, user.user_id)
        async with (
            self._open_pool().acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            wins = await conn.fetch(_EXPORT_WINS, *who)
            alerts = await conn.fetch(_EXPORT_ALERTS, *who)
        return {
            "group_wins": [{"chat_id": chat, "text": text, "at": utc_text(at)}
                           for chat, text, at in wins],
            "alerts_for": [row[0] for row in alerts],
        }

    # --- retention and key management (rarely run) ------------------------------

    async def purge(self, before: datetime) -> dict[str, int]:
        require_aware(before)
        pool = self._open_pool()
        # Each table in its own transaction, so no lock is held across all of them.
        counts: dict[str, int] = {}
        for table, idle in PURGE_IDLE:
            counts[idle.report_as] = await _purge_idle(pool, table, idle, before)
        for table, old in PURGE:
            status = await pool.execute(purge_statement(table.name, old, "$1"), before)
            counts[table.name] = int(status.split()[-1])  # "DELETE <n>"
        return counts

    async def safety_report(self, since: date | None = None) -> list[SafetyCount]:
        rows = await self._open_pool().fetch(_SAFETY_REPORT, since)
        return [SafetyCount(r["day"], r["kind"], int(r["count"])) for r in rows]

    async def get_meta(self, name: str) -> str | None:
        value = await self._open_pool().fetchval("SELECT value FROM meta WHERE name = $1", name)
        return None if value is None else str(value)

    async def set_meta(self, name: str, value: str | None) -> None:
        if value is None:
            await self._open_pool().execute("DELETE FROM meta WHERE name = $1", name)
        else:
            await self._open_pool().execute(
                "INSERT INTO meta (name, value) VALUES ($1, $2)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value", name, value)

    async def rewrite_text(self, transform: TextTransform, *, batch: int = 500) -> dict[str, int]:
        changed = dict.fromkeys((text.name for text in TEXT_COLUMNS), 0)
        for column in changed:
            after: tuple[Any, ...] | None = None
            while True:
                count, after = await _rewrite_batch(
                    self._open_pool(), column, transform, after, batch)
                changed[column] += count
                if after is None:
                    break
        return changed

async def _apply(conn: PoolConnectionProxy, commit: Commit, values: _Values) -> list[int]:
    """One turn, inside the caller's transaction; raising rolls it all back."""
    key = commit.key
    conv = (key.platform, key.chat_id, key.user_id)
    person = (key.platform, key.user_id)
    if commit.event_id is not None:
        fresh = await conn.fetchval(_INSERT_EVENT, key.platform, commit.event_id, values.at)
        if fresh is None:
            raise DuplicateEventError(f"event already processed on {key.platform}")
    if commit.forget:
        await conn.execute(_LOCK_PERSON, *person)
    found = await conn.fetchval(_LOCK_CONVERSATION, *conv) or 0
    # The check comes before a forget's deletes: a /forget turn was loaded at the
    # conversation's current version like any other turn, and loses to a
    # concurrent turn in the same way.
    if found != commit.expected_version:
        raise ConflictError(
            f"conversation is at version {found}, commit expected {commit.expected_version}"
        )
    if commit.forget:
        for statement in _FORGET:
            await conn.execute(statement, *person)
    exists = found > 0 and not commit.forget
    # After a forget the row is gone, but the version still moves on from the one
    # the turn loaded, so a stale turn can never match it again.
    version = commit.expected_version + 1
    if values.state is None:
        if exists:
            await conn.execute(_DELETE_CONVERSATION, *conv)
    elif exists:
        await conn.execute(_UPDATE_CONVERSATION, *conv, values.state, version, values.at)
    elif await conn.fetchval(_INSERT_CONVERSATION, *conv, values.state, version, values.at) is None:
        # Another turn created the conversation after our lock found no row.
        raise ConflictError("conversation was created by a concurrent commit")
    if commit.group is not None:
        await _write_group(conn, commit, values)
    if commit.wins:
        await conn.execute(_INSERT_WINS, *conv, list(commit.wins), values.at)
    if values.profile_changes:
        await _merge_profile(conn, person, values.profile_changes, values.at)
    if commit.subscription is not None:
        if values.next_due_at is None:
            await conn.execute(_DELETE_SUBSCRIPTION, *person)
        else:
            await conn.execute(_UPSERT_SUBSCRIPTION, *person, key.chat_id, values.next_due_at)
    if commit.journal:
        await conn.execute(_INSERT_JOURNAL, *person, *values.journal)
    if commit.timers:
        await conn.execute(_INSERT_TIMERS, *conv, *values.timers)
    if not commit.outbox:
        return []
    rows = await conn.fetch(_INSERT_OUTBOX, *conv, list(commit.outbox), values.at,
                            values.outbox_claimed_until, commit.outbox_priority)
    return sorted(r["id"] for r in rows)


async def _add_safety_counts(
    conn: PoolConnectionProxy, accepted: list[tuple[Commit, _Values]]
) -> None:
    """Add the accepted turns' safety counts, once per batch (see :mod:`bot.store.pg_batch`)."""
    totals: dict[tuple[date, str], int] = {}
    for _commit, values in accepted:
        for day, kind, count in values.safety:
            totals[day, kind] = totals.get((day, kind), 0) + count
    if not totals:
        return
    rows = sorted(totals.items())
    await conn.execute(_ADD_SAFETY_COUNTS, [day for (day, _), _n in rows],
                       [kind for (_, kind), _n in rows], [n for _key, n in rows])


async def _write_group(conn: PoolConnectionProxy, commit: Commit, values: _Values) -> None:
    """The group of the commit's chat, checked against its version under a row lock."""
    change = commit.group
    assert change is not None
    where = (commit.key.platform, commit.key.chat_id)
    found = await conn.fetchval(_LOCK_GROUP, *where) or 0
    if found != change.expected_version:
        raise ConflictError(f"group is at version {found}, commit expected "
                            f"{change.expected_version}")
    row = (*where, change.state_json, change.expected_version + 1, change.alert_to,
           change.reschedule, values.group_due, values.at)
    if found:
        await conn.execute(_UPDATE_GROUP, *row)
    elif await conn.fetchval(_INSERT_GROUP, *row) is None:
        raise ConflictError("group was created by a concurrent commit")
    if change.drop_wins:
        await conn.execute(_DELETE_WINS, *where, list(change.drop_wins))


async def _merge_profile(
    conn: PoolConnectionProxy, person: tuple[str, str], changes: dict[str, Any], at: datetime
) -> None:
    """Merge ``changes`` into the person's profile (``None`` removes a field).

    The row is locked while it is merged.  When there is no row yet, a concurrent
    turn may create it first; then the insert finds it, and the merge is done
    again on top of that turn's profile instead of overwriting it.
    """
    for _attempt in range(3):
        current = await conn.fetchval(_LOCK_PROFILE, *person)
        merged = merge_profile(None if current is None else json.loads(current), changes)
        if merged is None:
            return  # only removals from a profile that does not exist
        if current is not None:
            await conn.execute(_UPDATE_PROFILE, *person, json_text(merged), at)
            return
        if await conn.fetchval(_INSERT_PROFILE, *person, json_text(merged), at):
            return
    # Created and deleted again under us, repeatedly: let the turn run again.
    raise ConflictError("the profile kept changing under this commit")


# --- retention and rewriting ------------------------------------------------------

def _idle_rows(table: Table, rule: PurgedWhenIdle) -> str:
    """Rows of idle people (``$1``), locked: a profile's age is the person's last
    activity, its own last change or the last turn in any of their chats, so a
    safety plan stays while it is in use."""
    active, active_age = rule.active_in
    return f"""
SELECT platform, {table.owner}, {rule.column}::text FROM {table.name} AS u
WHERE {rule.age} < $1
  AND NOT EXISTS (SELECT 1 FROM {active} AS a
                  WHERE a.platform = u.platform AND a.{TABLE[active].owner} = u.{table.owner}
                    AND a.{active_age} >= $1)
ORDER BY {_in_key_order(table)}
FOR UPDATE
"""  # noqa: S608


async def _purge_idle(
    pool: asyncpg.Pool, table: Table, rule: PurgedWhenIdle, before: datetime
) -> int:
    """Drop the free-text fields of idle people's profiles; returns profiles changed."""
    update = (f"UPDATE {table.name} SET {rule.column} = $1::json"  # noqa: S608
              f" WHERE platform = $2 AND {table.owner} = $3")
    async with pool.acquire() as conn, conn.transaction():
        updates = []
        for platform, owner, text in await conn.fetch(_idle_rows(table, rule), before):
            profile = json.loads(text)
            kept = {name: value for name, value in profile.items() if is_setting(name)}
            if len(kept) < len(profile):
                updates.append((json_text(kept), platform, owner))
        await conn.executemany(update, updates)
    return len(updates)


async def _rewrite_batch(
    pool: asyncpg.Pool, column: str, transform: TextTransform,
    after: tuple[Any, ...] | None, batch: int,
) -> tuple[int, tuple[Any, ...] | None]:
    """One transaction of :meth:`PostgresStore.rewrite_text`: up to ``batch`` rows
    past the key ``after``, locked (in key order) so that a turn committing
    meanwhile waits for the batch instead of being overwritten by it.  Returns
    the values changed and the last key read (``None`` when the column is done)."""
    text = TEXT_COLUMN[column]
    table, key, name = text.table.name, ", ".join(text.table.key), text.column.name
    cast_to = "::json" if text.column.kind == "json" else ""
    width = len(text.table.key)
    marks = ", ".join(f"${n}" for n in range(1, width + 1))
    # The names come from the schema catalogue, never from input.
    past = f"({key}) > ({marks}) AND " if after is not None else ""
    select = (f"SELECT {key}, {name}::text FROM {table} WHERE {past}{name} IS NOT NULL"  # noqa: S608
              f" ORDER BY {key} LIMIT {int(batch)} FOR UPDATE")
    update = (f"UPDATE {table} SET {name} = ${width + 1}{cast_to}"  # noqa: S608
              f" WHERE ({key}) = ({marks})")
    async with pool.acquire() as conn, conn.transaction():
        rows = [tuple(row) for row in await conn.fetch(select, *(after or ()))]
        updates = []
        for *row_key, value in rows:
            new = transform(column, value)
            if new is not None and new != value:
                updates.append((*row_key, new))
        if updates:
            await conn.executemany(update, updates)
    return len(updates), (rows[-1][:-1] if len(rows) == batch else None)
