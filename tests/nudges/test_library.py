"""The nudges a person receives: many and varied, never the same twice in a row,
often in their own words, each with a button that opens a real exercise."""

from __future__ import annotations

import itertools
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import build_engine, build_services
from bot.choices import LAUNCH, parse_choice
from bot.config import Settings
from bot.dialogue.loader import DialogueSet, load_dialogues
from bot.engine import Engine, Turn
from bot.nudges.library import (
    LIBRARY_FILE,
    REFRAME_CHARS,
    THEMES,
    LibraryError,
    NudgeLibrary,
    check_library,
    load_library,
)
from bot.safety.resources import load_resources
from bot.state import ConversationState, Profile
from bot.types import ButtonPress, ConversationKey, NudgeDue, SendText

DIALOGUES = Path(__file__).resolve().parents[2] / "dialogues"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday
REFRAME = "Forgetting once doesn't make me a bad friend"


@pytest.fixture(scope="module")
def library() -> NudgeLibrary:
    return load_library(DIALOGUES / LIBRARY_FILE)


@pytest.fixture(scope="module")
def dialogues() -> DialogueSet:
    return load_dialogues([DIALOGUES])


def person(**fields: object) -> Profile:
    return Profile.model_validate({"onboarded": True, "consent": True, "nudge_on": "yes",
                                   "tz": "Europe/Berlin", **fields})


def with_reframe(**fields: object) -> Profile:
    return person(**{"last_reframe": REFRAME, "last_reframe_at": "2026-11-24T18:00:00+00:00",
                     **fields})


def sent(library: NudgeLibrary, user: str, profile: Profile, counts: range) -> list[SendText]:
    messages = [library.compose(user, count, profile, NOW) for count in counts]
    assert all(m is not None for m in messages)
    return [m for m in messages if m is not None]


def quotes_them(message: SendText) -> bool:
    return any(segment.quoted for segment in message.segments)


# --- the collection -------------------------------------------------------------


def test_there_are_at_least_sixty_different_nudges_in_every_theme(library: NudgeLibrary) -> None:
    texts = {nudge.text for nudge in library.nudges}
    assert len(texts) >= 60
    themes = {nudge.theme for nudge in library.nudges}
    assert themes == set(THEMES)
    for theme in THEMES:
        assert sum(n.theme == theme for n in library.nudges) >= 8, theme


def test_no_nudge_tells_people_what_they_should_do(library: NudgeLibrary) -> None:
    for entry in library.entries:
        folded = entry.text.casefold().replace("\u2019", "'")
        for phrase in ("you should", "you must", "think positive", "calm down", "!"):
            assert phrase not in folded, entry.id


def test_every_button_opens_a_real_dialogue(
    library: NudgeLibrary, dialogues: DialogueSet
) -> None:
    library.require_dialogues(dialogues.dialogues)
    for count in range(200):
        message = library.compose("ana", count, with_reframe(), NOW)
        assert message is not None
        (button,) = message.choices
        ref = parse_choice(button.id)
        assert ref is not None
        assert ref.dialogue == LAUNCH
        assert ref.option in {"checkin", "breathing", "compassion_log"}
        assert ref.option in dialogues.dialogues
        assert len(button.id.encode()) <= 64
        assert button.label


# --- what one person receives ---------------------------------------------------


@pytest.mark.parametrize("user", ["ana", "ben", "chidi", "12345678", "dana"])
@pytest.mark.parametrize("has_reframe", [True, False], ids=["reframe", "no reframe"])
def test_never_the_same_nudge_twice_in_a_row(
    library: NudgeLibrary, user: str, has_reframe: bool
) -> None:
    profile = with_reframe() if has_reframe else person()
    texts = [m.plain for m in sent(library, user, profile, range(500))]
    for before, after in itertools.pairwise(texts):
        assert before != after
    # And the whole library comes round, not a favourite few.
    assert len(set(texts)) >= 60


def test_people_hear_the_nudges_in_different_orders(library: NudgeLibrary) -> None:
    firsts = {tuple(m.plain for m in sent(library, user, person(), range(5)))
              for user in ("ana", "ben", "chidi", "dana")}
    assert len(firsts) == 4


def test_with_a_reframe_at_least_one_in_four_quotes_it(library: NudgeLibrary) -> None:
    messages = sent(library, "ana", with_reframe(), range(400))
    quoting = [m for m in messages if quotes_them(m)]
    assert len(quoting) * 4 >= len(messages)
    for message in quoting:
        quoted = [s.text for s in message.segments if s.quoted]
        assert quoted == [REFRAME]


def test_without_a_reframe_or_without_consent_none_quotes_anything(
    library: NudgeLibrary,
) -> None:
    for profile in (person(), with_reframe(consent=False), person(last_reframe="   ")):
        assert not any(quotes_them(m) for m in sent(library, "ana", profile, range(200)))


def test_a_long_reframe_is_shortened(library: NudgeLibrary) -> None:
    long = "I am allowed to rest " * 30
    message = library.compose("ana", 2, with_reframe(last_reframe=long), NOW)
    assert message is not None
    (quoted,) = [s.text for s in message.segments if s.quoted]
    assert len(quoted) <= REFRAME_CHARS
    assert quoted.endswith("\u2026")


@pytest.mark.parametrize(("tz", "day"), [("Europe/Berlin", "Monday"),
                                         ("America/New_York", "Sunday")])
def test_the_day_of_the_reframe_is_named_in_the_persons_time_zone(
    library: NudgeLibrary, tz: str, day: str
) -> None:
    # 23:30 UTC on Sunday the 22nd: already Monday in Berlin, still Sunday in New York.
    profile = with_reframe(tz=tz, last_reframe_at="2026-11-22T23:30:00+00:00")
    texts = [m.plain for m in sent(library, "ana", profile, range(60)) if quotes_them(m)]
    dated = [t for t in texts if t.startswith("On ")]
    assert dated
    assert all(t.startswith(f"On {day} ") for t in dated)


def test_recent_and_old_reframes_are_placed_in_time_plainly(library: NudgeLibrary) -> None:
    def opening_words(written: str | None) -> set[str]:
        fields = {"last_reframe_at": written} if written else {}
        profile = person(last_reframe=REFRAME, **fields)
        return {m.plain.split(" you ")[0] for m in sent(library, "ana", profile, range(60))
                if quotes_them(m) and " you " in m.plain}

    assert "Earlier today" in opening_words("2026-11-26T07:00:00+00:00")
    assert "Yesterday" in opening_words("2026-11-25T07:00:00+00:00")
    assert "A while ago" in opening_words("2026-10-01T07:00:00+00:00")
    assert "A while ago" in opening_words(None)
    assert "A while ago" in opening_words("not a date")


def test_nothing_is_composed_for_someone_who_turned_nudges_off_or_paused_them(
    library: NudgeLibrary,
) -> None:
    assert library.compose("ana", 0, person(nudge_on="no"), NOW) is None
    assert library.compose("ana", 0, person(unreachable=True), NOW) is None
    paused = person(nudge_pause_days="3",
                    nudge_pause_from=(NOW - timedelta(days=1)).isoformat())
    assert library.compose("ana", 0, paused, NOW) is None
    assert library.compose("ana", 0, paused, NOW + timedelta(days=3)) is not None


# --- through the engine ---------------------------------------------------------


def test_a_due_nudge_arrives_and_its_button_starts_the_exercise(dialogues: DialogueSet) -> None:
    engine = build_engine(Settings(), dialogues)
    key = ConversationKey("test", "c-ana", "ana")
    profile = with_reframe()
    outcome = engine.step(ConversationState(),
                          Turn(NudgeDue(key, "n1", NOW), NOW, profile))
    (message,) = [a for a in outcome.actions if isinstance(a, SendText)]
    (button,) = message.choices
    ref = parse_choice(button.id)
    assert ref is not None
    pressed = engine.step(outcome.state, Turn(ButtonPress(key, "p1", NOW, button.id),
                                              NOW, profile))
    assert pressed.state.current is not None
    assert pressed.state.current.dialogue == ref.option


def test_the_app_wires_the_library_into_the_engine() -> None:
    engine = build_engine(Settings())
    assert isinstance(engine.nudges, NudgeLibrary)


# --- loading --------------------------------------------------------------------

GOOD = """replies: {checkin: "Check in"}
weekdays: [Mo, Tu, We, Th, Fr, Sa, Su]
when: {today: "Today", yesterday: "Yesterday", weekday: "On {weekday}", earlier: "Once"}
nudges:
  - {id: one, theme: rest, text: "Rest a little.", reply: checkin}
reframes:
  - {id: back, text: "{when} you wrote: {reframe}", reply: checkin}
"""
BROKEN = {
    "a theme that does not exist": (
        GOOD.replace("theme: rest", "theme: naps"), "nudge 'one': nudges.0.theme"),
    "the same id twice": (
        GOOD.replace("id: back", "id: one"), "nudge 'one': the id is used twice"),
    "a placeholder with nothing to fill it": (
        GOOD.replace("Rest a little.", "Rest, {name}."), "nudge 'one': '{name}' cannot be filled"),
    "a reframe nudge without the reframe": (
        GOOD.replace("{when} you wrote: {reframe}", "{when} you wrote"),
        "nudge 'back': a reframe nudge must quote '{reframe}'"),
    "a button without a label": (
        GOOD.replace("reply: checkin}\nreframes", "reply: breathing}\nreframes"),
        "nudge 'one': no label for a button to 'breathing'"),
    "an unknown field": (
        GOOD.replace("reply: checkin}\nreframes", "reply: checkin, mood: low}\nreframes"),
        "nudge 'one': nudges.0.mood"),
    "a key given twice": (GOOD + "replies: {}\n", "duplicate key 'replies'"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_library_is_refused_naming_the_file_and_the_nudge(
    tmp_path: Path, case: str
) -> None:
    text, words = BROKEN[case]
    path = tmp_path / "nudges.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LibraryError) as caught:
        load_library(path)
    assert any(p.startswith("nudges.yaml: ") and words in p for p in caught.value.problems), \
        caught.value.problems


def test_a_library_whose_button_starts_a_missing_dialogue_stops_the_bot_and_the_check(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "dialogues"
    shutil.copytree(DIALOGUES, folder)
    # Other dialogues start breathing too, so the library's buttons are pointed
    # at a dialogue that is gone instead of removing breathing.yaml.
    library = folder / "library" / "nudges.yaml"
    library.write_text(library.read_text(encoding="utf-8").replace("breathing", "gone_away"),
                       encoding="utf-8")
    problems = check_library([folder])
    assert problems
    assert all("starts unknown dialogue 'gone_away'" in p for p in problems)
    assert problems[0].startswith("nudges.yaml: nudge '")
    with pytest.raises(LibraryError):
        build_engine(Settings(dialogues_dir=folder))
    assert check_library([DIALOGUES]) == []


def test_the_shipped_library_passes_the_check(dialogues: DialogueSet) -> None:
    engine = Engine(dialogues, build_services(load_resources()))
    assert engine.nudges is None  # the composer is optional for the engine itself
    assert check_library([DIALOGUES]) == []
