"""Which dialogue answers a message that arrives outside any dialogue.

The router is pure and small on purpose: within a day of a crisis, free text
is met by listening; a person who is new goes to onboarding (carrying what they
wrote, so nothing they said is lost); a greeting (listed in the routing file,
``dialogues/library/routing.yaml``) opens the menu.  Anything else is read by
the learned model (:mod:`bot.route_model`), which weighs the words of the
message together with the routing file's cue table (:mod:`bot.route_cues`), and leads
to the route it clearly speaks for; when no route is probable enough (the
model's threshold, chosen by cross-validation) or the model itself says the
message is unclear, the bot asks with buttons (``which_tool``) rather than guess.

Only dialogues that exist are routed to: a route whose dialogue is not loaded
drops out, and without ``which_tool`` the belief flow (always present) takes
what is left, as it did before exercises existed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.route_cues import RouteCues, shipped_route_cues
from bot.route_model import RouteModel, load_route_model
from bot.route_scorer import Scorer
from bot.state import Profile, Value
from bot.text import answer_key

BELIEF = "belief"
ASK = "which_tool"
MENU = "menu"
# Deciding by cues alone (a language the model does not read): a route needs at
# least one strong cue's weight, and to lead the next route by more than a weak
# cue's.  Set from the weights' scale (1 weak ... 6 decisive), not tuned on data.
CUE_ONLY_MIN = 3.0
CUE_ONLY_MARGIN = 1.5
# Which variable of each dialogue carries the person's text (``message`` otherwise).
TEXT_INPUT: Mapping[str, str] = {BELIEF: "what_happened"}


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
        model: RouteModel | None = None,
        cues: RouteCues | None = None,
        cues_only: bool = False,
    ) -> None:
        """``available``: the dialogue ids loaded (``None``: every routed one);
        ``model``: the shipped one unless given (read once per process);
        ``cues``: the cue table and greetings of the dialogues folder (the shipped
        ones unless given); ``scorer``, when given, replaces the table's cues;
        ``cues_only``: decide by the cue table alone, for a language the model
        was not trained on (its words mean nothing to it)."""
        table = cues or shipped_route_cues()
        self.greetings = table.greetings
        self.scorer = scorer or Scorer(table.cues, negated_to=table.negated_to,
                                       negation=table.negation)
        self.model = model or load_route_model()
        self.cues_only = cues_only
        routed = (*self.scorer.routes, *self.model.routes)
        self.available = frozenset(routed if available is None else available)

    @staticmethod
    def talk_through(text: str) -> Route:
        """Free text no exercise is clear enough for, talked through with it."""
        return Route(BELIEF, {TEXT_INPUT[BELIEF]: text})

    def route(self, text: str, profile: Profile, *, recent_crisis: bool = False) -> Route:
        greeting = answer_key(text) in self.greetings
        if recent_crisis:
            # Never lead someone into an exercise right after a crisis: listen,
            # and let them choose an exercise themselves.
            return Route("listen", {"message": text})
        if not profile.onboarded:
            return Route("onboarding", {} if greeting else {"opening": text})
        if greeting:
            return Route(MENU)
        dialogue = self.decide(text)
        if dialogue == MENU:
            # A greeting the list does not name ("heya", "I'm back"): the menu
            # takes no text, as for a listed one.
            return Route(MENU)
        return Route(dialogue, {TEXT_INPUT.get(dialogue, "message"): text})

    def shares(self, text: str) -> dict[str, float]:
        """The model's probability of every route for ``text`` (for explaining)."""
        return self.model.probabilities(text, self.scorer.score(text).totals)

    def decide(self, text: str) -> str:
        """The route the model clearly speaks for, else the question which one."""
        if self.cues_only:
            return self._decide_by_cues(text)
        shares = self.shares(text)
        # Routes whose dialogue is not loaded drop out; asking never does.
        open_routes = [r for r in self.model.routes if r in self.available or r == ASK]
        best = max(open_routes, key=shares.__getitem__, default=ASK)
        if shares.get(best, 0.0) < self.model.threshold:
            best = ASK
        if best not in self.available:
            # Without the question, the belief flow is the one that fits any story.
            return ASK if ASK in self.available else BELIEF
        return best


    def _decide_by_cues(self, text: str) -> str:
        """The route whose cues clearly lead (a strong cue, ahead of the next
        route by a clear margin), else the question which one."""
        totals = self.scorer.score(text).totals
        ranked = sorted(((t, r) for r, t in totals.items() if r in self.available),
                        reverse=True)
        if not ranked:
            return ASK if ASK in self.available else BELIEF
        best_total, best = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if best_total < CUE_ONLY_MIN or best_total - runner_up < CUE_ONLY_MARGIN:
            return ASK if ASK in self.available else BELIEF
        return best


def __getattr__(name: str) -> Any:
    """``GREETINGS``: the shipped greetings, read on first use rather than at import
    (they live in the routing file now), for readers that want the list."""
    if name == "GREETINGS":
        return shipped_route_cues().greetings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
