"""Filling in a written line: placeholders become the person's words, quoted.

One job, shared by the engine and the journal and progress views: a wording
such as ``"You wrote: {reframe|something kind}"`` and the values at hand become
:class:`~bot.types.Segment` runs.  The person's words are shortened and marked
``quoted`` (every adapter escapes them); a missing value gives its fallback, or
nothing.  Values of our own (a date, a count) may be passed as ``ours`` and are
said as plain text.  :func:`fullest` picks, among a line's wordings, the one
that says the most of what is known.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Collection, Mapping
from typing import Protocol

from bot.dialogue.spec import PLACEHOLDER, Variants
from bot.state import Value
from bot.text import clean_quote
from bot.types import Segment

_CLOSING_QUOTES = "\u201d\u2019\"'"
_PUNCTUATION = frozenset(".,;:!?\u2026")

__all__ = ["LineBook", "fill", "fillable", "fullest", "references"]


class LineBook(Protocol):
    """Where the lines of ``dialogues/system.yaml`` come from (a ``DialogueSet``)."""

    def line(self, name: str) -> Variants:
        """The wordings of the line ``name``; ``KeyError`` when there is none."""
        ...

    def option_label(self, dialogue: str, field: str, value: str) -> str | None:
        """The button a dialogue saved as ``value`` in ``field`` ("ashamed" ->
        "Vergüenza" in Spanish), or ``None`` when it was no button of ours."""
        ...


def fill(
    text: str,
    values: Mapping[str, Value],
    quote_chars: int,
    *,
    ours: Mapping[str, str] | None = None,
) -> tuple[Segment, ...]:
    """``text`` with each ``{name}`` or ``{name|fallback}`` filled in.

    A name in ``values`` is the person's answer: shortened to ``quote_chars`` and
    quoted.  A name in ``ours`` is our own text, said as it is.
    """
    segments: list[Segment] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > position:
            segments.append(Segment(text[position : match.start()]))
        name, fallback = match.group(1), match.group(2)
        if ours is not None and name in ours:
            segments.append(Segment(ours[name]))
        elif name in values:
            # "You wrote: “{story}”." must not end in "failure.”."
            after = text[match.end():].lstrip(_CLOSING_QUOTES)
            segments.append(Segment(clean_quote(str(values[name]), quote_chars,
                                                closes=after[:1] in _PUNCTUATION),
                                    quoted=True))
        elif fallback is not None:
            segments.append(Segment(fallback))
        position = match.end()
    if position < len(text):
        segments.append(Segment(text[position:]))
    return tuple(segments)


def fillable(text: str, values: Mapping[str, object], *, strict: bool = False) -> bool:
    """Can ``text`` be said with these values (``strict``: without any fallback)?"""
    return all(
        name in values or (has_fallback and not strict) for name, has_fallback in references(text)
    )


@functools.lru_cache(maxsize=4096)
def references(text: str) -> tuple[tuple[str, bool], ...]:
    """The names a wording fills in, and whether each has a fallback (texts are few)."""
    return tuple((m.group(1), m.group(2) is not None) for m in PLACEHOLDER.finditer(text))


def fullest(variants: Variants, available: Collection[str], seed: int) -> str:
    """The wording that says the most of what is ``available``.

    Wordings whose every placeholder has a value come first (then those whose
    missing ones have fallbacks); among them, the one using the most values
    wins, so that a check-in with a word is not shown as a bare check-in.  Ties,
    such as plain alternative wordings, rotate with ``seed``.
    """
    def used(text: str) -> int:
        return sum(name in available for name, _ in references(text))

    known = dict.fromkeys(available)
    # As the engine does: a wording written for what is there reads better than
    # one that leans on fallbacks.
    sayable = [text for text in variants if fillable(text, known, strict=True)]
    sayable = sayable or [text for text in variants if fillable(text, known)] or list(variants)
    most = max(used(text) for text in sayable)
    best = [text for text in sayable if used(text) == most]
    return best[seed % len(best)]


def rotation(user_id: str, key: str, n: int, cycle: int) -> list[int]:
    """This person's order of ``n`` wordings for one line, in one cycle through them.

    Consecutive cycles never start with the wording the previous one ended on.
    """
    order = list(_shuffled(user_id, key, n, cycle))
    if cycle > 0 and n > 1 and order[0] == _shuffled(user_id, key, n, cycle - 1)[-1]:
        order[0], order[1] = order[1], order[0]
    return order


def _shuffled(user_id: str, key: str, n: int, cycle: int) -> tuple[int, ...]:
    """A permutation of ``range(n)`` drawn from a hash of who, which line and which cycle.

    The hash is read as a Lehmer code (a number in a mixed radix n, n-1, ..., 1),
    which gives a well-spread permutation without building a PRNG every turn.
    """
    # Not memoised (1.4 us a call): with thousands of people the (person, line)
    # pairs outnumber any cache, which then holds memory (18 MB at 10,000 people)
    # and rarely hits.
    digest = hashlib.blake2b(f"{user_id}\x00{key}\x00{cycle}".encode(), digest_size=8).digest()
    code = int.from_bytes(digest, "big")
    items = list(range(n))
    order = []
    for radix in range(n, 0, -1):
        code, pick = divmod(code, radix)
        order.append(items.pop(pick))
    return tuple(order)
