"""Which dialogue answers a message that arrives outside any dialogue.

The router is pure and small on purpose: within a day of a crisis, free text
is met by listening; a person who is new goes to onboarding (carrying what they
wrote, so nothing they said is lost); a greeting opens the menu.  Anything else
is scored against the cue table (:mod:`bot.route_cues`) and leads to the
exercise it clearly speaks for; when no exercise clearly wins, the bot asks
with buttons (``which_tool``) rather than guess.

Only dialogues that exist are routed to: a route whose dialogue is not loaded
drops out of the scoring, and without ``which_tool`` the belief flow (always
present) takes what is left, as it did before exercises existed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from bot.route_cues import CUES, NEGATED_TO
from bot.route_scorer import Scorer, Scores
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
BELIEF = "belief"
ASK = "which_tool"
# Which variable of each dialogue carries the person's text (``message`` otherwise).
TEXT_INPUT: Mapping[str, str] = {BELIEF: "what_happened"}
# A route is taken only when its cues add up to MIN_SCORE and beat the runner-up
# by MARGIN; otherwise the bot asks.  Chosen with `compassion-bot router eval`.
MIN_SCORE = 3.0
MARGIN = 1.0


@dataclass(frozen=True, slots=True)
class Route:
    """Start ``dialogue`` with ``inputs`` as its variables."""

    dialogue: str
    inputs: dict[str, Value] = field(default_factory=dict)


class Router:
    """Maps free text outside a dialogue to the dialogue that should answer it."""

    def __init__(
        self,
        *,
        available: Collection[str] | None = None,
        scorer: Scorer | None = None,
        min_score: float = MIN_SCORE,
        margin: float = MARGIN,
    ) -> None:
        """``available``: the dialogue ids loaded (``None``: every routed one)."""
        self.scorer = scorer or Scorer(CUES, negated_to=NEGATED_TO)
        self.available = frozenset(self.scorer.routes if available is None else available)
        self.min_score = min_score
        self.margin = margin

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
        dialogue = self.choose(self.scorer.score(text))
        return Route(dialogue, {TEXT_INPUT.get(dialogue, "message"): text})

    def choose(self, scores: Scores) -> str:
        """The exercise the scores clearly speak for, else the question which one."""
        best, top, runner_up = ASK, 0.0, 0.0
        for route, total in scores.totals.items():
            if route not in self.available:
                continue
            if total > top:
                best, top, runner_up = route, total, top
            elif total > runner_up:
                runner_up = total
        if top < self.min_score or top - runner_up < self.margin:
            best = ASK
        if best not in self.available:
            # Without the question, the belief flow is the one that fits any story.
            return ASK if ASK in self.available else BELIEF
        return best
