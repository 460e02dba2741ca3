"""The engine's per-conversation state and the person's profile, as pydantic models.

Both are stored as JSON: the state in the conversation row (with a ``version``
for optimistic concurrency), the profile in the user row.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from bot.safety.context import MEMORY as CONTEXT_MEMORY

Value = str | int


class Frame(BaseModel):
    """A dialogue in progress: where it is and what the person has answered."""

    model_config = ConfigDict(extra="forbid")

    dialogue: str
    step: str
    vars: dict[str, Value] = Field(default_factory=dict)
    asked: bool = False
    """True once the current step's question has been sent."""
    other_pending: bool = False
    """True after a "something else" button: the next text is the answer."""
    helped: bool = False
    """True once this step's help for "I don't know" was offered: a second one skips."""
    answered: int = 0
    """Questions of this dialogue the person answered (typed or pressed)."""
    skipped: int = 0
    """Questions of this dialogue the person skipped."""

    def value(self, name: str) -> Value | None:
        """A saved answer, or one of the counters (``answered``, ``skipped``)."""
        if name in ("answered", "skipped"):
            return int(getattr(self, name))
        return self.vars.get(name)


class ConversationState(BaseModel):
    """Everything the engine needs between two messages of one conversation."""

    model_config = ConfigDict(extra="forbid")

    stack: list[Frame] = Field(default_factory=list)
    """Running dialogues; the last one is talking.  Callers sit below."""
    suspended: list[Frame] = Field(default_factory=list)
    """An exercise put aside by a crisis or another exercise; ``/resume`` restores it."""
    crisis_at: datetime | None = None
    """When crisis language was last met; free text is answered by listening for a day."""
    said: dict[str, int] = Field(default_factory=dict)
    """How often each varied line was said, so wordings rotate without repeats."""
    votes: dict[str, str] = Field(default_factory=dict)
    """In a group: that this person answered the open check-in (its id ->
    ``"answered"``; never which answer), so that a second press does not count twice."""
    wins: dict[str, str] = Field(default_factory=dict)
    """In a group: wins this person shared, held only until they say whether the
    weekly digest may quote them (win id -> their words)."""
    active_at: datetime | None = None
    """When the person last wrote or pressed something here (not the scheduler)."""
    recent: list[str] = Field(default_factory=list)
    """The last few messages that got no safety verdict, read with the next one by
    the safety layer's context (see :mod:`bot.safety.context`)."""
    recent_at: datetime | None = None
    """When the last of ``recent`` was written; an old window is forgotten."""
    session_at: datetime | None = None
    """When this stretch of use began (a gap of half an hour starts a new one): after
    three hours of it, the person is reminded that they are talking to a bot."""
    notice_at: datetime | None = None
    """When the person was last told that they are talking to a bot, not a person."""
    offered: dict[str, str] = Field(default_factory=dict)
    """The buttons of the last message that offered exercises once nothing else was
    running (label -> launcher payload): typing one's number or name next presses it."""

    def context_window(self, now: datetime) -> list[str]:
        """The earlier messages the safety layer reads with the next one, if they
        are recent enough to be the same moment."""
        if self.recent_at is None or now - self.recent_at > CONTEXT_MEMORY:
            return []
        return self.recent

    @property
    def current(self) -> Frame | None:
        return self.stack[-1] if self.stack else None

    def clone(self) -> ConversationState:
        """An independent copy, made field by field: ``model_copy(deep=True)`` goes
        through ``copy.deepcopy`` and cost a fifth of a turn's time."""
        return ConversationState.model_construct(
            stack=[_clone_frame(f) for f in self.stack],
            suspended=[_clone_frame(f) for f in self.suspended],
            crisis_at=self.crisis_at,
            said=dict(self.said),
            votes=dict(self.votes),
            wins=dict(self.wins),
            active_at=self.active_at,
            recent=list(self.recent),
            recent_at=self.recent_at,
            session_at=self.session_at,
            notice_at=self.notice_at,
            offered=dict(self.offered),
        )


def _clone_frame(frame: Frame) -> Frame:
    return frame.model_copy(update={"vars": dict(frame.vars)})


class Profile(BaseModel):
    """What the person told us about themselves, kept across conversations."""

    model_config = ConfigDict(extra="allow")

    onboarded: bool = False
    consent: bool | None = None
    """May we keep their answers (journal, reframes)?  ``None``: not asked yet."""
    country: str | None = None
    """ISO 3166 alpha-2 code, for crisis resources."""
    locale: str | None = None
    """The language the bot speaks with them (a folder of ``dialogues/locales``, or
    ``"en"``); ``None``: not chosen yet, English until it is."""
    unreachable: bool = False
    """The platform refused delivery for good (blocked); nothing is scheduled meanwhile."""
    follow_up_at: str | None = None
    """ISO time of the first check-in the person asked for after a crisis (sent by the
    scheduler)."""
    follow_ups: list[str] | None = None
    """ISO times of every check-in agreed to after the last crisis (about a day, three
    days and a week); ``None`` once the person said they are fine."""
    under_age: bool = False
    """They told us they are younger than the bot's minimum age: only the safety
    dialogues and lines for young people are open to them."""
    measured_at: str | None = None
    """ISO time of the last self-compassion measure, so that the offer of the next
    comes two weeks later, not sooner."""
    measure_offers: str | None = None
    """``"off"``: the person asked never to be offered the measure again."""
    safe_said_at: str | None = None
    """ISO time the person last answered "yes" to "are you safe right now?": for a
    while after it, the learned layers' concern alone does not ask again."""
    group_journal: str | None = None
    """``"yes"``: their answers to group check-ins (where the platform shows who
    answered) also go to their own journal.  Set in a private chat."""
