"""Values as the backends store them: UTC timestamps and JSON text.

The PostgreSQL store and ``compassion-bot db copy`` share these, so that a value
means the same on both sides of a copy and an export reads the same whichever
backend wrote it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
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
    return require_aware(at).astimezone(UTC).isoformat(timespec="microseconds")


def from_utc_text(text: str) -> datetime:
    """The datetime :func:`utc_text` wrote."""
    return datetime.fromisoformat(text)


def json_text(value: Any) -> str:
    """Compact JSON; ``NaN`` and infinities are refused because they are not JSON."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
