"""The ``Store`` contract every persistence backend fulfils.

The runtime talks to storage only through this protocol, in coarse steps that
match one turn of a conversation: :meth:`Store.load` what the turn needs, then
:meth:`Store.commit` the new state, the person's profile changes, journal
entries and the outbound replies (the outbox) in one transaction.  Outbound
payloads are opaque JSON strings here; :mod:`bot.codec` gives them meaning.

The conformance suite in ``tests/store/conformance.py`` pins this contract down;
a backend is done when it passes that suite unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from bot.groups.state import SharedWin
from bot.types import ConversationKey, UserKey


class StoreError(Exception):
    """Base class for storage problems the runtime knows how to handle."""


class DatabaseUnavailableError(StoreError):
    """``DATABASE_URL`` names a database that cannot be used right now (server
    down, unknown database, refused login).  The message names ``DATABASE_URL``
    and never a password.  ``transient`` is true when waiting may be enough (the
    server is down or starting), false when the setting itself is wrong.

    Defined here, beside the other store errors, so that a backend raises it
    without importing :mod:`bot.store` (which imports the backends).
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class ConflictError(StoreError):
    """The conversation changed since it was loaded (another process won)."""


class DuplicateEventError(StoreError):
    """The inbound event id was already processed: the update was redelivered."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one turn of a conversation starts from."""

    state_json: str | None
    """The conversation's engine state as JSON; ``None`` for a new conversation."""
    version: int
    """Optimistic-concurrency version of the conversation row; 0 when there is none."""
    profile: dict[str, Any]
    """The person's profile (consent, country, ...); empty for someone new."""
    duplicate: bool = False
    """True when the event id given to :meth:`Store.load` was already processed."""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One entry of a person's journal: a reframe, a mood, a compassion act."""

    kind: str
    data: dict[str, Any]
    at: datetime


@dataclass(frozen=True, slots=True)
class Timer:
    """Wake the conversation at ``due_at`` with an event carrying ``token``."""

    due_at: datetime
    token: str


@dataclass(frozen=True, slots=True)
class TimerRow:
    """A stored timer, claimed by the scheduler when it is due."""

    id: int
    key: ConversationKey
    token: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Subscription:
    """The person's nudge subscription after this turn: when the next one is due
    (``None``: not subscribed), delivered in the commit's chat."""

    next_due_at: datetime | None


@dataclass(frozen=True, slots=True)
class DueNudge:
    """A subscription whose nudge is due, claimed for one worker for a while."""

    key: ConversationKey
    due_at: datetime


@dataclass(frozen=True, slots=True)
class GroupSnapshot:
    """A group channel's stored state (settings and aggregates)."""

    state_json: str | None
    """``None`` for a group never set up."""
    version: int
    """Optimistic-concurrency version of the group row; 0 when there is none."""
    alert_to: str | None = None
    """The person (on the group's platform) who receives its moderator alerts."""
    wins: tuple[SharedWin, ...] = ()
    """Wins its authors allowed the digest to quote, oldest first (when asked for)."""


@dataclass(frozen=True, slots=True)
class GroupWrite:
    """A turn's change to the group of its chat (``Commit.key.chat_id``)."""

    expected_version: int
    """The version :meth:`Store.load_group` returned; the commit fails with
    :class:`ConflictError` if the group row has moved on."""
    state_json: str
    alert_to: str | None = None
    """Kept beside the state, not in it, so that the person's ``/forget`` can
    remove it without reading anyone's state."""
    reschedule: bool = False
    """Set the next daily moment to ``next_due_at`` (and release any claim on it);
    otherwise it stays as it is."""
    next_due_at: datetime | None = None
    """``None`` with ``reschedule``: nothing is scheduled."""
    drop_wins: Sequence[int] = ()
    """Kept wins of this group to delete (the digest used them)."""


@dataclass(frozen=True, slots=True)
class DueGroup:
    """A group whose daily moment is due, claimed for one worker for a while."""

    platform: str
    chat_id: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class PollRef:
    """Which group, and which of its check-ins, a platform's poll belongs to."""

    chat_id: str
    ref: str


@dataclass(frozen=True, slots=True)
class Commit:
    """Everything one turn changes, written atomically by :meth:`Store.commit`."""

    key: ConversationKey
    at: datetime
    expected_version: int
    """The version :meth:`Store.load` returned; the commit fails with
    :class:`ConflictError` if the row has moved on."""
    state_json: str | None
    """New conversation state; ``None`` deletes the conversation row."""
    event_id: str | None = None
    """Recorded as processed; a second commit with the same id on the same
    platform fails with :class:`DuplicateEventError`."""
    profile_changes: dict[str, Any] = field(default_factory=dict)
    """Merged into the profile; a value of ``None`` removes that field
    (:func:`bot.store.fields.merge_profile`)."""
    journal: Sequence[JournalEntry] = ()
    outbox: Sequence[str] = ()
    """Outbound payloads (JSON), delivered in this order."""
    outbox_claimed_until: datetime | None = None
    """The committing worker delivers the outbox rows itself: they are written
    already claimed until then, so that no other worker's :meth:`Store.claim_outbox`
    takes them first (``None``: claimable at once)."""
    outbox_priority: int = 1
    """How urgent the rows are, lower first (see :mod:`bot.delivery`): a chat
    holding a crisis reply is claimed before chats holding only everyday ones."""
    forget: bool = False
    """Delete everything stored about ``key.user`` before applying the rest
    (profile, conversations, journal, outbox rows, timers, subscription, the wins
    they allowed to be quoted, and their place as any group's alert recipient):
    every table's ``owner`` and ``mentions`` in :mod:`bot.store.schema`."""
    timers: Sequence[Timer] = ()
    """Timers this turn set, for this conversation."""
    subscription: Subscription | None = None
    """Replaces the person's nudge subscription; ``None`` leaves it as it is."""
    group: GroupWrite | None = None
    """Changes the group of ``key.chat_id``; ``None`` leaves it as it is."""
    wins: Sequence[str] = ()
    """Wins whose author (``key.user_id``) allowed the digest of the group
    ``key.chat_id`` to quote them."""
    safety_counts: Mapping[str, int] = field(default_factory=dict)
    """What this turn did for safety, as counts by kind (:data:`SAFETY_KINDS`:
    ``{"crisis": 1, "resources": 1}``), added to the operator's report for the UTC
    day of ``at`` (:meth:`MaintenanceStore.safety_report`) with the rest of the
    commit, and not at all when it is refused.  Counts only, kept apart from the
    person: the report never says who, where or what was said.  A kind is a label
    from the code (:func:`bot.store.values.safety_increments` checks its form),
    never anything a person typed; a count of 0 adds nothing."""


SAFETY_KINDS: tuple[str, ...] = ("crisis", "concern", "resources")
"""The kinds the runtime counts and ``compassion-bot report`` shows: ``crisis`` a
crisis response given, ``concern`` a concern check ("are you safe right now?")
asked, ``resources`` crisis lines shown.  The store takes any well-formed kind, so
that counting a new one needs no migration."""


@dataclass(frozen=True, slots=True)
class SafetyCount:
    """One line of the operator's safety report: how many times the bot did one
    kind of safety response on one UTC day, across everyone (no id, no text)."""

    day: date
    kind: str
    count: int


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A committed reply not yet delivered."""

    id: int
    key: ConversationKey
    payload: str
    attempts: int
    created_at: datetime
    claimed_until: datetime | None = None
    """Until when the sender holding the row may send it; past that another may."""
    priority: int = 1
    """As committed (:attr:`Commit.outbox_priority`), lower first."""


class Lifecycle(Protocol):
    """Opening and closing the connections (the composition root does it)."""

    async def open(self) -> None:
        """Connect and bring the schema up to date (runs pending migrations)."""

    async def close(self) -> None:
        """Flush anything pending and release connections."""


class TurnStore(Protocol):
    """One turn of a conversation: what it starts from, and its commit (the runtime)."""

    async def load(self, key: ConversationKey, event_id: str | None = None) -> Snapshot:
        """The conversation's state and the person's profile.

        With ``event_id``, ``Snapshot.duplicate`` says whether that event was
        already processed on ``key.platform``.
        """

    async def commit(self, commit: Commit) -> list[int]:
        """Apply one turn atomically and return the new outbox row ids, in order.

        Raises :class:`ConflictError` or :class:`DuplicateEventError`, in which
        case nothing of the commit was written.
        """


class OutboxStore(Protocol):
    """Committed replies on their way out (delivery)."""

    async def pending_outbox(
        self, limit: int = 100, platform: str | None = None
    ) -> list[OutboxRow]:
        """Undelivered, not given-up rows, oldest first, claimed or not (for looking;
        senders take rows with :meth:`claim_outbox`)."""

    async def claim_outbox(
        self, now: datetime, limit: int, lease: timedelta, platform: str | None = None
    ) -> list[OutboxRow]:
        """Undelivered, not given-up rows that no sender holds (never claimed, or
        their claim ended by ``now``), only ``platform``'s when given; each is held
        for ``lease``.  Two concurrent claims never return the same row.

        A chat's replies must go out in order, so a row is taken only when no
        earlier pending row of its chat (same platform and ``chat_id``) is held
        by anyone, and a claim cut short by ``limit`` takes each chat's rows from
        its oldest on.  Chats holding a more urgent row (lower ``priority``) come
        first, then oldest first; the result is in id order."""

    async def mark_delivered(self, ids: Sequence[int], at: datetime) -> None:
        """Record delivery; the payload is dropped so no copy of the reply lingers."""

    async def mark_failed(
        self, row_id: int, error: str, at: datetime, give_up: bool,
        retry_at: datetime | None = None,
    ) -> None:
        """Count a failed attempt and release the row's claim, so that a drain tries
        it again (not before ``retry_at``, when given: the platform asked to wait);
        with ``give_up`` the row is never retried and its payload is dropped (a
        reply that will never be sent is not kept)."""

    async def release_outbox(self, ids: Sequence[int], until: datetime | None = None) -> None:
        """Hand undelivered rows back: nobody holds them any more, and no drain takes
        them before ``until`` (at once when ``None``).  A sender gives back the rows
        queued behind one that failed, so they follow it in order instead of
        waiting for their own claim to run out."""


class ScheduleStore(Protocol):
    """What comes due by itself, claimed with a lease: timers, nudges, groups'
    daily moments (the scheduler)."""

    async def claim_timers(
        self, now: datetime, limit: int, lease: timedelta
    ) -> list[TimerRow]:
        """Timers due by ``now`` that no worker holds, oldest first; each is held
        for ``lease`` (another worker may take it after that, should this one die)."""

    async def delete_timers(self, ids: Sequence[int]) -> None:
        """Timers whose event went through the runtime (or was a duplicate)."""

    async def claim_nudges(
        self, now: datetime, limit: int, lease: timedelta
    ) -> list[DueNudge]:
        """Subscriptions due by ``now`` that no worker holds, earliest first; each is
        held for ``lease``.  The nudge's turn commits the next due time, which
        releases it."""

    async def claim_groups(
        self, now: datetime, limit: int, lease: timedelta
    ) -> list[DueGroup]:
        """Groups whose daily moment is due by ``now`` and that no worker holds,
        earliest first; each is held for ``lease``.  The moment's turn commits the
        next one (``GroupWrite.reschedule``), which releases it."""


class JournalStore(Protocol):
    """Reading a person's journal back (journal and progress views)."""

    async def journal(
        self,
        user: UserKey,
        *,
        kinds: Sequence[str] = (),
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[JournalEntry]:
        """The person's journal entries, newest first: only ``kinds`` (all when
        empty), only from ``since`` on, at most ``limit``."""


class GroupStore(Protocol):
    """A group channel's stored state and its polls."""

    async def load_group(
        self, platform: str, chat_id: str, *, wins: bool = False
    ) -> GroupSnapshot:
        """The group's state; with ``wins``, also the wins its digest may quote."""

    async def record_poll(self, platform: str, chat_id: str, poll_id: str, ref: str) -> None:
        """The platform's id of the poll the group's check-in ``ref`` was sent as
        (only the latest poll of a group is remembered)."""

    async def find_poll(self, platform: str, poll_id: str) -> PollRef | None:
        """The group and check-in a poll was sent for, if it is the group's latest."""


class PrivacyStore(Protocol):
    """Everything stored about one person, for ``/export`` (``/forget`` is a
    :attr:`Commit.forget`)."""

    async def export_user(self, user: UserKey) -> dict[str, Any]:
        """Everything stored about one person, as JSON-ready data."""

    async def export_groups(self, user: UserKey) -> dict[str, Any]:
        """What groups hold about one person: ``{"group_wins": [...], "alerts_for": [...]}``
        (the wins they allowed to be quoted; the groups whose alerts they receive)."""


class MaintenanceStore(Protocol):
    """About the database itself and for its operator: its schema, retention, small
    named values, the safety report (housekeeping, health, the encryption key
    check, ``compassion-bot report``)."""

    async def schema_version(self) -> int:
        """The number of the newest migration applied."""

    async def purge(self, before: datetime) -> dict[str, int]:
        """Delete free text older than ``before`` (retention); returns rows per table.

        Journal entries written before it; conversations not updated since; processed
        event ids recorded before it; delivered or given-up outbox rows created
        before it; and the free-text fields (see :mod:`bot.store.fields`) of profiles
        whose person has neither changed the profile nor talked since.  Settings in
        those profiles stay.  Callers keep ``before`` at least a week back, so that
        a platform redelivering an update is still recognised.  Counts are keyed
        ``journal``, ``conversations``, ``processed_events``, ``outbox``, ``group_wins``
        (kept wins shared before it), ``profiles``: what the schema catalogue's
        retention rules say (:mod:`bot.store.schema`).
        """

    async def get_meta(self, name: str) -> str | None:
        """A small named value kept about the database itself (the encryption key
        check); ``None`` when unset."""

    async def set_meta(self, name: str, value: str | None) -> None:
        """Set (``None``: remove) a named value; durable when this returns."""

    async def safety_report(self, since: date | None = None) -> list[SafetyCount]:
        """The safety counts committed (:attr:`Commit.safety_counts`), one per UTC day
        and kind that has any, from ``since`` on (every day when ``None``), ordered
        by day, then kind.  Nobody's id or words: there are none to give."""


class Store(
    Lifecycle, TurnStore, OutboxStore, ScheduleStore, JournalStore, GroupStore, PrivacyStore,
    MaintenanceStore, Protocol,
):
    """Persistence for conversations, profiles, journal, dedupe and the outbox: every
    role above.  A component that needs only some of them asks for those (the
    delivery an :class:`OutboxStore`, the scheduler a :class:`ScheduleStore`); the
    composition root hands each the one store that has them all."""


TextTransform = Callable[[str, str], "str | None"]
"""``(column, stored value) -> new stored value``, or ``None`` to leave it; column
is ``table.column`` from :data:`bot.store.schema.TEXT_COLUMNS`."""


class RawStore(Store, Protocol):
    """A backend as key management sees it: stored free text, as it is on disk.

    :class:`~bot.store.encrypted.EncryptedStore` wraps a ``RawStore``, and
    ``compassion-bot keys rotate`` uses :meth:`rewrite_text` to re-encrypt.
    """

    async def rewrite_text(self, transform: TextTransform, *, batch: int = 500) -> dict[str, int]:
        """Pass every non-NULL value of every column in
        :data:`~bot.store.schema.TEXT_COLUMNS` through ``transform`` and store what
        it returns; returns how many values changed, per column.

        Works in batches of ``batch`` rows, each read and rewritten in one
        transaction, so that a long rewrite never holds the database for long and
        a crash leaves each value either old or new, never half written.  A turn
        committing meanwhile is never overwritten with a stale value: each batch
        is read and rewritten atomically against commits (SQLite: under the write
        lock; PostgreSQL: its rows locked).  ``transform`` may raise; batches
        written before that stay written.
        """
