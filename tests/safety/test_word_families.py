"""Word families added for loosely worded messages (Nov 2026).

Phrased differently from the lines added to the evaluation set, so these check
that each family generalises, not that one sentence is remembered."""

from __future__ import annotations

import pytest

from bot.safety.detector import assess

CRISIS = [
    "some days i pray a truck hits me on the motorway",
    "what is really the point of me staying alive",
    "ive had more than enough of living honestly",
    "it would be simpler for everyone if i just ended it all",
    "weve got a plan and im going through with it friday",
    "got a plan, im doing it on saturday",
    "heading up to the cliffs and im never coming back",
    "i already figured out where im going to jump off",
    "i ordered a shotgun and its already loaded",
    "sitting with a whole box of paracetamol next to me",
    "all of my antidepressants are lined up",
    "up on the roof of the car park right now looking down",
    "scratching my arms til they bleed again",
    "sorry for all the trouble, i wont be a burden anymore after today",
    "gona yeet myself in front of a train",
    "thinking about checking out permanently",
    "i wanna kys",
    "i need ot die",
    "my brother texted goodbye and stopped answering",
    "a guy from school keeps trying to get in right now",
    "i keep getting pressured into sending nudes",
    "ich habe keine kraft mehr zum leben",
    "just took everything from the first aid kit",
    "maybe its time to kill myself",
]

NOT_CRISIS = [
    "the film was about a woman who wants to die young and famous",
    "whats the lethal dose of chocolate for dogs",
    "nicked myself shaving again ugh",
    "never tried to kill myself, just felt low for a while",
    "bought a rope for the boat",
    "it was nice knowing you all, see you after the exam lol",
    "im going to the lake after work",
    "my pills are lined up in my weekly organiser",
    "picked a date for the party",
    "someone is following me on twitter",
    "whats the point of this meeting",
    "i survived an overdose years ago and im doing well now",
]


@pytest.mark.parametrize("text", CRISIS)
def test_new_word_families_are_crisis(text: str) -> None:
    assert assess(text).level == "crisis", text


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_new_word_families_keep_their_negatives(text: str) -> None:
    assert assess(text).level != "crisis", (text, assess(text))
