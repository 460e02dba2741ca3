"""Timers the conversation set, running out: a pause that ends, a follow-up or
reminder that starts its dialogue, and the chat opened again.

The timers themselves are set by steps (see :mod:`bot.turn.steps`); the nudges
the scheduler sends are :mod:`bot.nudges.turn`'s.
"""

from __future__ import annotations

from datetime import timedelta

from bot.dialogue.spec import AskStep, PauseStep
from bot.turn.steps import FOLLOW_TOKEN, PAUSE_TOKEN, START_TOKEN, Steps, follow_up_series
from bot.types import ScheduleWake

# An offer the person did not ask for just now (the self-compassion measure) that
# comes due while they are in the middle of something waits this long instead.
BUSY_DELAY_SECONDS = 3 * 3600.0
BUSY_FOR = timedelta(hours=2)
# Someone who has not written for this long gets no offers or reminders they did
# not just ask for; crisis check-ins they agreed to still come.
QUIET_AFTER = timedelta(days=14)

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
        elif self.turn.event.chat_kind != "private" or self.profile.unreachable:
            return
        elif kind == START_TOKEN and rest in self.dialogues.dialogues:
            if rest not in self.dialogues.safety and self.gone_quiet():
                return  # they have not written for weeks: an offer would be unasked for
            if frame is not None and rest not in self.dialogues.safety and self.busy():
                # Never over an exercise they are doing now: it comes back later.
                self.actions.append(ScheduleWake(BUSY_DELAY_SECONDS, token))
                return
            self.start(rest)
        elif kind == FOLLOW_TOKEN:
            self.follow_up_due(rest)

    def busy(self) -> bool:
        """Whether the person wrote lately (a question left open for longer is put
        aside for /resume rather than hold an offer back for ever)."""
        active = self.state.active_at
        return active is not None and self.turn.now - active < BUSY_FOR

    def gone_quiet(self) -> bool:
        """Whether the person has not written for longer than ``QUIET_AFTER``."""
        active = self.state.active_at
        return active is None or self.turn.now - active > QUIET_AFTER

    def follow_up_due(self, rest: str) -> None:
        """A check-in agreed to after a crisis: only while that agreement stands
        (not replaced by a newer one, not stopped with "I'm fine")."""
        dialogue, _, rest = rest.partition(":")
        series, _, number = rest.rpartition(":")
        if (dialogue not in self.dialogues.dialogues or not number.isdigit()
                or follow_up_series(self.profile.follow_ups) != series):
            return
        self.start(dialogue, inputs={"round": int(number)})

    def reopen(self) -> None:
        """The chat was opened again: ask the question left waiting, if any."""
        frame = self.state.current
        if frame is not None and frame.asked and isinstance(self.step_of(frame), AskStep):
            self.say_line("back_to_question")
            self.reprompt()
