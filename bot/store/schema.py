"""The schema catalogue: every table both backends share, declared once.

Each table says, beside its columns and key:

- **whose it is**: the column naming the person a row belongs to (``owner``,
  always read together with ``platform``), and the columns that name a person
  without the row being theirs (``mentions``, e.g. a group's alert recipient);
- **how long it is kept**: until the person's ``/forget`` only, purged once older
  than the retention period, or (profiles) its free text dropped once the person
  has been idle that long;
- **which columns are free text**: what the person wrote or what quotes it,
  sealed at rest when ``ENCRYPTION_KEY`` is set and rewritten by key rotation,
  and how each is sealed (see :mod:`bot.store.sealed`).

Everything that follows from this is derived here, never listed again: what
``/forget`` deletes or clears (:data:`FORGET`), what retention purges
(:data:`PURGE`), which columns key rotation rewrites (:data:`TEXT_COLUMNS`), and
which tables ``db copy`` carries (:data:`TABLES`, through :mod:`bot.store.tables`).
Each backend turns these into its own SQL.  Adding a table is one entry here
plus its migrations; ``tests/store/test_schema.py`` then refuses to pass until
the new table is seeded in its ``/forget`` and sealing checks, and
``tests/store/test_copy.py`` until the catalogue matches the migrated schema.

The order of :data:`TABLES` is the order forget, purge and rotation visit the
tables.  It follows the lock order of a commit on PostgreSQL (groups before
profiles before subscriptions; the person's conversations are locked before all
of them), so a ``/forget`` and a concurrent turn never wait for each other in a
circle, and it rewrites profiles and conversations first, the few rows that
every turn needs.  ``db copy`` does not care: the tables have no foreign keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "int", "ts", "date", "json"]
"""How a column's values travel between backends (:mod:`bot.store.tables`):
text and integers as they are, ``ts`` as aware datetimes, ``date`` as calendar
days (``datetime.date``), ``json`` as JSON text."""

Seal = Literal["document", "profile", "journal", "text"]
"""How a free-text column is sealed at rest (:class:`~bot.store.sealed.Sealer`):
a whole JSON ``document`` becomes a JSON string; a ``profile`` seals only its
free-text fields; a ``journal`` entry's data becomes one sealed envelope; plain
``text`` is sealed as it is."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table."""

    name: str
    kind: Kind
    seal: Seal | None = None
    """Set for free text (what the person wrote, or what may quote it): sealed at
    rest and rewritten by key rotation in this way.  ``None``: not free text."""


@dataclass(frozen=True, slots=True)
class KeptUntilForget:
    """Kept until the person's ``/forget`` (or until it has done its job); never
    purged by age."""

    why: str


@dataclass(frozen=True, slots=True)
class PurgedAfter:
    """Rows older than the retention period are deleted."""

    age: str
    """The column holding the row's time."""
    once: tuple[str, ...] = ()
    """When given, only rows where one of these columns is set (the row has done
    its job: an outbox row delivered or given up) are deleted."""


def purge_statement(table: str, rule: PurgedAfter, cutoff: str) -> str:
    """The ``DELETE`` of ``table``'s rows older than the cutoff, as ``rule`` says;
    ``cutoff`` is the backend's placeholder (``?``, ``$1``).  Names come from the
    catalogue, never from input."""
    done = " OR ".join(f"{column} IS NOT NULL" for column in rule.once)
    return (f"DELETE FROM {table} WHERE {rule.age} < {cutoff}"  # noqa: S608
            + (f" AND ({done})" if done else ""))


@dataclass(frozen=True, slots=True)
class PurgedWhenIdle:
    """The free-text fields of ``column`` (a profile: settings stay) are dropped
    once the person has been idle for the retention period: neither the row
    (``age``) nor any of their rows in ``active_in`` changed since."""

    age: str
    column: str
    active_in: tuple[str, str]
    """``(table, its time column)``: a person still talking keeps their profile
    (a safety plan stays while it is in use)."""
    report_as: str
    """The name :meth:`~bot.store.base.MaintenanceStore.purge` counts it under."""


Retention = KeptUntilForget | PurgedAfter | PurgedWhenIdle


@dataclass(frozen=True, slots=True)
class Table:
    """A table as both backends have it."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    """The primary key: rows are read (and, on PostgreSQL, locked) in its order."""
    retention: Retention
    owner: str | None = None
    """The column holding the id of the person each row belongs to (with
    ``platform``): ``/forget`` deletes their rows.  ``None``: rows belong to nobody."""
    mentions: tuple[str, ...] = ()
    """Columns naming a person in a row that is not theirs: ``/forget`` sets them
    to NULL and keeps the row."""
    version: str | None = None
    """The optimistic-concurrency column, moved on when ``/forget`` clears a
    mention, so that a turn loaded before the forget cannot write the person back."""
    sequence: bool = False
    """Whether ``id`` is drawn from a sequence that must never hand out a number
    twice (a sender holding the id of a forgotten row must not touch a newer one)."""

    def __post_init__(self) -> None:
        # Every name the derivations put into SQL must be one of the table's own
        # columns: a typo here would otherwise surface only as a failing /forget.
        named = {*self.key, *self.mentions}
        if self.owner is not None or self.mentions:
            named |= {"platform", *([self.owner] if self.owner else [])}
        if self.version is not None:
            named.add(self.version)
        if isinstance(self.retention, PurgedAfter):
            named |= {self.retention.age, *self.retention.once}
        elif isinstance(self.retention, PurgedWhenIdle):
            named |= {self.retention.age, self.retention.column}
            if self.owner is None:
                raise ValueError(f"{self.name}: an idle purge needs an owner column")
        unknown = named - set(self.names)
        if unknown:
            raise ValueError(f"{self.name} has no column {', '.join(sorted(unknown))}")

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in the schema's order."""
        return tuple(column.name for column in self.columns)

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """The column kinds, in the schema's order."""
        return tuple(column.kind for column in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, kind: Kind = "text", seal: Seal | None = None) -> Column:
    return Column(name, kind, seal)


TABLES: tuple[Table, ...] = (
    Table(
        "group_channels",
        (
            _c("platform"), _c("chat_id"),
            # Settings and counts only: no words of anyone's, so not sealed.
            _c("state", "json"),
            _c("version", "int"), _c("alert_to"), _c("next_due_at", "ts"),
            _c("claimed_until", "ts"), _c("poll_id"), _c("poll_ref"), _c("updated_at", "ts"),
        ),
        key=("platform", "chat_id"),
        retention=KeptUntilForget("a group's settings, kept while the bot is in the group"),
        mentions=("alert_to",),
        version="version",
    ),
    Table(
        "users",
        (
            _c("platform"), _c("user_id"), _c("profile", "json", "profile"),
            _c("created_at", "ts"), _c("updated_at", "ts"),
        ),
        key=("platform", "user_id"),
        retention=PurgedWhenIdle(
            age="updated_at", column="profile", active_in=("conversations", "updated_at"),
            report_as="profiles"),
        owner="user_id",
    ),
    Table(
        "conversations",
        (
            _c("platform"), _c("chat_id"), _c("user_id"),
            # Answers, beliefs, letters, the last messages for the safety check.
            _c("state", "json", "document"),
            _c("version", "int"), _c("updated_at", "ts"),
        ),
        key=("platform", "chat_id", "user_id"),
        retention=PurgedAfter("updated_at"),
        owner="user_id",
    ),
    Table(
        "journal",
        (
            _c("id", "int"), _c("platform"), _c("user_id"), _c("kind"),
            _c("data", "json", "journal"), _c("at", "ts"),
        ),
        key=("id",),
        retention=PurgedAfter("at"),
        owner="user_id",
        sequence=True,
    ),
    Table(
        "outbox",
        (
            _c("id", "int"), _c("platform"), _c("chat_id"), _c("user_id"),
            # Replies quote the person; platforms' errors may quote a reply.
            _c("payload", "text", "document"),
            _c("created_at", "ts"), _c("attempts", "int"),
            _c("last_error", "text", "text"),
            _c("delivered_at", "ts"), _c("given_up_at", "ts"), _c("claimed_until", "ts"),
            _c("priority", "int"),
        ),
        key=("id",),
        # Delivered rows too: their payload is gone, but they still record when the
        # person talked to the bot, so /forget deletes them and retention purges them.
        retention=PurgedAfter("created_at", once=("delivered_at", "given_up_at")),
        owner="user_id",
        sequence=True,
    ),
    Table(
        "timers",
        (
            _c("id", "int"), _c("platform"), _c("chat_id"), _c("user_id"), _c("token"),
            _c("due_at", "ts"), _c("claimed_until", "ts"),
        ),
        key=("id",),
        retention=KeptUntilForget("deleted once its event has run"),
        owner="user_id",
        sequence=True,
    ),
    Table(
        "subscriptions",
        (
            _c("platform"), _c("user_id"), _c("chat_id"), _c("next_due_at", "ts"),
            _c("claimed_until", "ts"),
        ),
        key=("platform", "user_id"),
        retention=KeptUntilForget("a setting: nudges asked for, until unsubscribed"),
        owner="user_id",
    ),
    Table(
        "group_wins",
        (
            _c("id", "int"), _c("platform"), _c("chat_id"), _c("user_id"),
            _c("text", "text", "text"), _c("at", "ts"),
        ),
        key=("id",),
        retention=PurgedAfter("at"),
        owner="user_id",
        sequence=True,
    ),
    Table(
        "processed_events",
        (_c("platform"), _c("event_id"), _c("at", "ts")),
        key=("platform", "event_id"),
        # Ids only; kept at least a week (the callers' cutoff) so that a platform
        # redelivering an update is still recognised.
        retention=PurgedAfter("at"),
    ),
    # The encryption key check: a copy must carry it, or the copy of an encrypted
    # database would open without a key and hand sealed text to the engine.
    Table(
        "meta",
        (_c("name"), _c("value")),
        key=("name",),
        retention=KeptUntilForget("about the database, not about anyone"),
    ),
    # The operator's safety report (compassion-bot report): per UTC day, how many
    # crisis responses, concern checks and crisis-line views the bot gave.  No
    # owner, no mention, no free text: a row is a day's total across everyone, so
    # there is nothing in it for /forget to remove.  Not purged by age either:
    # retention exists to drop what people wrote and the traces of when each of
    # them talked, and a day's total is neither; the counts are what the operator
    # reports by law for a whole year (California SB 243), so they must outlive
    # RETENTION_DAYS, which may be as short as a week.  Last in the catalogue: a
    # PostgreSQL group commit adds to these rows after every turn of the batch
    # has taken its locks.
    Table(
        "safety_counts",
        (_c("day", "date"), _c("kind"), _c("count", "int")),
        key=("day", "kind"),
        retention=KeptUntilForget("counts without anyone's id, for the yearly safety report"),
    ),
)
"""Every table both backends share (``schema_migrations`` aside, which each
backend keeps for itself)."""

TABLE: dict[str, Table] = {table.name: table for table in TABLES}
"""The tables by name."""


# --- derived: what /forget does --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ForgetStep:
    """One statement of a ``/forget``, run with the person's ``(platform, user id)``."""

    table: Table
    column: str
    """The column holding the person's id."""
    delete: bool
    """Delete the rows (the table's ``owner``); otherwise set ``column`` to NULL
    (a ``mention``) and move ``table.version`` on, when it has one."""


FORGET: tuple[ForgetStep, ...] = tuple(
    step
    for table in TABLES
    for step in (
        *((ForgetStep(table, table.owner, True),) if table.owner is not None else ()),
        *(ForgetStep(table, column, False) for column in table.mentions),
    )
)
"""What ``/forget`` does, table by table, in catalogue order."""


# --- derived: what retention purges ----------------------------------------------------

PURGE: tuple[tuple[Table, PurgedAfter], ...] = tuple(
    (table, table.retention) for table in TABLES if isinstance(table.retention, PurgedAfter)
)
"""Tables whose old rows retention deletes; counted under the table's name."""

PURGE_IDLE: tuple[tuple[Table, PurgedWhenIdle], ...] = tuple(
    (table, table.retention) for table in TABLES if isinstance(table.retention, PurgedWhenIdle)
)
"""Tables whose free-text fields retention drops from idle people's rows; run
before :data:`PURGE`, and counted under ``report_as``."""


# --- derived: free text, for sealing and key rotation ----------------------------------


@dataclass(frozen=True, slots=True)
class TextColumn:
    """A free-text column, where key rotation finds it."""

    table: Table
    column: Column

    @property
    def name(self) -> str:
        """``table.column``, as :meth:`~bot.store.base.RawStore.rewrite_text` counts it."""
        return f"{self.table.name}.{self.column.name}"

    @property
    def seal(self) -> Seal:
        """How its values are sealed."""
        assert self.column.seal is not None  # only sealed columns are TextColumns
        return self.column.seal


TEXT_COLUMNS: tuple[TextColumn, ...] = tuple(
    TextColumn(table, column) for table in TABLES for column in table.columns
    if column.seal is not None
)
"""Every column holding free text, in catalogue order: what encryption seals and
``compassion-bot keys rotate`` rewrites."""

TEXT_COLUMN: dict[str, TextColumn] = {column.name: column for column in TEXT_COLUMNS}
"""The free-text columns by ``table.column``."""
