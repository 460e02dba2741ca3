"""The questionnaires' scoring against their published keys, by hand-computed examples.

SCS-SF (Raes, Pommier, Neff & Van Gucht, 2011): items 1, 4, 8, 9, 11 and 12 are
reverse-scored for the total (6 - answer), the total is the mean of the twelve,
and each subscale is the mean of its two items as answered.  PHQ-2 and GAD-2:
the two answers (0-3) summed.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.measures import SCALES, answers_from, score, variable_names

# The published key of the short form (Raes et al., 2011, Table 1).
PUBLISHED_REVERSED = {1, 4, 8, 9, 11, 12}
PUBLISHED_PAIRS = {
    "sk": (2, 6), "sj": (11, 12), "ch": (5, 10), "is": (4, 8), "mi": (3, 7), "oi": (1, 9),
}


def test_the_key_is_the_published_one() -> None:
    scale = SCALES["scs_sf"]
    assert scale.reverse == PUBLISHED_REVERSED
    assert dict(scale.subscales) == PUBLISHED_PAIRS
    assert sorted(i for items in scale.subscales.values() for i in items) == list(range(1, 13))


def test_a_hand_scored_example() -> None:
    answers = dict(enumerate([2, 4, 3, 5, 4, 3, 4, 2, 3, 4, 1, 2], start=1))
    # Reversed: 1:2->4, 4:5->1, 8:2->4, 9:3->3, 11:1->5, 12:2->4; the others as given:
    # 4+4+3+1+4+3+4+4+3+4+5+4 = 43, and 43 / 12 = 3.583...
    assert score("scs_sf", answers) == {
        "total": 3.58, "sk": 3.5, "sj": 1.5, "ch": 4.0, "is": 3.5, "mi": 3.5, "oi": 2.5,
    }


def test_the_kindest_and_the_harshest_answers_give_five_and_one() -> None:
    kindest = {i: (1 if i in PUBLISHED_REVERSED else 5) for i in range(1, 13)}
    harshest = {i: (5 if i in PUBLISHED_REVERSED else 1) for i in range(1, 13)}
    assert score("scs_sf", kindest)["total"] == 5.0  # type: ignore[index]
    assert score("scs_sf", harshest)["total"] == 1.0  # type: ignore[index]
    # The self-judgment subscale is scored as answered: harsh answers, a high score.
    assert score("scs_sf", harshest)["sj"] == 5.0  # type: ignore[index]


def test_two_skipped_items_still_score_three_do_not() -> None:
    answers = dict.fromkeys(range(1, 13), 3)
    del answers[2], answers[11]
    assert score("scs_sf", answers) == {
        "total": 3.0, "sk": 3.0, "sj": 3.0, "ch": 3.0, "is": 3.0, "mi": 3.0, "oi": 3.0}
    del answers[5]
    assert score("scs_sf", answers) is None


def test_an_answer_outside_the_scale_is_ignored() -> None:
    answers = dict.fromkeys(range(1, 13), 4) | {13: 5}
    answers[3] = 9  # a stale or forged button
    scored = score("scs_sf", answers)
    assert scored is not None and scored["mi"] == 4.0  # item 7 alone


def test_phq2_and_gad2_are_sums_of_both_answers() -> None:
    assert score("phq2", {1: 2, 2: 3}) == {"total": 5.0}
    assert score("gad2", {1: 0, 2: 0}) == {"total": 0.0}
    assert score("phq2", {1: 2}) is None


def test_answers_are_read_from_what_the_dialogue_saved() -> None:
    saved = {"scs_1": "4", "scs_12": "2", "scs_total": "3.10", "other": "x", "scs_x": "1"}
    assert answers_from("scs_", saved) == {1: 4, 12: 2}
    assert variable_names("phq2", "phq2_") == ("phq2_total",)
    assert variable_names("scs_sf", "scs_")[:2] == ("scs_total", "scs_sk")


@given(st.dictionaries(st.integers(1, 12), st.integers(1, 5), min_size=10))
def test_every_total_lies_between_one_and_five(answers: dict[int, int]) -> None:
    scored = score("scs_sf", answers)
    assert scored is not None
    assert all(1.0 <= value <= 5.0 for value in scored.values())


@pytest.mark.parametrize("scale", sorted(SCALES))
def test_nothing_answered_gives_no_score(scale: str) -> None:
    assert score(scale, {}) is None
