"""Which dialogue answers a message that arrives outside any dialogue.

The router is pure and small on purpose: within a day of a crisis, free text
is met by listening; a person who is new goes to
onboarding (carrying what they wrote, so nothing they said is lost); a greeting
opens the menu; anything else is taken as something that happened and starts
the belief flow with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.state import Profile, Value
from bot.text import answer_key

GREETINGS = frozenset(
    {
        "hi",
        "hello",
        "hey",
        "hiya",
        "yo",
        "good morning",
        "good evening",
        "good afternoon",
        "hi there",
        "hello there",
        "hey there",
        "start",
        "menu",
        "thanks",
        "thank you",
        "ok",
        "okay",
    }
)


@dataclass(frozen=True, slots=True)
class Route:
    """Start ``dialogue`` with ``inputs`` as its variables."""

    dialogue: str
    inputs: dict[str, Value] = field(default_factory=dict)


class Router:
    """Maps free text outside a dialogue to the dialogue that should answer it."""

    def route(self, text: str, profile: Profile, *, recent_crisis: bool = False) -> Route:
        greeting = answer_key(text) in GREETINGS
        if recent_crisis:
            # Never lead someone into an exercise right after a crisis: listen,
            # and let them choose an exercise themselves.
            return Route("listen", {"message": text})
        if not profile.onboarded:
            return Route("onboarding", {} if greeting else {"opening": text})
        if greeting:
            return Route("menu")
        return Route("belief", {"what_happened": text})
