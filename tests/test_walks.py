"""Random walks through every real dialogue: whatever a person does, the engine
answers, never raises, and "stop" always brings them out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app import build_engine
from bot.choices import launcher
from bot.config import Settings
from bot.dialogue.spec import PauseStep
from bot.engine import START_TOKEN, Turn
from bot.state import ConversationState, Profile
from bot.types import (
    Assessment,
    ConversationKey,
    SendText,
    ShowJournal,
    ShowProgress,
    UpdateProfile,
)
from tests.events import event as make_event

Shown = ShowJournal | ShowProgress
"""Journal and progress views: answers too, rendered by the runtime."""

DIALOGUES = Path(__file__).parents[1] / "dialogues"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
KEY = ConversationKey("walk", "c", "u")

# Every language the bot speaks: the same dialogues in other words and other typed words.
ENGINE = build_engine(Settings(dialogues_dir=DIALOGUES))
LANGUAGES = ("en", *sorted(ENGINE.locales))

# How each dialogue is reached: a command, a safety verdict, or a first message.
STARTS: dict[str, list[tuple[str, str, str]]] = {
    dialogue_id: [("command", command, "none")]
    for command, dialogue_id in ENGINE.dialogues.commands.items()
}
STARTS["crisis"] = [("text", "I want to die", "crisis")]
STARTS["concern"] = [("text", "everything is too much", "concern")]
STARTS["onboarding"] = [("text", "I messed up at work", "none")]
# Free text the day after a crisis is met by listening.
STARTS["listen"] = [("text", "I want to die", "crisis"), ("command", "stop", "none"),
                    ("text", "I had a fight with my mum", "none")]
# The router's "which exercise would help?" has no command; a launcher button opens it.
STARTS["which_tool"] = [("choice", launcher("which_tool", "walk"), "none")]
# A nudge's button starts its exercise; the check-in after a crisis comes by timer.
for _exercise in ("checkin", "breathing", "compassion_log"):
    STARTS[_exercise] = [("choice", launcher(_exercise, "nudge"), "none")]
STARTS["follow_up"] = [("wake", f"{START_TOKEN}:follow_up", "none")]
# The measure's offer comes by timer (a launcher here: the walker has written nothing
# before, and an offer to someone gone quiet is not sent); what someone under the
# minimum age hears is reached from onboarding, and again from anything they try.
STARTS["measure_offer"] = [("choice", launcher("measure_offer", "walk"), "none")]
STARTS["too_young"] = [("choice", launcher("too_young", "walk"), "none")]


def test_every_dialogue_a_person_can_reach_is_walked() -> None:
    unreached = set(ENGINE.dialogues.dialogues) - set(STARTS)
    # The system and group lines are no dialogue; the group ones run only in groups
    # (one message, no question), and a group turn's private follow-ups (one hands
    # over to the crisis dialogue at once, one says one thing) are started only by
    # group turns; all are covered by the group, engine and adapter tests.
    assert unreached == {"system", "groups", "group_crisis", "group_private",
                         "group_concern", "crisis_from_group", "group_alert"}

moves = st.lists(
    st.one_of(
        st.sampled_from(["button", "button", "button", "skip", "I don't know", "stale", "wait"]),
        st.text(max_size=60).map(lambda t: "text:" + t),
    ),
    max_size=40,
)


class Walker:
    def __init__(self, onboarded: bool, locale: str = "en") -> None:
        self.state = ConversationState()
        self.profile = Profile(onboarded=onboarded, consent=True, locale=locale)
        self.buttons: list[str] = []
        self.n = 0
        self.now = NOW

    def send(self, kind: str, value: str, risk: str = "none") -> list[SendText | Shown]:
        self.n += 1
        self.now += timedelta(minutes=1)
        field = {"text": "text", "command": "command", "wake": "token"}.get(kind, "choice")
        event = make_event(KEY, str(self.n), self.now, kind, **{field: value})
        outcome = ENGINE.step(self.state, Turn(event, self.now, self.profile,
                                               Assessment(risk, ())))  # type: ignore[arg-type]
        self.state = outcome.state
        for action in outcome.actions:
            if isinstance(action, UpdateProfile):
                self.profile = Profile.model_validate({**self.profile.model_dump(),
                                                       **action.changes})
        sent = [a for a in outcome.actions if isinstance(a, SendText | ShowJournal | ShowProgress)]
        offered = [c.id for a in sent if isinstance(a, SendText) for c in a.choices]
        if offered:
            self.buttons = offered
        return sent

    def pause_token(self) -> str | None:
        """The timer token of the pause the dialogue rests on, if it rests on one."""
        frame = self.state.current
        if frame is None:
            return None
        step = ENGINE.dialogues[frame.dialogue].steps[frame.step]
        if not isinstance(step, PauseStep):
            return None
        return f"pause:{frame.dialogue}:{frame.step}:{self.state.said.get('pause', 0)}"


# English walks 100 ways through each dialogue; the other languages, which share its
# steps and differ only in words, 30 each (all 144 at 100 took a fifth of the suite).
@pytest.mark.parametrize("dialogue_id", sorted(STARTS))
@settings(max_examples=100, deadline=None)
@given(walk=moves, data=st.data())
def test_any_walk_through_a_dialogue_is_answered_and_stop_ends_it(
    dialogue_id: str, walk: list[str], data: st.DataObject
) -> None:
    walk_through(dialogue_id, "en", walk, data)


@pytest.mark.parametrize("locale", [code for code in LANGUAGES if code != "en"])
@pytest.mark.parametrize("dialogue_id", sorted(STARTS))
@settings(max_examples=30, deadline=None)
@given(walk=moves, data=st.data())
def test_any_walk_in_another_language_is_answered_and_stop_ends_it(
    dialogue_id: str, locale: str, walk: list[str], data: st.DataObject
) -> None:
    walk_through(dialogue_id, locale, walk, data)


def walk_through(dialogue_id: str, locale: str, walk: list[str], data: st.DataObject) -> None:
    """Start ``dialogue_id`` in ``locale``, make the moves, and stop: every move is
    answered with words, and stop ends everything."""
    walker = Walker(onboarded=dialogue_id != "onboarding", locale=locale)
    for kind, value, risk in STARTS[dialogue_id]:
        assert walker.send(kind, value, risk)
    # The dialogue is running (help, stop, export and the lists of exercises, journal
    # entries and progress, and /wellness outside a group, say their piece and end).
    if dialogue_id not in {"help", "stop", "export", "tools", "journal", "progress", "wellness",
                           "summary", "too_young"}:
        assert walker.state.current is not None
        assert walker.state.current.dialogue == dialogue_id
    for move in walk:
        if move == "button" and walker.buttons:
            sent = walker.send("choice", data.draw(st.sampled_from(walker.buttons)))
        elif move == "stale":
            sent = walker.send("choice", f"{dialogue_id}:nowhere:x")
        elif move == "wait":
            # Time passes: a pause ends by itself; otherwise nothing happens.
            token = walker.pause_token()
            sent = walker.send("wake", token or "pause:gone:gone")
            if token is None:
                assert sent == [], f"a stale timer spoke in {dialogue_id}"
                continue
        elif move.startswith("text:"):
            sent = walker.send("text", move[5:])
        else:
            sent = walker.send("text", move)
        assert sent, f"no answer to {move!r} in {dialogue_id}"
        assert all(a.plain.strip() for a in sent if isinstance(a, SendText))
    walker.send("command", "stop")
    assert walker.state.stack == []
