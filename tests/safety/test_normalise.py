"""The normaliser makes spellings of the same words meet."""

from __future__ import annotations

import pytest

from bot.safety.normalise import normalise, normalise_detail, squeeze, squeeze_pattern


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("I WANT TO DIE", "i want to die"),
        ("ｉ ｗａｎｔ ｔｏ ｄｉｅ", "i want to die"),  # full-width letters (NFKC)
        ("I’m done", "I'm done"),  # curly apostrophe
        ("I`m done", "I'm done"),
        ("don't", "dont"),
        ("ki\u200bll my\u200dself", "kill myself"),  # zero-width space and joiner
        ("kill\u00admyself", "killmyself"),  # soft hyphen
        ("kiiiiill myseeeelf", "kill myself"),  # elongation
        ("pleeeease", "please"),
        ("self-harm", "self harm"),
        ("k i l l myself", "kill myself"),  # spaced-out letters
        ("thinking about sui cide", "thinking about suicide"),  # a word split in two
        ("i over dosed", "i overdosed"),
        ("I want to d1e", "I want to die"),  # leetspeak inside a word
        ("$uicide", "suicide"),
        ("k*ll myself", "kill myself"),  # censored
        ("s**cide", "suicide"),
        ("voy a s*icidarme", "voy a suicidarme"),  # censored in the other languages too
        ("quiero m*rir", "quiero morir"),
        ("je veux me t*er", "je veux me tuer"),
        ("Não quero morrer", "nao quero morrer"),  # accents
        ("Ich möchte sterben", "ich mochte sterben"),
        ("suicde", "suicide"),  # misspellings
        ("sucidal", "suicidal"),
        ("kill myslef", "kill myself"),
        ("kill my self", "kill myself"),
        ("i wnat to die", "i want to die"),
        ("wanna die", "want to die"),
        ("gonna", "going to"),
        ("thinkin bout killin myself", "thinking about killing myself"),
    ],
)
def test_variants_meet_their_plain_spelling(variant: str, plain: str) -> None:
    assert normalise(variant) == normalise(plain)


@pytest.mark.parametrize(
    ("slang", "plain"),
    [
        ("kms", "kill myself"),
        ("kys", "kill yourself"),
        ("unalive myself", "kill myself"),
        ("i want to unalive", "i want to kill myself"),
        ("i want to be unalive", "i want to be dead"),
        ("sewerslide", "suicide"),
        ("sewer slide", "suicide"),
        ("kermit sewer slide", "commit suicide"),
        ("self delete", "kill myself"),
        ("off myself", "kill myself"),
        ("top myself", "kill myself"),
        ("wanna rope", "want to hang myself"),
    ],
)
def test_slang_becomes_plain_words_and_is_tagged(slang: str, plain: str) -> None:
    result = normalise_detail(slang)
    assert result.text == normalise(plain)
    assert "slang" in result.tags


def test_plain_text_carries_no_rewrite_tags() -> None:
    assert normalise_detail("I would like to try the breathing exercise").tags == frozenset()


def test_rope_is_only_slang_after_an_intent() -> None:
    assert "hang" not in normalise("I need to rope in some help")
    assert "hang" not in normalise("we bought rope for the swing")


def test_dye_typo_is_not_read_as_die() -> None:
    assert normalise("I want to die my hair purple") == normalise("I want to dye my hair purple")
    assert normalise("dying my hair pink") == normalise("dyeing my hair pink")


def test_numbers_and_doses_survive() -> None:
    assert "20mg" in normalise("I took 20mg at 3am")
    assert "100" in normalise("100 pills")


def test_newlines_are_kept_as_boundaries() -> None:
    assert normalise("first line\n\n  second line") == "first line\nsecond line"


def test_squeeze_collapses_every_repeated_letter() -> None:
    assert squeeze("kill sleep") == "kil slep"
    assert squeeze("100!!!") == "100!!!"


def test_squeeze_pattern_keeps_escapes_and_classes() -> None:
    assert squeeze_pattern(r"\bbetter\b") == r"\bbeter\b"
    assert squeeze_pattern(r"[aa]ll") == r"[aa]l"


def test_squeeze_pattern_rejects_a_split_double_letter() -> None:
    with pytest.raises(ValueError, match="doubled letter"):
        squeeze_pattern(r"kil(?:l)")


@pytest.mark.parametrize("word", ["suicidar", "suicider"])
def test_a_spanish_or_french_infinitive_is_no_typo_of_an_english_word(word: str) -> None:
    """"se va a suicidar" became "suicidal", and the Spanish rules that name the
    infinitive never matched a friend at risk."""
    assert normalise(f"se va a {word}") == f"se va a {word}"


def test_a_two_letter_word_is_joined_in_a_dotted_message_and_not_alone() -> None:
    """A trial's "w.a.n.t t.o d.i.e" got only the question: "t.o" stayed apart."""
    assert normalise("w.a.n.t t.o d.i.e") == "want to die"
    assert normalise("e.g. i like it") == "e.g. i like it"


def test_only_the_split_halves_of_a_crisis_word_are_joined() -> None:
    # "una live" is an Italian or Spanish live stream, not "unalive".
    assert "una live su twitch" in normalise("stasera faccio una live su twitch")
    assert "over it" in normalise("i was over it, do some work")
