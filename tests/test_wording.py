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
