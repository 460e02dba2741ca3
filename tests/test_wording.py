"""Filling in written lines: the person's words quoted, ours plain, the fullest wording."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.types import Segment
from bot.wording import fill, fillable, fullest


def test_answers_are_quoted_and_shortened_ours_are_plain_and_missing_ones_fall_back() -> None:
    text = "On {date} you wrote {reframe}, not {story|that story}.{gone}"
    segments = fill(text, {"reframe": "I am learning, slowly but surely"}, 20,
                    ours={"date": "26 Nov"})
    assert segments == (
        Segment("On "), Segment("26 Nov"), Segment(" you wrote "),
        Segment("I am learning\u2026", quoted=True), Segment(", not "),
        Segment("that story"), Segment("."),
    )


def test_a_wording_is_sayable_when_each_name_has_a_value_or_a_fallback() -> None:
    assert fillable("{a} and {b|x}", {"a": 1})
    assert not fillable("{a} and {b|x}", {"a": 1}, strict=True)
    assert not fillable("{a}", {})


def test_the_fullest_sayable_wording_is_chosen_and_ties_rotate() -> None:
    variants = ("{d}: {mood} {word}", "{d}: {mood}", "{d}")
    assert fullest(variants, {"d", "mood", "word"}, seed=5) == "{d}: {mood} {word}"
    assert fullest(variants, {"d", "mood"}, seed=5) == "{d}: {mood}"
    assert fullest(variants, {"d", "word"}, seed=5) == "{d}"
    assert {fullest(("A", "B"), (), seed) for seed in range(4)} == {"A", "B"}
    # A fallback is a last resort, even where it would say more.
    assert fullest(("{d}: {word|-}", "{d}"), {"d"}, seed=0) == "{d}"


@given(st.text(), st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), st.text()))
def test_text_without_placeholders_is_said_as_it_is(text: str, values: dict[str, str]) -> None:
    if "{" not in text:
        assert "".join(s.text for s in fill(text, values, 120)) == text


def test_quoted_answers_read_like_a_person_said_them() -> None:
    def quoted(text: str, answer: str) -> str:
        return "".join(s.text for s in fill(text, {"a": answer}, 120))

    # Their "that", their own quote marks and a closing full stop that would
    # double ours are dropped; their words inside are kept as written.
    assert quoted("You wrote: \u201c{a}\u201d.", "that I'm a terrible person.") == (
        "You wrote: \u201cI'm a terrible person\u201d.")
    assert quoted("So \u201c{a}\u201d, then?", "\"I always ruin things\"") == (
        "So \u201cI always ruin things\u201d, then?")
    # A whole letter shown on its own keeps its last full stop.
    assert quoted("Your letter: {a}", "Dear me. Go easy.") == "Your letter: Dear me. Go easy."
    # "that" alone, or "that one", is an answer in itself.
    assert quoted("\u201c{a}\u201d.", "that one") == "\u201cthat one\u201d."


def test_invisible_marks_never_reorder_or_hide_a_quoted_answer() -> None:
    def quoted(answer: str) -> str:
        return "".join(s.text for s in fill("You wrote: \u201c{a}\u201d.", {"a": answer}, 120))

    # a right-to-left override would show "I made tea" backwards inside our sentence
    assert quoted("I made \u202etea\u202c for mum") == "You wrote: \u201cI made tea for mum\u201d."
    assert quoted("\ufeffkind\u200b to \u2066me\u2069") == "You wrote: \u201ckind to me\u201d."
    # the joiner inside an emoji sequence is part of the emoji, and stays
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert quoted(f"time with my {family}") == f"You wrote: \u201ctime with my {family}\u201d."
