"""Small pure helpers for the text people send: cleaning, matching, quoting.

Nothing here knows about dialogues; the engine and the adapters share these so
that "skip" or a typed button label means the same on every platform.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Control characters (C0 and C1) other than newline and tab carry no meaning in
# a chat message and can corrupt a terminal or a log line; zero-width and
# bidirectional marks are kept for the safety assessor, which normalises them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A lone UTF-16 surrogate is no character at all: Telegram's JSON can carry one
# ("\ud83d" from a client that cut an emoji in half), and a terminal hands one over
# for each byte that is not UTF-8.  It cannot be encoded, so no database could
# store the message; it becomes U+FFFD, the replacement character, instead.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Invisible marks that change nothing a person meant but can hide or reorder what
# is shown (a right-to-left override turns a quoted answer around): dropped from
# the words the bot shows back.  The joiner U+200D stays; emoji sequences need it.
_INVISIBLE = re.compile("[\u200b\u200c\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
REPLACEMENT = "\ufffd"
_SPACES = re.compile(r"\s+")
_PUNCTUATION_EDGES = re.compile(r"^[\W_]+|[\W_]+$")

SKIP_ANSWERS = frozenset(
    {
        "skip",
        "pass",
        "next",
        "idk",
        "dunno",
        "i dont know",
        "i do not know",
        "dont know",
        "not sure",
        "im not sure",
        "no idea",
        "i have no idea",
        "skip this",
        "skip it",
    }
)
STOP_ANSWERS = frozenset({"stop", "quit", "exit", "cancel", "stop please", "please stop"})
HELP_ANSWERS = frozenset({"help", "sos", "help me", "i need help"})
# A goodbye ("bye", "ok thanks bye!", "i have to go now, sorry", "gn"): one of
# these, with nothing but small words around it, is a stop too (outside the crisis
# conversation; bot/turn/dispatch.py).  "bye" at the menu or mid-question means the
# person is leaving, not that "bye" is what is on their mind.
# Not "later" or "night" alone: they answer "when?" questions.
_GOODBYE_WORDS = frozenset({
    "bye", "byee", "byeee", "byebye", "goodbye", "goodnight", "gn", "cya", "ttyl", "gtg",
    "g2g", "adios", "adiós", "ciao", "chao", "chau", "tschüss", "tschuss", "tschüs", "tchau",
})
_GOODBYE_PHRASES = (("good", "night"), ("see", "you"), ("see", "ya"), ("gotta", "go"),
                    ("got", "to", "go"), ("have", "to", "go"), ("need", "to", "go"),
                    ("talk", "later"), ("take", "care"), ("signing", "off"),
                    ("thats", "all", "for", "today"), ("thats", "all", "for", "now"),
                    ("to", "bed"), ("to", "sleep"), ("go", "sleep"), ("thats", "all"),
                    ("night", "night"))
_AROUND_GOODBYE = frozenset({
    "ok", "okay", "k", "thanks", "thank", "you", "ty", "thx", "now", "sorry", "i", "im",
    "have", "need", "to", "go", "gotta", "got", "must", "for", "all", "thats", "that",
    "it", "see", "ya", "good", "night", "take", "care", "talk", "later", "soon",
    "tomorrow", "again", "so", "well", "anyway", "then", "off", "signing", "x", "xx",
    "really", "bye", "a", "lot", "much", "and", "byee", "going", "gonna", "try", "sleep",
    "bed", "head", "think", "actually", "cheers", "today", "ill", "be", "back", "the",
    "get", "some", "rest",
})
_MAX_GOODBYE_WORDS = 12
HELLO_AND_GOODBYE = frozenset({"ciao", "ciao ciao"})
"""Goodbyes that are hellos too (Italian "ciao"): with nothing running, a hello (a
trial's first "ciao" was told "Okay, we've stopped")."""


def is_goodbye(text: str) -> bool:
    """Whether a message only says goodbye ("ok thanks bye!", "gotta go, sorry")."""
    said = words(text)
    if not said or len(said) > _MAX_GOODBYE_WORDS:
        return False
    if not set(said) <= _AROUND_GOODBYE | _GOODBYE_WORDS:
        return False
    return bool(_GOODBYE_WORDS.intersection(said)) or any(
        tuple(said[i:i + len(p)]) == p for p in _GOODBYE_PHRASES for i in range(len(said)))

HUMAN_QUESTIONS = frozenset({
    "are you human", "are you a human", "are you real", "are you a real person",
    "are you a person", "are you a real human", "is this a real person", "is this a person",
    "is this a human", "is this a bot", "are you a bot", "are you just a bot", "r u a bot",
    "r u real", "am i talking to a bot", "am i talking to a real person",
    "am i talking to a person", "am i talking to a human", "am i talking to someone",
    "are you ai", "are you an ai", "is this ai", "is this an ai", "are you a robot",
    "are you a machine", "is this automated", "is someone reading this",
    "is anyone reading this", "is a person reading this", "is there a person there",
    "is there a real person", "who am i talking to", "are you a therapist",
    "are you a counsellor", "are you a counselor",
})
"""Asking whether a person is writing (answer keys, apostrophes dropped): answered
anywhere with the reminder that this is a bot, as the law of several places asks."""


def primary_language(code: str) -> str:
    """The language of a platform's or a person's code: "es-419", "pt_BR" and
    "ES" are all ``es``."""
    return code.strip().replace("_", "-").split("-")[0].casefold()


def clean_input(text: str) -> str:
    """Drop control characters and replace lone surrogates; keep everything a
    person could mean."""
    return _SURROGATE.sub(REPLACEMENT, _CONTROL.sub("", text))


# Cached: one turn asks it of the same answer several times (skip? unsure? which
# button?) and of every button label; a bounded cache of recent texts (1,024 at
# most a few MB) keeps a burst of long messages from growing it.
@functools.lru_cache(maxsize=1024)
def answer_key(text: str) -> str:
    """A forgiving form of a short answer, for matching against labels and keywords.

    Case-folded, apostrophes dropped (so "don't" matches "dont"), inner spaces
    collapsed and punctuation stripped from both ends.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.replace("'", "").replace("\u2019", "").replace("\u2018", "")
    folded = _SPACES.sub(" ", folded).strip()
    return _PUNCTUATION_EDGES.sub("", folded)


def shorten(text: str, limit: int) -> str:
    """The person's words on one line, cut at a word boundary to ``limit`` characters."""
    flat = _SPACES.sub(" ", _INVISIBLE.sub("", clean_input(text))).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "\u2026"


# What is trimmed from a quoted answer so that it reads inside our sentence:
# their own quote marks (ours go around it) and closing punctuation that would
# double ours ("“I'm a failure.”." -> "“I'm a failure”.").
# English, German („…“, ‚…‘), French and Spanish («…», ‹…›) quotation marks.
_QUOTE_MARKS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a\u2039\u203a"
_TRAILING = re.compile(r"[\s.,;:\u2026]+$")
# "that I'm a terrible person": the answer to "what's the belief?" often starts
# with the "that" of the question's grammar, which reads oddly when quoted back.
_LEADING_THAT = re.compile(r"^(?:that|the belief that|the thought that)\s+(?=\S+\s+\S)",
                           re.IGNORECASE)


def quotable(text: str) -> bool:
    """Whether an answer can be quoted back: it has a letter or a digit (an answer of
    emoji or punctuation only is met in other words, never quoted)."""
    return any(ch.isalnum() for ch in text)


def clean_quote(text: str, limit: int, *, closes: bool = False) -> str:
    """A person's answer as it is quoted back: on one line, within ``limit``
    characters, without their own quote marks or a leading "that"; with
    ``closes`` (our sentence puts its own punctuation after the quote), without
    their closing punctuation either."""
    flat = _SPACES.sub(" ", _INVISIBLE.sub("", clean_input(text))).strip()
    flat = flat.strip(_QUOTE_MARKS).strip()
    flat = _LEADING_THAT.sub("", flat)
    if closes:
        flat = _TRAILING.sub("", flat).strip(_QUOTE_MARKS).strip()
    return shorten(flat or text, limit)


def words(text: str) -> list[str]:
    """Lower-case words of ``text``, apostrophes folded in ("I'm" -> "im")."""
    return re.findall(r"[^\W_]+", answer_key(text).replace("-", " "))


_SCALE = re.compile(r"^\s*(-?\d{1,3})(?:\s*(?:/|out of|of)\s*\d{1,3})?\s*$")


def parse_scale(text: str, low: int, high: int) -> int | None:
    """A number in ``[low, high]`` from "7", "7/10" or "7 out of 10"; else ``None``."""
    match = _SCALE.match(answer_key(text) or text.strip())
    if match is None:
        return None
    value = int(match.group(1))
    return value if low <= value <= high else None


def one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one insertion, deletion,
    substitution or swap of two neighbouring letters."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        return (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
