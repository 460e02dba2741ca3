"""Timers the conversation set, running out: a pause that ends, a follow-up or
reminder that starts its dialogue, and the chat opened again.

The timers themselves are set by steps (see :mod:`bot.turn.steps`); the nudges
the scheduler sends are :mod:`bot.nudges.turn`'s.
"""

from __future__ import annotations

from bot.dialogue.spec import AskStep, PauseStep
from bot.turn.steps import PAUSE_TOKEN, START_TOKEN, Steps

# Not a timer: the chat was opened again (the terminal after a restart), so the
# question waiting for an answer is asked again rather than left off screen.


class Timers(Steps):
    """A turn that can take a timer running out."""

    def wake(self, token: str) -> None:
        """A timer this conversation set has run out.  Stale timers pass silently:
        the person has moved on, and a late message would only confuse."""
        kind, _, rest = token.partition(":")
        frame = self.state.current
        if kind == PAUSE_TOKEN:
            if frame is not None and rest == self.pause_ref(frame) and frame.asked:
                step = self.step_of(frame)
                if isinstance(step, PauseStep):
                    self.goto(frame, step.next)
        elif (
            kind == START_TOKEN
            and rest in self.dialogues.dialogues
            and self.turn.event.chat_kind == "private"
            and not self.profile.unreachable
        ):
            self.start(rest)

    def reopen(self) -> None:
        """The chat was opened again: ask the question left waiting, if any."""
        frame = self.state.current
        if frame is not None and frame.asked and isinstance(self.step_of(frame), AskStep):
            self.say_line("back_to_question")
            self.reprompt()
