"""What one turn is given, and the narrow face of a turn that sections see.

:class:`Turn` is the engine's input besides the state; :class:`EngineParts` is
what a turn reads of the :class:`bot.engine.Engine` that runs it (declared here
so that no module of a turn imports the engine, which imports them).

:class:`TurnContext` is the public turn context: the group section
(:mod:`bot.groups.turn`) and the nudge section (:mod:`bot.nudges.turn`) act
through it alone, so they depend on this small protocol rather than on the
whole working memory of a run (:class:`bot.turn.dispatch.Run` satisfies it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.dialogue.loader import DialogueSet, Locale
from bot.dialogue.spec import Variants
from bot.groups.prompts import PromptLibrary
from bot.groups.state import GroupState, SharedWin
from bot.router import Router
from bot.safety.resources import ResourceWords
from bot.state import ConversationState, Profile, Value
from bot.types import NO_RISK, Action, Assessment, Inbound, Segment, SendText

# After a crisis, free text is met by listening, not by an exercise, and no nudge
# is sent, for this long.
CRISIS_MEMORY = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Turn:
    """One inbound event with everything the engine may consider about it."""

    event: Inbound
    now: datetime
    profile: Profile
    risk: Assessment = NO_RISK
    group: GroupState | None = None
    """In a group chat: the group's settings and aggregates (``None``: never set up)."""
    wins: tuple[SharedWin, ...] = ()
    """On a group's daily moment: the wins its digest may quote."""


@dataclass(frozen=True, slots=True)
class Services:
    """Pure helpers the engine calls; injected so the engine stays testable."""

    parsers: Mapping[str, Callable[[str], str | None]]
    """The parsers ``ask_text`` steps name, by name: what a person typed -> the value
    to save, or None when it cannot be read ("country": "UK" -> "GB"; the names
    are listed in :data:`bot.dialogue.spec.PARSERS`)."""
    crisis_resources: Callable[[str | None, str | None, ResourceWords, bool], str]
    """Country code (or None), topic, the words of the person's language and whether
    they told us they are an adult -> a short block of emergency numbers and lines."""
    locale_parsers: Mapping[str, Mapping[str, Callable[[str], str | None]]] = field(
        default_factory=dict)
    """Per language (beside English), the parsers reading that language's words
    ("lunes y jueves", "um 20 Uhr"); a language without its own falls back to English."""

    def parsers_for(self, locale: str | None) -> Mapping[str, Callable[[str], str | None]]:
        """The parsers for answers written in ``locale``."""
        return self.locale_parsers.get(locale or "", self.parsers)


class NudgeComposer(Protocol):
    """Writes a scheduled nudge for one person (see :mod:`bot.nudges`)."""

    def compose(self, user_id: str, count: int, profile: Profile, now: datetime) -> SendText | None:
        """The ``count``-th nudge for this person (0-based), or ``None`` to send none."""


class EngineError(Exception):
    """A bug in the engine or the dialogues: the runtime answers kindly and keeps state."""


class EngineParts(Protocol):
    """What a turn reads of the engine that runs it: immutable, shared by all turns."""

    @property
    def dialogues(self) -> DialogueSet:
        """In English: the structure every language shares."""
    @property
    def locales(self) -> Mapping[str, Locale]: ...
    def dialogues_for(self, locale: str | None) -> DialogueSet: ...
    def prompts_for(self, locale: str | None) -> PromptLibrary | None: ...
    def nudges_for(self, locale: str | None) -> NudgeComposer | None: ...
    def router_for(self, locale: str | None) -> Router: ...
    @property
    def control_words(self) -> Mapping[str, Mapping[str, str]]: ...
    @property
    def services(self) -> Services: ...
    @property
    def router(self) -> Router: ...
    @property
    def nudges(self) -> NudgeComposer | None: ...
    @property
    def prompts(self) -> PromptLibrary | None:
        """The daily prompts of group wellness channels."""
    @property
    def nudge_grace(self) -> timedelta:
        """A scheduled moment found later than this after it was due is let pass."""
    @property
    def quote_chars(self) -> int: ...
    @property
    def max_answer_chars(self) -> int: ...
    @property
    def min_age(self) -> int:
        """Onboarding asks whether the person is at least this old (0: never asks)."""
    @property
    def human_questions(self) -> frozenset[str]:
        """"Are you a real person?" in every language (answer keys, accents dropped)."""


class TurnContext(Protocol):
    """A turn as a section of the engine (groups, nudges) sees it.

    The section reads the turn and the person's state, changes them in place,
    and answers by appending actions or by starting a dialogue; the run then
    executes whatever dialogue is current.
    """

    @property
    def turn(self) -> Turn: ...
    @property
    def state(self) -> ConversationState:
        """The conversation's new state, changed in place."""
    @property
    def profile(self) -> Profile: ...
    group: GroupState | None
    """The group's new state in a group chat (a section may set it up)."""
    @property
    def actions(self) -> list[Action]:
        """What the turn does, in order; a section appends to it."""
    @property
    def drop_wins(self) -> list[int]:
        """Kept wins no longer to be stored."""
    @property
    def dialogues(self) -> DialogueSet: ...
    @property
    def languages(self) -> frozenset[str]:
        """The languages the bot speaks (codes, English's ``en`` included)."""
    @property
    def prompts(self) -> PromptLibrary | None: ...
    @property
    def nudges(self) -> NudgeComposer | None: ...
    @property
    def nudge_grace(self) -> timedelta: ...

    def start(self, dialogue_id: str, *, mode: str | None = None,
              inputs: dict[str, Value] | None = None) -> None:
        """Start a dialogue, doing to the running one what ``mode`` (or its
        ``interrupt``) says."""

    def press(self, payload: str) -> None:
        """A button of the person's own conversation was pressed."""

    def suspend_running(self) -> None:
        """Put the running exercise aside, resumable with /resume."""

    def pick(self, variants: Variants, key: str,
             values: dict[str, Value] | dict[str, str]) -> tuple[Segment, ...]:
        """One of a line's wordings (each heard in turn), filled in."""
