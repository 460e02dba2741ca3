"""The engine's per-conversation state and the person's profile, as pydantic models.

Both are stored as JSON: the state in the conversation row (with a ``version``
for optimistic concurrency), the profile in the user row.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

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
    active_at: datetime | None = None
    """When the person last wrote or pressed something here (not the scheduler)."""

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
            active_at=self.active_at,
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
    unreachable: bool = False
    """The platform refused delivery for good (blocked); nothing is scheduled meanwhile."""
    follow_up_at: str | None = None
    """ISO time of the check-in the person asked for after a crisis (sent by the scheduler)."""
