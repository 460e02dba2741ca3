"""A scheduled nudge, due now: the engine's ``nudge`` section.

Called by the pure engine for a ``nudge`` event, through the public
:class:`~bot.turn.context.TurnContext`; it decides whether to send one now and
asks the :class:`~bot.turn.context.NudgeComposer` (:mod:`bot.nudges.library`)
for its words.  No I/O, no clock of its own.
"""

from __future__ import annotations

from datetime import timedelta

from bot.turn.context import CRISIS_MEMORY, TurnContext

BUSY_FOR = timedelta(minutes=30)
"""Someone who wrote this recently is in the middle of something: no nudge now."""
NUDGE_COUNTER = "nudge"
"""The counter of nudges sent, kept with the counters of wordings said."""


def nudge(run: TurnContext) -> None:
    """A scheduled nudge is due.  None is sent to someone busy with the bot right
    now, within a day of a crisis (the agreed check-in comes instead), or
    when it is found too late (the bot was down).

    A question left waiting long ago (most people end at the menu) does not
    hold nudges back: it is put aside, resumable, so that what the person
    writes after the nudge is read afresh rather than as that old answer.
    """
    composer = run.nudges
    state, turn = run.state, run.turn
    crisis_at = state.crisis_at
    active_at = state.active_at
    busy = active_at is not None and turn.now - active_at < BUSY_FOR
    if (
        composer is None
        or (state.stack and busy)
        or (crisis_at is not None and turn.now - crisis_at < CRISIS_MEMORY)
        or turn.now - turn.event.at > run.nudge_grace
    ):
        return
    count = state.said.get(NUDGE_COUNTER, 0)
    message = composer.compose(turn.event.key.user_id, count, run.profile, turn.now)
    if message is not None:
        run.suspend_running()
        state.said[NUDGE_COUNTER] = count + 1
        run.actions.append(message)
