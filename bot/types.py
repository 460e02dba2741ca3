"""Platform-neutral value types shared by the engine, runtime, store and adapters.

Everything here is a frozen dataclass: an adapter turns a platform update into an
:data:`Inbound` event (one class per kind), the engine answers with a list of
:data:`Action` values, and an adapter turns each outbound action back into a
platform API call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, TypeAlias

Platform: TypeAlias = str
ChatKind = Literal["private", "group"]
InboundKind = Literal["text", "choice", "command", "wake", "nudge", "poll", "group_due",
                      "from_group"]
"""The ``kind`` of each :data:`Inbound` class, as logs and tests name events."""
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
class MessageLimits:
    """What one message may hold on a platform; ``None``: no limit worth naming.

    Each platform declares its own (:class:`bot.platform.PlatformSpec`); the
    dialogue checks hold every text to the tightest of the registered ones.
    """

    message_chars: int | None = None
    """Longest text of one message (longer text is split by :mod:`bot.render`)."""
    button_label_chars: int | None = None
    """Longest button label."""
    buttons: int | None = None
    """Most buttons on one message."""
    callback_bytes: int | None = None
    """Longest payload a button carries back (a choice id), in UTF-8 bytes."""

    @classmethod
    def tightest(cls, limits: Sequence[MessageLimits]) -> MessageLimits:
        """Limits that fit on every one of these platforms: the lowest of each."""

        def lowest(values: Sequence[int | None]) -> int | None:
            named = [value for value in values if value is not None]
            return min(named) if named else None

        return cls(
            message_chars=lowest([each.message_chars for each in limits]),
            button_label_chars=lowest([each.button_label_chars for each in limits]),
            buttons=lowest([each.buttons for each in limits]),
            callback_bytes=lowest([each.callback_bytes for each in limits]),
        )


@dataclass(frozen=True, slots=True)
class InboundBase:
    """What every inbound event has.

    ``event_id`` is the platform's own id for the update (Telegram update id,
    Discord message or interaction id), or the scheduler's for its events; the
    runtime records it so that a redelivered update is ignored.  ``at`` is when
    it happened (for a scheduled event: when it was due).
    """

    key: ConversationKey
    event_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class TextMessage(InboundBase):
    """Words the person typed.  ``link`` is a link to the message itself, when the
    platform has one (a moderator's alert points at it)."""

    text: str
    chat_kind: ChatKind = "private"
    link: str | None = None
    language: str | None = None
    """The language the platform says the person uses (Telegram ``language_code``,
    Discord ``locale``), when it says; only the first message's is used."""
    kind: Literal["text"] = field(default="text", init=False)


@dataclass(frozen=True, slots=True)
class CommandMessage(InboundBase):
    """A command: ``command`` is its name without the slash, ``text`` the words after it.

    ``is_admin`` is the adapter's verdict on whether the person may change the
    group's settings (Telegram: chat administrator or creator; Discord: Manage
    Channels).
    """

    command: str
    text: str = ""
    chat_kind: ChatKind = "private"
    is_admin: bool = False
    language: str | None = None
    """As :attr:`TextMessage.language`."""
    kind: Literal["command"] = field(default="command", init=False)


@dataclass(frozen=True, slots=True)
class ButtonPress(InboundBase):
    """A button pressed: ``choice`` is the button's :attr:`Choice.id`."""

    choice: str
    chat_kind: ChatKind = "private"
    kind: Literal["choice"] = field(default="choice", init=False)


@dataclass(frozen=True, slots=True)
class TimerDue(InboundBase):
    """From the scheduler: a timer the conversation set ran out (``token`` names it,
    as the engine set it)."""

    token: str
    chat_kind: Literal["private"] = field(default="private", init=False)
    kind: Literal["wake"] = field(default="wake", init=False)


@dataclass(frozen=True, slots=True)
class NudgeDue(InboundBase):
    """From the scheduler: a compassion nudge is due (``at`` is when it was due)."""

    chat_kind: Literal["private"] = field(default="private", init=False)
    kind: Literal["nudge"] = field(default="nudge", init=False)


@dataclass(frozen=True, slots=True)
class GroupDue(InboundBase):
    """From the scheduler: a wellness channel's daily moment, keyed to the group
    itself (``user_id`` is :data:`GROUP_SELF`)."""

    chat_kind: Literal["group"] = field(default="group", init=False)
    kind: Literal["group_due"] = field(default="group_due", init=False)


@dataclass(frozen=True, slots=True)
class PollCounts(InboundBase):
    """A platform poll's new vote counts (Telegram): who voted is never known.

    ``poll`` is the platform's poll id; the runtime finds the group it belongs to
    and sets ``key`` and ``ref`` (the check-in the poll asks, as the engine named it).
    """

    poll: str
    votes: tuple[int, ...]
    ref: str | None = None
    chat_kind: Literal["group"] = field(default="group", init=False)
    kind: Literal["poll"] = field(default="poll", init=False)


@dataclass(frozen=True, slots=True)
class FromGroup(InboundBase):
    """A private turn the runtime derives from a group turn (see :class:`ReachOut`):
    a crisis said in a group, or a moderator's alert with a ``link`` to the message."""

    reason: Literal["crisis", "alert"]
    link: str | None = None
    chat_kind: Literal["private"] = field(default="private", init=False)
    kind: Literal["from_group"] = field(default="from_group", init=False)


@dataclass(frozen=True, slots=True)
class ChatOpened(InboundBase):
    """From an adapter: the person is back in a chat that was closed (the terminal
    after a restart); a question left waiting is asked again."""

    chat_kind: Literal["private"] = field(default="private", init=False)
    kind: Literal["opened"] = field(default="opened", init=False)


Inbound: TypeAlias = (TextMessage | CommandMessage | ButtonPress | TimerDue | NudgeDue
                      | GroupDue | PollCounts | FromGroup | ChatOpened)
"""One thing that happened in a conversation: a class per kind, each with only its
own fields; ``kind`` (the same for every event of a class) tells them apart in
logs and in the store's words, ``match`` on the class in code."""


GROUP_SELF = ""
"""The ``user_id`` of a group's own conversation: its daily moment and its poll
counts, which belong to nobody in particular."""


@dataclass(frozen=True, slots=True)
class Assessment:
    """The safety seam's verdict on one inbound text."""

    level: RiskLevel = "none"
    reasons: tuple[str, ...] = ()
    topic: str | None = None
    """What a verdict is about (``suicide``, ``self_harm``, ``abuse``,
    ``eating_disorder``, ``overdose``), so the matching resources come first."""

    @property
    def learned_only(self) -> bool:
        """Whether only the learned layers (the model, the conversation context)
        saw risk, and no rule or phrase did."""
        return bool(self.reasons) and all(r in LEARNED_REASONS for r in self.reasons)

    @property
    def about_someone_else(self) -> bool:
        """Whether the rules heard danger to someone else and nothing of the writer's
        own ("my friend sent a goodbye and won't answer").  The learned layers and
        the language tags cannot tell who is at risk, so they do not count."""
        signals = {r for r in self.reasons
                   if r not in LEARNED_REASONS and not r.startswith(LANGUAGE_TAG)}
        return signals == {THIRD_PARTY_REASON}

    @property
    def language(self) -> str | None:
        """The language the matching rule or phrase was written for ("es" for
        ``lang_es`` or ``lexicon_es``), when exactly one is named."""
        named = {r.removeprefix(prefix) for r in self.reasons
                 for prefix in (LANGUAGE_TAG, LEXICON_TAG) if r.startswith(prefix)}
        return named.pop() if len(named) == 1 else None


NO_RISK = Assessment()


class Assessor(Protocol):
    """The safety seam: every text a person types passes through one of these
    first, with the earlier messages of the same moment (``context``, oldest first)."""

    def __call__(self, text: str, context: Sequence[str] = ..., /) -> Assessment: ...
LEARNED_REASONS = frozenset({"model", "context"})
"""The reasons the learned layers of the safety seam give."""
THIRD_PARTY_REASON = "third_party_risk"
"""The rules' reason for danger told about someone else."""
LANGUAGE_TAG = "lang_"
"""The prefix of the reasons that only name the language a rule was written for."""
LEXICON_TAG = "lexicon_"
"""The prefix of the reasons that name the phrase lexicon (by language) that matched."""


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
    shortcut: str | None = None
    """What typing selects this button where there are no buttons (a scale's own
    number, "skip"); ``None``: its position in the list."""


@dataclass(frozen=True, slots=True)
class SendText:
    """A message, optionally with buttons."""

    segments: tuple[Segment, ...]
    choices: tuple[Choice, ...] = ()
    private_link: Choice | None = None
    """A button that opens a private chat with the bot; ``id`` is the start payload."""
    public: bool = False
    """Said to a whole group channel (a daily prompt, check-in results), not an
    answer to the one person whose turn it was: Discord posts it in the channel
    rather than privately to that person."""
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


@dataclass(frozen=True, slots=True)
class SendPoll:
    """An anonymous mood check-in for a group.

    Telegram sends a native anonymous poll (the options' labels; counts come
    back as ``poll`` events) and reports the platform's poll id with ``ref``;
    Discord shows one button per option (each press is a ``choice`` event with
    the option's id).  ``private_link`` opens a private chat, for answering
    privately where a platform hides who voted.
    """

    question: str
    options: tuple[Choice, ...]
    ref: str
    """Which check-in of the group this is, as the group's state names it."""
    anonymous: bool = True
    private_link: Choice | None = None
    type: Literal["poll"] = "poll"


Outbound: TypeAlias = SendText | SendImage | SendFile | SendPoll


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
class CountSafety:
    """One more crisis response, concern check or view of the crisis lines today,
    for the operator's report: a count per day, with nothing about who."""

    kind: Literal["crisis", "concern", "resources"]
    type: Literal["count_safety"] = "count_safety"


@dataclass(frozen=True, slots=True)
class RequestSummary:
    """Send the one-page PDF summary (measures, exercises, moods over ``days``); the
    runtime reads the store and draws it."""

    days: int
    include_plan: bool
    type: Literal["request_summary"] = "request_summary"


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
    header: tuple[Segment, ...] = ()
    """Said above the entries instead of the journal's own header (the kit's)."""
    type: Literal["show_journal"] = "show_journal"


@dataclass(frozen=True, slots=True)
class ShowProgress:
    """Send the progress chart and a summary of the last week, from the journal."""

    days: int
    type: Literal["show_progress"] = "show_progress"


@dataclass(frozen=True, slots=True)
class ReachOut:
    """After a group turn, a private turn with ``user_id`` (see ``from_group`` events).

    ``reason`` is ``crisis`` (the person said something worrying in the group:
    they get resources privately) or ``alert`` (a moderator who asked for
    alerts hears that a member may need support, with ``link``).
    """

    user_id: str
    reason: Literal["crisis", "alert"]
    link: str | None = None
    type: Literal["reach_out"] = "reach_out"


@dataclass(frozen=True, slots=True)
class KeepWin:
    """The author allowed their win to be quoted, unnamed, in the weekly digest:
    keep its text, linked to them (``/forget`` removes it)."""

    text: str
    type: Literal["keep_win"] = "keep_win"


Effect: TypeAlias = (
    UpdateProfile | RecordJournal | RequestExport | RequestSummary | ForgetUser | ScheduleWake
    | ShowJournal | ShowProgress | ReachOut | KeepWin | CountSafety
)
Action: TypeAlias = Outbound | Effect
