"""The pure dialogue engine: ``Engine.step(state, turn) -> Outcome``.

No I/O, no asyncio, no platform types and no clock of its own: given the
conversation's state and one turn (the inbound event, the time, the person's
profile and the safety verdict), it returns the new state and the actions to
take.  The runtime persists the state and sends the actions.

Order of precedence inside a turn:

1. A crisis verdict stops everything and starts the ``crisis`` dialogue; a
   concern starts the ``concern`` check over whatever was running.
2. Commands (and the plain words "stop" and "help") work at every step.
3. A button press is applied only if it belongs to the question being asked.
4. Text answers the question being asked, or goes to the router.

The turn itself is :mod:`bot.turn`, split by concern; this module is its
front door and re-exports what callers use of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.dialogue.loader import DialogueSet, Locale
from bot.dialogue.locales import control_words, plain_key
from bot.groups.prompts import PromptLibrary
from bot.groups.state import GroupState
from bot.router import Router
from bot.state import ConversationState
from bot.text import HUMAN_QUESTIONS
from bot.turn.context import CRISIS_MEMORY, EngineError, NudgeComposer, Services, Turn
from bot.turn.dispatch import CONCERN, CRISIS, CRISIS_FROM_GROUP, GROUP_ALERT, SOS, STOP, Run
from bot.turn.moving import ASKED_FOR, ONBOARDING, PAUSED
from bot.turn.steps import MAX_STEPS_PER_TURN, PAUSE_TOKEN, PRIVATE_CHAT_PAYLOAD, START_TOKEN
from bot.types import Action

__all__ = [
    "ASKED_FOR",
    "CONCERN",
    "CRISIS",
    "CRISIS_FROM_GROUP",
    "CRISIS_MEMORY",
    "GROUP_ALERT",
    "MAX_STEPS_PER_TURN",
    "NUDGE_GRACE",
    "ONBOARDING",
    "PAUSED",
    "PAUSE_TOKEN",
    "PRIVATE_CHAT_PAYLOAD",
    "SOS",
    "START_TOKEN",
    "STOP",
    "Engine",
    "EngineError",
    "NudgeComposer",
    "Outcome",
    "Services",
    "Turn",
]

# The operator's minimum age unless they set another (MIN_AGE): adults only.
DEFAULT_MIN_AGE = 18
# A nudge found later than this after it was due (the bot was down) is not sent.
NUDGE_GRACE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Outcome:
    state: ConversationState
    actions: list[Action]
    group: GroupState | None = None
    """The group's new state, when this turn changed it."""
    drop_wins: tuple[int, ...] = ()
    """Kept wins the digest has used (or passed over): no longer stored."""


class Engine:
    """Runs validated dialogues.  Immutable; one instance serves every conversation.

    It is the :class:`~bot.turn.context.EngineParts` every turn reads.
    """

    def __init__(
        self,
        dialogues: DialogueSet,
        services: Services,
        *,
        router: Router | None = None,
        nudges: NudgeComposer | None = None,
        prompts: PromptLibrary | None = None,
        nudge_grace: timedelta = NUDGE_GRACE,
        quote_chars: int = 120,
        max_answer_chars: int = 4000,
        locales: Mapping[str, Locale] | None = None,
        locale_prompts: Mapping[str, PromptLibrary] | None = None,
        locale_nudges: Mapping[str, NudgeComposer] | None = None,
        locale_routers: Mapping[str, Router] | None = None,
        min_age: int = DEFAULT_MIN_AGE,
    ) -> None:
        self.dialogues = dialogues
        self.locales: Mapping[str, Locale] = dict(locales or {})
        """The other languages, by code: the same dialogues in their words."""
        self.locale_prompts: Mapping[str, PromptLibrary] = dict(locale_prompts or {})
        self.locale_nudges: Mapping[str, NudgeComposer] = dict(locale_nudges or {})
        self.locale_routers: Mapping[str, Router] = dict(locale_routers or {})
        self.control_words: Mapping[str, Mapping[str, str]] = {
            code: control_words(locale.info) for code, locale in self.locales.items()}
        """Per language, its whole answers that mean skip, stop, "I don't know",
        help or a number, and the English the engine reads them as."""
        self.services = services
        # Free text is routed only to exercises that are loaded.
        self.router = router or Router(available=dialogues.dialogues.keys())
        self.nudges = nudges
        self.prompts = prompts
        """The daily prompts of group wellness channels."""
        self.nudge_grace = nudge_grace
        self.quote_chars = quote_chars
        self.max_answer_chars = max_answer_chars
        self.min_age = min_age
        """Onboarding asks whether the person is at least this old (0: never asks)."""
        self.human_questions: frozenset[str] = frozenset(HUMAN_QUESTIONS).union(
            *({plain_key(word) for word in locale.info.words.human}
              for locale in self.locales.values()))
        """"Are you a real person?" in every language the bot speaks (answer keys)."""

    def dialogues_for(self, locale: str | None) -> DialogueSet:
        """The dialogues in ``locale``'s words; English for English, for none
        chosen, and for a language no longer installed."""
        found = self.locales.get(locale) if locale else None
        return found.dialogues if found is not None else self.dialogues

    def prompts_for(self, locale: str | None) -> PromptLibrary | None:
        """The group prompts in ``locale``'s words (English where it has none)."""
        return self.locale_prompts.get(locale or "", self.prompts)

    def router_for(self, locale: str | None) -> Router:
        """The router reading free text in ``locale``, with that language's cues
        (the English router where the language has none)."""
        return self.locale_routers.get(locale or "", self.router)

    def nudges_for(self, locale: str | None) -> NudgeComposer | None:
        """The nudges in ``locale``'s words (English where it has none)."""
        return self.locale_nudges.get(locale or "", self.nudges)

    def step(self, state: ConversationState, turn: Turn, *, owned: bool = False) -> Outcome:
        """Apply one turn.  ``state`` is not modified unless the caller ``owned`` it
        (a state it decoded for this turn alone and will not read again: then the
        copy, a twentieth of a turn's time, is skipped); the new state is returned.
        ``owned`` says the same of the turn's profile, which is then not copied either."""
        run = Run(self, state if owned else state.clone(), turn, owned=owned)
        run.handle()
        group = run.group if run.group is not None and run.group != turn.group else None
        return Outcome(run.state, run.actions, group, tuple(run.drop_wins))
