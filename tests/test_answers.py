"""Typed answers read the way a person meant them (bot.answers, and countries)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.answers import (
    Label,
    is_empty_answer,
    is_skip,
    is_unsure,
    match_label,
    parse_number,
    polarity,
)
from bot.safety.resources import country_from_text

YES_NO = [Label("yes", ("Yes, please",)), Label("no", ("No, thanks",))]
READY = [Label("ready", ("I'm ready to go on",)), Label("rest", ("I'd like to rest",))]
HOW_OFTEN = [Label("once", ("Once a day",)), Label("twice", ("Twice a day",)),
             Label("weekly", ("A few times a week",))]


@pytest.mark.parametrize(("labels", "typed", "meant"), [
    (YES_NO, "yes please", 0),
    (YES_NO, "Yes please!", 0),
    (YES_NO, "yes", 0),
    (YES_NO, "no thanks", 1),
    (YES_NO, "2", 1),
    (READY, "ready", 0),
    (READY, "go on", 0),
    (READY, "ok I'm ready", 0),
    (READY, "rest", 1),
    (HOW_OFTEN, "twice", 1),
    (HOW_OFTEN, "once please", 0),
    (HOW_OFTEN, "a few times a week", 2),
    ([Label("yes", ("Yes", "yeah", "sure"))], "yeah", 0),
    ([Label("safe", ("Yes, I'm safe",)), Label("unsure", ("Not sure",))], "not sure", 1),
])
def test_typed_answers_select_the_option_they_mean(
    labels: list[Label], typed: str, meant: int
) -> None:
    assert match_label(labels, typed) == meant


@pytest.mark.parametrize(("labels", "typed"), [
    (READY, "not ready"),  # a word the label lacks: never that option
    (YES_NO, "yes and no"),
    (HOW_OFTEN, "a day"),  # part of more than one option
    (YES_NO, "7"),  # out of the options' numbers
    (YES_NO, "um"),
])
def test_answers_that_could_mean_another_thing_select_nothing(
    labels: list[Label], typed: str
) -> None:
    assert match_label(labels, typed) is None


@pytest.mark.parametrize(("typed", "value"), [
    ("7", 7), ("seven", 7), ("7/10", 7), ("7 out of 10", 7), ("about 7 I think", 7),
    ("I'd say a 3", 3), ("7.", 7), ("ten", 10), ("0", 0), ("zero", 0), ("Seven.", 7),
    ("six out of ten", 6), ("two out of five", 2), ("7 de 10", 7), ("7 von 10", 7),
])
def test_scale_answers_in_words_and_digits(typed: str, value: int) -> None:
    assert parse_number(typed, 0, 10) == value


@pytest.mark.parametrize("typed", [
    "11", "-1", "6 or 7", "no number here", "",
    "I slept 3 hours and it has been like that for 10 days now honestly",
])
def test_scale_refuses_what_is_not_one_rating(typed: str) -> None:
    assert parse_number(typed, 0, 10) is None


@given(st.text(max_size=40))
def test_reading_any_text_never_fails(text: str) -> None:
    value = parse_number(text, 0, 10)
    assert value is None or 0 <= value <= 10
    index = match_label(HOW_OFTEN, text)
    assert index is None or 0 <= index < len(HOW_OFTEN)


def test_skipping_and_not_knowing_are_told_apart() -> None:
    assert is_skip("skip") and is_skip("Skip please") and not is_skip("I don't know")
    assert is_unsure("I don't know") and is_unsure("idk") and is_unsure("not sure really")
    assert not is_unsure("I know") and not is_unsure("I don't know why I did it")
    assert is_unsure("what do you mean?") and is_unsure("like what?")


@pytest.mark.parametrize(("typed", "code"), [
    ("Germny", "DE"), ("Frnace", "FR"), ("Deutchland", "DE"), ("Spian", "ES"),
    ("germany", "DE"), ("the uk", "GB"),
])
def test_countries_by_name_local_name_and_small_typos(typed: str, code: str) -> None:
    assert country_from_text(typed) == code


@pytest.mark.parametrize("typed", ["1", "Austrlia", "Irak", "skip", "nowhere"])
def test_a_typo_close_to_two_countries_or_none_is_not_guessed(typed: str) -> None:
    # "Austrlia" is one letter from Australia and from Austria: ask again instead.
    assert country_from_text(typed) is None


CRISIS_QUESTION = [Label("yes", ("Yes",)), Label("sometimes", ("Sometimes, or I'm not sure",)),
                   Label("no", ("No",))]
ARE_YOU_SAFE = [Label("safe", ("Yes, I'm safe",)), Label("unsafe", ("No",)),
                Label("unsure", ("Not sure",))]


@pytest.mark.parametrize(("labels", "typed", "meant"), [
    (CRISIS_QUESTION, "no its just work stuff", "no"),
    (CRISIS_QUESTION, "no!! god no. i was talking about my dad", "no"),
    (CRISIS_QUESTION, "nope", "no"),
    (CRISIS_QUESTION, "yeah i am", "yes"),
    (ARE_YOU_SAFE, "yeah im fine, i just meant he used to say i ruin things", "safe"),
    (ARE_YOU_SAFE, "nah", "unsafe"),
    (ARE_YOU_SAFE, "not safe", "unsafe"),
    # A plain no or yes in more than one word, after a startled "what?".
    (CRISIS_QUESTION, "of course not", "no"),
    (CRISIS_QUESTION, "what? no, it's an exam", "no"),
    (CRISIS_QUESTION, "definitely not", "no"),
    (ARE_YOU_SAFE, "of course", "safe"),
    (ARE_YOU_SAFE, "of course not", "unsafe"),
])
def test_a_sentence_that_opens_with_yes_or_no_answers_a_yes_no_question(
    labels: list[Label], typed: str, meant: str
) -> None:
    index = match_label(labels, typed)
    assert index is not None and labels[index].id == meant


@pytest.mark.parametrize("typed", [
    # A partial no is listened to as words, never taken as a plain no.
    "not like actively. i just dont want to be here sometimes",
    "no but i think about it",
    "yeah kind of",
    "no idea",
    "kind of. ive got pills at home",
])
def test_a_partial_yes_or_no_is_not_taken_as_a_button(typed: str) -> None:
    index = match_label(CRISIS_QUESTION, typed)
    assert index is None or CRISIS_QUESTION[index].id == "sometimes"


@pytest.mark.parametrize("typed", ["ok", "OK.", "no", "Nope", "yes", "2", ".", "...", " 3 ", "hmm"])
def test_a_nod_a_refusal_or_a_stray_key_answers_no_open_question(typed: str) -> None:
    assert is_empty_answer(typed)


@pytest.mark.parametrize("typed", ["😔", "ok-ish day", "no sleep", "tired", "I said yes to rest",
                                   "2 hours of sleep"])
def test_feelings_emoji_and_any_other_words_are_answers(typed: str) -> None:
    assert not is_empty_answer(typed)


def test_a_part_of_a_negated_label_never_selects_it() -> None:
    """ "suicidal" typed alone is never the option whose words are "I'm not suicidal"."""
    labels = [Label("yes", ("Yes",)), Label("no", ("No", "i'm not suicidal", "not in danger"))]
    assert match_label(labels, "suicidal") is None
    assert match_label(labels, "danger") is None
    assert match_label(labels, "I'm not suicidal") == 1
    assert match_label(labels, "not suicidal") == 1


@pytest.mark.parametrize("typed", ["yeah I guess. just tired of everything", "yes i suppose",
                                   "idk yeah"])
def test_a_hedged_yes_to_are_you_safe_is_not_taken_as_safe(typed: str) -> None:
    index = match_label(ARE_YOU_SAFE, typed)
    assert index is None or ARE_YOU_SAFE[index].id != "safe"


def test_opening_words_select_an_option_unless_qualified_or_shared() -> None:
    okay = Label("okay", ("I'm okay, carry on",), ("it was a joke", "i meant"))
    support = Label("support", ("Some support would help",))
    assert match_label([okay, support], "It was a joke about my exam!") == 0
    assert match_label([okay, support], "i meant the deadline not me") == 0
    # What follows qualifies it: listened to as words, not taken as "okay".
    assert match_label([okay, support], "it was a joke but sometimes I mean it") is None
    # The opening must be whole words: "i meantime..." opens with no opener.
    assert match_label([okay, support], "i meantime") is None
    # Two options opened by the same words: neither is guessed.
    both = Label("both", ("Other",), ("it was a joke",))
    assert match_label([okay, both], "it was a joke really") is None


@pytest.mark.parametrize(("typed", "expected"), [
    ("mistake", 1), ("a mistake", 1), ("verdict", None), ("sure", 3), ("not sure", 2),
])
def test_a_word_before_a_labels_not_still_chooses_it(typed: str, expected: int | None) -> None:
    """A trial typed "mistake" under the list of exercises; "A mistake, not a verdict"
    was passed over because of its "not", kept there so "sure" is never "Not sure"."""
    labels = [Label("talk", ("Talk something through",)),
              Label("mistake", ("A mistake, not a verdict",)),
              Label("unsure", ("Not sure",)), Label("sure", ("Sure",))]
    assert match_label(labels, typed) == expected


@pytest.mark.parametrize(("typed", "meant"), [("sí", "yes"), ("sì", "yes"), ("Ja", "yes"),
                                              ("sim", "yes"), ("nein", "no"), ("não", "no")])
def test_yes_and_no_of_the_installed_languages_are_understood_in_english(
    typed: str, meant: str,
) -> None:
    """A Spanish speaker met in English answered "sí" to "are you 18 or older?" and
    was told a button works best."""
    assert polarity(typed) == meant
