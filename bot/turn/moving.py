"""Moving between dialogues: starting one, putting the running one aside or
bringing it back, and ending one back into whatever called it.

What a started dialogue does to the running one is its ``interrupt``: discard
it, put it aside for /resume, or call over it and return.
"""

from __future__ import annotations

from bot.dialogue.spec import AskStep, Dialogue, GotoStep
from bot.state import Frame, Value
from bot.turn.context import EngineError
from bot.turn.saying import Saying
from bot.types import CountSafety

ONBOARDING = "onboarding"
# A dialogue asked for before onboarding (a first message "/checkin"): onboarding
# carries it in this variable and it starts when onboarding ends (see finish()).
ASKED_FOR = "asked_for"
# Someone's first message, when it was more than a greeting: onboarding keeps it.
OPENING = "opening"
# What /resume would bring back (the title of the exercise put aside), given to a
# dialogue that declares this input, so that it promises /resume only when true.
PAUSED = "paused"
# The operator's minimum age, given to a dialogue that declares it as an input.
MIN_AGE = "min_age"
# What someone under the minimum age gets instead of an exercise.
TOO_YOUNG = "too_young"


class Moving(Saying):
    """A turn that can start, set aside, resume and end dialogues."""

    def start(
        self, dialogue_id: str, *, mode: str | None = None, inputs: dict[str, Value] | None = None
    ) -> None:
        """Start a dialogue, doing to the running one what its ``interrupt`` says."""
        if self.profile.under_age and not self.open_to_young(dialogue_id):
            dialogue_id, inputs = TOO_YOUNG, None
        dialogue = self.dialogues[dialogue_id]
        mode = mode or dialogue.interrupt
        aside = mode == "suspend" and self.safety_aside(dialogue)
        if aside:
            # /sos or /plan in the middle of the crisis conversation is part of it:
            # the lines, then its question again (no word of /resume meanwhile).
            # Suspended, the conversation (never resumable) was lost, and /resume
            # brought back a check-in.
            mode = "call"
        if mode == "discard":
            self.state.stack.clear()
            self.state.suspended.clear()
        elif mode == "suspend":
            self.suspend_running()
        if PAUSED in dialogue.inputs and self.state.suspended and not aside:
            paused = self.dialogues[self.state.suspended[0].dialogue].title
            inputs = {**(inputs or {}), PAUSED: paused}
        self.push(dialogue, inputs or {})

    def safety_aside(self, dialogue: Dialogue) -> bool:
        """Whether ``dialogue`` is a safety flow of its own (the lines, a safety plan)
        asked for while a safety conversation runs."""
        return (dialogue.id in self.dialogues.safety and dialogue.counts_as is None
                and self.in_safety_conversation())

    def in_safety_conversation(self) -> bool:
        """Whether a safety conversation (one the operator's report counts: crisis,
        concern), or something it called, is running."""
        return any(self.dialogues[f.dialogue].counts_as is not None for f in self.state.stack)

    def route_opening(self, opening: str) -> None:
        """Onboarding is over: the first message goes where it would have gone from
        someone already known (a trial's "a year clean from self-harm today" and "I'm
        so proud of myself" were taken to "talk it through" as distress).  What the
        router is unsure of is talked through, as it always was."""
        router = self.engine.router_for(self.locale)
        route = router.route(opening, self.profile, recent_crisis=self.recent_crisis())
        if route.dialogue == ONBOARDING or route.dialogue in self.dialogues.hubs:
            route = router.talk_through(opening)
        self.start(route.dialogue, inputs=route.inputs)

    def open_to_young(self, dialogue_id: str) -> bool:
        """Whether someone under the minimum age may use this dialogue: the safety
        flows, and what works before onboarding (crisis lines, help, export,
        forget), but not onboarding itself or any exercise."""
        dialogue = self.dialogues.dialogues.get(dialogue_id)
        return dialogue_id != ONBOARDING and (
            dialogue_id in self.dialogues.safety
            or dialogue_id in self.dialogues.before_onboarding
            or (dialogue is not None and dialogue.all_ages))

    def suspend_running(self) -> None:
        kept_aside = self.dialogues.not_resumable
        resumable = [f for f in self.state.stack if f.dialogue not in kept_aside]
        if resumable:
            self.state.suspended = resumable
        self.state.stack.clear()

    def push(
        self, dialogue: Dialogue, inputs: dict[str, Value], at_step: str | None = None
    ) -> None:
        step = at_step or dialogue.start
        if step is None:
            raise EngineError(f"dialogue {dialogue.id} cannot be started")
        if dialogue.counts_as is not None and step == dialogue.start:
            self.actions.append(CountSafety(dialogue.counts_as))
            if dialogue.counts_as == "crisis":
                self.state.crisis_at = self.turn.now
        accepted = {k: v for k, v in inputs.items() if k in dialogue.inputs}
        if MIN_AGE in dialogue.inputs:
            accepted[MIN_AGE] = self.engine.min_age
        for name in dialogue.from_profile:
            value = getattr(self.profile, name, None)
            if isinstance(value, bool):
                # Branches compare text: consent reads as "yes" / "no".
                accepted[name] = "yes" if value else "no"
            elif isinstance(value, str | int):
                accepted[name] = value
        self.state.stack.append(Frame(dialogue=dialogue.id, step=step, vars=accepted))

    def resume(self) -> None:
        if not self.state.suspended:
            self.say_line("nothing_to_resume")
            self.reprompt()
            return
        self.state.stack = self.state.suspended
        self.state.suspended = []
        self.say_line("resumed")
        self.reprompt()

    def launch(self, dialogue_id: str) -> None:
        """A launcher button: start its dialogue, whatever is running."""
        if dialogue_id not in self.dialogues.dialogues:
            self.say_line("stale_button")
            self.reprompt()
            return
        if not self.onboard_first(dialogue_id):
            self.start(dialogue_id)

    def onboard_first(self, dialogue_id: str) -> bool:
        """Start onboarding instead when this person has not had it and the dialogue
        needs it; what they asked for starts when onboarding ends.  Whether it did."""
        if self.profile.onboarded or dialogue_id in self.dialogues.before_onboarding:
            return False
        if self.profile.under_age and self.open_to_young(dialogue_id):
            return False  # never onboarded, and never will be: what is open to them opens
        # The welcome comes first; what they asked for follows it.
        self.start(ONBOARDING, inputs={ASKED_FOR: dialogue_id})
        return True

    def follow(self, frame: Frame, step: GotoStep) -> None:
        target = self.dialogues[step.dialogue]
        inputs = {theirs: frame.vars[ours] for theirs, ours in step.pass_vars.items()
                  if ours in frame.vars}
        if step.call:
            # The caller stays on this goto step; finish() moves it on to `next`.
            self.push(target, inputs, step.step)
            return
        self.state.stack.pop()
        if target.interrupt == "suspend":
            self.suspend_running()
        self.push(target, inputs, step.step)

    def finish(self) -> None:
        done = self.state.stack.pop()
        asked_for = done.vars.get(ASKED_FOR)
        if isinstance(asked_for, str) and asked_for in self.dialogues.dialogues:
            # Onboarding is over: now what the person asked for in the first place.
            self.start(asked_for)
            return
        opening = done.vars.get(OPENING)
        if done.dialogue == ONBOARDING and isinstance(opening, str):
            self.route_opening(opening)
            return
        caller = self.state.current
        if caller is None:
            return
        if self.state.offered and caller.dialogue in self.dialogues.hubs:
            # A list of exercises shown over the menu is the question now: asking the
            # menu again under it made a trial's "2" answer the menu, not the list.
            self.state.stack.pop()
            return
        step = self.step_of(caller)
        if isinstance(step, GotoStep) and step.next is not None:
            self.goto(caller, step.next)
        else:
            # Back from something said in between (help, a safety check): ask again,
            # in the words it was asked in (new words would read as a new greeting).
            self.say_line("back_to_question")
            if isinstance(step, AskStep):
                self.reprompt()
            else:
                caller.asked = False
