"""What the bot keeps about a group wellness channel: its settings and aggregates only.

One JSON document per group (the store's ``groups`` row, with a ``version`` for
optimistic concurrency like a conversation).  Nothing in it says who answered
what: check-ins are counts, wins are a number for the week (the words of a win
the author allowed to be quoted are kept apart, linked to the author, so that
``/forget`` removes them).  The one person named is the admin who asked for
moderator alerts, so that they can be sent; their ``/forget`` removes that too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_TIME = "09:00"
DEFAULT_TZ = "UTC"
FEATURES = ("prompt", "checkins", "wins", "digest", "alerts")
"""The parts of wellness mode an admin turns on and off, as ``/wellness`` names them."""


class GroupSettings(BaseModel):
    """What a group admin chose with ``/wellness``."""

    model_config = ConfigDict(extra="forbid")

    on: bool = False
    time: str = DEFAULT_TIME
    """Local time of the daily moment (prompt, digest), ``HH:MM``."""
    tz: str = DEFAULT_TZ
    """IANA time zone of ``time``."""
    prompt: bool = True
    checkins: bool = True
    wins: bool = True
    digest: bool = True
    alerts: bool = False
    """Off by default: a moderator alert says that a member may need support."""
    alert_to: str | None = None
    """The admin who turned alerts on; they receive them in a private chat."""
    language: str | None = None
    """The language the bot speaks in this channel (``/wellness language es``);
    ``None``: English."""

    def feature(self, name: str) -> bool:
        return bool(getattr(self, name))


class Checkin(BaseModel):
    """The group's open anonymous check-in: counts per option, nothing more."""

    model_config = ConfigDict(extra="forbid")

    id: int
    opened: datetime
    counts: list[int]
    shown: int = 0
    """How many answers the last results posted covered (0: none posted yet)."""

    @property
    def total(self) -> int:
        return sum(self.counts)


class SentPrompt(BaseModel):
    """A daily prompt said in this group on a local date (none repeats within 30 days)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    on: date


class GroupState(BaseModel):
    """Everything stored about one group channel."""

    model_config = ConfigDict(extra="forbid")

    settings: GroupSettings = Field(default_factory=GroupSettings)
    checkin: Checkin | None = None
    checkins: int = 0
    """Check-ins opened so far: the next one's id."""
    wins_week: int = 0
    """Wins shared since the last weekly digest (a number, never the words)."""
    prompts: list[SentPrompt] = Field(default_factory=list)
    """Daily prompts of the last 30 days, oldest first."""

    def clone(self) -> GroupState:
        return self.model_copy(deep=True)


def decode_group(data: str | None) -> GroupState:
    """The stored group, or a fresh one (wellness off) for a group never set up."""
    if data is None:
        return GroupState()
    return GroupState.model_validate_json(data)


def encode_group(state: GroupState) -> str:
    return state.model_dump_json(exclude_defaults=True)


def group_from_row(state_json: str | None, alert_to: str | None) -> GroupState:
    """The group as stored: its document, and the alert recipient kept beside it."""
    state = decode_group(state_json)
    state.settings.alert_to = alert_to
    return state


def group_to_row(state: GroupState) -> tuple[str, str | None]:
    """The document to store (without the alert recipient) and the recipient."""
    alert_to = state.settings.alert_to
    bare = state.model_copy(update={"settings": state.settings.model_copy(
        update={"alert_to": None})})
    return encode_group(bare), alert_to


@dataclass(frozen=True, slots=True)
class SharedWin:
    """A win whose author allowed the weekly digest to quote it, unnamed."""

    id: int
    text: str
    at: datetime
