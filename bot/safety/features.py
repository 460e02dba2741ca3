"""Features for the learned crisis classifier: hashed word and character n-grams.

One job: turn normalised text (see :mod:`bot.safety.normalise`) into the sorted,
unique feature ids the network of :mod:`bot.safety.classifier` reads, the
same way at training time and at run time.

* word unigrams and bigrams: "want to", "to die";
* character 3- to 5-grams of the words joined by single spaces, with a space at
  each end: they carry meaning across inflections, typos and languages written
  without spaces (Japanese), where no word list reaches.

Each feature is hashed with CRC-32 (stable across processes and machines, unlike
Python's salted ``hash``) into :data:`DIMENSIONS` buckets.  A few collisions cost
a little accuracy and save shipping a vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from zlib import crc32

import numpy as np
import numpy.typing as npt

from bot.safety.normalise import WORD_CHARS

__all__ = ["DIMENSIONS", "FeatureIds", "feature_ids", "segments", "window_ids", "words"]

FeatureIds = npt.NDArray[np.int32]
"""Sorted, unique feature ids, read-only: a compact array rather than a tuple of
Python ints (a seventh of the memory in the cache below, and the model's
``take`` reads it without converting it first)."""

DIMENSIONS = 1 << 18
_MASK = DIMENSIONS - 1
_CHAR_SIZES = (3, 4, 5)
_WORD = re.compile(f"[{WORD_CHARS}]+")
# Sentence ends, and the words that start a new thought in a run-on message.
_SEGMENT_BREAK = re.compile(r"[.!?;\n。！？]+|\s(?:but|and then|anyway|also|btw|so yeah)\s")
_MAX_SEGMENT_WORDS = 24


def words(text: str) -> list[str]:
    """The words of normalised ``text`` (letters, digits and the vowel signs of Indic
    scripts; punctuation and underscores dropped)."""
    return _WORD.findall(text)


@lru_cache(maxsize=8192)
def feature_ids(text: str) -> FeatureIds:
    """The sorted, unique hashed feature ids of normalised ``text``.

    Kept for the most recent texts (in memory, bounded): the context layer reads
    the same few earlier messages again with every new one."""
    tokens = words(text)
    ids: set[int] = set()
    add = ids.add
    previous = "<s>"
    for token in tokens:
        add(crc32(("w" + token).encode()) & _MASK)
        add(crc32(("b" + previous + " " + token).encode()) & _MASK)
        previous = token
    add(crc32(("b" + previous + " </s>").encode()) & _MASK)
    joined = " " + " ".join(tokens) + " "
    length = len(joined)
    for size in _CHAR_SIZES:
        for start in range(length - size + 1):
            add(crc32(joined[start : start + size].encode()) & _MASK)
    return _frozen(np.array(sorted(ids), dtype=np.int32))


def window_ids(messages: Sequence[str]) -> FeatureIds:
    """The features of several messages read as one: the union of each one's."""
    if len(messages) <= 1:
        return feature_ids(messages[0] if messages else "")
    ids = np.concatenate([feature_ids(m) for m in messages])
    ids.sort()
    # sorted, then each id that differs from the one before it: what np.unique
    # does, without its general checks (five times as fast at this size)
    keep = np.empty(len(ids), dtype=bool)
    keep[:1] = True
    np.not_equal(ids[1:], ids[:-1], out=keep[1:])
    return _frozen(ids[keep])


def _frozen(ids: FeatureIds) -> FeatureIds:
    # Cached arrays are shared by every caller: none may change them.
    ids.flags.writeable = False
    return ids


def segments(text: str) -> list[str]:
    """The parts of a long message read on their own, so that one sentence of
    risk is not diluted by ten of everyday talk: sentences, and windows of at most
    :data:`_MAX_SEGMENT_WORDS` words within a long sentence.  A message of one
    short sentence has no segments beyond itself (an empty list)."""
    parts = [p.strip() for p in _SEGMENT_BREAK.split(text) if p and p.strip()]
    out: list[str] = []
    for part in parts:
        tokens = part.split()
        if len(tokens) <= _MAX_SEGMENT_WORDS:
            out.append(part)
            continue
        step = _MAX_SEGMENT_WORDS // 2
        for start in range(0, len(tokens) - step, step):
            out.append(" ".join(tokens[start : start + _MAX_SEGMENT_WORDS]))
    if len(out) == 1 and out[0] == text.strip():
        return []
    return out
