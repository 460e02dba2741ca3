"""Reading a typed answer the way a person meant it.

One job: map what someone typed to a question onto the question's terms: a
button ("yes please" for "Yes, please"; "ready" for "I'm ready to go on"; a
declared synonym), a number on a scale ("seven", "about 7 I think", "7/10"),
or the "I don't know" that asks for help rather than to skip.  Pure functions
over text; the engine decides what to do with the result.

Matching works on *content words*: the answer's words with filler ("um",
"please", "I think") and small joining words removed.  A typed answer selects an
option when its content words are exactly the option's, or when they are a
part of exactly one option's words and say nothing else ("twice" -> "Twice a
day").  An answer that adds a word the label lacks never matches, so "not
ready" cannot select "I'm ready".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.text import answer_key, words

__all__ = [
    "SKIP_WORDS",
    "UNSURE_ANSWERS",
    "Label",
    "content_words",
    "is_skip",
    "is_unsure",
    "match_label",
    "parse_number",
    "polarity",
]

SKIP_WORDS = frozenset({"skip", "pass", "next", "skip this", "skip it", "skip please",
                        "please skip", "leave it", "move on", "next one", "next question"})
"""Answers that mean "go on without answering"."""

UNSURE_ANSWERS = frozenset({
    "idk", "dunno", "i dont know", "i do not know", "dont know", "not sure", "im not sure",
    "i am not sure", "no idea", "i have no idea", "i dont really know", "not really sure",
    "im not sure really", "i cant think of anything", "cant think of anything",
    "i dont know what to say", "i dont know what to write", "no clue", "i have no clue",
    "hmm i dont know", "um i dont know", "idk really", "unsure", "i really dont know",
    "nothing comes to mind", "i cant think", "not a clue", "i dont know honestly",
    "honestly i dont know", "stuck", "im stuck", "i am stuck",
    # Nothing coming when asked to picture something (a trial's /imagery went on
    # as if an image had come).
    "i cant picture anything", "i cant picture it", "i cant imagine anything",
    "i cant see anything", "nothing comes", "nothing comes up", "my mind is blank",
    "mind is blank", "its blank", "blank", "i cant picture", "i cant visualise",
    "i cant visualize", "i cant visualise anything", "i cant visualize anything",
    # Not understanding the question is met the same way: an example, a smaller
    # question.
    "what do you mean", "what does that mean", "i dont understand", "dont understand",
    "i dont get it", "dont get it", "huh", "what", "like what", "such as", "for example",
    "example", "give me an example", "can you give me an example",
})
"""Answers that mean "I can't find the words": help first, then let them skip."""

# Words that carry no choice: hesitation, politeness, and the small words that
# join a label together ("a", "to").  "no", "not" and "yes" are never filler, nor
# "guess": "I'm fine I guess" is not the button "I'm fine".
_FILLER = frozenset({
    "um", "umm", "uh", "uhm", "er", "erm", "hmm", "hm", "ah", "oh", "well", "so", "ok", "okay",
    "please", "pls", "plz", "thanks", "thank", "ty", "just", "i", "im", "ive", "id",
    "think", "like", "a", "an", "the", "to", "of", "on", "in", "for", "it",
    "its", "my", "me", "and", "with", "at", "is", "be", "that", "this", "one", "option",
    "lets", "let", "us", "would", "say", "probably", "about", "around", "roughly",
    "perhaps", "really", "quite", "pretty", "honestly", "tbh", "ngl",
})
# "go" and "maybe" are not filler: "go on" and "maybe later" are answers.
_NUMBER_WORDS = {
    "zero": 0, "none": 0, "nil": 0, "nothing": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12,
}
_DIGITS = re.compile(r"(?<![\w.])(-?\d{1,3})(?!\w|[.,]\d)")
# "7/10", "7 out of 10", "six out of ten", "siete de diez" (its words made digits
# first): the second number is the scale, not an answer.
_OUT_OF = re.compile(r"(?:/|\bout of\b|\bof\b|\bde\b|\bvon\b|\bsobre\b)\s*"
                     r"(?:\d{1,3}|ten\b|five\b)")
# Answers to a scale are short; a long sentence with a number in it ("I slept 3
# hours and it's been 10 days") is not a rating.
_MAX_SCALE_WORDS = 8


def content_words(text: str) -> frozenset[str]:
    """The words of an answer that can carry a choice."""
    return frozenset(w for w in words(text) if w not in _FILLER)


@dataclass(frozen=True, slots=True)
class Label:
    """What typing can select: an option's id, its label and its declared synonyms."""

    id: str
    texts: tuple[str, ...]
    openers: tuple[str, ...] = ()
    """Words that select it when an answer opens with them (see ``Option.opens``)."""


@lru_cache(maxsize=4096)
def _label_words(text: str) -> frozenset[str]:
    found = content_words(text)
    # A label made only of small words ("Go on", "Maybe") keeps them.
    return found or frozenset(words(text))


def match_label(labels: Sequence[Label], text: str) -> int | None:
    """The index of the label a typed answer means, or ``None``.

    In order: the option's number (1-based); its id or a label/synonym typed out
    (case, punctuation and filler ignored); the one label whose words contain
    every content word of the answer.
    """
    key = answer_key(text)
    if key.isdecimal() and key.isascii() and 1 <= int(key) <= len(labels):
        return int(key) - 1
    typed = content_words(text) or frozenset(words(text))
    if not typed:
        return None
    for index, label in enumerate(labels):
        if key == label.id or any(typed == _label_words(t) or key == answer_key(t)
                                  for t in label.texts):
            return index
    opened = _opened(labels, text)
    if opened is not None:
        return opened
    partial = [index for index, label in enumerate(labels)
               if any(typed <= _label_words(t) and not _negated_in(t, typed)
                      for t in label.texts)]
    if len(partial) == 1:
        return partial[0]
    return _match_polarity(labels, text) if not partial else None


@lru_cache(maxsize=4096)
def _label_order(text: str) -> tuple[str, ...]:
    return tuple(words(text))


def _negated_in(label: str, typed: frozenset[str]) -> bool:
    """Whether part of a label that a negator the person did not type turns around
    holds a typed word: "sure" is not "Not sure", nor "verdict" "A mistake, not a
    verdict"; "mistake" is (it comes before the "not")."""
    order = _label_order(label)
    for at, word in enumerate(order):
        if word in _NEGATORS and word not in typed:
            return any(later in typed for later in order[at + 1:])
    return False


def _opened(labels: Sequence[Label], text: str) -> int | None:
    """The one label whose opening words begin the answer, with nothing after them
    that qualifies it ("it was a joke, but..." is listened to as words)."""
    spoken = words(text)
    if _OPENER_QUALIFIERS.intersection(spoken):
        return None
    # Laughter, a hedge or an "ok" first ("lol no, I was joking", "ok ill text
    # them") opens nothing.
    while spoken and spoken[0] in _OPENER_LEADS:
        spoken.pop(0)
    found = {index for index, label in enumerate(labels) for opener in label.openers
             if (start := _opener_words(opener)) and tuple(spoken[:len(start)]) == start}
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=1024)
def _opener_words(opener: str) -> tuple[str, ...]:
    return tuple(words(opener))


# How people answer a yes/no question in a sentence: "no its just work stuff",
# "yeah im fine, i just meant...". The first word carries the answer.
# With the yes and no of the other installed languages: someone met in English by
# mistake answers in their own (a trial's "sí" to "are you 18 or older?" was refused).
_YES_WORDS = frozenset({"yes", "yeah", "yep", "yup", "yea", "ya", "sure", "ok", "okay",
                        "definitely", "absolutely", "si", "sí", "sì", "ja", "sim"})
_NO_WORDS = frozenset({"no", "nope", "nah", "not", "never", "nein", "não", "nao"})
_LEADING_HEDGES = frozenset({"um", "umm", "uh", "erm", "hmm", "well", "honestly", "tbh", "oh",
                             "what", "huh", "lol", "haha", "hahaha", "lmao", "jaja", "kkk"})
# A label's own negation must be typed for a part of it to select it: "suicidal"
# alone is never the option "I'm not suicidal".
_NEGATORS = frozenset({"not", "no", "never", "nothing", "dont", "isnt", "arent", "wasnt"})
# Plain yes and no said in more than one word ("of course not" is a no).
_NO_PHRASES = (("of", "course", "not"), ("definitely", "not"), ("absolutely", "not"),
               ("not", "at", "all"), ("no", "way"), ("hell", "no"))
_YES_PHRASES = (("of", "course"), ("for", "sure"))
# Words that make a yes or a no partial ("not actively, but sometimes"): such an
# answer is listened to as words, never taken as a plain no, least of all in the
# crisis questions.
_QUALIFIERS = frozenset({"but", "sometimes", "maybe", "kind", "sort", "bit", "little",
                         "actively", "except", "though", "although", "partly", "unless",
                         "yet", "mostly", "sometime", "often", "lately", "guess", "suppose",
                         "idk"})
_MAX_POLARITY_WORDS = 16
# What turns an opening into something else ("it was a joke, but..."): the
# qualifiers, but for words that only measure or date what follows an opening
# ("can you stay with me for a bit", "i was joking, i often do").
_OPENER_QUALIFIERS = _QUALIFIERS - {"bit", "little", "actively", "yet", "sometime", "often",
                                    "lately"}
_OPENER_LEADS = _LEADING_HEDGES | {"ok", "okay", "alright", "so", "yeah", "right", "sure"}


def polarity(text: str) -> str | None:
    """``"yes"`` or ``"no"`` when the answer opens with one ("nope, just tired");
    ``None`` otherwise, and for "no idea" / "not sure", which are not a no."""
    if is_unsure(text) or is_skip(text):
        return None
    found = [w for w in words(text) if w not in _LEADING_HEDGES]
    if (not found or found[:2] in (["no", "idea"], ["not", "sure"])
            or len(found) > _MAX_POLARITY_WORDS or _QUALIFIERS.intersection(found)):
        return None
    for phrase in _NO_PHRASES:
        if tuple(found[:len(phrase)]) == phrase:
            return "no"
    for phrase in _YES_PHRASES:
        if tuple(found[:len(phrase)]) == phrase:
            return "yes"
    if _YES_WORDS.intersection(found) and _NO_WORDS.intersection(found):
        return None  # "yes and no"
    first = found[0]
    return "yes" if first in _YES_WORDS else "no" if first in _NO_WORDS else None


def _match_polarity(labels: Sequence[Label], text: str) -> int | None:
    """The one option that answers yes (or no) when the answer opens with yes (or no)."""
    wanted = polarity(text)
    if wanted is None:
        return None
    found = [index for index, label in enumerate(labels) if polarity(label.texts[0]) == wanted]
    return found[0] if len(found) == 1 else None


def is_skip(text: str) -> bool:
    """Whether the answer asks to move on without answering."""
    return answer_key(text) in SKIP_WORDS


# Said around "I don't know" without changing it: "honestly, not sure really".
_HEDGES = frozenset({"really", "honestly", "tbh", "sorry", "um", "umm", "uh", "erm", "hmm",
                     "well", "so", "just", "actually", "ok", "okay", "still"})


def is_unsure(text: str) -> bool:
    """Whether the answer says "I don't know" (help first, rather than skip)."""
    key = answer_key(text)
    plain = " ".join(w for w in words(key) if w not in _HEDGES)
    return key in UNSURE_ANSWERS or plain in UNSURE_ANSWERS


# A nod, a refusal or a stray key: said to an open question ("What was the kind
# moment?"), they answer nothing, so nothing is kept and nothing is praised.
_EMPTY_REPLIES = frozenset({"ok", "okay", "k", "kk", "ok then", "okay then", "no", "nope",
                            "nah", "no thanks", "yes", "yeah", "yep", "yup", "hm", "hmm", "meh"})


def is_empty_answer(text: str) -> bool:
    """Whether a reply to an open question says nothing to keep: a lone nod or
    refusal ("ok", "no"), or only digits and punctuation ("2", "...").  Emoji
    answer ("😔" is a feeling), and so does any other word."""
    if answer_key(text) in _EMPTY_REPLIES:
        return True
    return all(unicodedata.category(char)[0] in "NPZC" for char in text)


def _numbers(text: str) -> Iterable[int]:
    for match in _DIGITS.finditer(text):
        yield int(match.group(1))
    for word in words(text):
        if word in _NUMBER_WORDS:
            yield _NUMBER_WORDS[word]


def parse_number(text: str, low: int, high: int) -> int | None:
    """A rating in ``[low, high]`` from a short answer: "7", "seven", "7/10",
    "about 7 I think", "a 3".  ``None`` when there is no number, more than one
    ("6 or 7"), it is out of range, or the answer is too long to be a rating."""
    # Not answer_key: it trims a leading "-", and "-1" is no rating of 1.
    key = unicodedata.normalize("NFKC", text).casefold().strip()
    if len(words(key)) > _MAX_SCALE_WORDS:
        return None
    key = _OUT_OF.sub(" ", key)
    found = set(_numbers(key))
    if len(found) != 1:
        return None
    value = found.pop()
    return value if low <= value <= high else None
