"""Profile fields: which are free text, and how a turn's changes merge into them.

Profile fields are free text unless they are on :data:`SETTING_KEYS` (or start
with ``nudge_``): an allow-list, so a field a new dialogue adds (a safety plan
answer, a last reframe) is protected without anyone remembering to list it.
Settings stay readable because the store and scheduler need them and they say
nothing of what the person wrote.  Which *columns* hold free text is the schema
catalogue's business (:data:`bot.store.schema.TEXT_COLUMNS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

SETTING_KEYS = frozenset(
    {"onboarded", "consent", "country", "tz", "unreachable", "follow_up_at", "follow_ups",
     "group_journal", "under_age", "measured_at", "measure_offers"}
)
"""Profile fields that are settings, not words the person wrote."""

SETTING_PREFIXES = ("nudge_",)
"""Every ``nudge_*`` field is a nudge setting (times, days, quiet hours)."""


def is_setting(name: str) -> bool:
    """Whether the profile field ``name`` is a setting (kept readable, kept by retention)."""
    return name in SETTING_KEYS or name.startswith(SETTING_PREFIXES)


@overload
def merge_profile(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]: ...
@overload
def merge_profile(
    current: Mapping[str, Any] | None, changes: Mapping[str, Any]
) -> dict[str, Any] | None: ...
def merge_profile(
    current: Mapping[str, Any] | None, changes: Mapping[str, Any]
) -> dict[str, Any] | None:
    """``current`` with ``changes`` applied: a value of ``None`` removes that field,
    any other value sets it (:attr:`bot.store.base.Commit.profile_changes`).

    ``current`` is ``None`` when the person has no profile row; the result is then
    ``None`` too when the changes leave nothing (only removals), so that no empty
    row is created for someone who never had one.  Keys keep their order: existing
    fields where they were, new ones after them.
    """
    merged = dict(current or {})
    for name, value in changes.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    if current is None and not merged:
        return None
    return merged
