"""``EncryptedStore``: any backend, with free text sealed on the way in and opened
on the way out.

It wraps a :class:`~bot.store.base.RawStore` (SQLite now, PostgreSQL alike) and
implements the same :class:`~bot.store.base.Store` contract, so the runtime
cannot tell it is there.  What is sealed, and how each column stays valid JSON,
is :mod:`bot.store.sealed`'s business; :meth:`EncryptedStore.open` refuses a key
that does not fit the database (:func:`bot.store.keys.verify_key`).

Everything that is not free text passes through untouched: keys, versions,
times, journal kinds, timer tokens, profile settings, safety counts.  The backend's own checks
(versions, event ids, claims) therefore work exactly as without a key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from bot.crypto import FieldCipher
from bot.store.base import (
    Commit,
    DueGroup,
    DueNudge,
    GroupSnapshot,
    JournalEntry,
    OutboxRow,
    PollRef,
    RawStore,
    SafetyCount,
    Snapshot,
    TimerRow,
)
from bot.store.keys import verify_key
from bot.store.sealed import Sealer
from bot.types import ConversationKey, UserKey


class EncryptedStore:
    """The :class:`~bot.store.base.Store` contract over ``inner``, sealed with ``cipher``."""

    def __init__(self, inner: RawStore, cipher: FieldCipher) -> None:
        self.inner = inner
        self._cipher = cipher
        self._seal = Sealer(cipher)

    # --- lifecycle -----------------------------------------------------------

    async def open(self) -> None:
        await self.inner.open()
        try:
            await verify_key(self.inner, self._cipher)
        except BaseException:
            await self.inner.close()
            raise

    async def close(self) -> None:
        await self.inner.close()

    async def schema_version(self) -> int:
        return await self.inner.schema_version()

    # --- a turn --------------------------------------------------------------

    async def load(self, key: ConversationKey, event_id: str | None = None) -> Snapshot:
        snapshot = await self.inner.load(key, event_id)
        return replace(
            snapshot,
            state_json=None if snapshot.state_json is None
            else self._seal.open_document(snapshot.state_json),
            profile=self._seal.open_profile(snapshot.profile),
        )

    async def commit(self, commit: Commit) -> list[int]:
        seal = self._seal
        return await self.inner.commit(replace(
            commit,
            state_json=None if commit.state_json is None
            else seal.seal_document(commit.state_json),
            profile_changes=seal.seal_profile(commit.profile_changes),
            journal=[replace(e, data=seal.seal_journal(e.data)) for e in commit.journal],
            outbox=[seal.seal_document(payload) for payload in commit.outbox],
            # A group's state holds settings and counts only; a kept win is words.
            wins=[seal.seal_text(text) for text in commit.wins],
        ))

    # --- the outbox ------------------------------------------------------------

    async def pending_outbox(
        self, limit: int = 100, platform: str | None = None
    ) -> list[OutboxRow]:
        rows = await self.inner.pending_outbox(limit, platform)
        return [replace(row, payload=self._seal.open_document(row.payload)) for row in rows]

    async def claim_outbox(
        self, now: datetime, limit: int, lease: timedelta, platform: str | None = None
    ) -> list[OutboxRow]:
        rows = await self.inner.claim_outbox(now, limit, lease, platform)
        return [replace(row, payload=self._seal.open_document(row.payload)) for row in rows]

    async def mark_delivered(self, ids: Sequence[int], at: datetime) -> None:
        await self.inner.mark_delivered(ids, at)

    async def mark_failed(
        self, row_id: int, error: str, at: datetime, give_up: bool,
        retry_at: datetime | None = None,
    ) -> None:
        # A platform's error message may quote the reply it refused.
        await self.inner.mark_failed(row_id, self._seal.seal_text(error), at, give_up, retry_at)

    async def release_outbox(self, ids: Sequence[int], until: datetime | None = None) -> None:
        await self.inner.release_outbox(ids, until)

    # --- reading back ------------------------------------------------------------

    async def export_user(self, user: UserKey) -> dict[str, Any]:
        data = await self.inner.export_user(user)
        seal = self._seal
        return {
            **data,
            "profile": seal.open_profile(data.get("profile", {})),
            "conversations": [{**c, "state": seal.open_parsed_document(c["state"])}
                              for c in data.get("conversations", [])],
            "journal": [{**j, "data": seal.open_journal(j["data"])}
                        for j in data.get("journal", [])],
        }

    async def journal(
        self,
        user: UserKey,
        *,
        kinds: Sequence[str] = (),
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[JournalEntry]:
        entries = await self.inner.journal(user, kinds=kinds, since=since, limit=limit)
        return [replace(e, data=self._seal.open_journal(e.data)) for e in entries]

    # --- the scheduler's claims and housekeeping (nothing sealed in them) ---------

    async def claim_timers(
        self, now: datetime, limit: int, lease: timedelta
    ) -> list[TimerRow]:
        return await self.inner.claim_timers(now, limit, lease)

    async def delete_timers(self, ids: Sequence[int]) -> None:
        await self.inner.delete_timers(ids)

    async def claim_nudges(
        self, now: datetime, limit: int, lease: timedelta
    ) -> list[DueNudge]:
        return await self.inner.claim_nudges(now, limit, lease)

    # --- groups ------------------------------------------------------------------

    async def load_group(
        self, platform: str, chat_id: str, *, wins: bool = False
    ) -> GroupSnapshot:
        snapshot = await self.inner.load_group(platform, chat_id, wins=wins)
        return replace(snapshot, wins=tuple(replace(w, text=self._seal.open_text(w.text))
                                            for w in snapshot.wins))

    async def export_groups(self, user: UserKey) -> dict[str, Any]:
        data = await self.inner.export_groups(user)
        return {**data, "group_wins": [{**w, "text": self._seal.open_text(w["text"])}
                                       for w in data.get("group_wins", [])]}

    async def claim_groups(
        self, now: datetime, limit: int, lease: timedelta
    ) -> list[DueGroup]:
        return await self.inner.claim_groups(now, limit, lease)

    async def record_poll(self, platform: str, chat_id: str, poll_id: str, ref: str) -> None:
        await self.inner.record_poll(platform, chat_id, poll_id, ref)

    async def find_poll(self, platform: str, poll_id: str) -> PollRef | None:
        return await self.inner.find_poll(platform, poll_id)

    async def purge(self, before: datetime) -> dict[str, int]:
        return await self.inner.purge(before)

    async def get_meta(self, name: str) -> str | None:
        return await self.inner.get_meta(name)

    async def set_meta(self, name: str, value: str | None) -> None:
        await self.inner.set_meta(name, value)

    async def safety_report(self, since: date | None = None) -> list[SafetyCount]:
        # Days, labels and numbers: nothing anyone wrote, so nothing sealed.
        return await self.inner.safety_report(since)

