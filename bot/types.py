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
InboundKind = Literal["text", "choice", "command"]
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


Effect: TypeAlias = UpdateProfile | RecordJournal | RequestExport | ForgetUser
Action: TypeAlias = Outbound | Effect
