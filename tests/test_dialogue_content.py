"""The real conversation content in ``dialogues/``: valid, and right where a person notices.

The schema and graph rules are checked by the loader; these tests pin down what
CONTENT.md asks of the words themselves (not a therapist, the twelve stages of
the belief flow, no "you should", short enough for a phone), and walk a few
whole conversations through the engine so that the content and the engine
are known to work together.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.dialogue.loader import DialogueSet, check_dialogues, load_dialogues
from bot.dialogue.spec import (
    AskChoiceStep,
    AskScaleStep,
    AskTextStep,
    BranchStep,
    Dialogue,
    JournalStep,
    ResourcesStep,
    SayStep,
    placeholders,
)
from bot.dialogue.validation import QUOTE_CHARS, successors, texts_of
from bot.engine import Engine, Services, Turn
from bot.state import ConversationState, Profile
from bot.types import (
    Assessment,
    ConversationKey,
    ForgetUser,
    Inbound,
    RecordJournal,
    SendText,
    TextMessage,
    UpdateProfile,
)
from tests.events import event as make_event

DIALOGUES = Path(__file__).resolve().parent.parent / "dialogues"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PHONE_SCREEN_CHARS = 700

# CONTENT.md "The core flow": stage -> the belief steps that carry it, in order.
BELIEF_STAGES: dict[str, tuple[str, ...]] = {
    "1 arrive": ("arrive",),
    "2 name it": ("name_feeling", "rate_before"),
    "3 what happened": ("happened_check", "happened_ask"),
    "4 the story": ("story", "story_check"),
    "5 where it came from": ("origin",),
    "6 best intentions": ("intention",),
    "7 impact": ("impact",),
    "8 fit": ("fit",),
    "9 a friend": ("friend",),
    "10 reframe": ("reframe",),
    "11 again, 0-10": ("rate_after", "reflect_change"),
    "12 reinforce": ("reinforce", "keep", "offer"),
}
FORBIDDEN = ("you should", "just think positive", "think positive", "you must", "calm down")


@pytest.fixture(scope="module")
def dialogues() -> DialogueSet:
    return load_dialogues([DIALOGUES])


def all_texts(d: Dialogue) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every wording and button label a person can see."""
    for step_id, step in d.steps.items():
        for field_name, variants in texts_of(step):
            for text in variants:
                yield f"{d.id}.{step_id}.{field_name}", text
        if isinstance(step, AskChoiceStep):
            for option in step.choices:
                yield f"{d.id}.{step_id}.{option.id}", option.label
            if step.other is not None:
                yield f"{d.id}.{step_id}.other", step.other.label
    for name, variants in d.lines.items():
        for text in variants:
            yield f"{d.id}.lines.{name}", text


def every_text(dialogues: DialogueSet) -> Iterator[tuple[str, str]]:
    for d in dialogues.dialogues.values():
        yield from all_texts(d)


# --- the files ------------------------------------------------------------------


def test_dialogues_are_valid() -> None:
    assert [str(p) for p in check_dialogues([DIALOGUES])] == []


def test_each_file_holds_the_dialogue_it_is_named_after() -> None:
    for path in sorted(DIALOGUES.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert raw["id"] == path.stem, path.name


def test_the_commands_people_are_told_about_exist(dialogues: DialogueSet) -> None:
    for command in ("talk", "stop", "sos", "export", "forget", "help", "start"):
        assert command in dialogues.commands, command


# --- what a person reads --------------------------------------------------------


def _every_wording_of_some_step_says(d: Dialogue, *needles: str) -> bool:
    for step in d.steps.values():
        for _, variants in texts_of(step):
            if all(all(n in text.casefold() for n in needles) for text in variants):
                return True
    return False


@pytest.mark.parametrize("dialogue_id", ["onboarding", "help"])
def test_says_it_is_not_a_therapist_nor_an_emergency_service(
    dialogues: DialogueSet, dialogue_id: str
) -> None:
    d = dialogues[dialogue_id]
    # Whichever wording is picked, both are said, and /sos is named.
    assert _every_wording_of_some_step_says(d, "not a therapist", "emergency service", "/sos")


def test_onboarding_says_once_what_it_is_not(dialogues: DialogueSet) -> None:
    d = dialogues["onboarding"]
    steps = [
        s
        for s, step in d.steps.items()
        if any("not a therapist" in t.casefold() for _, vs in texts_of(step) for t in vs)
    ]
    assert len(steps) == 1


def test_onboarding_asks_consent_and_country_and_mentions_export_and_forget(
    dialogues: DialogueSet,
) -> None:
    d = dialogues["onboarding"]
    consent = d.steps["consent"]
    assert isinstance(consent, AskChoiceStep)
    assert {o.id for o in consent.choices} == {"yes", "no"}
    assert all("/export" in t and "/forget" in t for t in consent.say)
    country = d.steps["country"]
    assert isinstance(country, AskTextStep)
    assert country.parse == "country"
    assert country.invalid is not None


def test_help_lists_every_command(dialogues: DialogueSet) -> None:
    text = " ".join(t for _, t in all_texts(dialogues["help"]))
    for command in ("/talk", "/stop", "/resume", "/sos", "/export", "/forget", "/help", "/start"):
        assert command in text, command
    for word in ("skip", "i don't know", "stop"):
        assert word in text.casefold()


def test_belief_has_a_step_for_each_of_the_twelve_stages(dialogues: DialogueSet) -> None:
    d = dialogues["belief"]
    assert len(BELIEF_STAGES) == 12
    for stage, step_ids in BELIEF_STAGES.items():
        for step_id in step_ids:
            assert step_id in d.steps, f"stage {stage}: no step '{step_id}'"


def test_belief_stages_come_in_order(dialogues: DialogueSet) -> None:
    d = dialogues["belief"]

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            step_id = todo.pop()
            if step_id not in seen:
                seen.add(step_id)
                todo += successors(d.steps[step_id])
        return seen

    order = [step_id for step_ids in BELIEF_STAGES.values() for step_id in step_ids]
    assert d.start == order[0]
    for earlier, later in itertools.pairwise(order):
        if later == "happened_ask":  # the question is skipped when they already said it
            continue
        assert later in reach(earlier), f"'{later}' cannot follow '{earlier}'"
        assert earlier not in reach(later), f"'{later}' leads back to '{earlier}'"


def test_belief_saves_what_the_stages_ask_for(dialogues: DialogueSet) -> None:
    steps = dialogues["belief"].steps
    expected: dict[str, tuple[type[AskTextStep | AskChoiceStep | AskScaleStep], str]] = {
        "name_feeling": (AskChoiceStep, "feeling"),
        "rate_before": (AskScaleStep, "intensity_before"),
        "happened_ask": (AskTextStep, "what_happened"),
        "story": (AskTextStep, "story"),
        "origin": (AskTextStep, "origin"),
        "intention": (AskTextStep, "intention"),
        "impact": (AskTextStep, "impact"),
        "fit": (AskChoiceStep, "fit"),
        "friend": (AskTextStep, "friend"),
        "reframe": (AskTextStep, "reframe"),
        "rate_after": (AskScaleStep, "intensity_after"),
    }
    for step_id, (kind, var) in expected.items():
        step = steps[step_id]
        assert isinstance(step, kind), step_id
        assert isinstance(step, AskTextStep | AskChoiceStep | AskScaleStep)
        assert step.save == var, step_id
    feeling = steps["name_feeling"]
    assert isinstance(feeling, AskChoiceStep)
    assert feeling.other is not None
    fit = steps["fit"]
    assert isinstance(fit, AskChoiceStep)
    assert [o.id for o in fit.choices] == ["yes", "partly", "no"]
    assert all(isinstance(steps[o.next], SayStep) for o in fit.choices if o.next)
    keep = steps["keep"]
    assert isinstance(keep, JournalStep)
    assert keep.entry == "reframe"
    assert {"reframe", "feeling", "intensity_before", "intensity_after"} <= set(keep.fields)


def test_labels_and_absolutes_get_a_gentle_socratic_question(dialogues: DialogueSet) -> None:
    steps = dialogues["belief"].steps
    check = steps["story_check"]
    assert isinstance(check, BranchStep)
    (case,) = check.cases
    assert case.when.var == "story"
    words = set(case.when.contains_word or ())
    assert {"always", "never", "everyone", "should", "failure", "worthless", "stupid"} <= words
    socratic = steps[case.next]
    assert isinstance(socratic, AskTextStep)
    assert len(socratic.say) >= 3
    # No word-spotting: the story may quote someone else ("she said I always ruin
    # things"), so no single word of it is picked out and named.
    assert case.when.capture is None
    for text in (*socratic.say, *(socratic.stuck or ())):
        assert placeholders(text) == [], text
        assert "noticed the word" not in text.casefold()
        assert "you are" not in text.casefold()
        assert "you're a" not in text.casefold()


def test_a_word_from_someone_elses_accusation_is_not_picked_out(engine: Engine) -> None:
    person = Person(engine)
    person.cmd("talk")
    person.press("Let's go on")
    person.press("Sad")
    person.press("6")
    person.say("We argued")
    reply = person.say("she said I always ruin things")
    assert person.where == ("belief", "socratic")
    assert "always" not in reply
    assert "ruin" not in reply


# CONTENT.md "When the person is stuck": the exercises that ask for a person's own
# words offer an example or a smaller question on "I don't know".
STUCK_DIALOGUES = ("belief", "mistake", "sc_break", "letter", "imagery")


def test_every_free_text_question_of_the_exercises_helps_when_stuck(
    dialogues: DialogueSet,
) -> None:
    missing = [f"{dialogue_id}.{step_id}"
               for dialogue_id in STUCK_DIALOGUES
               for step_id, step in dialogues[dialogue_id].steps.items()
               if isinstance(step, AskTextStep) and not step.stuck]
    assert missing == [], "free-text questions without a stuck: " + ", ".join(missing)
    for dialogue_id in STUCK_DIALOGUES:
        for step_id, step in dialogues[dialogue_id].steps.items():
            if isinstance(step, AskTextStep) and step.stuck:
                assert len(step.stuck) >= 2, f"{dialogue_id}.{step_id}: vary the stuck line"


def test_i_dont_know_gets_an_example_then_the_person_writes(engine: Engine) -> None:
    person = Person(engine)
    person.cmd("talk")
    person.press("Let's go on")
    person.press("Sad")
    person.press("6")
    person.say("I missed my train and was late again")
    assert person.where == ("belief", "story")
    reply = person.say("I don't know")
    stuck = engine.dialogues["belief"].steps["story"]
    assert isinstance(stuck, AskTextStep) and stuck.stuck
    assert reply.split("\n")[0] in stuck.stuck
    assert person.where == ("belief", "story")
    assert "Skip" in person.buttons()
    person.say("I'm useless")
    assert person.where == ("belief", "socratic")
    # A second "I don't know" on the same question moves on.
    person.say("idk")
    assert person.where == ("belief", "socratic")
    person.say("not sure")
    assert person.where == ("belief", "origin")


def test_every_question_a_daily_user_meets_has_several_wordings(dialogues: DialogueSet) -> None:
    for step_id, step in dialogues["belief"].steps.items():
        if isinstance(step, AskTextStep | AskChoiceStep | AskScaleStep | SayStep):
            assert len(step.say) >= 2, f"belief.{step_id}"
    for name in ("stale_button", "skipped", "back_to_question", "choose_please"):
        assert len(dialogues.line(name)) >= 2, name


def test_no_line_tells_people_what_they_should_do(dialogues: DialogueSet) -> None:
    for where, text in every_text(dialogues):
        folded = text.casefold().replace("\u2019", "'")
        for phrase in FORBIDDEN:
            assert phrase not in folded, f"{where}: {phrase!r}"
        assert "!!" not in text, where


def test_every_line_fits_a_phone_screen(dialogues: DialogueSet) -> None:
    for where, text in every_text(dialogues):
        longest = len(text) + QUOTE_CHARS * len(placeholders(text))
        assert longest < PHONE_SCREEN_CHARS, f"{where}: up to {longest} characters"


def test_system_placeholders_have_fallbacks(dialogues: DialogueSet) -> None:
    for where, text in all_texts(dialogues["system"]):
        for name, fallback in placeholders(text):
            assert fallback is not None, f"{where}: {{{name}}} needs a fallback"


def test_crisis_and_sos_show_resources_first(dialogues: DialogueSet) -> None:
    for dialogue_id in ("crisis", "sos"):
        d = dialogues[dialogue_id]
        assert d.start is not None
        first = d.steps[d.start]
        if isinstance(first, BranchStep):
            # Which words come with them (the crisis started again by new danger
            # says so); every way leads to the lines first.
            targets = [case.next for case in first.cases] + [first.default]
            assert all(isinstance(d.steps[t], ResourcesStep) for t in targets), dialogue_id
        else:
            assert isinstance(first, ResourcesStep), dialogue_id


# --- whole conversations through the engine -------------------------------------


class Person:
    """One person talking to the real content; profile effects applied as the runtime would."""

    def __init__(self, engine: Engine, *, onboarded: bool = True, consent: bool = True) -> None:
        self.engine = engine
        self.key = ConversationKey("test", "chat", "person")
        self.now = NOW
        self.state = ConversationState()
        self.profile = Profile(
            onboarded=onboarded,
            consent=consent if onboarded else None,
            country="GB" if onboarded else None,
        )
        self.actions: list[object] = []
        self.journal: list[RecordJournal] = []
        self.n = 0

    def _turn(self, event: Inbound, risk: str = "none",
              reasons: tuple[str, ...] = ("test",), topic: str | None = None) -> str:
        assessment = (Assessment(risk, reasons, topic)  # type: ignore[arg-type]
                      if risk != "none" else Assessment())
        outcome = self.engine.step(self.state, Turn(event, self.now, self.profile, assessment))
        self.state = outcome.state
        self.actions = list(outcome.actions)
        for action in outcome.actions:
            if isinstance(action, UpdateProfile):
                self.profile = Profile.model_validate(
                    {**self.profile.model_dump(), **action.changes}
                )
            if isinstance(action, ForgetUser):
                self.profile = Profile()
            if isinstance(action, RecordJournal):
                self.journal.append(action)
        return "\n".join(a.plain for a in outcome.actions if isinstance(a, SendText))

    def _event(self, kind: str, **fields: str) -> Inbound:
        self.n += 1
        return make_event(self.key, str(self.n), self.now, kind, **fields)

    def say(self, text: str, risk: str = "none", reasons: tuple[str, ...] = ("test",),
            topic: str | None = None) -> str:
        return self._turn(self._event("text", text=text), risk, reasons, topic)

    def cmd(self, name: str) -> str:
        return self._turn(self._event("command", command=name))

    def buttons(self) -> dict[str, str]:
        for action in reversed(self.actions):
            if isinstance(action, SendText) and action.choices:
                return {c.label: c.id for c in action.choices}
        return {}

    def press(self, label: str) -> str:
        return self._turn(self._event("choice", choice=self.buttons()[label]))

    @property
    def where(self) -> tuple[str, str] | None:
        frame = self.state.current
        return (frame.dialogue, frame.step) if frame else None


@pytest.fixture(scope="module")
def engine(dialogues: DialogueSet) -> Engine:
    return Engine(
        dialogues,
        Services(
            parsers={"country": lambda t: {"uk": "GB", "germany": "DE"}.get(t.strip().lower())},
            crisis_resources=lambda country, topic=None, words=None, adult=False: (
                f"RESOURCES-{country or 'INTL'}"),
        ),
        # The minimum-age question has tests of its own (tests/test_age_gate.py).
        min_age=0,
    )


def test_a_whole_round_of_the_belief_flow(engine: Engine) -> None:
    person = Person(engine)
    # Told after "Something else" at the menu, the words go to the belief flow
    # whatever the router would pick (typed straight at the menu, they are routed).
    person.cmd("start")
    person.press("Something else")
    reply = person.say("I forgot my best friend's birthday")
    assert person.where == ("belief", "arrive")
    person.press("Let's go on")
    person.press("Guilty")
    reply = person.press("8")
    assert person.where == ("belief", "story")
    reply = person.say("I'm a terrible friend and I always let people down")
    assert person.where == ("belief", "socratic")
    assert "terrible" not in reply and "always" not in reply
    person.say("Maybe not, I remembered last year")
    assert person.where == ("belief", "origin")
    person.say("My dad used to say it")
    person.say("Trying to make me careful with people")
    person.say("I feel anxious around friends")
    # Someone else was part of it: their side, their best intentions, a repair.
    assert person.where == ("belief", "others_ask")
    person.press("Yes, let's")
    person.say("She was probably disappointed")
    assert person.where == ("belief", "other_intention")
    person.say("She hoped I'd remember, she's had a lonely month")
    person.say("Call her and say sorry")
    reply = person.press("No, not really")
    assert person.where == ("belief", "friend")
    person.say("Everyone forgets sometimes, it doesn't mean you don't care")
    person.say("Forgetting once doesn't make me a bad friend")
    reply = person.press("5")
    assert "Forgetting once" in reply or "compassion" in reply.casefold()
    # Their own kind words may go into the compassion kit, for a harder day.
    assert person.where == ("kit", "offer_ask")
    person.press("Keep it in my kit")
    assert person.where == ("belief", "offer")
    assert [j.kind for j in person.journal] == ["reframe", "kit"]
    assert person.journal[1].data["words"] == "Forgetting once doesn't make me a bad friend"
    entry = person.journal[0].data
    assert entry["reframe"] == "Forgetting once doesn't make me a bad friend"
    assert entry["intensity_before"] == 8
    assert entry["intensity_after"] == 5
    assert entry["feeling"] == "guilty"
    assert entry["other_side"] == "She was probably disappointed"
    assert entry["mend"] == "Call her and say sorry"
    person.press("That's enough for now")
    assert person.where is None


def test_every_question_of_the_belief_flow_can_be_skipped(engine: Engine) -> None:
    person = Person(engine)
    person.cmd("talk")
    for _ in range(30):
        if person.where is None or person.where == ("belief", "soothe"):
            break
        reply = person.say("skip")
        assert reply, person.where
        assert "{" not in reply
        assert "}" not in reply
    # Mostly skipped: no praise, something soothing is offered instead.
    assert person.where == ("belief", "soothe")


def test_without_consent_nothing_is_journaled(engine: Engine) -> None:
    person = Person(engine, consent=False)
    person.cmd("talk")
    for _ in range(60):
        if person.where == ("belief", "soothe"):
            break
        person.say("I don't know")
    assert person.journal == []


def test_someone_new_is_welcomed_and_their_first_words_are_kept(engine: Engine) -> None:
    person = Person(engine, onboarded=False)
    reply = person.say("I failed my exam again")
    assert "not a therapist" in reply
    assert "/sos" in reply
    assert person.profile.onboarded is True
    person.press("Yes, keep them")
    assert person.profile.consent is True
    reply = person.say("atlantis")
    assert person.where == ("onboarding", "country")
    person.say("UK")
    assert person.profile.country == "GB"
    assert person.where == ("belief", "arrive")
    person.press("A breath first")
    person.press("I'm ready to go on")
    person.press("Anxious")
    reply = person.press("6")
    assert "I failed my exam again" in reply or "Thank you for telling me" in reply
    assert person.where == ("belief", "story")


def test_a_greeting_from_someone_new_ends_at_the_menu(engine: Engine) -> None:
    person = Person(engine, onboarded=False)
    person.say("hi")
    person.press("No, thanks")
    assert person.profile.consent is False
    person.say("skip")
    assert person.where == ("menu", "choose")
    person.press("How this works")
    assert person.where == ("menu", "choose")


def test_not_sure_in_the_safety_check_shows_resources(engine: Engine) -> None:
    person = Person(engine)
    person.cmd("talk")
    person.press("Let's go on")
    reply = person.say("I can't do this anymore", risk="concern")
    assert person.where == ("concern", "check")
    reply = person.say("not sure")
    assert "RESOURCES-" in reply
    # After the lines, one direct question; "no" goes back to the exercise.
    assert person.where == ("concern", "ask_direct")
    assert "killing yourself" in reply or "ending your life" in reply
    person.press("No")
    assert person.where == ("belief", "name_feeling")


@pytest.mark.parametrize("typed", ["I'm fine", "i'm safe", "of course", "safe"])
def test_a_typed_yes_to_are_you_safe_is_heard_as_safe(engine: Engine, typed: str) -> None:
    person = Person(engine)
    person.cmd("talk")
    person.say("I can't do this anymore", risk="concern")
    reply = person.say(typed)
    assert "RESOURCES-" not in reply
    assert person.where != ("concern", "ask_direct")


@pytest.mark.parametrize("typed", ["I'm not suicidal", "of course not", "what? no, it's an exam",
                                   "not suicidal"])
def test_a_typed_denial_of_suicidal_thoughts_is_heard_as_no(engine: Engine, typed: str) -> None:
    person = Person(engine)
    person.cmd("talk")
    person.say("I can't do this anymore", risk="concern")
    person.say("not sure")
    assert person.where == ("concern", "ask_direct")
    reply = person.say(typed)
    assert "plan" not in reply.casefold(), reply  # not asked about a plan after a no
    assert person.where[0] == "belief"  # back to the exercise


def test_no_in_the_safety_check_leads_to_crisis_and_puts_the_exercise_aside(
    engine: Engine,
) -> None:
    person = Person(engine)
    person.cmd("talk")
    person.say("I can't go on", risk="concern")
    reply = person.press("No")
    assert "RESOURCES-" in reply
    assert person.where == ("crisis", "ask_direct")
    assert [f.dialogue for f in person.state.suspended] == ["belief"]
    person.press("No")
    assert person.where == ("crisis", "after_no")
    person.press("Some support would help")
    assert person.where == ("crisis", "choose_adult")
    reply = person.press("Make a small safety plan")
    assert person.where == ("plan", "signs")
    for answer in ("no sleep", "a walk", "the library", "my sister", "my GP"):
        person.say(answer)
    person.say("skip")
    assert person.where == ("plan", "keep_ask")  # kept only when they say so
    reply = person.press("Yes, keep my plan")
    assert person.where is None
    assert "/plan" in reply
    assert person.profile.model_dump()["plan_people"] == "my sister"
    assert "plan_safer" not in person.profile.model_dump()
    # Asked again, the saved plan is shown, with the crisis lines.
    reply = person.cmd("plan")
    assert "my sister" in reply and "RESOURCES-" in reply
    assert person.where == ("plan", "change")


def test_crisis_language_stops_the_exercise_at_once(engine: Engine) -> None:
    person = Person(engine)
    person.cmd("talk")
    reply = person.say("I want to end it all", risk="crisis")
    assert reply.index("Thank you") < reply.index("RESOURCES-")
    assert person.where == ("crisis", "ask_direct")
    person.press("No")
    person.press("Some support would help")
    assert person.where == ("crisis", "choose_adult")
    reply = person.press("I'm safe for now")
    assert person.where == ("crisis", "check_in")
    person.press("Yes, please")
    assert person.where is None
    assert person.profile.follow_up_at is not None


@pytest.mark.parametrize("cleared", ["[I'm okay, carry on]", "it was a joke about my exam",
                                     "lol it was a figure of speech", "false alarm haha",
                                     # a second trial's, met with "reach one of the lines"
                                     "ye carry on", "can we just go back to the exercise"])
def test_a_cleared_false_alarm_ends_the_crisis_and_offers_the_paused_exercise(
    engine: Engine, cleared: str,
) -> None:
    """A trial cleared a misread ("this exam is killing me") and was kept in the
    crisis menu, its explanation answered as pain ("That sounds so hard to carry")."""
    person = Person(engine)
    person.cmd("talk")
    person.say("this exam is killing me, I want to die lol", risk="crisis")
    person.press("No")
    assert person.where == ("crisis", "after_no")
    reply = person.press(cleared[1:-1]) if cleared.startswith("[") else person.say(cleared)
    assert person.where is None, "nothing left running but the paused exercise"
    assert "sorry if I jumped in" in reply or "ask once too often" in reply
    assert "/resume" in reply and "/sos" in reply
    assert "so hard to carry" not in reply
    assert [f.dialogue for f in person.state.suspended] == ["belief"]


@pytest.mark.parametrize("typed", ["it was a joke about my exam", "lol no I was joking",
                                   "haha no", "i was joking", "it was a figure of speech",
                                   "it was just an expression"])
def test_a_typed_misread_at_the_direct_question_is_a_no(engine: Engine, typed: str) -> None:
    """A trial's "it was a joke about my exam" at "are you thinking about killing
    yourself?" was met with "that took courage... have you made a plan?"."""
    person = Person(engine)
    person.say("this exam is killing me, I want to die lol", risk="crisis")
    assert person.where == ("crisis", "ask_direct")
    person.say(typed)
    assert person.where == ("crisis", "after_no")


def test_a_stated_wish_to_kill_oneself_is_checked_not_asked_as_if_unheard(
    engine: Engine,
) -> None:
    """A trial wrote "I want to kill myself" and was asked "are you thinking about
    killing yourself?" as if it had not been said."""
    person = Person(engine)
    reply = person.say("I want to kill myself", risk="crisis", reasons=("ideation",))
    assert person.where == ("crisis", "ask_stated")
    question = reply[reply.index("RESOURCES-GB"):]
    assert "understand" in question and "Can I ask you plainly" not in question
    person.press("Yes")
    assert person.where == ("crisis", "ask_plan")
    # The same answers: a misread is still cleared with a word.
    person = Person(engine)
    person.say("this exam, I want to kill myself lol", risk="crisis", reasons=("ideation",))
    person.say("no it was a joke about my exam")
    assert person.where == ("crisis", "after_no")
    # Risk the rules did not hear as said outright is asked about plainly.
    person = Person(engine)
    person.say("nobody would even notice", risk="crisis", reasons=("burden",))
    assert person.where == ("crisis", "ask_direct")


THOUGHTS_QUESTIONS = ("thoughts of killing yourself", "thinking about killing yourself",
                      "thinking about ending your life", "thinking of ending your life")


@pytest.mark.parametrize(("said", "reasons"), [
    ("I'm on the bridge and I'm going to jump", ("means",)),
    ("I have the rope ready and I'm doing it tonight", ("plan", "means")),
    ("I'm going to kill myself tonight", ("ideation", "plan")),
    ("I tried to hang myself an hour ago", ("act_taken", "ideation")),
])
def test_danger_told_now_is_met_with_the_emergency_number_and_are_you_safe(
    engine: Engine, said: str, reasons: tuple[str, ...],
) -> None:
    """A new-user trial's "I'm on the bridge and I'm going to jump" got, after the
    lines, "are you thinking about ending your life?", as if unheard."""
    person = Person(engine)
    reply = person.say(said, risk="crisis", reasons=reasons)
    assert person.where == ("crisis", "ask_safe_now")
    question = reply[reply.index("RESOURCES-GB"):]
    assert "emergency number" in question
    assert "somewhere safe" in question
    assert not any(asked in question for asked in THOUGHTS_QUESTIONS)
    # Not safe (a button, or a typed "no"): the call now, and the urgent menu.
    reply = person.press("No, I'm not safe")
    assert "call the emergency number" in reply
    assert person.where == ("crisis", "choose_urgent")
    assert "I'm safe for now" not in person.buttons()
    person = Person(engine)
    person.say(said, risk="crisis", reasons=reasons)
    reply = person.say("no")
    assert person.where == ("crisis", "choose_urgent")
    assert "emergency number" in reply and "sorry" not in reply


def test_safe_for_now_after_danger_told_goes_on_to_the_means_then_a_person(
    engine: Engine,
) -> None:
    person = Person(engine)
    person.say("I have the rope ready and I'm doing it tonight", risk="crisis",
               reasons=("plan", "means"))
    reply = person.press("Yes, I'm safe for now")
    # The rope named is not asked about as if unread; the plan is not asked again.
    assert person.where == ("crisis", "ask_means_told")
    assert "glad" in reply and "plan" not in reply
    person.press("No")
    assert person.where == ("crisis", "choose_urgent")  # a plan told: a person, now
    # Typed words at "are you somewhere safe?" are heard, with the call said again.
    person = Person(engine)
    person.say("I'm on the bridge and I'm going to jump", risk="crisis", reasons=("means",))
    reply = person.say("i dont know what to do anymore, everything hurts")
    assert "emergency number" in reply
    assert person.where == ("crisis", "choose_urgent")


def test_danger_told_now_can_still_be_cleared_in_words_that_say_so(engine: Engine) -> None:
    person = Person(engine)
    person.say("I'm going to kill myself tonight lol", risk="crisis",
               reasons=("ideation", "plan"))
    assert person.where == ("crisis", "ask_safe_now")
    person.say("it was a joke about my exam")
    assert person.where == ("crisis", "after_no")


def test_danger_to_someone_else_is_not_asked_whether_the_writer_is_safe(
    engine: Engine,
) -> None:
    person = Person(engine)
    person.say("my friend is on the bridge and says she will jump", risk="crisis",
               reasons=("third_party_risk", "means"))
    assert person.where is not None and person.where[1] != "ask_safe_now"


# --- new danger told inside the crisis conversation (a fourth trial) ----------------


def _first_lines(dialogues: DialogueSet) -> list[str]:
    lines = dialogues["crisis"].steps["lines"]
    assert isinstance(lines, ResourcesStep) and lines.say is not None
    return list(lines.say)


def _thinking_of_it(engine: Engine, *, country: str | None = "GB") -> Person:
    person = Person(engine)
    person.profile = Profile(onboarded=True, consent=True, country=country)
    person.say("I want to die", risk="crisis", reasons=("ideation",))
    return person


def test_means_told_at_the_thoughts_question_is_heard_not_taken_for_yes(
    engine: Engine, dialogues: DialogueSet,
) -> None:
    """"The pills are already by the bed" at "are you thinking about ending your
    life?" was read as "yes" and asked "have you made any plans?"."""
    person = _thinking_of_it(engine)
    assert person.where == ("crisis", "ask_stated")
    reply = person.say("the pills are already by the bed", risk="crisis", reasons=("means",))
    assert person.where == ("crisis", "means_now")
    # Heard, the lines again (not the first words again), the call, out of reach.
    assert "RESOURCES-GB" in reply
    assert not any(line in reply for line in _first_lines(dialogues))
    after = reply[reply.index("RESOURCES-GB"):]
    assert "emergency number" in after
    assert "harder to reach" in after or "out of reach" in after
    assert "plan" not in after
    person.press("I'll move it now")
    assert person.where == ("crisis", "choose_urgent")


def test_a_place_told_as_means_is_asked_are_you_safe_not_to_put_it_away(
    engine: Engine,
) -> None:
    person = _thinking_of_it(engine)
    reply = person.say("I'm on the roof now", risk="crisis", reasons=("means",))
    assert person.where == ("crisis", "ask_safe_now")
    assert "out of reach" not in reply and "harder to reach" not in reply


def test_a_plan_told_at_the_country_question_is_not_met_with_the_same_lines_and_question(
    engine: Engine, dialogues: DialogueSet,
) -> None:
    """"I already know how I'll do it" at "which country are you in?" got the lines
    and the country question again, word for word, and nothing about the plan."""
    person = _thinking_of_it(engine, country=None)
    assert person.where == ("crisis", "ask_country")
    reply = person.say("I already know how I'll do it", risk="crisis", reasons=("plan",))
    assert person.where == ("crisis", "ask_safe_now")
    assert "RESOURCES-INTL" in reply
    assert not any(line in reply for line in _first_lines(dialogues))
    assert "country" not in reply.casefold()
    after = reply[reply.index("RESOURCES-INTL"):]
    assert "emergency number" in after and "somewhere safe" in after


def test_a_plan_told_in_answer_to_the_plan_question_is_still_its_answer(
    engine: Engine,
) -> None:
    person = _thinking_of_it(engine)
    person.press("Yes")
    assert person.where == ("crisis", "ask_plan")
    reply = person.say("I'm going to do it tonight", risk="crisis", reasons=("plan",))
    assert "RESOURCES" not in reply  # the answer, not a restart
    assert person.where is not None and person.where[1] != "ask_plan"


@pytest.mark.parametrize(("said", "expected"), [
    ("tonight seems like the right time", "ask_safe_now"),
    ("the pills are already by the bed", "means_now"),
])
def test_words_of_a_time_or_the_means_at_the_direct_question_are_not_a_yes(
    engine: Engine, said: str, expected: str,
) -> None:
    """Typed at the concern check's "are you having thoughts of killing yourself?",
    they were taken for "yes" and asked "have you made any plans?"; the detector saw
    only the learned layers' risk in them, which a safety question does not act on."""
    person = Person(engine)
    person.say("she left her prescription bottle in the cabinet", risk="concern",
               reasons=("model",))
    person.press("Not sure")
    assert person.where == ("concern", "ask_direct")
    reply = person.say(said, risk="concern", reasons=("context",))
    assert person.where == ("crisis", expected)
    assert "emergency number" in reply
    assert "made a plan" not in reply and "plans to act" not in reply


def test_abuse_told_in_the_suicide_conversation_gets_its_lines_and_safety_from_them(
    engine: Engine,
) -> None:
    person = _thinking_of_it(engine)
    reply = person.say("he hit me again tonight", risk="crisis",
                       reasons=("danger_from_other",), topic="abuse")
    assert person.where == ("crisis", "abuse_check")
    assert person.state.current is not None
    assert person.state.current.vars.get("topic") == "abuse"
    after = reply[reply.index("RESOURCES-GB"):]
    assert "emergency number" in after and "safe from" in after
    assert not any(asked in after for asked in THOUGHTS_QUESTIONS)


def test_abuse_told_at_the_country_question_is_heard_with_the_emergency_number(
    engine: Engine,
) -> None:
    """"Tonight he grabbed my neck until I couldn't breathe" at the country question
    (no risk seen in it alone) got "we don't need the country... what would help?"."""
    person = Person(engine)
    person.profile = Profile(onboarded=True, consent=True)
    person.say("if I go out he says he'll hurt me", risk="crisis",
               reasons=("danger_from_other",), topic="abuse")
    assert person.where == ("crisis", "ask_country")
    reply = person.say("tonight he grabbed my neck until I couldn't breathe")
    assert "need the country" not in reply
    assert "emergency number" in reply and ("fault" in reply or "deserve" in reply)
    assert person.where == ("crisis", "abuse_check")
    reply = person.press("No")
    assert "call the emergency number" in reply
    assert person.where == ("crisis", "abuse_trust")


@pytest.mark.parametrize("reasons", [("danger_from_other",), ("third_party_risk",)])
def test_a_sibling_hurt_is_followed_by_safety_from_the_person_not_the_suicide_question(
    engine: Engine, reasons: tuple[str, ...],
) -> None:
    """The abuse lines for a brother thrown against a wall were followed by "are you
    thinking about ending your life?"."""
    person = Person(engine)
    reply = person.say("last night dad threw my little brother against the wall",
                       risk="crisis", reasons=reasons, topic="abuse")
    assert person.where == ("crisis", "abuse_check")
    assert not any(asked in reply for asked in THOUGHTS_QUESTIONS)
    assert "everyone" in reply
    reply = person.press("Yes, for now")
    assert "emergency number" in reply
    assert person.where == ("crisis", "abuse_trust")
    person.press("There's no one")
    assert person.where == ("crisis", "choose_adult")


def test_an_adult_to_tell_is_asked_of_someone_young_after_abuse(engine: Engine) -> None:
    person = Person(engine)
    person.profile = Profile(onboarded=True, consent=True, country="GB", under_age=True)
    person.say("my dad hits my brother", risk="crisis", reasons=("danger_from_other",),
               topic="abuse")
    person.press("Yes, for now")
    assert person.where == ("crisis", "adult_who")


def test_an_overdose_told_over_several_messages_takes_the_overdose_path(
    engine: Engine,
) -> None:
    """"I took some of my pills earlier", "the whole bottle really", "I feel kind of
    dizzy now" was met with questions about suicidal thoughts and plans."""
    person = Person(engine)
    person.say("I took some of my pills earlier", risk="concern", reasons=("model",),
               topic="overdose")
    assert person.where == ("concern", "check")
    reply = person.say("more than I should, the whole bottle really", risk="concern",
                       reasons=("model",))
    assert person.where == ("crisis", "overdose_now")
    assert person.state.current is not None
    assert person.state.current.vars.get("topic") == "overdose"
    assert "RESOURCES-GB" in reply and "emergency number" in reply
    assert not any(asked in reply for asked in THOUGHTS_QUESTIONS)
    reply = person.say("I feel kind of dizzy now")
    assert "call the emergency number" in reply.casefold()
    assert person.where == ("crisis", "choose_urgent")


@pytest.mark.parametrize("risk", ["crisis", "concern"])
def test_an_overdose_told_in_the_suicide_conversation_moves_it_to_the_overdose_path(
    engine: Engine, risk: str,
) -> None:
    person = _thinking_of_it(engine)
    person.press("No")
    reply = person.say("I took all my pills", risk=risk, reasons=("model",),
                       topic="overdose")
    assert person.where == ("crisis", "overdose_now")
    assert "RESOURCES-GB" in reply and "emergency number" in reply


def _after_an_overdose(engine: Engine) -> Person:
    person = Person(engine)
    person.say("I took 40 pills an hour ago", risk="crisis", reasons=("act_taken",),
               topic="overdose")
    assert person.where == ("crisis", "overdose_now")
    return person


def test_other_words_after_an_overdose_keep_the_emergency_call_in_front(
    engine: Engine,
) -> None:
    """At "is anyone with you?" after an overdose, "I took two ibuprofen for my
    headache" got "That's okay to feel", a line for not wanting to call."""
    person = _after_an_overdose(engine)
    reply = person.say("I took two ibuprofen for my headache")
    assert "okay to feel" not in reply
    assert "call the emergency number" in reply.casefold()
    assert person.where == ("crisis", "choose_urgent")
    reply = person.say("I took two ibuprofen for my headache")
    assert "call the emergency number" in reply.casefold()
    assert person.where == ("crisis", "choose_urgent")


@pytest.mark.parametrize("typed", ["no", "skip", "I don't know"])
def test_a_no_at_the_urgent_menu_does_not_end_the_conversation_without_the_call(
    engine: Engine, typed: str,
) -> None:
    """After an overdose, "no" at "what would help you most?" ended the crisis
    conversation with no word of the emergency number."""
    person = _after_an_overdose(engine)
    person.press("I'm alone")
    assert person.where == ("crisis", "choose_urgent")
    reply = person.say(typed)
    assert "emergency number" in reply
    assert person.where == ("crisis", "talk")


def test_thoughts_of_suicide_after_an_overdose_stay_in_the_overdose_conversation(
    engine: Engine,
) -> None:
    """After "I took 40 pills", "I just want to die" started the conversation again
    about suicide; a "no" to its question then ended it as a misread, with "sorry if
    I jumped in", the overdose forgotten."""
    person = _after_an_overdose(engine)
    reply = person.say("I just want to die", risk="crisis", reasons=("ideation",),
                       topic="suicide")
    assert "RESOURCES" not in reply  # heard inside the conversation, not started again
    assert "call the emergency number" in reply.casefold()
    assert person.where == ("crisis", "choose_urgent")
    frame = person.state.current
    assert frame is not None and frame.vars.get("topic") == "overdose"
    reply = person.say("no")
    assert "jumped in" not in reply and "emergency number" in reply
    assert person.where == ("crisis", "talk")
    # Told as a new danger at the menu, it starts again with the overdose's lines first.
    person = _after_an_overdose(engine)
    person.press("I'm alone")
    reply = person.say("I'm going to jump off the roof", risk="crisis", reasons=("means",),
                       topic="suicide")
    assert "RESOURCES" in reply
    assert person.where == ("crisis", "overdose_now")


@pytest.mark.parametrize("typed", ["i meant it", "it was a joke but not really",
                                   "i was joking, sometimes"])
def test_words_that_only_look_like_a_misread_are_not_a_no(engine: Engine, typed: str) -> None:
    person = Person(engine)
    person.say("I want to die", risk="crisis")
    person.say(typed)
    assert person.where == ("crisis", "ask_plan")


@pytest.mark.parametrize("typed", ["lol no im fine, i meant the workload",
                                   "i'm fine, it was a joke", "it was just an expression"])
def test_a_typed_misread_at_are_you_safe_is_safe(engine: Engine, typed: str) -> None:
    """A trial's "lol no im fine, i meant the workload" at "are you safe right
    now?" was answered with "not being sure is reason enough" and the suicide question."""
    person = Person(engine)
    person.cmd("talk")
    person.say("I can't go on", risk="concern")
    reply = person.say(typed)
    assert "Not being sure" not in reply
    assert person.where is None or person.where[0] != "crisis"


def test_an_explanation_with_a_but_is_listened_to_not_taken_as_okay(engine: Engine) -> None:
    person = Person(engine)
    person.say("I don't want to be here anymore", risk="crisis")
    person.press("No")
    person.say("it was a joke but honestly things are bad")
    assert person.where != ("crisis", "misread")
    assert person.where is not None and person.where[0] == "crisis"


@pytest.mark.parametrize(("typed", "heard"), [
    ("i dont want to be a burden to anyone anymore", "burden"),
    ("i just feel so alone with all of it", "alone|no one is there"),
    ("everything is too much", None),
])
def test_staying_to_talk_answers_a_burden_or_loneliness_for_what_it_is(
    engine: Engine, typed: str, heard: str | None,
) -> None:
    """A trial wrote "i dont want to be a burden" and got "that sounds so hard to
    carry", one of three stock lines."""
    person = Person(engine)
    _to_stay_and_talk(person)
    reply = person.say(typed)
    assert person.where == ("crisis", "talk_more")
    if heard is None:
        assert "burden" not in reply and "alone" not in reply
    else:
        assert any(words in reply for words in heard.split("|"))
    # Typed instead of a button at the next question: listened to the same way.
    reply = person.say("i'm such a burden on my family")
    assert person.where == ("crisis", "talk_more")
    assert "burden" in reply


def test_staying_to_talk_after_a_crisis_keeps_listening(engine: Engine) -> None:
    person = Person(engine)
    _to_stay_and_talk(person)
    assert person.where == ("crisis", "talk")
    person.say("everything is too much")
    assert person.where == ("crisis", "talk_more")
    person.press("Keep writing")
    assert person.where == ("crisis", "talk")
    person.say("skip")
    assert person.where == ("crisis", "talk_more")
    person.press("That's enough for now")
    assert person.where == ("crisis", "check_in")
    reply = person.press("No, thank you")
    assert person.where is None
    assert person.profile.follow_up_at is None
    assert "/sos" in reply


def test_forget_asks_first_and_skipping_keeps_everything(engine: Engine) -> None:
    person = Person(engine)
    person.cmd("forget")
    person.say("skip")
    assert person.profile.onboarded is True
    person.cmd("forget")
    person.press("Yes, delete everything")
    assert person.profile.onboarded is False


def test_without_a_country_the_crisis_response_asks_for_one_once(engine: Engine) -> None:
    person = Person(engine)
    person.profile = Profile(onboarded=True, consent=True)
    reply = person.say("I want to die", risk="crisis")
    assert "RESOURCES-INTL" in reply
    assert person.where == ("crisis", "ask_country")
    reply = person.say("Germany")
    assert "RESOURCES-DE" in reply
    assert person.profile.country == "DE"
    assert person.where == ("crisis", "ask_direct")
    # Said again in answer to the direct question: heard as its answer, not a new start.
    person.say("I want to die", risk="crisis")
    assert person.where == ("crisis", "ask_plan")
    # Known from now on: a later crisis does not ask for the country again.
    person.cmd("stop")
    person.say("I want to die", risk="crisis")
    assert person.where == ("crisis", "ask_direct")


def test_the_crisis_conversation_asks_directly_about_a_plan_and_means(engine: Engine) -> None:
    person = Person(engine)
    reply = person.say("I want to die", risk="crisis")
    assert reply.index("RESOURCES-GB") < reply.index("?")
    assert "killing yourself" in reply or "ending your life" in reply
    reply = person.press("Yes")
    assert person.where == ("crisis", "ask_plan")
    assert "plan" in reply
    person.press("No")
    assert person.where == ("crisis", "ask_means")
    reply = person.press("Yes")
    # Means safety, right then, in general words: never which means.
    assert person.where == ("crisis", "means_safety")
    assert "harder to reach" in reply or "out of reach" in reply
    reply = person.press("I'll move it now")
    # The means near: reach a person now; and the conversation goes on.
    assert "now" in reply
    assert person.where == ("crisis", "choose_urgent")
    assert "Stay and talk" in person.buttons()
    # Right after "something is near", never "I'm safe for now" or the kit.
    assert "I'm safe for now" not in person.buttons()
    assert "Look at my compassion kit" not in person.buttons()
    reply = person.press("I'll reach out to someone now")
    assert "brave" in reply or "right step" in reply
    assert person.where == ("crisis", "check_in")


def test_means_that_cannot_be_moved_lead_to_the_urgent_menu(engine: Engine) -> None:
    """A trial said it could not move the tablets and was offered "I'm safe for now"."""
    person = Person(engine)
    _to_means_safety(person)
    person.press("I can't right now")
    assert person.where == ("crisis", "choose_urgent")
    assert "I'm safe for now" not in person.buttons()


def test_without_a_plan_the_usual_menu_stays(engine: Engine) -> None:
    person = Person(engine)
    person.say("I want to die", risk="crisis")
    person.press("Yes")
    person.press("No")
    person.press("No")
    assert "I'm safe for now" in person.buttons()


@pytest.mark.parametrize("refusal", ["I don't want to", "nope", "I won't"])
def test_a_refusal_to_move_the_means_is_not_thanked_as_if_agreed(
    engine: Engine, refusal: str
) -> None:
    person = Person(engine)
    person.say("I want to die", risk="crisis")
    person.press("Yes")
    person.press("No")
    person.press("Yes")
    assert person.where == ("crisis", "means_safety")
    reply = person.say(refusal)
    assert "lines above now" in reply, reply  # reach a person now, not "thank you"
    assert "Thank you for doing that" not in reply


def test_the_crisis_questions_never_ask_which_method(dialogues: DialogueSet) -> None:
    for dialogue_id in ("crisis", "concern", "follow_up"):
        for where, text in all_texts(dialogues[dialogue_id]):
            folded = text.casefold()
            for word in ("method", "how would you", "how will you", "which pills", "what pills"):
                assert word not in folded, f"{where}: {text}"


@pytest.mark.parametrize("topic", ["abuse", "overdose", "eating_disorder"])
def test_other_crisis_topics_keep_their_lines_and_are_asked_what_helps(
    engine: Engine, topic: str
) -> None:
    person = Person(engine)
    person.profile = Profile(onboarded=True, consent=True, country="GB")
    person.n += 1
    outcome = engine.step(person.state, Turn(
        TextMessage(person.key, "t", NOW, "worrying"), NOW, person.profile,
        Assessment("crisis", ("test",), topic)))  # type: ignore[arg-type]
    person.state = outcome.state
    # An overdose taken first hears, once more, that it is an emergency, and who is
    # near; danger from someone else, whether everyone is safe from them now.
    expected = {"overdose": "overdose_now", "abuse": "abuse_check"}
    assert person.where == ("crisis", expected.get(topic, "choose_adult"))


# --- earned reinforcement ---------------------------------------------------------


def _praise_lines(dialogues: DialogueSet, dialogue_id: str) -> list[str]:
    return [text for step in dialogues[dialogue_id].steps.values()
            if isinstance(step, SayStep) and step.praise for text in step.say]


def _belief_until_rate_after(person: Person, *, skip_compassion: bool) -> None:
    person.cmd("talk")
    person.press("Let's go on")
    person.press("Sad")
    person.press("6")
    person.say("I was late for work again")
    person.say("I'm hopeless")
    person.say("skip" if skip_compassion else "Maybe one late day isn't everything")
    for _ in range(3):  # origin, intention, impact
        person.say("skip" if skip_compassion else "I don't know")
        if person.where is not None and person.where[1] not in ("origin", "intention", "impact"):
            break
        if not skip_compassion:
            person.say("not sure")
    person.press("Partly")
    person.say("skip" if skip_compassion else "Being late once doesn't make you hopeless")
    person.say("skip" if skip_compassion else "I'm learning, and that's okay")
    assert person.where == ("belief", "rate_after")


def test_a_feeling_that_rose_after_skipped_steps_is_not_praised(
    engine: Engine, dialogues: DialogueSet
) -> None:
    person = Person(engine)
    _belief_until_rate_after(person, skip_compassion=True)
    reply = person.press("7")
    assert "You stayed with something hard" not in reply
    for line in _praise_lines(dialogues, "belief"):
        assert line.split("{")[0] not in reply or not line.split("{")[0], line
    assert person.where == ("belief", "soothe")
    assert {"Slow, soothing breaths", "A short self-compassion break"} <= set(person.buttons())
    person.press("Slow, soothing breaths")
    assert person.where is not None and person.where[0] == "breathing"


def test_a_kind_sentence_written_is_named_and_thanked(engine: Engine) -> None:
    person = Person(engine)
    _belief_until_rate_after(person, skip_compassion=False)
    reply = person.press("4")
    assert "I'm learning, and that's okay" in reply or "What you just wrote to yourself" in reply
    assert person.where == ("kit", "offer_ask")
    person.press("No, thanks")
    assert person.where == ("belief", "offer")


def _praised(dialogues: DialogueSet, person: Person, dialogue_id: str) -> list[str]:
    """The praise steps of ``dialogue_id`` this person has been told."""
    return [step_id for step_id, step in dialogues[dialogue_id].steps.items()
            if getattr(step, "praise", False) and f"{dialogue_id}.{step_id}" in person.state.said]


def test_a_check_in_number_alone_is_acknowledged_not_praised(
    engine: Engine, dialogues: DialogueSet
) -> None:
    person = Person(engine)
    person.cmd("checkin")
    person.press("6")
    person.say("skip")
    assert _praised(dialogues, person, "checkin") == []
    assert "My progress" in person.buttons()
    # A word of their own for the day is named.
    person = Person(engine)
    person.cmd("checkin")
    person.press("6")
    person.say("steady")
    assert _praised(dialogues, person, "checkin") == ["close"]


@pytest.mark.parametrize(("last", "mood"), [(None, "2"), (7, "5")])
def test_a_low_check_in_or_one_lower_than_last_time_offers_soothing_first(
    engine: Engine, dialogues: DialogueSet, last: int | None, mood: str
) -> None:
    person = Person(engine)
    if last is not None:
        person.profile = Profile.model_validate({**person.profile.model_dump(), "last_mood": last})
    person.cmd("checkin")
    person.press(mood)
    person.say("tired")
    assert _praised(dialogues, person, "checkin") == []
    assert {"Soothing breathing", "Self-compassion break"} <= set(person.buttons())
    assert person.profile.model_dump()["last_mood"] == int(mood)


def test_a_check_in_remembers_the_mood_only_with_consent(engine: Engine) -> None:
    person = Person(engine, consent=False)
    person.cmd("checkin")
    person.press("5")
    person.say("fine")
    assert "last_mood" not in person.profile.model_dump()


def test_a_kind_moment_written_is_praised_and_a_skip_or_a_look_is_not(
    engine: Engine, dialogues: DialogueSet
) -> None:
    person = Person(engine)
    person.cmd("log")
    person.say("I made tea for my flatmate")  # typed at the menu: asked before it is kept
    person.press("Yes, keep it")
    person.press("That's all for now")
    assert _praised(dialogues, person, "compassion_log") == ["praise", "close"]
    # Only a look back: thanked, not praised.
    person = Person(engine)
    person.cmd("log")
    person.press("Look back at my log")
    person.press("That's all for now")
    assert _praised(dialogues, person, "compassion_log") == []
    # Asked for a moment and skipped it: no praise, something soothing first.
    person = Person(engine)
    person.cmd("log")
    person.press("Look back at my log")
    person.press("Add a kind moment")
    person.say("skip")
    assert _praised(dialogues, person, "compassion_log") == []
    assert "Soothing breathing" in person.buttons()


def test_words_typed_at_the_log_menu_are_kept_only_when_meant(engine: Engine) -> None:
    # "what is this?" typed at "add one, or look back?" is not a kind moment
    person = Person(engine)
    person.cmd("log")
    reply = person.say("what is this")
    assert "“what is this”" in reply or "what you wrote" in reply
    assert person.where == ("compassion_log", "offer_act")
    person.press("Look back at my log")
    assert person.journal == []
    # pressing "Add a kind moment" first means the words are the moment
    person = Person(engine)
    person.cmd("log")
    person.press("Add a kind moment")
    person.say("I let myself rest")
    assert [entry.kind for entry in person.journal] == ["compassion_log"]


def test_a_win_is_praised_only_when_written(engine: Engine, dialogues: DialogueSet) -> None:
    person = Person(engine)
    person.cmd("win")
    person.say("I went to bed early")
    assert _praised(dialogues, person, "win") == ["done"]
    person = Person(engine)
    person.cmd("win")
    person.say("I don't know")
    assert _praised(dialogues, person, "win") == []
    assert "Soothing breathing" in person.buttons()
    assert person.journal == []


def test_a_safety_plan_mostly_skipped_is_not_praised(
    engine: Engine, dialogues: DialogueSet
) -> None:
    # Nothing written: nothing to keep, no praise, something soothing and /sos.
    person = Person(engine)
    person.cmd("plan")
    for _ in range(6):
        person.say("skip")
    assert _praised(dialogues, person, "plan") == []
    assert "has_plan" not in person.profile.model_dump()
    assert {"Soothing breathing", "Crisis lines"} <= set(person.buttons())
    # One part of six written and kept: saved, not praised.
    person = Person(engine)
    person.cmd("plan")
    person.say("I stop sleeping")
    for _ in range(5):
        person.say("skip")
    person.press("Yes, keep my plan")
    assert person.profile.model_dump()["plan_signs"] == "I stop sleeping"
    assert _praised(dialogues, person, "plan") == []
    assert "Crisis lines" in person.buttons()
    # Written in full: making it is thanked.
    person = Person(engine)
    person.cmd("plan")
    for answer in ("no sleep", "a walk", "the library", "my sister", "my GP", "ask Sam"):
        person.say(answer)
    person.press("No, just show it")
    assert _praised(dialogues, person, "plan") == ["unkept_done"]


def _to_stay_and_talk(person: Person) -> None:
    person.say("I don't want to be here anymore", risk="crisis")
    person.press("No")
    person.press("Some support would help")
    person.press("Stay and talk")


def _to_means_safety(person: Person) -> None:
    person.say("I want to die", risk="crisis")
    person.press("Yes")
    person.press("Yes")
    person.press("Yes")
    assert person.where == ("crisis", "means_safety")


@pytest.mark.parametrize("typed", ["no i cant", "no i cant, theyre in the bathroom cabinet",
                                   "i don't want to"])
def test_a_typed_refusal_to_move_the_means_is_heard_as_one(engine: Engine, typed: str) -> None:
    """A trial typed "no i cant" and was thanked: "putting it further away really helps"."""
    person = Person(engine)
    _to_means_safety(person)
    reply = person.say(typed)
    assert "really does help" not in reply and "Thank you for doing that" not in reply
    assert "lines above" in reply
    assert person.where == ("crisis", "choose_urgent")


def test_where_the_means_are_is_not_thanked_as_if_moved(engine: Engine) -> None:
    person = Person(engine)
    _to_means_safety(person)
    reply = person.say("theyre in the bathroom cabinet and i live alone")
    assert "lines above now" in reply
    assert "really does help" not in reply


@pytest.mark.parametrize(("typed", "step"), [("ok ill text pieta", "check_in"),
                                             ("im going to call my brother", "check_in"),
                                             ("can you stay with me for a bit", "talk")])
def test_steps_towards_help_are_noticed_in_the_urgent_menu(
        engine: Engine, typed: str, step: str) -> None:
    """A trial's "ok ill text pieta" got "I hear you. That sounds so hard to carry"."""
    person = Person(engine)
    _to_means_safety(person)
    person.press("I can't right now")
    reply = person.say(typed)
    assert "so hard to carry" not in reply
    assert person.where == ("crisis", step)


def test_im_good_can_we_get_back_after_a_no_is_believed(engine: Engine) -> None:
    person = Person(engine)
    person.cmd("checkin")
    person.say("work is killing me, i want to die lol", risk="crisis")
    person.say("no no sorry, its just a figure of speech")
    reply = person.say("nah im good, can we get back to the check in")
    assert person.where is None
    assert "/resume" in reply


@pytest.mark.parametrize("typed", ["im fine i guess", "i'm fine, maybe",
                                   "im fine but tired of it all",
                                   # a no that goes on to pain
                                   "no its just that i cant go on", "no it's just too much",
                                   "yes i am safe but i dont trust myself tonight"])
def test_a_hedged_fine_at_are_you_safe_is_not_taken_as_safe(engine: Engine, typed: str) -> None:
    person = Person(engine)
    person.cmd("talk")
    person.say("I can't go on", risk="concern")
    person.say(typed)
    assert person.where is not None and person.where[0] in ("concern", "crisis")
    assert person.where != ("concern", "safe_noted")


@pytest.mark.parametrize("typed", ["haha no its just an expression",
                                   "no no im fine its a figure of speech",
                                   # a fourth trial's yes, met with the crisis lines
                                   "ye im good", "yeah i'm fine",
                                   # and a fifth's
                                   "Oh yes, I am quite safe, dear. I just feel a bit low"])
def test_no_meaning_fine_at_are_you_safe_is_safe(engine: Engine, typed: str) -> None:
    """A third trial's "haha no its just an expression" at "are you safe right now?"
    brought the crisis lines."""
    person = Person(engine)
    person.cmd("checkin")
    person.say("this deadline is killing me i want to die lol", risk="concern")
    person.say(typed)
    assert person.where is None or person.where[0] != "crisis"


def test_where_the_means_are_with_a_yes_is_not_thanked_as_moved(engine: Engine) -> None:
    """A third trial's "yes theyre right here" to "could you move it?" was thanked
    for the distance."""
    person = Person(engine)
    _to_means_safety(person)
    reply = person.say("yes theyre right here")
    assert "can make tonight safer, and that matters" not in reply
    assert "Thank you for doing that" not in reply
    assert person.where is not None and person.where[1] in ("choose_urgent", "choose_urgent_young")


@pytest.mark.parametrize("goodbye", ["thanks. im going to try and sleep now. goodnight",
                                     "ok thanks bye", "bye", "goodnight"])
def test_a_goodbye_inside_the_crisis_conversation_is_listened_to_not_a_stop(
        engine: Engine, goodbye: str) -> None:
    """A third trial's "goodnight" after a plan for tonight got only "Okay, we've
    stopped", and the check-ins it was being offered were lost."""
    person = Person(engine)
    _to_means_safety(person)
    person.press("I can't right now")
    person.say(goodbye)
    assert person.where is not None and person.where[0] == "crisis"
    reply = person.say("stop")
    assert person.where is None and "/sos" in reply


def test_a_goodbye_after_a_clear_no_ends_kindly(engine: Engine) -> None:
    person = Person(engine)
    person.say("this exam is killing me, I want to die lol", risk="crisis")
    person.press("No")
    reply = person.say("ok thanks bye")
    assert person.where is None
    assert "/sos" in reply and "so hard to carry" not in reply


def test_means_named_in_the_first_message_are_not_asked_about_as_if_unread(
    engine: Engine,
) -> None:
    """A trial wrote "Ive got pills saved up" and was later asked "Is there anything
    near you...?" as if it had not been said."""
    person = Person(engine)
    person.say("Ive got pills saved up", risk="crisis")
    person.press("Yes")
    reply = person.press("No")
    assert person.where == ("crisis", "ask_means_told")
    assert "You mentioned" in reply or "You told me" in reply
    person.press("Yes")
    assert person.where == ("crisis", "means_safety")


def test_an_answer_about_something_else_at_the_means_question_is_heard_and_asked_again(
    engine: Engine,
) -> None:
    """A trial answered "is anything near you?" with grief and was asked to put "it"
    somewhere harder to reach; then "yeah" (to moving it) was not understood."""
    person = Person(engine)
    person.say("I want to die", risk="crisis")
    person.press("Yes")
    person.press("Yes")
    assert person.where == ("crisis", "ask_means")
    reply = person.say("my mum died last year and everything feels grey")
    assert person.where == ("crisis", "ask_means_again")
    assert "harder to reach" not in reply and "out of reach" not in reply
    person.say("yeah")
    assert person.where == ("crisis", "means_safety")
    reply = person.say("yeah")
    assert "Thank you" in reply  # heard as "I'll move it now"
    # Means named in the words themselves go straight to keeping them away.
    person = Person(engine)
    person.say("I want to die", risk="crisis")
    person.press("Yes")
    person.press("Yes")
    person.say("there are tablets in the bathroom")
    assert person.where == ("crisis", "means_safety")


def test_not_knowing_what_would_help_keeps_the_crisis_conversation_open(
    engine: Engine,
) -> None:
    """A trial's "I dont know" at "What would help now?" ended the conversation, and
    the "1" typed next started a mood check-in."""
    person = Person(engine)
    _to_stay_and_talk(person)
    person.say("everything is too much")
    assert person.where == ("crisis", "talk_more")
    person.say("I dont know")
    assert person.where == ("crisis", "talk")


def test_sos_in_the_crisis_conversation_shows_the_lines_and_comes_back_to_it(
    engine: Engine,
) -> None:
    """A trial typed /sos at the direct question: the conversation was dropped, and
    /resume brought back the check-in it had paused, not the question."""
    person = Person(engine)
    person.cmd("checkin")
    person.say("I want to kill myself", risk="crisis", reasons=("ideation",))
    assert person.where == ("crisis", "ask_stated")
    reply = person.cmd("sos")
    assert "RESOURCES-" in reply
    assert "/resume" not in reply
    assert person.where == ("crisis", "ask_stated")
    assert [f.dialogue for f in person.state.suspended] == ["checkin"]


def test_coming_back_within_a_day_of_a_crisis_asks_first_whether_they_are_safe(
    engine: Engine,
) -> None:
    """A trial came back after means that stayed near, wrote "still feel awful",
    and was only thanked."""
    person = Person(engine)
    person.say("I want to die", risk="crisis")
    person.cmd("stop")
    reply = person.say("still feel awful")
    assert person.where == ("listen", "safe_now")
    assert "are you safe right now" in reply
    reply = person.press("No, or I'm not sure")
    assert "RESOURCES-" in reply
    assert person.where is not None and person.where[0] == "crisis"
    # Said safe once that day, it is not asked again each time they write.
    person = Person(engine)
    person.say("I want to die", risk="crisis")
    person.cmd("stop")
    person.say("still feel awful")
    person.press("Yes, I'm safe")
    assert person.where == ("listen", "heard")
    person.cmd("stop")
    person.say("thanks for earlier")
    assert person.where == ("listen", "heard")


@pytest.mark.parametrize(("typed", "mood"), [("4", 4), ("mood 7/10 today", 7)])
def test_a_mood_given_before_the_check_in_is_not_asked_for_again(
    engine: Engine, typed: str, mood: int,
) -> None:
    """A trial typed "4" and was answered "You wrote: “4”... where is your mood today?"."""
    person = Person(engine)
    reply = person.say(typed)
    assert person.where == ("checkin", "word")
    assert "from 0" not in reply  # the scale is not asked
    if typed.isdigit():
        assert f"“{typed}”" not in reply  # a bare number is not quoted back
        assert f"{typed} out of 10" in reply  # but heard (a trial found it taken silently)
    assert person.state.current is not None and person.state.current.vars["mood"] == mood


def test_not_knowing_how_to_begin_a_letter_asks_for_a_way_in(engine: Engine) -> None:
    """A trial's "I dont know" at "if starting is hard, I can suggest some first
    lines" got "The letter can wait for another day"."""
    person = Person(engine)
    person.cmd("letter")
    if person.where == ("letter", "start_choice"):
        person.press("Write a new letter")
    person.say("6")
    if person.where == ("letter", "what"):
        person.say("my exam went badly")
    while person.where is not None and person.where != ("letter", "ready"):
        person.say("skip")
    assert person.where == ("letter", "ready")
    reply = person.say("I dont know")
    assert "can wait" not in reply
    assert person.where == ("letter", "write")


@pytest.mark.parametrize("typed", ["I cant picture anything", "my mind is blank"])
def test_nothing_coming_to_mind_in_imagery_gets_a_way_in(engine: Engine, typed: str) -> None:
    """A trial's "I cant picture anything" was met with "This presence is wise...", as
    if an image had come."""
    person = Person(engine)
    person.cmd("imagery")
    person.say("5")
    if person.where == ("imagery", "choose"):
        person.press(person_first_button(person))
    assert person.where == ("imagery", "other_image")
    reply = person.say(typed)
    assert person.where == ("imagery", "other_image"), "still at the question, with help"
    assert "wise" not in reply


def person_first_button(person: Person) -> str:
    return next(iter(person.buttons()))


def test_a_first_hello_at_a_question_is_not_welcomed_back(engine: Engine) -> None:
    """A brand-new person's "hi" at the age question got "Hello again"."""
    person = Person(engine, onboarded=False)
    person.cmd("start")
    reply = person.say("hi")
    assert "again" not in reply and "Welcome back" not in reply
    assert "Hello" in reply or "Hi there" in reply


def test_the_crisis_country_question_is_never_asked_again(engine: Engine) -> None:
    """A trial answered "which country are you in?" with "sí", "no", "no" and was told
    three times "I don't have that country in my list", never reaching the safety
    questions; now nothing at that step is met with a validation error."""
    person = Person(engine)
    person.profile = Profile(onboarded=True, consent=True)
    person.say("quiero suicidarme", risk="crisis")
    assert person.where == ("crisis", "ask_country")
    person.say("narnia")
    assert person.where == ("crisis", "ask_direct")


NEVER_AT_THE_COUNTRY_STEP = ("that country", "another name", "leave that one",
                             "let that one be")


@pytest.mark.parametrize("typed", ["please dont tell anyone", "will you tell my parents?",
                                   "is this private", "dont let my mum find out",
                                   "Is this confidential??"])
def test_asking_about_privacy_at_the_country_question_is_answered_truthfully(
    engine: Engine, typed: str,
) -> None:
    """A new-user trial's child wrote "please dont tell anyone" at "which country are
    you in?" in the crisis conversation and got "I don't have that country in my
    list yet"."""
    person = Person(engine)
    person.profile = Profile(onboarded=True, consent=True)
    person.say("I want to die", risk="crisis")
    assert person.where == ("crisis", "ask_country")
    reply = person.say(typed)
    said = reply.split("\n")[0]
    assert not any(cold in reply for cold in NEVER_AT_THE_COUNTRY_STEP)
    # What the bot is and does, no more: a bot, contacts no one, passes nothing on,
    # nobody reads along; the lines' own notes say which are free.
    assert "I'm a bot" in said
    assert "pass on" in said or "passed on" in said
    assert "reads along" in said
    assert "which are free" in said
    assert "secret" not in said and "confidential" not in said
    # Then the conversation goes on, without the country.
    assert person.where == ("crisis", "ask_direct")
    assert person.profile.country is None


@pytest.mark.parametrize("typed", ["narnia", "I have nobody to tell",
                                   "my parents are always fighting", "hi"])
def test_other_words_at_the_country_question_are_heard_and_the_country_let_go(
    engine: Engine, typed: str,
) -> None:
    person = Person(engine)
    person.profile = Profile(onboarded=True, consent=True)
    person.say("I want to die", risk="crisis")
    reply = person.say(typed)
    assert not any(cold in reply for cold in NEVER_AT_THE_COUNTRY_STEP)
    assert "I'm a bot" not in reply  # no privacy notice where nobody asked for one
    assert "Thank you" in reply
    assert "directories above" in reply
    assert person.where == ("crisis", "ask_direct")


@pytest.mark.parametrize("typed", ["my mum died last month", "i dont want to be a burden", "no"])
def test_words_about_something_else_at_the_country_question_move_on_at_once(
    engine: Engine, typed: str,
) -> None:
    """A third trial's "my mum died last month", typed at "which country are you
    in?" in the crisis conversation, was met with "I don't have that country"."""
    person = Person(engine)
    person.profile = Profile(onboarded=True, consent=True)
    person.say("I want to die", risk="crisis")
    assert person.where == ("crisis", "ask_country")
    reply = person.say(typed)
    assert "that country" not in reply
    assert person.where == ("crisis", "ask_direct")


def test_self_harm_without_thoughts_of_suicide_is_not_a_false_alarm_to_clear(
    engine: Engine,
) -> None:
    """A trial's "i keep cutting again", then "No" to the direct question, was offered
    "I'm okay, carry on"."""
    person = Person(engine)
    person.say("i keep cutting again", risk="crisis", reasons=("self_harm",), topic="self_harm")
    assert person.where == ("crisis", "ask_direct")  # after a word on caring for the wound
    reply = person.press("No")
    assert "carry on" not in " ".join(person.buttons()).casefold()
    assert "support" in reply
    assert person.where == ("crisis", "choose_adult")



@pytest.mark.parametrize(("typed", "then"), [
    ("my mum died last month and I cant stop thinking about her", "ask_direct_again"),
    ("yeah all the time, I have pills saved", "ask_plan"),
])
def test_own_words_at_the_direct_question_are_heard_not_taken_for_a_yes(
    engine: Engine, typed: str, then: str,
) -> None:
    """A trial answered "are you thinking of ending your life?" with grief and was
    told "That took courage... have you made a plan?"."""
    person = Person(engine)
    person.say("I don't want to be here anymore", risk="crisis")
    assert person.where == ("crisis", "ask_direct")
    reply = person.say(typed)
    assert person.where == ("crisis", then)
    if then == "ask_direct_again":
        assert "courage" not in reply and "plan" not in reply
        person.press("No")
        assert person.where == ("crisis", "after_no")


def test_a_hello_hours_after_the_crisis_conversation_paused_asks_first_whether_safe(
    engine: Engine,
) -> None:
    """A trial left the crisis conversation at its menu after means that stayed near;
    "morning" brought back "What would help you most in the next few minutes?"."""
    person = Person(engine)
    _to_means_safety(person)
    person.press("I can't right now")
    assert person.where is not None and person.where[0] == "crisis"
    person.now = NOW + timedelta(minutes=20)
    person.say("hi")
    assert person.where is not None and person.where[0] == "crisis", "soon after: the same talk"
    person.now = NOW + timedelta(hours=8)
    reply = person.say("morning")
    assert person.where == ("listen", "safe_now")
    assert "are you safe right now" in reply


def test_a_story_typed_at_the_first_question_of_talk_it_through_is_kept(engine: Engine) -> None:
    """A trial typed "my flatmate ignored me..." at "a breath first, or go on?" and was
    told "I didn't quite catch which one you meant" five times."""
    person = Person(engine)
    person.cmd("talk")
    assert person.where == ("belief", "arrive")
    person.say("my flatmate ignored me all evening and I feel invisible")
    assert person.where == ("belief", "name_feeling")
    assert person.state.current is not None
    assert person.state.current.vars["what_happened"].startswith("my flatmate")


def test_feelings_typed_at_could_you_move_it_are_answered_as_feelings(engine: Engine) -> None:
    """A trial typed "i feel so alone" at "could you move it out of reach?" and was
    told "If you can, put even a little distance between you and it"."""
    person = Person(engine)
    _to_means_safety(person)
    reply = person.say("i feel so alone")
    assert "heavier" in reply or "don't carry this alone" in reply
    assert person.where is not None and person.where[0] == "crisis"
    person = Person(engine)
    _to_means_safety(person)
    reply = person.say("I put them in the car")
    assert "distance" in reply


@pytest.mark.parametrize("thanks", ["thanks", "thank you!", "gracias"])
def test_a_thank_you_in_the_crisis_conversation_is_welcomed_not_heard_as_pain(
    engine: Engine, thanks: str,
) -> None:
    """A third trial's "thanks" at the crisis menu got "I hear you. That sounds so hard
    to carry."."""
    person = Person(engine)
    person.say("I don't want to be here anymore", risk="crisis")
    person.press("No")
    person.press("Some support would help")
    where = person.where
    reply = person.say(thanks)
    assert "hard to carry" not in reply
    assert "still here" in reply or "welcome" in reply or "glad" in reply
    assert person.where == where, "the same question, asked again"


@pytest.mark.parametrize(("typed", "safe"), [
    ("i think i am ok now", True), ("feeling better, thank you", True),
    ("i think i'm ok but i still have the pills", False),
])
def test_feeling_okay_now_at_the_crisis_menu_is_the_safe_for_now_answer(
    engine: Engine, typed: str, safe: bool,
) -> None:
    """A third trial's "i think i am ok now" got "You deserve real support with this"."""
    person = Person(engine)
    person.say("I don't want to be here anymore", risk="crisis")
    person.press("No")
    person.press("Some support would help")
    assert person.where == ("crisis", "choose_adult")
    person.say(typed)
    assert (person.where == ("crisis", "check_in")) is safe


_HEARD = ("Thank you for telling me that", "I hear you, and I'm glad you said it",
          "That matters, thank you for putting it into words")


def test_a_sentence_where_a_button_or_number_was_asked_for_is_heard_first(
    engine: Engine,
) -> None:
    """A fourth trial's "I just feel so alone..." at a 0-10 scale and "I'm so lonely
    it hurts" at a menu met only "any number is fine" and "choose one of the options":
    a sentence is heard first, and the same question stays open."""
    person = Person(engine)
    person.cmd("checkin")
    asked = person.where
    reply = person.say("I just feel so alone. sometimes I go the whole weekend without a word")
    assert any(line in reply for line in _HEARD) and "0 to 10" in reply
    assert person.where == asked
    person = Person(engine)
    person.cmd("breathe")
    person.say("5")  # how strong it is, then the choice of breathing or grounding
    asked = person.where
    reply = person.say("I'm so lonely it hurts, honestly")
    assert any(line in reply for line in _HEARD) and "(1 to 2)" in reply
    assert person.where == asked
    # A stray word is not a sentence to thank anyone for: the plain hint.
    reply = person.say("banana")
    assert not any(line in reply for line in _HEARD) and "1 to 2" in reply


def test_danger_to_someone_else_is_about_them_not_the_writer(engine: Engine) -> None:
    """A trial's friend sent a goodbye and went silent; the writer was asked about
    their own thoughts, plan and means, four times, and never told to call for the
    friend."""
    person = Person(engine)
    reply = person.say("my best friend texted me goodbye and says she'll kill herself",
                       risk="crisis", reasons=("third_party_risk",))
    assert "RESOURCES-GB" in reply
    assert "emergency number above, or the police where they are" in reply
    assert person.where == ("crisis", "someone_else")
    assert "killing yourself" not in reply.casefold()
    reply = person.press("How to talk with them")
    assert "asking" in reply.casefold() and "line above" in reply
    assert person.where is not None and person.where[1].startswith("talk")
    # The writer's own risk, told in the same words, is asked about as always.
    person = Person(engine)
    person.say("my friend wants to die and so do i", risk="crisis",
               reasons=("third_party_risk", "ideation"))
    assert person.where is not None and person.where[1] != "someone_else"
    # And "I'm struggling too" goes to the direct question about them.
    person = Person(engine)
    person.say("my brother says he is going to kill himself", risk="crisis",
               reasons=("third_party_risk",))
    person.press("I'm struggling too")
    assert person.where == ("crisis", "ask_direct")


def test_ciao_with_nothing_running_is_a_hello(engine: Engine) -> None:
    """A second trial's first message, Italian "ciao", was told "Okay, we've stopped"."""
    person = Person(engine)
    assert "we've stopped" not in person.say("ciao").casefold()
    person = Person(engine)
    assert "we've stopped" in person.say("bye").casefold()


@pytest.mark.parametrize("asked_by", ["crisis", "concern"])
@pytest.mark.parametrize(("said", "risk", "expected"), [
    ("сегодня ночью всё закончу", "crisis", "ask_plan"),
    ("hari ini aku mau mengakhiri semuanya", "crisis", "ask_plan"),
    ("mein Hund heißt Bello", "none", "ask_direct_again"),
])
def test_a_crisis_typed_at_the_thoughts_question_in_any_language_is_a_yes(
    engine: Engine, asked_by: str, said: str, risk: str, expected: str,
) -> None:
    """A ninth trial: "сегодня ночью всё закончу" (tonight I end it all), typed at
    "are you having thoughts of killing yourself?", was asked the same question
    again, since the branch knew only English words; what the safety layers read
    as a crisis is at least a "yes", whether the crisis conversation or the
    concern check asked.  Words they read as nothing are still asked about once
    more."""
    person = Person(engine)
    person.profile = Profile(onboarded=True, consent=True, country="GB")
    if asked_by == "crisis":
        person.say("nothing matters anymore and I'm so done", risk="crisis", reasons=("model",))
        assert person.where == ("crisis", "ask_direct")
    else:
        person.say("everything feels so heavy lately", risk="concern", reasons=("model",))
        person.press("Not sure")
        assert person.where == ("concern", "ask_direct")
    person.say(said, risk=risk, reasons=("model",) if risk != "none" else ())
    assert person.where == ("crisis", expected)
