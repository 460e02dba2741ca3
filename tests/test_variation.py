"""Variation: a daily user should not meet the same sentence every day.

Every line of the dialogues a person meets day after day has at least three
wordings, and the engine walks one person through all of a line's wordings
before it repeats any (CONTENT.md, "Vary wording so daily users do not see the
same line every time").  Safety texts (crisis, concern, sos, plan) keep their
careful wording and are not listed here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.dialogue.loader import DialogueSet, load_dialogues, load_locales
from bot.dialogue.spec import AskChoiceStep, LaunchStep, PauseStep
from bot.dialogue.validation import texts_of
from bot.engine import Engine, Services, Turn
from bot.state import ConversationState, Profile
from bot.types import Assessment, ConversationKey, SendText
from tests.events import event as make_event

DIALOGUES = Path(__file__).resolve().parent.parent / "dialogues"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
MIN_WORDINGS = 3

# The dialogues a person may meet every day.
DAILY_DIALOGUES = (
    "menu",
    "belief",
    "help",
    "stop",
    "sc_break",
    "breathing",
    "imagery",
    "letter",
    "mistake",
    "reset",
    "compassion_log",
    "checkin",
    "tools",
    "journal",
    "progress",
    "which_tool",
    "win",
)
# The exercises in the library: each has its own command and takes the person's words.
EXERCISES = {
    "sc_break": "break",
    "breathing": "breathe",
    "imagery": "imagery",
    "letter": "letter",
    "mistake": "mistake",
    "reset": "reset",
    "compassion_log": "log",
    "checkin": "checkin",
}
# The system lines a daily user sees (not the rare ones: went_wrong, dm_closed,
# and not the Skip button's label or the /resume menu entry).
DAILY_LINES = (
    "stale_button",
    "unknown_command",
    "empty_message",
    "too_long",
    "choose_please",
    "choose_please_heard",
    "scale_please",
    "scale_please_heard",
    "nothing_to_resume",
    "resumed",
    "back_to_question",
    "skipped",
)


@pytest.fixture(scope="module")
def dialogues() -> DialogueSet:
    return load_dialogues([DIALOGUES])


@pytest.fixture(scope="module")
def every_language(dialogues: DialogueSet) -> dict[str, DialogueSet]:
    locales, problems = load_locales(DIALOGUES)
    assert problems == []
    return {"en": dialogues, **{code: locale.dialogues for code, locale in locales.items()}}


LANGUAGES = ("en", "es", "de", "pt")


@pytest.fixture(scope="module")
def engine(dialogues: DialogueSet) -> Engine:
    return Engine(
        dialogues,
        Services(parsers={}, crisis_resources=lambda *_: "RESOURCES"),
    )


# --- the content ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("dialogue_id", DAILY_DIALOGUES)
def test_every_line_of_a_daily_dialogue_has_three_wordings(
    every_language: dict[str, DialogueSet], dialogue_id: str, language: str
) -> None:
    d = every_language[language][dialogue_id]
    lines = 0
    for step_id, step in d.steps.items():
        for field_name, variants in texts_of(step):
            lines += 1
            where = f"{language}: {dialogue_id}.{step_id}.{field_name}"
            assert len(variants) >= MIN_WORDINGS, f"{where} has {len(variants)} wording(s)"
            # three wordings, not one said three times
            assert len(set(variants)) == len(variants), f"{where} repeats a wording"
    assert lines, f"{dialogue_id} says nothing"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", DAILY_LINES)
def test_every_daily_system_line_has_three_wordings(
    every_language: dict[str, DialogueSet], name: str, language: str
) -> None:
    variants = every_language[language].line(name)
    assert len(variants) >= MIN_WORDINGS, name
    assert len(set(variants)) == len(variants), f"{language}: {name} repeats a wording"


def test_each_exercise_has_its_command_and_takes_the_persons_words(
    dialogues: DialogueSet,
) -> None:
    for dialogue_id, command in EXERCISES.items():
        assert dialogues.commands.get(command) == dialogue_id, command
        assert "message" in dialogues[dialogue_id].inputs, dialogue_id


def test_tools_offers_every_exercise_and_talking_it_through(dialogues: DialogueSet) -> None:
    offered = {
        item.dialogue
        for step in dialogues["tools"].steps.values()
        if isinstance(step, LaunchStep)
        for item in step.items
    }
    assert {*EXERCISES, "belief", "journal", "progress"} <= offered


def test_which_tool_passes_the_persons_words_to_each_exercise(dialogues: DialogueSet) -> None:
    d = dialogues["which_tool"]
    ask = d.steps[d.start or ""]
    assert isinstance(ask, AskChoiceStep)
    targets = {}
    for option in ask.choices:
        goto = d.steps[option.next or ""]
        targets[option.id] = (getattr(goto, "dialogue", None), dict(goto.pass_vars))  # type: ignore[union-attr]
    assert targets["talk"] == ("belief", {"what_happened": "message"})
    for dialogue_id, passed in targets.values():
        if dialogue_id in EXERCISES:
            assert passed == {"message": "message"}, dialogue_id


def test_breathing_is_paced_and_offers_another_way(dialogues: DialogueSet) -> None:
    steps = dialogues["breathing"].steps
    pauses = [s for s in steps.values() if isinstance(s, PauseStep)]
    assert len(pauses) >= 6
    assert all(4 <= p.seconds <= 8 for p in pauses)
    # The longer out-breath: each in-breath is followed by a longer pause.
    for step in pauses:
        after = steps[step.next]
        if isinstance(after, PauseStep) and step.seconds < after.seconds:
            break
    else:
        pytest.fail("no out-breath longer than its in-breath")
    choose = steps["choose_way"]
    assert isinstance(choose, AskChoiceStep)
    assert len(choose.choices) >= 2


# --- the engine walks through every wording before repeating one ------------------


class Person:
    def __init__(self, engine: Engine, user: str) -> None:
        self.engine = engine
        self.key = ConversationKey("test", "c-" + user, user)
        self.state = ConversationState()
        self.profile = Profile(onboarded=True, consent=True, country="GB")
        self.n = 0
        self.buttons: dict[str, str] = {}

    def send(self, kind: str, **fields: str) -> list[str]:
        self.n += 1
        event = make_event(self.key, str(self.n), NOW, kind, **fields)
        outcome = self.engine.step(self.state, Turn(event, NOW, self.profile, Assessment()))
        self.state = outcome.state
        sent = [a for a in outcome.actions if isinstance(a, SendText)]
        for action in sent:
            if action.choices:
                self.buttons = {c.label: c.id for c in action.choices}
        return [a.plain for a in sent]

    def cmd(self, name: str) -> list[str]:
        return self.send("command", command=name)

    def say(self, text: str) -> list[str]:
        return self.send("text", text=text)


def _assert_full_rotations(heard: list[str], wordings: tuple[str, ...], what: str) -> None:
    n = len(wordings)
    assert n >= MIN_WORDINGS, what
    assert set(heard) <= set(wordings), f"{what}: heard something else"
    for start in range(0, len(heard) - n + 1, n):
        block = heard[start : start + n]
        assert sorted(block) == sorted(wordings), f"{what}: a wording repeated before all were said"


@pytest.mark.parametrize("user", ["ana", "ben", "cleo"])
@pytest.mark.parametrize("dialogue_id", ["sc_break", "breathing", "imagery", "mistake", "reset"])
def test_an_exercise_opening_never_repeats_before_every_wording_was_said(
    engine: Engine, dialogues: DialogueSet, dialogue_id: str, user: str
) -> None:
    person = Person(engine, user)
    step = dialogues[dialogue_id].steps["intro"]
    wordings = tuple(text for _, variants in texts_of(step) for text in variants)
    command = EXERCISES[dialogue_id]
    heard = []
    for _ in range(3 * len(wordings)):
        replies = person.cmd(command)
        heard.append(replies[0])
        person.cmd("stop")
    _assert_full_rotations(heard, wordings, f"{dialogue_id}.intro")


@pytest.mark.parametrize("user", ["ana", "ben", "cleo"])
def test_a_system_line_never_repeats_before_every_wording_was_said(
    engine: Engine, dialogues: DialogueSet, user: str
) -> None:
    person = Person(engine, user)
    wordings = dialogues.line("skipped")
    heard: list[str] = []
    person.cmd("mistake")
    for _ in range(20 * len(wordings)):
        if len(heard) == 3 * len(wordings):
            break
        if person.state.current is None:
            person.cmd("mistake")
        # (a skip that leads to words written for it is answered by those alone)
        heard += [reply for reply in person.say("skip") if reply in wordings]
    assert len(heard) == 3 * len(wordings)
    _assert_full_rotations(heard, wordings, "system.skipped")


def test_two_people_hear_the_wordings_in_different_orders(engine: Engine) -> None:
    orders = set()
    for user in ("ana", "ben", "cleo", "dev", "eli"):
        person = Person(engine, user)
        seen = []
        for _ in range(3):
            seen.append(person.cmd("break")[0])
            person.cmd("stop")
        orders.add(tuple(seen))
    assert len(orders) > 1
