"""The working memory of one :meth:`bot.engine.Engine.step` call, and where the
person is in the dialogue being run.

Every other module of a turn builds on :class:`Memory`: it holds the state being
changed, the profile as it now stands, the actions so far and the group's state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.dialogue.loader import DialogueSet
from bot.dialogue.locales import ENGLISH, plain_key
from bot.dialogue.spec import Step
from bot.groups.prompts import PromptLibrary
from bot.groups.state import GroupState
from bot.state import ConversationState, Frame, Profile
from bot.turn.context import CRISIS_MEMORY, EngineError, EngineParts, NudgeComposer, Turn
from bot.types import Action


@dataclass
class Memory:
    """What one turn knows and has done so far."""

    engine: EngineParts
    state: ConversationState
    turn: Turn
    actions: list[Action] = field(default_factory=list)
    profile: Profile = field(init=False)
    group: GroupState | None = field(init=False)
    drop_wins: list[int] = field(default_factory=list)
    steps_taken: int = 0
    owned: bool = False
    """The caller decoded the turn's profile for this turn alone (see
    :meth:`bot.engine.Engine.step`): no copy of it is made."""

    def __post_init__(self) -> None:
        # Copies: the engine's caller keeps the turn's own objects unchanged.  A
        # turn replaces its profile when it changes it, never changes it in place,
        # so an owned one is left as it was too (the runtime still reads its
        # language after a failed turn); the copy guards any other caller.
        self.profile = self.turn.profile if self.owned else self.turn.profile.model_copy()
        self.group = self.turn.group.clone() if self.turn.group is not None else None

    # The engine's parts a section may read (see TurnContext).

    @property
    def locale(self) -> str | None:
        """The language of this turn: a group channel's own (``/wellness language``)
        in the group, else the person's."""
        if self.group is not None and self.turn.event.chat_kind == "group":
            return self.group.settings.language
        return self.profile.locale

    @property
    def dialogues(self) -> DialogueSet:
        """The dialogues in this turn's language (the same steps in every one)."""
        return self.engine.dialogues_for(self.locale)

    def meaning(self, text: str) -> str | None:
        """What a whole answer means in the turn's language, as the engine's English
        ("parar" -> "stop", "no sé" -> "i dont know", "siete" -> "7"), if anything."""
        table = self.engine.control_words.get(self.locale or "")
        return table.get(plain_key(text)) if table else None

    @property
    def languages(self) -> frozenset[str]:
        return frozenset({ENGLISH, *self.engine.locales})

    @property
    def prompts(self) -> PromptLibrary | None:
        return self.engine.prompts_for(self.locale)

    @property
    def nudges(self) -> NudgeComposer | None:
        return self.engine.nudges_for(self.locale)

    @property
    def nudge_grace(self) -> timedelta:
        return self.engine.nudge_grace

    def step_of(self, frame: Frame) -> Step:
        try:
            return self.dialogues[frame.dialogue].steps[frame.step]
        except KeyError as exc:
            raise EngineError(f"unknown position {frame.dialogue}.{frame.step}") from exc

    def goto(self, frame: Frame, step_id: str) -> None:
        frame.step = step_id
        frame.other_pending = False
        frame.helped = False
        frame.asked = False

    def recent_crisis(self) -> bool:
        """Whether this person was in crisis within the last day."""
        crisis_at = self.state.crisis_at
        return crisis_at is not None and self.turn.now - crisis_at < CRISIS_MEMORY
