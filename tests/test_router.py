"""Where free text outside any dialogue leads: the fixed rules, the cue scorer, and
the router's accuracy on the labelled set (``bot/data/router_eval.tsv``)."""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import route_model
from bot.cli import main as cli_main
from bot.dialogue.loader import load_dialogues
from bot.engine import Engine, Services, Turn
from bot.route_cues import CUES
from bot.route_model import (
    DEFAULT_MODEL_PATH,
    RouteModel,
    RouteModelError,
    load_route_model,
    negation_marked,
)
from bot.route_scorer import CueError, Scorer
from bot.router import GREETINGS, Route, Router
from bot.router_eval import (
    DEFAULT_EVAL_PATH,
    LabelledMessage,
    evaluate,
    read_labelled,
)
from bot.state import ConversationState, Profile
from bot.types import ConversationKey, SendText, TextMessage

ONBOARDED = Profile(onboarded=True)
NEW = Profile()
ROUTES = frozenset(CUES) | {"menu"}
EVAL = read_labelled(DEFAULT_EVAL_PATH)
# The one section written after all tuning and never tuned on.
HELD_OUT = "heldout"
# Routed wrongly in the tuned sections; each is a known limit, kept in sight.
# (strict: fixing one makes its test fail, so the list stays honest.)  All but
# one are asked about; "I don't think I'm a failure, but I did mess up" starts
# the belief flow, the one wrong exercise of the set.
KNOWN_MISSES = {
    # An act plus a verdict on the self: the model sees both routes.
    "I don't think I'm a failure, but I did mess up",
    # "always" speaks for belief about as loudly as the rest for their routes.
    "why am I always so harsh with myself",
    # A mood word next to the moment of kindness.
    "Feeling good today, was gentle with myself",
    # "nobody cares" is a belief; the model hears loneliness as well.
    "I feel like nobody cares about me",
    # Negated anxiety next to "flat": sc_break, reset and checkin all come up.
    "I don't feel anxious today, just flat",
    # Asked about since the fifth round (long venting and other languages added;
    # "I messed up at work and now I feel like a complete failure" and "I called
    # my gran" are routed right since): each sits just under the threshold.
    "everyone thinks I'm annoying",
    "I haven't slept properly in a week, my brain just keeps going",
    # Asked about since the seventh round (long belief stories, vague lines and
    # menu questions added; "I feel guilty for cancelling on my friend" is routed
    # right since): two kind acts told plainly now sit just under the threshold.
    "I was proud of how I handled the argument",
    "I called my gran because I knew she was lonely",
    # Asked about since the eighth and ninth rounds (vague lines and lines where two
    # exercises fit equally added, so "which tool?" is likelier for short messages;
    # "I think I'm burnt out" and "there's a voice that tells me I'm rubbish" are
    # routed right since): each is just under the threshold, asked, not misrouted.
    "My heart is racing",
    "I'm struggling a lot this week",
}
router = Router()


def route(text: str, profile: Profile = ONBOARDED, **kwargs: bool) -> Route:
    return router.route(text, profile, **kwargs)


# --- the fixed rules, before any scoring ----------------------------------------


@pytest.mark.parametrize("text", ["hi", "I can't sleep", "I'm such a failure", "checking in"])
def test_after_a_crisis_every_message_is_met_by_listening(text: str) -> None:
    assert route(text, recent_crisis=True) == Route("listen", {"message": text})
    assert route(text, NEW, recent_crisis=True) == Route("listen", {"message": text})


def test_someone_new_is_onboarded_first_and_keeps_what_they_wrote() -> None:
    assert route("I can't sleep", NEW) == Route("onboarding", {"opening": "I can't sleep"})


def test_a_greeting_from_someone_new_is_not_kept_as_their_opening() -> None:
    assert route("Hello!", NEW) == Route("onboarding", {})


@pytest.mark.parametrize("text", ["hi", "Hi!", "  hello there ", "Good morning.", "THANKS", "ok"])
def test_a_greeting_opens_the_menu(text: str) -> None:
    assert route(text) == Route("menu")


@pytest.mark.parametrize("text", ["what can you do?", "how does this work", "what is this bot"])
def test_a_question_about_the_bot_opens_the_menu(text: str) -> None:
    # the menu lists what the bot does and has "How this works"
    assert route(text).dialogue == "menu"


def test_every_greeting_opens_the_menu() -> None:
    assert {route(g).dialogue for g in GREETINGS} == {"menu"}


def test_the_belief_flow_gets_the_text_as_what_happened() -> None:
    assert route("I'm worthless") == Route("belief", {"what_happened": "I'm worthless"})


def test_exercises_and_the_question_get_the_text_as_message() -> None:
    assert route("I can't sleep again") == Route("breathing", {"message": "I can't sleep again"})
    assert route("my day was weird") == Route("which_tool", {"message": "my day was weird"})


# --- deciding, and asking when unsure ------------------------------------------


def test_a_message_with_no_cue_is_asked_about() -> None:
    assert route("something happened today").dialogue == "which_tool"


def test_two_exercises_that_fit_about_equally_are_asked_about() -> None:
    # reset (exhausted) and belief (failure) tie: neither is guessed.
    scores = router.scorer.score("I'm exhausted and I feel like a failure")
    assert scores.totals["reset"] == scores.totals["belief"] > 0
    assert route("I'm exhausted and I feel like a failure").dialogue == "which_tool"


def test_an_act_with_a_verdict_on_the_self_goes_to_the_mistake_exercise() -> None:
    text = "I yelled at my brother over nothing and I feel like a terrible person"
    assert route(text).dialogue == "mistake"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm not anxious, just really tired", "reset"),
        ("I wasn't kind to myself today", "sc_break"),
        ("I was kind to myself today", "compassion_log"),
        ("I can't stop worrying about money", "breathing"),
        ("not overwhelmed, just checking in", "checkin"),
        ("I didn't sleep well but I'm feeling ok", "checkin"),
    ],
)
def test_negation_is_heard(text: str, expected: str) -> None:
    assert route(text).dialogue == expected


def test_a_negated_label_is_not_a_story_about_the_self() -> None:
    assert router.scorer.score("I don't think I'm a failure").totals["belief"] == 0


def test_negation_stops_at_and() -> None:
    assert router.scorer.score("I can't sleep and I'm anxious").totals["breathing"] >= 9


def test_only_loaded_dialogues_are_routed_to() -> None:
    text = "I can't sleep, my thoughts are racing"
    assert Router(available={"belief", "breathing"}).route(text, ONBOARDED).dialogue == "breathing"
    # Without the exercise, the question is asked; without the question, belief.
    assert Router(available={"belief", "which_tool"}).route(text, ONBOARDED).dialogue == \
        "which_tool"
    assert Router(available={"belief"}).route(text, ONBOARDED) == \
        Route("belief", {"what_happened": text})


@given(st.text(max_size=300))
def test_any_text_gets_a_known_route_carrying_the_text_unchanged(text: str) -> None:
    result = route(text)
    assert result.dialogue in ROUTES
    assert result.inputs in ({}, {"message": text}, {"what_happened": text})


# --- the scorer's phrase syntax ---------------------------------------------------


def test_stems_gaps_numbers_and_plurals_match() -> None:
    scorer = Scorer({"a": {"overwhelm*": 1, "let ~ down": 2, "# out of 10": 4, "hug": 8}})
    assert scorer.score("so overwhelming").totals["a"] == 1
    assert scorer.score("I let my whole team down").totals["a"] == 2
    assert scorer.score("I let my whole big team down").totals["a"] == 0  # gap too long
    assert scorer.score("about 7 out of 10").totals["a"] == 4
    assert scorer.score("about 70 out of 10").totals["a"] == 0  # not a mood
    assert scorer.score("I need hugs").totals["a"] == 8


def test_each_cue_counts_once_and_overlapping_cues_only_the_heaviest() -> None:
    scorer = Scorer({"a": {"tired": 1, "so tired": 3, "tired of": -2}})
    assert scorer.score("tired, tired, tired").totals["a"] == 1
    assert scorer.score("so tired").totals["a"] == 3
    # A negative cue always counts: it is there to take weight back.
    assert scorer.score("so tired of this").totals["a"] == 1


def test_negated_cues_can_speak_for_another_route() -> None:
    scorer = Scorer({"log": {"kind to myself": 5}, "break": {}}, negated_to={"log": "break"})
    totals = scorer.score("I couldn't be kind to myself").totals
    assert totals == {"log": 0, "break": 5}


@pytest.mark.parametrize("cue", ["ab*", "~ word", "word ~", "two-words", "", "Upper"])
def test_a_cue_that_cannot_match_as_written_is_refused(cue: str) -> None:
    with pytest.raises(CueError):
        Scorer({"a": {cue: 1}})


# --- the engine routes only into dialogues it has --------------------------------


def test_the_engine_starts_the_exercise_a_message_speaks_for(tmp_path: Path) -> None:
    mini = Path(__file__).parent / "fixtures" / "mini"
    for path in mini.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "breathing.yaml").write_text(
        "id: breathing\ntitle: Breathing\ninputs: [message]\nstart: begin\n"
        "steps:\n  begin: {kind: end, say: 'BREATHE {message|}'}\n"
    )
    engine = Engine(load_dialogues([tmp_path]),
                    Services(parsers={"country": lambda _: None}, crisis_resources=lambda *_: ""))
    now = datetime(2026, 11, 26, tzinfo=UTC)

    def say(text: str) -> list[str]:
        event = TextMessage(ConversationKey("t", "c", "u"), "e1", now, text)
        outcome = engine.step(ConversationState(), Turn(event, now, ONBOARDED))
        return [a.plain for a in outcome.actions if isinstance(a, SendText)]

    assert say("I can't sleep") == ["BREATHE I can't sleep"]
    # No which_tool dialogue here: an unclear message starts the belief flow, as before.
    assert say("something happened today")[0].startswith("FEELING-")


# --- accuracy on the labelled set ------------------------------------------------


def test_the_labelled_set_is_large_varied_and_valid() -> None:
    assert len(EVAL) >= 80
    assert {item.expected for item in EVAL} <= ROUTES
    assert {item.expected for item in EVAL} >= set(CUES)
    assert len({item.text for item in EVAL}) == len(EVAL), "a message is labelled twice"
    assert sum(item.section == HELD_OUT for item in EVAL) >= 20


# Thresholds: a little under what each part scores now (tuned 93%, the earlier
# held-out sets 96-100% since they were tuned on; first runs: 96%, 40%, 40%), and
# the final held-out 100% (68% on the only run it had before this test existed,
# 80% with the first learned model).  Any change that costs accuracy shows up.
@pytest.mark.parametrize(
    ("section", "threshold"),
    [("tuned", 0.9), ("heldout_pre", 0.92), ("tuned_round2", 0.9), ("tuned_round3", 0.9),
     (HELD_OUT, 0.9)],
)
def test_accuracy_stays_above_its_threshold(section: str, threshold: float) -> None:
    report = evaluate(item for item in EVAL if item.section == section)
    assert report.accuracy(section) >= threshold


def test_a_miss_rarely_starts_the_wrong_exercise() -> None:
    # Asking costs a button press; starting the wrong exercise costs more.
    report = evaluate(EVAL)
    assert sum(report.guessed_wrong.values()) <= 0.03 * len(EVAL)


EXACT = [item for item in EVAL if item.section != HELD_OUT]


@pytest.mark.parametrize(
    "item",
    [pytest.param(item, marks=pytest.mark.xfail(strict=True, reason="known miss"))
     if item.text in KNOWN_MISSES else item for item in EXACT],
    ids=[f"line{item.lineno}" for item in EXACT],
)
def test_each_labelled_message_is_routed_as_labelled(item: LabelledMessage) -> None:
    assert route(item.text).dialogue == item.expected


def test_known_misses_are_in_the_set() -> None:
    assert {item.text for item in EXACT} >= KNOWN_MISSES


# --- the command --------------------------------------------------------------


def test_router_eval_command_prints_accuracy_confusion_and_misses(tmp_path: Path) -> None:
    labelled = tmp_path / "set.tsv"
    labelled.write_text("# [mine]\nI can't sleep at all\tletter\nhello there\tmenu\n")
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli_main(["router", "eval", str(labelled), "--show-text", "--explain"]) == 0
    text = out.getvalue()
    assert "mine " in text and "all " in text and "50.0%" in text
    assert "expected        right  became instead" in text
    assert "expected letter, got breathing: I can't sleep at all" in text
    assert "model: breathing" in text
    assert "breathing +5 'cant sleep'" in text


def test_router_eval_hides_the_text_of_misses_unless_asked(tmp_path: Path) -> None:
    labelled = tmp_path / "set.tsv"
    labelled.write_text("I can't sleep at all\tletter\n")
    out = io.StringIO()
    with redirect_stdout(out):
        cli_main(["router", "eval", str(labelled)])
    assert "misses: 1" in out.getvalue()
    assert "sleep" not in out.getvalue()


def test_router_eval_command_on_an_unreadable_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("a message with no label\n")
    assert cli_main(["router", "eval", str(bad)]) == 2
    assert "bad.tsv:1" in capsys.readouterr().err
    assert cli_main(["router", "eval", str(tmp_path / "missing.tsv")]) == 2


# --- the learned model --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i cant sleep, my brain wont stop going", "breathing"),
        ("I snapped at my little sister and now she won't talk to me", "mistake"),
        ("honestly I'm just a failure at everything", "belief"),
        ("I'm running on empty after three night shifts", "reset"),
        ("I made myself a proper dinner and went to bed early", "compassion_log"),
        ("I'd like to write a letter to myself", "letter"),
        ("I feel so lonely, I just want someone to look after me", "imagery"),
        ("about a 6 today, nothing much to report", "checkin"),
        ("everything is too much at once and I can't cope", "sc_break"),
    ],
)
def test_clear_messages_in_everyday_wording_reach_their_exercise(text: str, expected: str) -> None:
    assert route(text).dialogue == expected


@pytest.mark.parametrize("text", ["hmm", "my mum called today", "what do you recommend?"])
def test_an_unclear_message_is_asked_about_not_guessed(text: str) -> None:
    assert route(text).dialogue == "which_tool"


def test_routing_is_deterministic_and_the_model_is_read_once() -> None:
    text = "work has been relentless and I have nothing left"
    assert Router().route(text, ONBOARDED) == Router().route(text, ONBOARDED)
    assert load_route_model() is load_route_model()


def test_the_shipped_model_loads_with_every_route_and_a_threshold() -> None:
    model = RouteModel.load(DEFAULT_MODEL_PATH)
    assert set(model.routes) == ROUTES
    assert 0.2 <= model.threshold <= 0.95
    shares = router.shares("I can't sleep")
    assert set(shares) == ROUTES and abs(sum(shares.values()) - 1) < 1e-4


def test_the_model_reads_the_words_a_negation_reaches_as_other_words() -> None:
    marked = negation_marked("i wasnt kind to myself today")
    assert marked == "i wasnt notkind notto notmyself today"
    # A clause end or "but" ends the reach; "can't stop" asserts.
    assert negation_marked("not sad, just tired") == "not notsad just tired"
    assert negation_marked("i didnt sleep but im fine") == "i didnt notsleep but im fine"
    assert negation_marked("i cant stop worrying") == "i cant stop worrying"


def test_a_model_made_for_other_features_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "old.npz"
    with monkeypatch.context() as patched:
        patched.setattr(route_model, "FEATURES", "ngrams")
        load_route_model().save(old)
    with pytest.raises(RouteModelError, match=r"old\.npz.*features 'ngrams'"):
        RouteModel.load(old)


def test_a_damaged_model_file_names_itself_in_the_error(tmp_path: Path) -> None:
    bad = tmp_path / "router_model.npz"
    bad.write_bytes(b"not a numpy archive")
    with pytest.raises(RouteModelError, match=r"router_model\.npz.*router train"):
        RouteModel.load(bad)
    with pytest.raises(RouteModelError, match=r"missing\.npz"):
        RouteModel.load(tmp_path / "missing.npz")


def test_router_train_writes_a_model_the_router_can_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [f"{text}\t{label}" for label, texts in {
        "breathing": ["can't sleep", "so anxious", "heart racing", "panicky tonight",
                      "can't calm down"],
        "reset": ["so drained", "no energy", "burnt out", "exhausted", "running on empty"],
        "which_tool": ["hmm", "not sure", "idk", "what now", "dunno"],
    }.items() for text in texts]
    corpus, out = tmp_path / "corpus.tsv", tmp_path / "model.npz"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli_main(["router", "train", "--corpus", str(corpus), "--out", str(out)]) == 0
    assert "cross-validated" in capsys.readouterr().out
    model = RouteModel.load(out)
    assert Router(model=model).route("I can't sleep again", ONBOARDED).dialogue == "breathing"
