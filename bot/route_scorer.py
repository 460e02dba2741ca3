"""Score a message against weighted cue phrases, one total per route.

One job: turn a cue table (see :mod:`bot.route_cues`) into a fast matcher and
say which cues a message contains.  Deciding what to do with the totals is the
router's job.

A cue is a phrase of space-separated tokens, matched on consecutive words of
one clause of the message (words come from :func:`bot.text.words`, so case,
apostrophes and hyphens do not matter):

* ``word`` matches that word, or it with an "s" added ("hug": "hugs", and
  "mood" matches "mood's", which normalises to "moods");
* ``stem*`` matches any word that starts with ``stem`` (at least 3 letters);
* ``#`` matches a number from 0 to 10 (a mood on the usual scale);
* ``~`` matches up to three words of anything ("let ~ down": "let my team down").

A cue preceded closely by a negation in the same clause ("not", "didn't",
"without"...) does not count: "I'm not anxious" is no reason to breathe.  The
table may redirect the negated cues of a route to another ("not kind to
myself" speaks for the self-compassion break).  Each cue counts once, and
where cues of one route overlap only the heaviest counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.text import words

# A clause ends at sentence punctuation; negation never reaches across one.
_CLAUSE = re.compile(r"[.!?;,:\n()\u2026\u2013\u2014]+|\s-\s")
# Words that turn the next few words around.
NEGATORS = frozenset({
    "not", "no", "never", "dont", "didnt", "doesnt", "isnt", "wasnt", "arent", "werent",
    "wont", "cant", "cannot", "couldnt", "wouldnt", "shouldnt", "hardly", "without", "nor",
    "havent", "hasnt", "hadnt", "aint", "neither",
})
# After these a negator asserts ("can't stop worrying", "couldn't help crying").
AFFIRMING = frozenset({"stop", "help", "quit"})
# A negation's reach ends at these ("I can't sleep and I'm anxious").
SCOPE_BREAKS = frozenset({
    "and", "but", "so", "because", "cause", "then", "though", "although", "or", "yet",
    "while", "when", "since", "now",
})
NEGATION_WINDOW = 4


@dataclass(frozen=True, slots=True)
class Negation:
    """A language's words for turning a cue around: negators, the words after which a
    negator asserts instead ("can't stop"), and the words that end its reach."""

    negators: frozenset[str] = NEGATORS
    affirming: frozenset[str] = AFFIRMING
    scope_breaks: frozenset[str] = SCOPE_BREAKS


ENGLISH_NEGATION = Negation()
GAP_WORDS = 3
MIN_STEM = 3
_MAX_NUMBER = 10
# "was", "his", "its" are not plurals; words longer than this may be.
_SHORTEST_PLURAL = 3


@dataclass(frozen=True, slots=True)
class Hit:
    """One cue found in a message: which route it speaks for, and how strongly."""

    route: str
    cue: str
    weight: float
    negated: bool = False
    counted: bool = True
    """False when negated without a redirect, or overlapped by a heavier cue."""


@dataclass(frozen=True, slots=True)
class Scores:
    """Every route's total, and the cues that made it (for explaining a decision)."""

    totals: dict[str, float]
    hits: tuple[Hit, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class _Cue:
    route: str
    text: str
    weight: float
    tokens: tuple[str, ...]
    single: bool
    """One plain word: found by the index alone, nothing left to compare."""


class CueError(ValueError):
    """A cue phrase that cannot be matched as written."""


class Scorer:
    """Matches a cue table against messages.  Immutable; build once, share."""

    def __init__(
        self,
        cues: Mapping[str, Mapping[str, float]],
        *,
        negated_to: Mapping[str, str] | None = None,
        negation: Negation = ENGLISH_NEGATION,
    ) -> None:
        self.routes = tuple(cues)
        self.negated_to = dict(negated_to or {})
        self.negation = negation
        # Cues are indexed by their first token, so each word of a message is
        # compared only with the few cues that could start there.
        self._exact: dict[str, list[_Cue]] = {}
        # Phrases that open with two plain words are indexed by both: many start
        # with "i", "im" or "not", and would otherwise be tried at every one.
        self._pairs: dict[tuple[str, str], list[_Cue]] = {}
        self._stems: dict[str, list[_Cue]] = {}
        self._numbers: list[_Cue] = []
        for route, phrases in cues.items():
            for text, weight in phrases.items():
                tokens = _tokens(text)
                single = len(tokens) == 1 and _plain(tokens[0])
                cue = _Cue(route, text, float(weight), tokens, single)
                first = cue.tokens[0]
                if first == "#":
                    self._numbers.append(cue)
                elif first.endswith("*"):
                    self._stems.setdefault(first[:MIN_STEM], []).append(cue)
                elif len(tokens) > 1 and _plain(tokens[1]):
                    self._pairs.setdefault((first, tokens[1]), []).append(cue)
                else:
                    self._exact.setdefault(first, []).append(cue)

    def score(self, text: str) -> Scores:
        """The totals of every route for ``text`` (routes without cues score 0)."""
        found_cues: list[tuple[_Cue, str, tuple[int, int, int], bool]] = []
        seen: set[tuple[str, str]] = set()
        for number, clause in enumerate(_CLAUSE.split(text)):
            found = words(clause)
            last = len(found) - 1
            for start, word in enumerate(found):
                pair = self._pairs.get((word, found[start + 1])) if start < last else None
                single = _singular(word)
                groups = (self._exact.get(word), pair, self._stems.get(word[:MIN_STEM]),
                          self._numbers if _is_number(word) else None,
                          self._exact.get(single) if single else None)
                for group in groups:
                    for cue in group or ():
                        if (cue.route, cue.text) in seen:
                            continue
                        end = start + 1 if cue.single else _match_end(cue.tokens, found, start)
                        if end < 0:
                            continue
                        seen.add((cue.route, cue.text))
                        negated = _negated(found, start, self.negation)
                        route = self.negated_to.get(cue.route, "") if negated else cue.route
                        found_cues.append((cue, route, (number, start, end), negated))
        return self._total(found_cues)

    def _total(self, found: list[tuple[_Cue, str, tuple[int, int, int], bool]]) -> Scores:
        """Add up the cues found.  Where cues of one route overlap ("feeling good"
        and "good today"), only the heaviest counts: the same words are not two
        reasons.  Negative cues always count; they exist to take weight back."""
        totals = dict.fromkeys(self.routes, 0.0)
        taken: dict[str, list[tuple[int, int, int]]] = {}
        counted: set[int] = set()
        order = sorted(range(len(found)), key=lambda i: -found[i][0].weight)
        for index in order:
            cue, route, span, _ = found[index]
            if not route:
                continue
            spans = taken.setdefault(route, [])
            if cue.weight > 0 and any(_overlap(span, other) for other in spans):
                continue
            spans.append(span)
            counted.add(index)
            totals[route] = totals.get(route, 0.0) + cue.weight
        hits = tuple(Hit(cue.route, cue.text, cue.weight, negated, index in counted)
                     for index, (cue, _, _, negated) in enumerate(found))
        return Scores(totals, hits)


def _overlap(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Do two ``(clause, start, end)`` spans share a word?"""
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def _tokens(text: str) -> tuple[str, ...]:
    tokens = tuple(text.split())
    if not tokens or tokens[0] == "~" or tokens[-1] == "~":
        raise CueError(f"cue {text!r}: needs words, and '~' only between them")
    for token in tokens:
        if token.endswith("*") and len(token) - 1 < MIN_STEM:
            raise CueError(f"cue {text!r}: a stem needs at least {MIN_STEM} letters")
        bare = token.rstrip("*")
        if token not in ("#", "~") and words(bare) != [bare]:
            raise CueError(f"cue {text!r}: {token!r} is not one normalised word")
    return tokens


def check_cue(text: str) -> None:
    """Raise :class:`CueError` when ``text`` cannot be matched as written, so that a
    loader can name the file and route of a bad cue before any scorer is built."""
    _tokens(text)


def _plain(part: str) -> bool:
    """A token that matches one exact word (not ``#``, ``~`` or a stem)."""
    return part not in ("#", "~") and not part.endswith("*")


def _is_number(word: str) -> bool:
    return word.isdecimal() and word.isascii() and int(word) <= _MAX_NUMBER


def _singular(word: str) -> str:
    """``word`` without a final "s" ("hugs", "mood's" -> "moods" -> "mood"), else ""."""
    return word[:-1] if len(word) > _SHORTEST_PLURAL and word.endswith("s") else ""


def _part_matches(part: str, word: str) -> bool:
    if part == "#":
        return _is_number(word)
    if part.endswith("*"):
        return word.startswith(part[:-1])
    return part in (word, _singular(word))


def _match_end(tokens: tuple[str, ...], found: list[str], start: int) -> int:
    """Where ``tokens`` matched from ``start`` end (``~`` skipping up to three
    words), or -1 when they do not match there."""
    position = start
    for index, part in enumerate(tokens):
        if part == "~":
            rest = tokens[index + 1 :]
            for skip in range(GAP_WORDS + 1):
                end = _match_end(rest, found, position + skip)
                if end >= 0:
                    return end
            return -1
        if position >= len(found) or not _part_matches(part, found[position]):
            return -1
        position += 1
    return position


def _negated(found: list[str], start: int, negation: Negation) -> bool:
    """Is the word at ``start`` within reach of a negation before it?"""
    for index in range(start - 1, max(start - NEGATION_WINDOW, 0) - 1, -1):
        word = found[index]
        if word in negation.scope_breaks:
            return False
        if word in negation.negators:
            following = found[index + 1] if index + 1 < len(found) else ""
            return following not in negation.affirming
    return False
