"""The SQLite backend of the :class:`~bot.store.base.Store` contract (aiosqlite).

Durability and throughput pull against each other here: every accepted message
must survive a crash (WAL with ``synchronous=FULL``, so each COMMIT waits for an
fsync), yet a busy bot commits thousands of turns a second and a disk manages
only a few hundred fsyncs.  So writes are *group committed*: :meth:`SqliteStore.commit`
queues its turn and waits; a single writer task takes everything waiting (up to
``max_batch``) and applies it in one transaction with one fsync.  Each caller's
future resolves only after that shared COMMIT returned, i.e. once it is durable.

One turn's :class:`~bot.store.base.ConflictError` or
:class:`~bot.store.base.DuplicateEventError` must not spoil its neighbours.  The
writer decides those outcomes *before* writing anything: inside the write
transaction (``BEGIN IMMEDIATE`` holds SQLite's single write lock, so nothing can
change underneath) it reads the current versions, event ids and profiles of the
whole batch in one query, replays the turns in queue order in memory, and then
writes only the accepted ones with a handful of ``executemany`` calls.  That is
about ten aiosqlite round trips (thread hops) per batch instead of several per
turn.  Anything unforeseen (a CHECK constraint, a full disk) rolls the batch back
and the writer retries it in halves, so the failure ends up with the one turn that
caused it and every other turn still lands.

Reads go through a second connection: WAL lets it read while the writer holds its
transaction, and it never sees a batch that is not yet committed.  The turns' loads
are gathered the same way, by the same queue loop as the writes
(:func:`bot.store.batching.run_batches`): those asked for while the reader is busy
are read together in one hop to its thread, each still its own query, because a
hop per load cost the event loop's thread more than the query.

Only one process should write to a database file; several processes sharing one
database is what the PostgreSQL backend is for.  (Several would still be correct,
because all checks run under the write lock, only slower.)
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar, cast

import aiosqlite

from bot.groups.state import SharedWin
from bot.store.base import (
    Commit,
    ConflictError,
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
from bot.store.batching import run_batches, settle
from bot.store.fields import is_setting, merge_profile
from bot.store.migrations import migrations_for, split_statements
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
from bot.store.values import from_utc_text as _dt
from bot.store.values import json_text as _json
from bot.store.values import safety_increments
from bot.store.values import utc_text as _ts
from bot.types import ConversationKey, UserKey

log = logging.getLogger(__name__)
# aiosqlite logs every call with its arguments at DEBUG: conversation states,
# answers and journal text.  Unless the host application sets its level itself,
# that log stays off, even under a root logger at DEBUG (the command line quiets
# it too).
_DRIVER_LOG = logging.getLogger("aiosqlite")

DEFAULT_MAX_BATCH = 256
"""Turns per group commit: large enough to amortise the fsync under load, small
enough that one batch's work stays a few milliseconds."""


# --- values as stored --------------------------------------------------------


def _outbox_row(row: Sequence[Any]) -> OutboxRow:
    """An outbox row as :data:`_PENDING` and :data:`_CLAIM_OUTBOX` select it."""
    row_id, platform, chat_id, user_id, payload, attempts, created_at, claimed_until, priority = row
    return OutboxRow(
        id=row_id,
        key=ConversationKey(platform, chat_id, user_id),
        payload=payload,
        attempts=attempts,
        created_at=_dt(created_at),
        claimed_until=None if claimed_until is None else _dt(claimed_until),
        priority=int(priority),
    )


# --- what the writer task is asked to do -------------------------------------


@dataclass(frozen=True, slots=True)
class _Turn:
    """A :class:`Commit`, validated and serialised before it joins the queue, so
    that a bad value fails its own caller instead of the batch it lands in."""

    commit: Commit
    at: str
    profile_changes: dict[str, Any]
    journal: tuple[tuple[str, str, str], ...]
    """(kind, data as JSON, at) per entry."""
    timers: tuple[tuple[str, str], ...] = ()
    """(token, due_at) per timer."""
    subscription: tuple[str | None] | None = None
    """``(next_due_at,)``, ``(None,)`` to unsubscribe, ``None`` to leave it alone."""
    group_due: str | None = None
    """The group's next daily moment as stored (with ``commit.group.reschedule``)."""
    outbox_claimed_until: str | None = None
    safety: tuple[tuple[str, str, int], ...] = ()
    """(UTC day as stored, kind, count) per non-zero safety count."""


@dataclass(frozen=True, slots=True)
class _Delivered:
    ids: tuple[int, ...]
    at: str


@dataclass(frozen=True, slots=True)
class _Failed:
    row_id: int
    error: str
    at: str
    give_up: bool
    retry_at: str | None = None


@dataclass(frozen=True, slots=True)
class _Released:
    ids: tuple[int, ...]
    until: str | None


_Op = _Turn | _Delivered | _Failed | _Released


@dataclass(slots=True)
class _Job:
    op: _Op
    future: asyncio.Future[list[int]]


@dataclass(slots=True)
class _Load:
    """A :meth:`SqliteStore.load` waiting for the reader: the query's parameters."""

    params: dict[str, str | None]
    future: asyncio.Future[Snapshot]


_R = TypeVar("_R")
_A = TypeVar("_A")

_Outcome = list[int] | StoreError
"""Per job: the new outbox ids (empty for mark ops), or the error its caller gets."""


# --- planning a batch (pure, no I/O) -----------------------------------------


@dataclass(slots=True)
class _Known:
    """The database as the batch found it, read under the write lock."""

    versions: dict[ConversationKey, int]
    """Every conversation the batch touches; 0 when there is no row."""
    events: set[tuple[str, str]]
    """(platform, event_id) pairs of the batch that were already processed."""
    profiles: dict[UserKey, dict[str, Any] | None]
    """Every person whose profile the batch changes; ``None`` when there is no row."""
    next_outbox_id: int
    groups: dict[tuple[str, str], int] = field(default_factory=dict)
    """Every group the batch changes: (platform, chat_id) -> version, 0 when there is no row."""


@dataclass(slots=True)
class _Group:
    """Writes that can be applied as bulk statements, in any order among themselves.

    A ``/forget`` starts a new group: its deletes must run after everything queued
    before it and before everything after it.
    """

    forget: UserKey | None = None
    events: list[tuple[str, str, str]] = field(default_factory=list)
    conversations: dict[ConversationKey, tuple[str, int, str] | None] = field(default_factory=dict)
    """Final (state, version, updated_at) per key; ``None`` deletes the row."""
    profiles: dict[UserKey, tuple[str, str]] = field(default_factory=dict)
    """Final (profile JSON, updated_at) per person."""
    journal: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    outbox: list[tuple[int, str, str, str, str, str, str | None, int]] = field(
        default_factory=list)
    timers: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    subscriptions: dict[UserKey, tuple[str, str | None]] = field(default_factory=dict)
    """Final (chat_id, next_due_at) per person; a ``None`` due time unsubscribes."""
    groups: list[tuple[object, ...]] = field(default_factory=list)
    """Group upserts in commit order (see ``_UPSERT_GROUP``)."""
    wins: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    drop_wins: list[tuple[str, str, int]] = field(default_factory=list)
    safety: dict[tuple[str, str], int] = field(default_factory=dict)
    """The accepted turns' safety counts, summed per (day, kind): one upsert each."""


def _plan(ops: Sequence[_Op], known: _Known) -> tuple[list[_Outcome], list[_Group]]:
    """Replay the batch's turns in queue order against ``known``.

    Returns one outcome per op and the writes of the accepted turns.  Mark ops
    are not planned here; they only get their (empty) outcome.
    """
    versions = known.versions
    profiles = known.profiles
    events = known.events
    next_id = known.next_outbox_id
    outcomes: list[_Outcome] = []
    groups = [_Group()]
    for op in ops:
        if not isinstance(op, _Turn):
            outcomes.append([])
            continue
        c = op.commit
        key, user = c.key, c.key.user
        if c.event_id is not None and (key.platform, c.event_id) in events:
            outcomes.append(DuplicateEventError(f"event already processed on {key.platform}"))
            continue
        found = versions.get(key, 0)
        # The check comes before a forget's deletes: a /forget turn was loaded at
        # the conversation's current version like any other turn, and must lose to
        # a concurrent turn in the same way.
        if found != c.expected_version:
            outcomes.append(
                ConflictError(
                    f"conversation is at version {found}, commit expected {c.expected_version}"
                )
            )
            continue
        group_key = (key.platform, key.chat_id)
        if c.group is not None and known.groups.get(group_key, 0) != c.group.expected_version:
            outcomes.append(ConflictError(
                f"group is at version {known.groups.get(group_key, 0)}, "
                f"commit expected {c.group.expected_version}"))
            continue

        group = groups[-1]
        if c.forget:
            group = _Group(forget=user)
            groups.append(group)
            for other in versions:
                if other.user == user:
                    versions[other] = 0
            profiles[user] = None
        if c.event_id is not None:
            events.add((key.platform, c.event_id))
            group.events.append((key.platform, c.event_id, op.at))
        if c.state_json is None:
            versions[key] = 0
            group.conversations[key] = None
        else:
            # After a forget the row is gone, but the version still moves on from
            # the one the turn loaded, so a stale turn can never match it again.
            versions[key] = c.expected_version + 1
            group.conversations[key] = (c.state_json, versions[key], op.at)
        if op.profile_changes:
            merged = merge_profile(profiles[user], op.profile_changes)
            if merged is not None:
                profiles[user] = merged
                group.profiles[user] = (_json(merged), op.at)
        for kind, data, at in op.journal:
            group.journal.append((key.platform, key.user_id, kind, data, at))
        for token, due_at in op.timers:
            group.timers.append((key.platform, key.chat_id, key.user_id, token, due_at))
        if op.subscription is not None:
            group.subscriptions[user] = (key.chat_id, op.subscription[0])
        if c.group is not None:
            known.groups[group_key] = c.group.expected_version + 1
            group.groups.append((key.platform, key.chat_id, c.group.state_json,
                                 known.groups[group_key], c.group.alert_to,
                                 c.group.reschedule, op.group_due, op.at))
            group.drop_wins += [(key.platform, key.chat_id, win) for win in c.group.drop_wins]
        group.wins += [(key.platform, key.chat_id, key.user_id, text, op.at) for text in c.wins]
        # Only here, past every check: a refused turn counts nothing.
        for day, kind, count in op.safety:
            group.safety[day, kind] = group.safety.get((day, kind), 0) + count
        ids = list(range(next_id, next_id + len(c.outbox)))
        next_id += len(c.outbox)
        for row_id, payload in zip(ids, c.outbox, strict=True):
            group.outbox.append((row_id, key.platform, key.chat_id, key.user_id, payload, op.at,
                                 op.outbox_claimed_until, c.outbox_priority))
        outcomes.append(ids)
    return outcomes, groups


# --- SQL ----------------------------------------------------------------------

_LOAD = """
SELECT c.state, c.version, u.profile,
       EXISTS (SELECT 1 FROM processed_events AS e
               WHERE e.platform = :platform AND e.event_id = :event_id)
FROM (SELECT 1)
LEFT JOIN conversations AS c
       ON c.platform = :platform AND c.chat_id = :chat_id AND c.user_id = :user_id
LEFT JOIN users AS u
       ON u.platform = :platform AND u.user_id = :user_id
"""

# Everything the planner needs, in one round trip.  The keys arrive as JSON
# arrays; the result's second column is the position in that array.  CROSS JOIN
# pins the loop order (SQLite's planner honours it): without statistics it would
# rather scan the whole conversations table than look each key up.
_KNOWN = """
SELECT 0, k.key, c.version, NULL
  FROM json_each(:keys) AS k
  CROSS JOIN conversations AS c
    ON c.platform = json_extract(k.value, '$[0]')
   AND c.chat_id = json_extract(k.value, '$[1]')
   AND c.user_id = json_extract(k.value, '$[2]')
UNION ALL
SELECT 1, e.key, NULL, NULL
  FROM json_each(:events) AS e
  CROSS JOIN processed_events AS p
    ON p.platform = json_extract(e.value, '$[0]') AND p.event_id = json_extract(e.value, '$[1]')
UNION ALL
SELECT 2, u.key, NULL, users.profile
  FROM json_each(:users) AS u
  CROSS JOIN users
    ON users.platform = json_extract(u.value, '$[0]')
   AND users.user_id = json_extract(u.value, '$[1]')
UNION ALL
SELECT 3, 0, (SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), NULL
UNION ALL
SELECT 4, g.key, group_channels.version, NULL
  FROM json_each(:groups) AS g
  CROSS JOIN group_channels
    ON group_channels.platform = json_extract(g.value, '$[0]')
   AND group_channels.chat_id = json_extract(g.value, '$[1]')
"""

def _forget_statement(step: ForgetStep) -> str:
    """One step of a ``/forget`` as SQL taking ``(platform, user id)``.

    A cleared mention moves the row's version on, so that a turn loaded before
    the forget cannot write the person back (as a group's alert recipient).  A
    turn of the same group in the same batch as the forget was planned against
    the old version and still could: both are queued by one process at the same
    moment, and the admin can turn alerts off again.
    """
    table, column = step.table.name, step.column
    if step.delete:
        return f"DELETE FROM {table} WHERE platform = ?1 AND {column} = ?2"  # noqa: S608
    bump = f", {step.table.version} = {step.table.version} + 1" if step.table.version else ""
    return f"UPDATE {table} SET {column} = NULL{bump} WHERE platform = ?1 AND {column} = ?2"  # noqa: S608


_FORGET = tuple(_forget_statement(step) for step in FORGET)
"""What ``/forget`` runs, derived from the schema catalogue (names from it, never
from input)."""

# ?6: reschedule (set next_due_at to ?7 and release a claim), else keep them.
_UPSERT_GROUP = """
INSERT INTO group_channels (platform, chat_id, state, version, alert_to, next_due_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?6 THEN ?7 END, ?8)
ON CONFLICT (platform, chat_id) DO UPDATE
SET state = excluded.state, version = excluded.version, alert_to = excluded.alert_to,
    updated_at = excluded.updated_at,
    next_due_at = CASE WHEN ?6 THEN ?7 ELSE group_channels.next_due_at END,
    claimed_until = CASE WHEN ?6 THEN NULL ELSE group_channels.claimed_until END
"""

# Counts only, added to (never set), so that turns of one day in any order and in
# any number of batches add up.
_ADD_SAFETY_COUNT = """
INSERT INTO safety_counts (day, kind, count) VALUES (?, ?, ?)
ON CONFLICT (day, kind) DO UPDATE SET count = count + excluded.count
"""

_SAFETY_REPORT = """
SELECT day, kind, count FROM safety_counts
WHERE :since IS NULL OR day >= :since
ORDER BY day, kind
"""

_INSERT_WIN = "INSERT INTO group_wins (platform, chat_id, user_id, text, at) VALUES (?, ?, ?, ?, ?)"
_DELETE_WIN = "DELETE FROM group_wins WHERE platform = ? AND chat_id = ? AND id = ?"

_LOAD_GROUP = """
SELECT state, version, alert_to FROM group_channels WHERE platform = ? AND chat_id = ?
"""

_GROUP_WINS = """
SELECT id, text, at FROM group_wins WHERE platform = ? AND chat_id = ? ORDER BY at, id
"""

_CLAIM_GROUPS = """
UPDATE group_channels SET claimed_until = :until
WHERE (platform, chat_id) IN (
    SELECT platform, chat_id FROM group_channels
    WHERE next_due_at <= :now AND (claimed_until IS NULL OR claimed_until <= :now)
    ORDER BY next_due_at LIMIT :limit)
RETURNING platform, chat_id, next_due_at
"""

_RECORD_POLL = """
UPDATE group_channels SET poll_id = ?3, poll_ref = ?4 WHERE platform = ?1 AND chat_id = ?2
"""

_FIND_POLL = "SELECT chat_id, poll_ref FROM group_channels WHERE platform = ? AND poll_id = ?"

_EXPORT_WINS = """
SELECT chat_id, text, at FROM group_wins WHERE platform = ? AND user_id = ? ORDER BY at, id
"""

_EXPORT_ALERTS = """
SELECT chat_id FROM group_channels WHERE platform = ? AND alert_to = ? ORDER BY chat_id
"""

_INSERT_TIMER = (
    "INSERT INTO timers (platform, chat_id, user_id, token, due_at) VALUES (?, ?, ?, ?, ?)"
)

# A new due time also releases the claim of the worker that sent the last nudge.
_UPSERT_SUBSCRIPTION = """
INSERT INTO subscriptions (platform, user_id, chat_id, next_due_at) VALUES (?, ?, ?, ?)
ON CONFLICT (platform, user_id) DO UPDATE
SET chat_id = excluded.chat_id, next_due_at = excluded.next_due_at, claimed_until = NULL
"""

_DELETE_SUBSCRIPTION = "DELETE FROM subscriptions WHERE platform = ? AND user_id = ?"

_CLAIM_TIMERS = """
UPDATE timers SET claimed_until = :until
WHERE id IN (SELECT id FROM timers
             WHERE due_at <= :now AND (claimed_until IS NULL OR claimed_until <= :now)
             ORDER BY due_at LIMIT :limit)
RETURNING id, platform, chat_id, user_id, token, due_at
"""

_CLAIM_NUDGES = """
UPDATE subscriptions SET claimed_until = :until
WHERE (platform, user_id) IN (
    SELECT platform, user_id FROM subscriptions
    WHERE next_due_at <= :now AND (claimed_until IS NULL OR claimed_until <= :now)
    ORDER BY next_due_at LIMIT :limit)
RETURNING platform, chat_id, user_id, next_due_at
"""

_JOURNAL = """
SELECT kind, data, at FROM journal
WHERE platform = :platform AND user_id = :user_id
  AND (:since IS NULL OR at >= :since)
  AND (:any_kind OR kind IN (SELECT value FROM json_each(:kinds)))
ORDER BY at DESC, id DESC
LIMIT :limit
"""

_INSERT_EVENT = "INSERT INTO processed_events (platform, event_id, at) VALUES (?, ?, ?)"

_UPSERT_CONVERSATION = """
INSERT INTO conversations (platform, chat_id, user_id, state, version, updated_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (platform, chat_id, user_id) DO UPDATE
SET state = excluded.state, version = excluded.version, updated_at = excluded.updated_at
"""

_DELETE_CONVERSATION = (
    "DELETE FROM conversations WHERE platform = ? AND chat_id = ? AND user_id = ?"
)

_UPSERT_PROFILE = """
INSERT INTO users (platform, user_id, profile, created_at, updated_at)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (platform, user_id) DO UPDATE
SET profile = excluded.profile, updated_at = excluded.updated_at
"""

_INSERT_JOURNAL = "INSERT INTO journal (platform, user_id, kind, data, at) VALUES (?, ?, ?, ?, ?)"

# Explicit ids, planned from sqlite_sequence under the write lock, because
# executemany cannot hand back the ids it created.
_INSERT_OUTBOX = """
INSERT INTO outbox (id, platform, chat_id, user_id, payload, created_at, claimed_until,
                    priority)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""

_MARK_DELIVERED = """
UPDATE outbox SET delivered_at = ?, payload = NULL
WHERE id = ? AND delivered_at IS NULL
"""

_MARK_FAILED = """
UPDATE outbox
SET attempts = attempts + 1,
    last_error = ?1,
    given_up_at = CASE WHEN ?2 THEN ?3 ELSE given_up_at END,
    -- A reply that will never be sent is not kept either.
    payload = CASE WHEN ?2 THEN NULL ELSE payload END,
    -- Released: a drain, here or in another worker, tries it again (not before
    -- the time the platform asked to wait, when it said one).
    claimed_until = ?5
WHERE id = ?4 AND delivered_at IS NULL
"""

_RELEASE = """
UPDATE outbox SET claimed_until = ?
WHERE id = ? AND delivered_at IS NULL AND given_up_at IS NULL
"""

_PENDING = """
SELECT id, platform, chat_id, user_id, payload, attempts, created_at, claimed_until, priority
FROM outbox
WHERE delivered_at IS NULL AND given_up_at IS NULL AND payload IS NOT NULL
  AND (:platform IS NULL OR platform = :platform)
ORDER BY id
LIMIT :limit
"""

# On the writer connection, between two group commits: nothing can claim or
# commit in between, so two claims never share a row.
_CLAIM_OUTBOX = """
UPDATE outbox SET claimed_until = :until
WHERE id IN (
    SELECT o.id FROM outbox AS o
    WHERE o.delivered_at IS NULL AND o.given_up_at IS NULL AND o.payload IS NOT NULL
      AND (:platform IS NULL OR o.platform = :platform)
      AND (o.claimed_until IS NULL OR o.claimed_until <= :now)
      -- A chat's replies go in order: none is taken while an earlier one is held.
      AND NOT EXISTS (
          SELECT 1 FROM outbox AS e
          WHERE e.platform = o.platform AND e.chat_id = o.chat_id AND e.id < o.id
            AND e.delivered_at IS NULL AND e.given_up_at IS NULL AND e.payload IS NOT NULL
            AND e.claimed_until > :now)
    -- Chats holding an urgent reply first; each chat's rows share its place, so
    -- a claim cut short by the limit still takes every chat from its oldest row.
    ORDER BY (SELECT min(p.priority) FROM outbox AS p
              WHERE p.platform = o.platform AND p.chat_id = o.chat_id
                AND p.delivered_at IS NULL AND p.given_up_at IS NULL
                AND p.payload IS NOT NULL),
             o.id
    LIMIT :limit)
RETURNING id, platform, chat_id, user_id, payload, attempts, created_at, claimed_until, priority
"""

# One statement, so the export is one consistent snapshot even though the
# reader connection is shared with concurrent loads.
_EXPORT = """
SELECT 0 AS part, profile, NULL, NULL, NULL AS s1, NULL AS s2
  FROM users WHERE platform = :platform AND user_id = :user_id
UNION ALL
SELECT 1, chat_id, state, updated_at, chat_id, NULL
  FROM conversations WHERE platform = :platform AND user_id = :user_id
UNION ALL
SELECT 2, kind, data, at, at, id
  FROM journal WHERE platform = :platform AND user_id = :user_id
ORDER BY part, s1, s2
"""


# --- the store ------------------------------------------------------------------


class SqliteStore:
    """:class:`~bot.store.base.Store` on one SQLite file.

    ``path`` must be a file (WAL needs one); its directory is created on
    :meth:`open`.  ``max_batch`` caps the turns per group commit and
    ``busy_timeout_ms`` is how long to wait for a lock held by another process
    before failing.

    A caller cancelled while awaiting :meth:`commit` gets ``CancelledError``;
    if its turn was already part of a batch being written, the turn still lands
    (as with any database when the client goes away after sending COMMIT).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        max_batch: int = DEFAULT_MAX_BATCH,
        busy_timeout_ms: int = 5000,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._path = Path(path)
        self._max_batch = max_batch
        self._busy_timeout_ms = busy_timeout_ms
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._queue: asyncio.Queue[_Job | None] | None = None
        self._task: asyncio.Task[None] | None = None
        # Loads waiting for the reader, and the task reading them in batches.
        self._loads: asyncio.Queue[_Load | None] | None = None
        self._loader: asyncio.Task[None] | None = None
        # A deletion's old pages may still be in the -wal file (see _scrub_wal).
        self._scrub_owed = False

    # --- lifecycle ---------------------------------------------------------

    async def open(self) -> None:
        if self._writer is not None:
            raise StoreError("store is already open")
        create_private(self._path)
        if _DRIVER_LOG.level == logging.NOTSET:  # not to inherit a later DEBUG from root
            _DRIVER_LOG.setLevel(logging.INFO)
        writer = await aiosqlite.connect(self._path, isolation_level=None)
        reader: aiosqlite.Connection | None = None
        try:
            await self._configure(writer)
            rows = list(await writer.execute_fetchall("PRAGMA journal_mode = WAL"))
            if not rows or str(rows[0][0]).lower() != "wal":
                raise StoreError(f"{self._path}: SQLite could not switch to WAL mode")
            await self._migrate(writer)
            reader = await aiosqlite.connect(self._path, isolation_level=None)
            await self._configure(reader)
            await reader.execute("PRAGMA query_only = ON")
        except BaseException:
            if reader is not None:
                await reader.close()
            await writer.close()
            raise
        self._writer, self._reader = writer, reader
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._write_loop(self._queue, writer))
        self._loads = asyncio.Queue()
        self._loader = asyncio.create_task(run_batches(
            self._loads, self._max_batch, lambda loads: self._read(reader, loads)))

    async def close(self) -> None:
        writer, reader, queue, task = self._writer, self._reader, self._queue, self._task
        loads, loader = self._loads, self._loader
        if writer is None or reader is None:
            return
        # From here on new work is refused; what is already queued is still written
        # (and read).
        self._writer = self._reader = None
        self._queue = self._loads = None
        self._task = self._loader = None
        for waiting, worker in ((queue, task), (loads, loader)):
            if waiting is not None and worker is not None:
                waiting.put_nowait(None)
                await worker
        try:
            await writer.execute("PRAGMA optimize")
        finally:
            await reader.close()
            await writer.close()

    async def _configure(self, conn: aiosqlite.Connection) -> None:
        await conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        # FULL: WAL's default (NORMAL) may lose the last commits on power loss,
        # and every accepted message must survive.
        await conn.execute("PRAGMA synchronous = FULL")
        await conn.execute("PRAGMA foreign_keys = ON")
        # Deleted text (a /forget, a purge, a re-encryption) is overwritten on disk,
        # not merely marked free; some SQLite builds do this by default, not all.
        await conn.execute("PRAGMA secure_delete = ON")

    async def _migrate(self, conn: aiosqlite.Connection) -> None:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        migrations = migrations_for("sqlite")
        rows = await conn.execute_fetchall("SELECT version FROM schema_migrations")
        applied = {int(row[0]) for row in rows}
        if applied and max(applied) > len(migrations):
            # Written by a newer release; this code would misread the schema.
            raise StoreError(
                f"{self._path}: schema version {max(applied)} is newer than this release "
                f"knows ({len(migrations)})"
            )
        for migration in migrations:
            if migration.version in applied:
                continue
            # executescript() would commit halfway; one statement at a time keeps
            # each migration and its record in one transaction.
            await conn.execute("BEGIN IMMEDIATE")
            try:
                again = await conn.execute_fetchall(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
                )
                if list(again):  # another process got there first
                    await conn.execute("ROLLBACK")
                    continue
                for statement in split_statements(migration.sql, sqlite3.complete_statement):
                    await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    (migration.version, _ts(datetime.now(UTC))),
                )
                await conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                raise
            log.info("applied sqlite migration %04d_%s", migration.version, migration.name)

    # --- reads ---------------------------------------------------------------

    def _read_conn(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise StoreError("store is not open")
        return self._reader

    async def schema_version(self) -> int:
        rows = list(
            await self._read_conn().execute_fetchall(
                "SELECT coalesce(max(version), 0) FROM schema_migrations"
            )
        )
        return int(rows[0][0])

    async def load(self, key: ConversationKey, event_id: str | None = None) -> Snapshot:
        if self._loads is None:
            raise StoreError("store is not open")
        load = _Load(
            {"platform": key.platform, "chat_id": key.chat_id, "user_id": key.user_id,
             "event_id": event_id},
            asyncio.get_running_loop().create_future(),
        )
        self._loads.put_nowait(load)
        return await load.future

    async def _read(self, conn: aiosqlite.Connection, loads: list[_Load]) -> None:
        """Read the loads that queued together, in one hop to the reader's thread;
        each caller gets its own snapshot or error."""
        loads = [load for load in loads if not load.future.done()]  # (a caller gave up)
        if not loads:
            return
        try:
            found = await _on_thread(conn, _load_batch, [load.params for load in loads])
        except Exception as exc:  # the hop itself failed (a closed connection)
            found = [exc] * len(loads)
        settle(loads, found)

    async def pending_outbox(
        self, limit: int = 100, platform: str | None = None
    ) -> list[OutboxRow]:
        rows = await self._read_conn().execute_fetchall(
            _PENDING, {"platform": platform, "limit": limit}
        )
        return [_outbox_row(row) for row in rows]

    async def export_user(self, user: UserKey) -> dict[str, Any]:
        rows = await self._read_conn().execute_fetchall(
            _EXPORT, {"platform": user.platform, "user_id": user.user_id}
        )
        profile: dict[str, Any] = {}
        conversations: list[dict[str, Any]] = []
        journal: list[dict[str, Any]] = []
        for part, a, b, c, _s1, _s2 in rows:
            if part == 0:
                profile = json.loads(a)
            elif part == 1:
                conversations.append({"chat_id": a, "state": json.loads(b), "updated_at": c})
            else:
                journal.append({"kind": a, "data": json.loads(b), "at": c})
        return {"profile": profile, "conversations": conversations, "journal": journal}

    async def journal(
        self,
        user: UserKey,
        *,
        kinds: Sequence[str] = (),
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[JournalEntry]:
        rows = await self._read_conn().execute_fetchall(
            _JOURNAL,
            {
                "platform": user.platform,
                "user_id": user.user_id,
                "since": None if since is None else _ts(since),
                "any_kind": not kinds,
                "kinds": json.dumps(list(kinds)),
                "limit": -1 if limit is None else limit,
            },
        )
        return [JournalEntry(kind, json.loads(data), _dt(at)) for kind, data, at in rows]

    # --- claims --------------------------------------------------------------
    # A claim is one UPDATE ... RETURNING on the writer connection: aiosqlite runs
    # it between two group commits, never inside one, so it is atomic on its own.

    def _write_conn(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise StoreError("store is not open")
        return self._writer

    async def claim_timers(
        self, now: datetime, limit: int, lease: timedelta
    ) -> list[TimerRow]:
        rows = await self._write_conn().execute_fetchall(
            _CLAIM_TIMERS, {"now": _ts(now), "until": _ts(now + lease), "limit": limit}
        )
        timers = [
            TimerRow(row_id, ConversationKey(platform, chat_id, user_id), token, _dt(due_at))
            for row_id, platform, chat_id, user_id, token, due_at in rows
        ]
        return sorted(timers, key=lambda t: (t.due_at, t.id))

    async def claim_outbox(
        self, now: datetime, limit: int, lease: timedelta, platform: str | None = None
    ) -> list[OutboxRow]:
        rows = await self._write_conn().execute_fetchall(
            _CLAIM_OUTBOX,
            {"now": _ts(now), "until": _ts(now + lease), "limit": limit, "platform": platform},
        )
        # RETURNING does not promise any order.
        return sorted((_outbox_row(row) for row in rows), key=lambda r: r.id)

    async def delete_timers(self, ids: Sequence[int]) -> None:
        if ids:
            await self._write_conn().executemany(
                "DELETE FROM timers WHERE id = ?", [(row_id,) for row_id in ids]
            )

    async def claim_nudges(
        self, now: datetime, limit: int, lease: timedelta
    ) -> list[DueNudge]:
        rows = await self._write_conn().execute_fetchall(
            _CLAIM_NUDGES, {"now": _ts(now), "until": _ts(now + lease), "limit": limit}
        )
        due = [
            DueNudge(ConversationKey(platform, chat_id, user_id), _dt(next_due_at))
            for platform, chat_id, user_id, next_due_at in rows
        ]
        return sorted(due, key=lambda d: (d.due_at, d.key.platform, d.key.user_id))

    async def claim_groups(
        self, now: datetime, limit: int, lease: timedelta
    ) -> list[DueGroup]:
        rows = await self._write_conn().execute_fetchall(
            _CLAIM_GROUPS, {"now": _ts(now), "until": _ts(now + lease), "limit": limit}
        )
        due = [DueGroup(platform, chat_id, _dt(at)) for platform, chat_id, at in rows]
        return sorted(due, key=lambda d: (d.due_at, d.platform, d.chat_id))

    async def record_poll(self, platform: str, chat_id: str, poll_id: str, ref: str) -> None:
        # Autocommit, between two group commits (like a claim).
        await self._write_conn().execute(_RECORD_POLL, (platform, chat_id, poll_id, ref))

    # --- groups: reads ----------------------------------------------------------

    async def load_group(
        self, platform: str, chat_id: str, *, wins: bool = False
    ) -> GroupSnapshot:
        conn = self._read_conn()
        rows = list(await conn.execute_fetchall(_LOAD_GROUP, (platform, chat_id)))
        kept: tuple[SharedWin, ...] = ()
        if wins:
            kept = tuple(SharedWin(row_id, text, _dt(at)) for row_id, text, at
                         in await conn.execute_fetchall(_GROUP_WINS, (platform, chat_id)))
        if not rows:
            return GroupSnapshot(None, 0, wins=kept)
        state, version, alert_to = rows[0]
        return GroupSnapshot(state, int(version), alert_to, kept)

    async def find_poll(self, platform: str, poll_id: str) -> PollRef | None:
        rows = list(await self._read_conn().execute_fetchall(_FIND_POLL, (platform, poll_id)))
        return PollRef(rows[0][0], rows[0][1]) if rows else None

    async def safety_report(self, since: date | None = None) -> list[SafetyCount]:
        rows = await self._read_conn().execute_fetchall(
            _SAFETY_REPORT, {"since": None if since is None else since.isoformat()})
        return [SafetyCount(date.fromisoformat(day), kind, int(count))
                for day, kind, count in rows]

    async def export_groups(self, user: UserKey) -> dict[str, Any]:
        who = (user.platform, user.user_id)
        conn = self._read_conn()
        wins = await conn.execute_fetchall(_EXPORT_WINS, who)
        alerts = await conn.execute_fetchall(_EXPORT_ALERTS, who)
        return {
            "group_wins": [{"chat_id": chat, "text": text, "at": at} for chat, text, at in wins],
            "alerts_for": [row[0] for row in alerts],
        }

    # --- writes --------------------------------------------------------------

    async def commit(self, commit: Commit) -> list[int]:
        if commit.expected_version < 0:
            raise ValueError("expected_version cannot be negative")
        turn = _Turn(
            commit=commit,
            at=_ts(commit.at),
            # Through JSON and back, as it will be stored (and failing here, not in
            # the batch); most turns change nothing, and {} needs no round trip.
            profile_changes=json.loads(_json(commit.profile_changes))
            if commit.profile_changes else {},
            journal=tuple((e.kind, _json(e.data), _ts(e.at)) for e in commit.journal),
            timers=tuple((t.token, _ts(t.due_at)) for t in commit.timers),
            subscription=None if commit.subscription is None else (
                None if commit.subscription.next_due_at is None
                else _ts(commit.subscription.next_due_at),
            ),
            group_due=None if commit.group is None or commit.group.next_due_at is None
            else _ts(commit.group.next_due_at),
            outbox_claimed_until=None if commit.outbox_claimed_until is None
            else _ts(commit.outbox_claimed_until),
            safety=tuple((day.isoformat(), kind, count) for day, kind, count
                         in safety_increments(commit.safety_counts, commit.at)),
        )
        if commit.group is not None:
            json.loads(commit.group.state_json)  # fails its caller, not the batch
        return await self._submit(turn)

    async def mark_delivered(self, ids: Sequence[int], at: datetime) -> None:
        if ids:
            await self._submit(_Delivered(tuple(ids), _ts(at)))

    async def mark_failed(
        self, row_id: int, error: str, at: datetime, give_up: bool,
        retry_at: datetime | None = None,
    ) -> None:
        await self._submit(_Failed(row_id, error, _ts(at), give_up,
                                   None if retry_at is None else _ts(retry_at)))

    async def release_outbox(self, ids: Sequence[int], until: datetime | None = None) -> None:
        if ids:
            await self._submit(_Released(tuple(ids), None if until is None else _ts(until)))

    async def _submit(self, op: _Op) -> list[int]:
        if self._queue is None:
            raise StoreError("store is not open")
        future: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Job(op, future))
        return await future

    # --- the writer task ------------------------------------------------------

    async def _write_loop(
        self, queue: asyncio.Queue[_Job | None], conn: aiosqlite.Connection
    ) -> None:
        """Group-commit whatever is waiting, until :meth:`close` queues ``None``."""
        await run_batches(queue, self._max_batch, lambda jobs: self._write(conn, jobs))

    async def _write(self, conn: aiosqlite.Connection, jobs: list[_Job]) -> None:
        """Apply ``jobs`` in one transaction and settle their futures.

        An unexpected failure is retried in halves, so that it reaches only the
        caller whose turn caused it (or, for a failing disk, every caller).
        """
        # A caller that gave up before its turn was written gets nothing written.
        jobs = [job for job in jobs if not job.future.cancelled()]
        if not jobs:
            return
        try:
            outcomes = await self._apply(conn, [job.op for job in jobs])
        except Exception as exc:  # any failure is handed to its caller
            if len(jobs) == 1:
                if not jobs[0].future.done():
                    jobs[0].future.set_exception(exc)
                return
            # SQLite's messages name constraints, never bound values; other
            # exceptions might quote data, so only their type is logged.
            detail = str(exc) if isinstance(exc, sqlite3.Error) else ""
            log.warning(
                "group commit of %d writes failed (%s %s); retrying in halves",
                len(jobs),
                type(exc).__name__,
                detail,
            )
            half = len(jobs) // 2
            await self._write(conn, jobs[:half])
            await self._write(conn, jobs[half:])
            return
        if self._scrub_owed or _forgets(jobs, outcomes):
            # Before the /forget turn's future settles, so its "deleted" reply
            # goes out only once the words are gone from every file.
            await self._scrub_wal(conn)
        settle(jobs, outcomes)

    @staticmethod
    async def _apply(conn: aiosqlite.Connection, ops: list[_Op]) -> list[_Outcome]:
        """Write one batch: a single hop to the connection's thread.

        The whole transaction runs there as plain ``sqlite3`` calls.  Done as a
        series of awaited aiosqlite calls it took about ten thread hand-overs a
        batch, and at a few thousand turns a second those hand-overs, not SQLite,
        set the latency.  ``Connection._execute`` is aiosqlite's own way of running
        a function on its thread; it is not public API, hence the pinned range.
        """
        return await _on_thread(conn, _apply_batch, ops)

    # --- retention, key management (rarely run, outside the group commit) ------
    # Each runs as whole transactions on the writer's thread, between two group
    # commits; a long job is cut into batches so turns keep flowing meanwhile.

    async def purge(self, before: datetime) -> dict[str, int]:
        # One hop (and transaction) per table, so that turns are written in between.
        cutoff = _ts(before)
        counts: dict[str, int] = {}
        for table, idle in PURGE_IDLE:
            counts[idle.report_as] = await self._on_writer(_purge_idle, table, idle, cutoff)
        for table, old in PURGE:
            statement = purge_statement(table.name, old, "?")
            counts[table.name] = await self._on_writer(_delete_old, statement, cutoff)
        if any(counts.values()) or self._scrub_owed:
            await self._scrub_wal()
        return counts

    async def get_meta(self, name: str) -> str | None:
        rows = list(await self._read_conn().execute_fetchall(
            "SELECT value FROM meta WHERE name = ?", (name,)))
        return str(rows[0][0]) if rows else None

    async def set_meta(self, name: str, value: str | None) -> None:
        if value is None:
            await self._write_conn().execute("DELETE FROM meta WHERE name = ?", (name,))
        else:
            await self._write_conn().execute(
                "INSERT INTO meta (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value", (name, value))

    async def rewrite_text(self, transform: TextTransform, *, batch: int = 500) -> dict[str, int]:
        changed = dict.fromkeys((text.name for text in TEXT_COLUMNS), 0)
        for column in changed:
            after: tuple[Any, ...] | None = None
            while True:
                count, after = await self._on_writer(
                    _rewrite_batch, column, transform, after, batch)
                changed[column] += count
                if after is None:
                    break
        await self._scrub_wal()  # the values as they were, plain or under the old key
        return changed

    async def _scrub_wal(self, conn: aiosqlite.Connection | None = None) -> None:
        """Move everything into the database file and empty the ``-wal`` file
        (through ``conn``, the writer, which the writer task passes in because it
        still writes while :meth:`close` waits for it).

        ``secure_delete`` zeroes deleted text in the pages it writes, but the
        ``-wal`` file still holds the earlier images of those pages, words and
        all, until it is checkpointed and truncated.  A reader in the middle of
        a query (or another process) can make the checkpoint give up; it is
        then owed, and tried again after the next write.
        """
        conn = conn or self._write_conn()
        run_on_thread = cast(Callable[..., Awaitable[bool]], conn._execute)
        try:
            busy = await run_on_thread(_checkpoint_truncate, conn._conn)
        except sqlite3.Error as exc:
            busy, detail = True, f"{type(exc).__name__} {exc}"
        else:
            detail = "a reader held the log"
        if busy and not self._scrub_owed:
            log.warning("could not empty %s-wal after a deletion (%s); will try again "
                        "after the next write", self._path.name, detail)
        self._scrub_owed = busy

    async def _on_writer(self, function: Callable[..., _R], *args: Any) -> _R:
        """Run ``function(db, *args)`` on the writer connection's thread (see :meth:`_apply`)."""
        conn = self._write_conn()
        run_on_thread = cast(Callable[..., Awaitable[_R]], conn._execute)
        return await run_on_thread(function, conn._conn, *args)


def _forgets(jobs: Sequence[_Job], outcomes: Sequence[_Outcome]) -> bool:
    """Whether a ``/forget`` among ``jobs`` was written (not refused as a conflict)."""
    return any(isinstance(job.op, _Turn) and job.op.commit.forget
               and not isinstance(outcome, StoreError)
               for job, outcome in zip(jobs, outcomes, strict=True))


def _checkpoint_truncate(db: sqlite3.Connection) -> bool:
    """``PRAGMA wal_checkpoint(TRUNCATE)``; whether it was held off by a reader."""
    row = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return bool(row[0])


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def create_private(path: Path) -> None:
    """Create ``path``'s missing folders (0700) and the empty database file (0600).

    SQLite would create the file 0644 (less the umask): readable by every user
    of the machine.  It gives the ``-wal`` and ``-shm`` files the database
    file's own mode, so creating the file first, private, makes all three
    private, whatever the umask.  An existing file or folder is left as the
    operator made it, and SQLite's ``:memory:`` is no file at all.
    """
    if str(path) == ":memory:":
        return
    missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue  # another process made it meanwhile
        folder.chmod(PRIVATE_DIR)  # the umask may have taken bits off; never adds any
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, PRIVATE_FILE)  # exactly, whatever the umask
    finally:
        os.close(fd)  # an empty file is an empty SQLite database


async def _on_thread(conn: aiosqlite.Connection,
                     function: Callable[[sqlite3.Connection, _A], _R], argument: _A) -> _R:
    """``function(db, argument)`` on the connection's own thread, in one hop, with
    its plain ``sqlite3`` connection.  ``Connection._execute`` is aiosqlite's own
    way of running a function there; it is not public API, hence the pinned range."""
    run = cast(Callable[..., Awaitable[_R]], conn._execute)
    return await run(function, conn._conn, argument)


def _load_batch(
    db: sqlite3.Connection, loads: list[dict[str, str | None]]
) -> list[Snapshot | Exception]:
    """Each load's snapshot, or the error its caller gets (runs on the reader's
    thread).  One query per load, each its own read of the committed database,
    exactly as when each was a call of its own."""
    found: list[Snapshot | Exception] = []
    for params in loads:
        try:
            state, version, profile, duplicate = db.execute(_LOAD, params).fetchone()
            found.append(Snapshot(
                state_json=state,
                version=int(version or 0),
                profile=json.loads(profile) if profile is not None else {},
                duplicate=bool(duplicate),
            ))
        except Exception as exc:  # this caller's, not its neighbours'
            found.append(exc)
    return found


def _apply_batch(db: sqlite3.Connection, ops: list[_Op]) -> list[_Outcome]:
    """Apply ``ops`` in one transaction (runs on the writer connection's thread)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        outcomes: list[_Outcome] = [[] for _ in ops]
        turns = [op for op in ops if isinstance(op, _Turn)]
        if turns:
            known = _read_known(db, turns)
            outcomes, groups = _plan(ops, known)
            for group in groups:
                _apply_group(db, group)
        delivered = [
            (op.at, row_id) for op in ops if isinstance(op, _Delivered) for row_id in op.ids
        ]
        if delivered:
            db.executemany(_MARK_DELIVERED, delivered)
        failed = [
            (op.error, op.give_up, op.at, op.row_id, op.retry_at)
            for op in ops if isinstance(op, _Failed)
        ]
        if failed:
            db.executemany(_MARK_FAILED, failed)
        released = [
            (op.until, row_id) for op in ops if isinstance(op, _Released) for row_id in op.ids
        ]
        if released:
            db.executemany(_RELEASE, released)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return outcomes


def _read_known(db: sqlite3.Connection, turns: list[_Turn]) -> _Known:
    keys = list(dict.fromkeys(t.commit.key for t in turns))
    events = list(
        dict.fromkeys(
            (t.commit.key.platform, t.commit.event_id)
            for t in turns
            if t.commit.event_id is not None
        )
    )
    users = list(dict.fromkeys(t.commit.key.user for t in turns if t.profile_changes))
    groups = list(dict.fromkeys(
        (t.commit.key.platform, t.commit.key.chat_id) for t in turns if t.commit.group is not None
    ))
    rows = db.execute(
        _KNOWN,
        {
            "keys": json.dumps([[k.platform, k.chat_id, k.user_id] for k in keys]),
            "events": json.dumps(events),
            "users": json.dumps([[u.platform, u.user_id] for u in users]),
            "groups": json.dumps(groups),
        },
    ).fetchall()
    known = _Known(
        versions=dict.fromkeys(keys, 0),
        events=set(),
        profiles=dict.fromkeys(users),
        next_outbox_id=1,
        groups=dict.fromkeys(groups, 0),
    )
    for part, index, number, text in rows:
        if part == 0:
            known.versions[keys[index]] = int(number)
        elif part == 1:
            platform, event_id = events[index]
            known.events.add((platform, event_id))
        elif part == 2:
            known.profiles[users[index]] = json.loads(text)
        elif part == 4:
            known.groups[groups[index]] = int(number)
        else:
            known.next_outbox_id = int(number or 0) + 1
    return known


def _apply_group(db: sqlite3.Connection, group: _Group) -> None:
    if group.forget is not None:
        who = (group.forget.platform, group.forget.user_id)
        for statement in _FORGET:
            db.execute(statement, who)
    if group.events:
        db.executemany(_INSERT_EVENT, group.events)
    upserts = []
    deletes = []
    for key, final in group.conversations.items():
        if final is None:
            deletes.append((key.platform, key.chat_id, key.user_id))
        else:
            state, version, at = final
            upserts.append((key.platform, key.chat_id, key.user_id, state, version, at))
    if deletes:
        db.executemany(_DELETE_CONVERSATION, deletes)
    if upserts:
        db.executemany(_UPSERT_CONVERSATION, upserts)
    if group.profiles:
        db.executemany(
            _UPSERT_PROFILE,
            [
                (user.platform, user.user_id, profile, at, at)
                for user, (profile, at) in group.profiles.items()
            ],
        )
    if group.journal:
        db.executemany(_INSERT_JOURNAL, group.journal)
    if group.outbox:
        db.executemany(_INSERT_OUTBOX, group.outbox)
    if group.timers:
        db.executemany(_INSERT_TIMER, group.timers)
    if group.groups:
        db.executemany(_UPSERT_GROUP, group.groups)
    if group.drop_wins:
        db.executemany(_DELETE_WIN, group.drop_wins)
    if group.wins:
        db.executemany(_INSERT_WIN, group.wins)
    if group.safety:
        db.executemany(_ADD_SAFETY_COUNT, [(day, kind, count) for (day, kind), count
                                           in sorted(group.safety.items())])
    for user, (chat_id, due) in group.subscriptions.items():
        if due is None:
            db.execute(_DELETE_SUBSCRIPTION, (user.platform, user.user_id))
        else:
            db.execute(_UPSERT_SUBSCRIPTION, (user.platform, user.user_id, chat_id, due))


# --- retention and rewriting, on the writer's thread ---------------------------

def _idle_rows(table: Table, rule: PurgedWhenIdle) -> str:
    """Rows of idle people (``:before``): a profile's age is the person's last
    activity, its own last change or the last turn in any of their chats, so a
    safety plan stays while it is in use."""
    active, active_age = rule.active_in
    return f"""
SELECT platform, {table.owner}, {rule.column} FROM {table.name} AS u
WHERE {rule.age} < :before
  AND NOT EXISTS (SELECT 1 FROM {active} AS a
                  WHERE a.platform = u.platform AND a.{TABLE[active].owner} = u.{table.owner}
                    AND a.{active_age} >= :before)
"""  # noqa: S608


def _purge_idle(db: sqlite3.Connection, table: Table, rule: PurgedWhenIdle, before: str) -> int:
    """Drop the free-text fields of idle people's profiles; returns profiles changed."""
    update = (f"UPDATE {table.name} SET {rule.column} = ?"  # noqa: S608
              f" WHERE platform = ? AND {table.owner} = ?")
    db.execute("BEGIN IMMEDIATE")
    try:
        updates = []
        for platform, owner, text in db.execute(_idle_rows(table, rule),
                                                {"before": before}).fetchall():
            profile = json.loads(text)
            kept = {name: value for name, value in profile.items() if is_setting(name)}
            if len(kept) < len(profile):
                updates.append((_json(kept), platform, owner))
        db.executemany(update, updates)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return len(updates)


def _delete_old(db: sqlite3.Connection, statement: str, before: str) -> int:
    return db.execute(statement, (before,)).rowcount  # autocommit: its own transaction


def _rewrite_batch(
    db: sqlite3.Connection, column: str, transform: TextTransform,
    after: tuple[Any, ...] | None, batch: int,
) -> tuple[int, tuple[Any, ...] | None]:
    """One transaction of :meth:`SqliteStore.rewrite_text`: up to ``batch`` rows
    past the key ``after``.  Returns the values changed and the last key read
    (``None`` when the column is done)."""
    text = TEXT_COLUMN[column]
    table, key, name = text.table.name, ", ".join(text.table.key), text.column.name
    marks = ", ".join("?" for _ in text.table.key)
    # The names come from the schema catalogue, never from input.
    past = f"({key}) > ({marks}) AND " if after is not None else ""
    select = f"SELECT {key}, {name} FROM {table} WHERE {past}{name} IS NOT NULL"  # noqa: S608
    update = f"UPDATE {table} SET {name} = ? WHERE ({key}) = ({marks})"  # noqa: S608
    db.execute("BEGIN IMMEDIATE")
    try:
        rows = db.execute(f"{select} ORDER BY {key} LIMIT ?", (*(after or ()), batch)).fetchall()
        updates = []
        for *row_key, value in rows:
            new = transform(column, value)
            if new is not None and new != value:
                updates.append((new, *row_key))
        db.executemany(update, updates)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return len(updates), (tuple(rows[-1][:-1]) if len(rows) == batch else None)
