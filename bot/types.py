"""Platform-neutral value types shared by the engine, runtime, store and adapters.

Everything here is a frozen dataclass: an adapter turns a platform update into an
:class:`Inbound`, the engine answers with a list of :data:`Action` values, and an
adapter turns each outbound action back into a platform API call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeAlias

Platform: TypeAlias = str
ChatKind = Literal["private", "group"]
InboundKind = Literal["text", "choice", "command", "wake", "nudge"]
RiskLevel = Literal["none", "concern", "crisis"]


@dataclass(frozen=True, slots=True)
class ConversationKey:
    """Who is talking where: one conversation per (platform, chat, user)."""

    platform: Platform
    chat_id: str
    user_id: str

    @property
    def user(self) -> UserKey:
        return UserKey(self.platform, self.user_id)


@dataclass(frozen=True, slots=True)
class UserKey:
    """A person on one platform; profile, journal and consent hang off this."""

    platform: Platform
    user_id: str


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a person did: typed text, pressed a button, or sent a command.

    ``event_id`` is the platform's own id for the update (Telegram update id,
    Discord message or interaction id); the runtime records it so that a
    redelivered update is ignored.  ``choice`` is the button's choice id for a
    ``choice`` event; ``command`` is the command name without its slash for a
    ``command`` event, with any arguments in ``text``.

    Two kinds come from the scheduler, not from the person: ``wake`` (a timer the
    conversation set, its token in ``choice``) and ``nudge`` (a scheduled
    compassion nudge is due; ``at`` is when it was due).
    """

    key: ConversationKey
    event_id: str
    at: datetime
    kind: InboundKind
    text: str = ""
    choice: str | None = None
    command: str | None = None
    chat_kind: ChatKind = "private"


@dataclass(frozen=True, slots=True)
class Assessment:
    """The safety seam's verdict on one inbound text."""

    level: RiskLevel = "none"
    reasons: tuple[str, ...] = ()


NO_RISK = Assessment()


# --- outbound ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of message text.  ``quoted`` marks the person's own words, which
    every adapter escapes for its markup and never treats as formatting."""

    text: str
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Choice:
    """A button.  ``id`` names dialogue, step and option (see :mod:`bot.choices`),
    short enough for Telegram's 64-byte callback data."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class SendText:
    """A message, optionally with buttons."""

    segments: tuple[Segment, ...]
    choices: tuple[Choice, ...] = ()
    private_link: Choice | None = None
    """A button that opens a private chat with the bot; ``id`` is the start payload."""
    type: Literal["text"] = "text"

    @property
    def plain(self) -> str:
        return "".join(s.text for s in self.segments)


@dataclass(frozen=True, slots=True)
class SendImage:
    """A picture (a progress chart), as PNG bytes, with a caption."""

    png: bytes
    caption: str = ""
    type: Literal["image"] = "image"


@dataclass(frozen=True, slots=True)
class SendFile:
    """A document such as the ``/export`` JSON."""

    filename: str
    content: bytes
    caption: str = ""
    type: Literal["file"] = "file"


Outbound: TypeAlias = SendText | SendImage | SendFile


# --- effects: actions the runtime applies to the store, never sent -----------


@dataclass(frozen=True, slots=True)
class UpdateProfile:
    """Set fields of the person's profile (consent, country, onboarded...)."""

    changes: dict[str, Any]
    type: Literal["update_profile"] = "update_profile"


@dataclass(frozen=True, slots=True)
class RecordJournal:
    """Add an entry to the person's journal (reframe, mood, compassion act)."""

    kind: str
    data: dict[str, Any]
    type: Literal["record_journal"] = "record_journal"


@dataclass(frozen=True, slots=True)
class RequestExport:
    """Send the person everything stored about them; the runtime reads the store."""

    type: Literal["request_export"] = "request_export"


@dataclass(frozen=True, slots=True)
class ForgetUser:
    """Delete everything stored about the person (after they confirmed)."""

    type: Literal["forget_user"] = "forget_user"


@dataclass(frozen=True, slots=True)
class ScheduleWake:
    """Wake this conversation after ``seconds`` with an event carrying ``token``.

    Kept in the store with the turn that set it, so a restart loses no timer.
    """

    seconds: float
    token: str
    type: Literal["schedule_wake"] = "schedule_wake"


@dataclass(frozen=True, slots=True)
class ShowJournal:
    """Show the person's latest journal entries; the runtime reads the store.

    ``empty`` is what to say when there is nothing of these kinds yet.
    """

    kinds: tuple[str, ...]
    limit: int
    empty: tuple[Segment, ...]
    type: Literal["show_journal"] = "show_journal"


@dataclass(frozen=True, slots=True)
class ShowProgress:
    """Send the progress chart and a summary of the last week, from the journal."""

    days: int
    type: Literal["show_progress"] = "show_progress"


Effect: TypeAlias = (
    UpdateProfile | RecordJournal | RequestExport | ForgetUser | ScheduleWake | ShowJournal
    | ShowProgress
)
Action: TypeAlias = Outbound | Effect
