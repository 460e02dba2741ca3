"""When a person's next nudge is due (placeholder until the nudges branch lands)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime


def next_due(profile: Mapping[str, object], after: datetime, *, seed: str) -> datetime | None:
    """The next moment after ``after`` a nudge is due, or ``None`` when off."""
    return None
