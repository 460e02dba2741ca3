"""Values as the backends store them: UTC timestamps and days, JSON text, safety counts.

Both stores and ``compassion-bot db copy`` share these, so that a value means the
same on both sides of a copy and an export reads the same whichever backend
wrote it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any


def require_aware(at: datetime) -> datetime:
    """``at`` unchanged, or :class:`ValueError` for a naive datetime."""
    if at.tzinfo is None:
        # A naive datetime is ambiguous (local time? UTC?); guessing would
        # silently shift journals and nudges by hours, so refuse it.
        raise ValueError("datetimes given to the store must be timezone-aware")
    return at


def utc_text(at: datetime) -> str:
    """``at`` as fixed-width ISO-8601 UTC text (``2024-05-01T08:00:00.000000+00:00``),
    the form SQLite stores and every export shows, so that text order is time order."""
    if at.tzinfo is UTC:
        # The runtime's own clock, twice a turn: already aware and in UTC, so the
        # check and the conversion (which would return it unchanged) are skipped.
        return at.isoformat(timespec="microseconds")
    return require_aware(at).astimezone(UTC).isoformat(timespec="microseconds")


def from_utc_text(text: str) -> datetime:
    """The datetime :func:`utc_text` wrote."""
    return datetime.fromisoformat(text)


def json_text(value: Any) -> str:
    """Compact JSON; ``NaN`` and infinities are refused because they are not JSON."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def utc_day(at: datetime) -> date:
    """The UTC calendar day of ``at``: the day a safety count is reported under,
    whatever the zone the caller's clock was in."""
    return require_aware(at).astimezone(UTC).date()


SAFETY_KIND = re.compile(r"[a-z][a-z_]{0,31}")
"""What a safety count's kind looks like: a short lowercase label from the code.
Anything else (an id, a name, a message) is refused, so the report's table can
never come to hold something about a person."""


MAX_SAFETY_COUNT = 1000
"""The most one commit may add to one kind: a turn counts one or two.  A bound, so
that a runaway value fails its own caller here rather than overflowing a column
inside a group commit, where it would fail every turn of the batch."""


def safety_increments(counts: Mapping[str, int], at: datetime) -> tuple[tuple[date, str, int], ...]:
    """``(UTC day of at, kind, count)`` for each non-zero count of a commit, by kind.

    Checked before the commit joins a group commit, so that a bad value fails its
    own caller with :class:`ValueError` instead of the batch it would land in.
    """
    if not counts:
        return ()  # most turns count nothing
    day = utc_day(at)
    increments = []
    for kind, count in counts.items():
        if not isinstance(kind, str) or SAFETY_KIND.fullmatch(kind) is None:
            # Not quoted: whatever it is, it is not something to put in a log.
            raise ValueError("a safety count's kind must be a short lowercase label "
                             "(a-z and _, at most 32)")
        # bool is an int too, and True is no count.
        if (isinstance(count, bool) or not isinstance(count, int)
                or not 0 <= count <= MAX_SAFETY_COUNT):
            raise ValueError(f"safety count {kind!r} must be a whole number from 0 to "
                             f"{MAX_SAFETY_COUNT}")
        if count:
            increments.append((day, kind, count))
    return tuple(sorted(increments))
