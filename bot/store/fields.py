"""Which stored values are free text: what encryption seals and retention deletes.

Profile fields are free text unless they are on :data:`SETTING_KEYS` (or start
with ``nudge_``): an allow-list, so a field a new dialogue adds (a safety plan
answer, a last reframe) is protected without anyone remembering to list it.
Settings stay readable because the store and scheduler need them and they say
nothing of what the person wrote.
"""

from __future__ import annotations

SETTING_KEYS = frozenset(
    {"onboarded", "consent", "country", "tz", "unreachable", "follow_up_at"}
)
"""Profile fields that are settings, not words the person wrote."""

SETTING_PREFIXES = ("nudge_",)
"""Every ``nudge_*`` field is a nudge setting (times, days, quiet hours)."""

TEXT_COLUMNS = (
    "users.profile",
    "conversations.state",
    "journal.data",
    "outbox.payload",
    "outbox.last_error",
)
"""``table.column`` of every column that holds free text, for
:meth:`~bot.store.base.RawStore.rewrite_text`: the conversation state (answers,
beliefs, letters), the profile (its free-text fields), journal entries, replies
waiting to go out (they quote the person) and platforms' error messages (which
may quote a reply)."""


def is_setting(name: str) -> bool:
    """Whether the profile field ``name`` is a setting (kept readable, kept by retention)."""
    return name in SETTING_KEYS or name.startswith(SETTING_PREFIXES)
