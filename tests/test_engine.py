"""The pure engine, driven with plain function calls over a small fixture dialogue set.

The fixture dialogues (tests/fixtures/mini) say short capitalised markers so that
these tests pin down the engine's mechanics, not the wording of the real content.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.dialogue.loader import load_dialogues
from bot.engine import Engine, Services, Turn
from bot.state import ConversationState, Profile
from bot.types import (
    Assessment,
    ConversationKey,
    ForgetUser,
    Inbound,
    RecordJournal,
    RequestExport,
    ScheduleWake,
    SendText,
    TextMessage,
    UpdateProfile,
)
from tests.events import event as make_event

MINI = Path(__file__).parent / "fixtures" / "mini"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def fake_services() -> Services:
    return Services(
        parsers={"country": lambda t: {"uk": "GB", "germany": "DE"}.get(t.strip().lower())},
        crisis_resources=lambda country, topic=None, words=None, adult=False: (
            f"RESOURCES-{country or 'INTL'}"),
    )


class Talk:
    """One person talking to the engine; profile effects are applied as the runtime would."""

    def __init__(self, engine: Engine, user: str = "u1", onboarded: bool = True) -> None:
        self.engine = engine
        self.key = ConversationKey("test", "c-" + user, user)
        self.state = ConversationState()
        self.profile = Profile(onboarded=onboarded, consent=True)
        self.actions: list[object] = []
        self.n = 0

    def _turn(self, event: Inbound, risk: Assessment | None = None) -> list[str]:
        outcome = self.engine.step(
            self.state, Turn(event, NOW, self.profile, risk or Assessment())
        )
        self.state = outcome.state
        self.actions = list(outcome.actions)
        for action in outcome.actions:
            if isinstance(action, UpdateProfile):
                self.profile = Profile.model_validate({**self.profile.model_dump(),
                                                       **action.changes})
            if isinstance(action, ForgetUser):
                self.profile = Profile()
        return [a.plain for a in outcome.actions if isinstance(a, SendText)]

    def _event(self, kind: str, **fields: str) -> Inbound:
        self.n += 1
        return make_event(self.key, str(self.n), NOW, kind, **fields)

    def say(self, text: str, risk: str = "none") -> list[str]:
        return self._turn(self._event("text", text=text), Assessment(risk, ("test",)))  # type: ignore[arg-type]

    def cmd(self, name: str, args: str = "") -> list[str]:
        return self._turn(self._event("command", command=name, text=args))

    def wake(self, token: str) -> list[str]:
        return self._turn(self._event("wake", token=token))

    def press_id(self, payload: str) -> list[str]:
        return self._turn(self._event("choice", choice=payload))

    def buttons(self) -> dict[str, str]:
        """Label -> payload of the buttons on the last message that had any."""
        for action in reversed(self.actions):
            if isinstance(action, SendText) and action.choices:
                return {c.label: c.id for c in action.choices}
        return {}

    def press(self, label: str) -> list[str]:
        return self.press_id(self.buttons()[label])

    @property
    def where(self) -> tuple[str, str] | None:
        frame = self.state.current
        return (frame.dialogue, frame.step) if frame else None


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_dialogues([MINI]), fake_services())


def test_free_text_starts_the_flow_with_it_as_what_happened(engine: Engine) -> None:
    talk = Talk(engine)
    replies = talk.say("I forgot my friend's birthday")
    assert replies[-1].startswith("FEELING-")
    assert set(talk.buttons()) == {"Sad", "Angry", "Something else"}
    talk.press("Sad")
    replies = talk.press("7")
    assert replies == ["HEARD I forgot my friend's birthday", "STORY?"]
    assert talk.state.current is not None
    assert talk.state.current.vars == {
        "what_happened": "I forgot my friend's birthday", "feeling": "sad", "before": 7,
    }


def test_new_person_is_onboarded_first_and_keeps_what_they_wrote(engine: Engine) -> None:
    talk = Talk(engine, onboarded=False)
    replies = talk.say("everything went wrong at work")
    assert replies[0] == "NOT-A-THERAPIST"
    assert talk.profile.onboarded is True
    talk.press("No")
    assert talk.profile.consent is False
    assert talk.say("atlantis") == ["COUNTRY-AGAIN"]
    replies = talk.say("UK")
    assert talk.profile.country == "GB"
    assert replies[-1].startswith("FEELING-")
    talk.press("Angry")
    assert talk.press("3")[0] == "HEARD everything went wrong at work"


def test_a_greeting_from_someone_new_is_not_taken_as_what_happened(engine: Engine) -> None:
    talk = Talk(engine, onboarded=False)
    talk.say("hi")
    talk.press("Yes")
    assert talk.say("skip")[-1] == "MENU?"


def test_labels_and_numbers_typed_count_as_button_presses(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    talk.say("2")
    assert talk.state.current is not None and talk.state.current.vars["feeling"] == "angry"
    talk.say("7 out of 10")
    assert talk.state.current.vars["before"] == 7


def test_something_else_takes_their_own_word(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    assert talk.press("Something else") == ["WHICH?"]
    assert talk.say("numb") == ["HOW STRONG?"]
    assert talk.state.current is not None and talk.state.current.vars["feeling"] == "numb"


def test_free_text_at_a_choice_with_other_is_the_answer(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    talk.say("kind of hollow")
    assert talk.state.current is not None
    assert talk.state.current.vars["feeling"] == "kind of hollow"


def test_out_of_range_scale_asks_again(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    talk.press("Sad")
    # A short hint: the question and its buttons are still on screen.
    assert talk.say("eleven") == ["SCALE 0-10"]
    assert talk.say("11") == ["SCALE 0-10"]
    assert talk.where == ("belief", "strength")


def test_skip_and_i_dont_know_leave_the_answer_unset_and_go_on(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    talk.press("Sad")
    talk.press("5")
    # This question offers help first (see the next test); a skip is a skip.
    assert talk.say("skip") == ["SKIPPED", "STORY?"]
    # "I don't know" where no help is written: skipped kindly.
    assert talk.say("I don't know") == ["SKIPPED", "REFRAME-PLAIN?"]
    talk = Talk(engine)
    talk.cmd("talk")
    talk.press("Sad")
    talk.press("5")
    talk.say("skip")
    replies = talk.press("Skip")
    # No story to quote: the wording without the quote is chosen.
    assert replies == ["SKIPPED", "REFRAME-PLAIN?"]
    assert talk.state.current is not None
    assert "what_happened" not in talk.state.current.vars
    assert "story" not in talk.state.current.vars


def test_labels_and_absolutes_bring_the_socratic_question(engine: Engine) -> None:
    talk = Talk(engine)
    talk.say("I missed the deadline")
    talk.press("Sad")
    talk.press("8")
    assert talk.say("I'm a FAILURE, I always do this") == ["ONE EVENT always?"]


def test_reframe_is_journaled_only_with_consent(engine: Engine) -> None:
    for consent, expected in ((True, 1), (False, 0)):
        talk = Talk(engine)
        talk.profile = Profile(onboarded=True, consent=consent)
        talk.say("a hard day")
        talk.press("Sad")
        talk.press("6")
        talk.say("I am not enough")
        replies = talk.say("I did my best with what I had")
        assert replies == ["WELL DONE I did my best with what I had"]
        journal = [a for a in talk.actions if isinstance(a, RecordJournal)]
        assert len(journal) == expected
        assert talk.state.current is None
        if journal:
            assert journal[0].data == {
                "feeling": "sad", "before": 6, "reframe": "I did my best with what I had",
                "dialogue": "belief",
            }


def test_a_stale_button_is_recognised_and_not_applied(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    old = talk.buttons()["Angry"]
    talk.press("Sad")
    replies = talk.press_id(old)
    assert replies[0].startswith("STALE")
    assert replies[1] == "HOW STRONG?"
    assert talk.state.current is not None and talk.state.current.vars["feeling"] == "sad"
    assert talk.press_id("garbage")[0].startswith("STALE")
    assert talk.press_id("belief:strength:99")[0].startswith("STALE")


def test_stop_leaves_kindly_and_the_next_message_starts_fresh(engine: Engine) -> None:
    talk = Talk(engine)
    talk.say("something happened")
    talk.press("Sad")
    assert talk.say("stop") == ["STOPPED"]
    assert talk.state.stack == [] and talk.state.suspended == []
    assert talk.say("a new thing")[-1].startswith("FEELING-")
    assert talk.cmd("stop") == ["STOPPED"]


def test_help_mid_flow_returns_to_the_same_question(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    talk.press("Sad")
    assert talk.cmd("help") == ["HELP-TEXT", "BACK", "HOW STRONG?"]
    assert talk.where == ("belief", "strength")


def test_unknown_command_is_answered_and_the_question_repeated(engine: Engine) -> None:
    talk = Talk(engine)
    asked = talk.cmd("talk")[-1]
    replies = talk.cmd("frobnicate")
    # the same question in the same words: new words would read as a new greeting
    assert replies == ["UNKNOWN /frobnicate", "BACK", asked]
    assert talk.cmd("frobnicate") == ["UNKNOWN /frobnicate", "BACK", asked]
    # outside an exercise there is nothing to go back to
    assert Talk(engine).cmd("nope") == ["UNKNOWN /nope"]


def test_empty_text_is_answered_kindly(engine: Engine) -> None:
    talk = Talk(engine)
    assert talk.say("   \n ") == ["EMPTY"]
    talk.cmd("talk")
    assert talk.say("")[0] == "EMPTY"


def test_very_long_answers_are_cut_and_the_person_told(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    talk.press("Something else")
    replies = talk.say("x" * 100_000)
    assert replies[0] == "TOO-LONG"
    assert talk.state.current is not None
    assert len(str(talk.state.current.vars["feeling"])) == engine.max_answer_chars


def test_crisis_stops_the_exercise_and_it_resumes_only_when_asked(engine: Engine) -> None:
    talk = Talk(engine)
    talk.profile = Profile(onboarded=True, country="DE")
    talk.say("bad day")
    talk.press("Sad")
    replies = talk.say("something alarming", risk="crisis")
    assert replies == ["THANK YOU FOR TELLING ME", "RESOURCES-DE", "I AM HERE"]
    assert talk.state.stack == []
    assert [f.dialogue for f in talk.state.suspended] == ["belief"]
    # The alarming text was not taken as an answer.
    assert "before" not in talk.state.suspended[0].vars
    assert talk.cmd("resume") == ["RESUMED", "HOW STRONG?"]
    assert talk.where == ("belief", "strength")
    assert talk.cmd("resume")[0] == "NOTHING-TO-RESUME"


def test_concern_checks_safety_then_returns_to_the_question(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    assert talk.say("everything feels heavy", risk="concern") == ["ARE YOU SAFE?"]
    replies = talk.press("Yes")
    assert [r.strip() for r in replies[:2]] == ["THANKS", "BACK"]
    assert replies[2].startswith("FEELING-")
    assert talk.where == ("belief", "feeling")


def test_concern_answered_no_leads_to_the_crisis_response(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    talk.say("everything feels heavy", risk="concern")
    replies = talk.press("No")
    assert replies == ["THANK YOU FOR TELLING ME", "RESOURCES-INTL", "I AM HERE"]
    assert [f.dialogue for f in talk.state.suspended] == ["belief"]


def test_sos_and_the_word_help_reach_resources_from_any_step(engine: Engine) -> None:
    talk = Talk(engine, onboarded=False)
    assert talk.cmd("sos") == ["SOS", "RESOURCES-INTL", "STAY"]
    talk = Talk(engine)
    talk.cmd("talk")
    assert talk.say("Help!") == ["SOS", "RESOURCES-INTL", "STAY"]


def test_commands_that_need_onboarding_lead_there_first(engine: Engine) -> None:
    talk = Talk(engine, onboarded=False)
    assert talk.cmd("talk")[0] == "NOT-A-THERAPIST"


def test_forget_asks_first_then_clears_everything(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    talk.press("Sad")
    assert talk.cmd("forget") == ["SURE?"]
    assert talk.press("No") == ["KEPT", "BACK", "HOW STRONG?"]
    talk.cmd("forget")
    assert talk.press("Yes") == ["GONE"]
    assert any(isinstance(a, ForgetUser) for a in talk.actions)
    assert talk.state.stack == [] and talk.state.said == {}
    assert talk.profile.onboarded is False


def test_export_requests_the_data_and_returns(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    replies = talk.cmd("export")
    assert any(isinstance(a, RequestExport) for a in talk.actions)
    assert replies[-1].startswith("FEELING-")


def test_wordings_rotate_without_repeats_and_differ_between_people(engine: Engine) -> None:
    heard: dict[str, list[str]] = {}
    for user in ("ana", "ben", "cleo", "dev"):
        talk = Talk(engine, user=user)
        seen = []
        for _ in range(6):
            seen.append(talk.cmd("talk")[-1])
            talk.cmd("stop")
        heard[user] = seen
        # Each block of three is a full rotation: no wording twice before all were said.
        assert sorted(seen[:3]) == ["FEELING-A?", "FEELING-B?", "FEELING-C?"]
        assert sorted(seen[3:]) == ["FEELING-A?", "FEELING-B?", "FEELING-C?"]
        assert all(a != b for a, b in itertools.pairwise(seen))
    assert len({tuple(v) for v in heard.values()}) > 1


def test_step_does_not_modify_the_state_it_was_given(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    before = talk.state.model_copy(deep=True)
    engine.step(talk.state, Turn(TextMessage(talk.key, "x", NOW, "Sad"), NOW,
                                 talk.profile))
    assert talk.state == before


def test_a_typed_label_wins_over_the_skip_words(engine: Engine) -> None:
    talk = Talk(engine)
    talk.say("everything feels heavy", risk="concern")
    assert talk.say("not sure") == ["UNSURE"]


def test_skip_after_something_else_skips_instead_of_saving_the_word(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    talk.press("Something else")
    assert talk.say("skip") == ["SKIPPED", "HOW STRONG?"]
    assert talk.state.current is not None and "feeling" not in talk.state.current.vars


def test_concern_outside_an_exercise_keeps_the_message(engine: Engine) -> None:
    talk = Talk(engine)
    talk.say("I can't cope with any of it", risk="concern")
    assert talk.press("Yes") == ["THANKS I can't cope with any of it"]


def test_free_text_within_a_day_of_a_crisis_is_met_by_listening(engine: Engine) -> None:
    talk = Talk(engine)
    talk.say("something alarming", risk="crisis")
    assert talk.say("I had a fight with my mum") == ["LISTENING I had a fight with my mum"]
    later = Turn(TextMessage(talk.key, "late", NOW, "a new day"),
                 NOW + timedelta(hours=25), talk.profile)
    outcome = engine.step(talk.state, later)
    assert [a.plain for a in outcome.actions if isinstance(a, SendText)][-1].startswith("FEELING")


def group_event(talk: Talk, kind: str, **fields: str) -> Inbound:
    talk.n += 1
    return make_event(talk.key, f"g{talk.n}", NOW, kind, chat_kind="group", **fields)


def test_in_a_group_personal_text_is_moved_to_private_and_never_quoted(engine: Engine) -> None:
    talk = Talk(engine)
    outcome = engine.step(talk.state, Turn(group_event(talk, "text", text="my dad hit me"), NOW,
                                           talk.profile))
    sent = [a for a in outcome.actions if isinstance(a, SendText)]
    assert [a.plain for a in sent] == ["LETS-TALK-PRIVATELY"]
    assert sent[0].private_link is not None
    assert all("dad" not in a.plain for a in sent)
    assert outcome.state.stack == []


def test_in_a_group_crisis_gets_resources_and_a_private_chat(engine: Engine) -> None:
    talk = Talk(engine)
    talk.profile = Profile(onboarded=True, country="GB")
    turn = Turn(group_event(talk, "text", text="alarming"), NOW, talk.profile,
                Assessment("crisis", ("test",)))
    outcome = engine.step(talk.state, turn)
    sent = [a for a in outcome.actions if isinstance(a, SendText)]
    assert [a.plain for a in sent] == ["GROUP-SOS", "RESOURCES-GB", "GO-PRIVATE"]
    assert sent[-1].private_link is not None


def test_in_a_group_exercises_are_offered_in_private_but_sos_works(engine: Engine) -> None:
    talk = Talk(engine)
    for command, expected in (("talk", "LETS-TALK-PRIVATELY"), ("sos", "SOS")):
        outcome = engine.step(talk.state, Turn(group_event(talk, "command", command=command),
                                               NOW, talk.profile))
        first = next(a for a in outcome.actions if isinstance(a, SendText))
        assert first.plain == expected


def test_zero_on_the_scale_is_an_answer(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    talk.press("Sad")
    assert talk.press("0") == ["WHAT HAPPENED?"]
    assert talk.state.current is not None
    assert talk.state.current.vars["before"] == 0


def test_continue_in_private_keeps_an_exercise_already_running(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    talk.press("Sad")
    assert talk.cmd("start", "from_group") == ["BACK", "HOW STRONG?"]
    assert talk.cmd("start", "from_group") == ["BACK", "HOW STRONG?"]
    assert Talk(engine).cmd("start", "from_group") == ["MENU?"]


PAUSING = """\
id: pausing
title: Pausing
command: pausing
start: breathe
steps:
  breathe:
    kind: pause
    say: "IN"
    seconds: 5
    next: again
  again:
    kind: ask_choice
    say: "AGAIN?"
    choices:
      - {id: "yes", label: "Yes", next: breathe}
      - {id: "no", label: "No", next: done}
    skip: done
  done:
    kind: end
    say: "DONE"
"""


def test_a_pause_ends_on_its_own_timer_never_on_an_earlier_ones(tmp_path: Path) -> None:
    for path in MINI.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "pausing.yaml").write_text(PAUSING)
    talk = Talk(Engine(load_dialogues([tmp_path]), fake_services()))
    assert talk.cmd("pausing") == ["IN"]
    [first] = [a for a in talk.actions if isinstance(a, ScheduleWake)]
    assert first.seconds == 5
    assert talk.say("ok") == ["AGAIN?"]  # typing during the pause moves on at once
    assert talk.press("Yes") == ["IN"]
    second = [a for a in talk.actions if isinstance(a, ScheduleWake)][-1]
    assert second.token != first.token
    assert talk.wake(first.token) == []  # the first round's timer: silent, still pausing
    assert talk.where == ("pausing", "breathe")
    assert talk.wake(second.token) == ["AGAIN?"]
    buttons = talk.buttons()
    assert talk.wake(second.token) == []  # a timer fired twice does nothing the second time
    assert talk.press_id(buttons["No"]) == ["DONE"]


def _at_what_happened(engine: Engine) -> Talk:
    talk = Talk(engine)
    talk.cmd("talk")
    talk.press("Sad")
    talk.press("7")
    assert talk.where == ("belief", "happened")
    return talk


def test_i_dont_know_is_met_with_help_first_then_a_kind_skip(engine: Engine) -> None:
    talk = _at_what_happened(engine)
    assert set(talk.buttons()) == {"Not sure", "Skip"}
    assert talk.say("I don't know") == ["EXAMPLE?"]
    assert talk.where == ("belief", "happened")  # still waiting for their words
    assert talk.say("My friend didn't call back") == ["STORY?"]
    assert talk.state.current is not None
    assert talk.state.current.vars["what_happened"] == "My friend didn't call back"

    talk = _at_what_happened(engine)
    assert talk.press("Not sure") == ["EXAMPLE?"]
    assert talk.say("still not sure, sorry") == ["SKIPPED", "STORY?"]


def test_a_lone_number_under_a_question_that_takes_words_is_its_button(engine: Engine) -> None:
    talk = _at_what_happened(engine)
    assert talk.say("1") == ["EXAMPLE?"]  # 1) Not sure
    assert talk.say("2") == ["SKIPPED", "STORY?"]  # 2) Skip
    assert talk.state.current is not None
    assert "what_happened" not in talk.state.current.vars


def test_typed_labels_ignore_punctuation_and_filler(engine: Engine) -> None:
    talk = Talk(engine)
    talk.cmd("talk")
    assert talk.say("um, sad.") == ["HOW STRONG?"]
    assert talk.say("about seven I think") == ["WHAT HAPPENED?"]
    assert talk.state.current is not None
    assert talk.state.current.vars["feeling"] == "sad"
    assert talk.state.current.vars["before"] == 7


def test_an_answer_of_emoji_only_is_met_without_quoting_it(engine: Engine) -> None:
    talk = _at_what_happened(engine)
    talk.say("It was a long day")
    assert talk.say("\U0001f614\U0001f614") == ["REFRAME-PLAIN?"]


def test_closing_lines_follow_what_the_person_did(engine: Engine) -> None:
    talk = _at_what_happened(engine)
    for _ in range(3):
        talk.say("skip")
    assert talk.where is None and talk.actions
    replies = [a.plain for a in talk.actions if isinstance(a, SendText)]
    assert replies[-1] == "SOOTHE FIRST"  # no praise after skipping everything

    talk = _at_what_happened(engine)
    talk.say("It was a long day")
    talk.say("I'm a failure")
    talk.say("skip")
    replies = talk.say("I did my best on a hard day")
    assert replies[-1] == "WELL DONE I did my best on a hard day"


WHERE = """id: where
title: Where
command: where
start: ask
steps:
  ask:
    kind: ask_text
    say: "COUNTRY?"
    save: country
    parse: country
    invalid: "UNKNOWN-COUNTRY"
    unparsed:
      save: words
      next: heard
    next: known
    skip: skipped
  known:
    kind: end
    say: "KNOWN-{country|none}"
  heard:
    kind: end
    say: "HEARD-{words|nothing}"
  skipped:
    kind: end
    say: "SKIPPED-HERE"
"""


def test_words_a_parser_cannot_read_go_to_the_unparsed_step_never_a_validation_error(
    tmp_path: Path,
) -> None:
    """A child's "please dont tell anyone" at "which country are you in?" was told "I
    don't have that country in my list": with ``unparsed`` such words are answered by
    a step of their own, kept apart from the answer the parser gives."""
    for path in MINI.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "where.yaml").write_text(WHERE)
    engine = Engine(load_dialogues([tmp_path]), fake_services())

    talk = Talk(engine)
    talk.cmd("where")
    assert talk.say("UK") == ["KNOWN-GB"]

    talk = Talk(engine)
    talk.cmd("where")
    assert talk.say("please dont tell anyone") == ["HEARD-please dont tell anyone"]
    talk = Talk(engine)
    talk.cmd("where")
    assert talk.say("narnia") == ["HEARD-narnia"]  # short words too: never "UNKNOWN-COUNTRY"

    # A bare "no" or "skip" is still a skip, not words to answer.
    for said in ("no", "skip"):
        talk = Talk(engine)
        talk.cmd("where")
        assert talk.say(said)[-1] == "SKIPPED-HERE"
