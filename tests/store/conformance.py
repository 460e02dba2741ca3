"""The conformance suite every :class:`~bot.store.base.Store` backend passes unchanged.

A backend's test module subclasses :class:`StoreConformance` (under a name pytest
collects, ``Test...``) and provides a ``store`` fixture that yields an *open*
store with no data in it, closing it afterwards::

    class TestSqliteConformance(StoreConformance):
        @pytest.fixture
        async def store(self, tmp_path: Path) -> AsyncIterator[Store]:
            store = SqliteStore(tmp_path / "bot.sqlite")
            await store.open()
            yield store
            await store.close()

Everything here goes through the public contract only, and nothing relies on the
order in which a backend applies commits that run concurrently.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import astuple, fields
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.store.base import (
    Commit,
    ConflictError,
    DueGroup,
    DuplicateEventError,
    GroupSnapshot,
    GroupWrite,
    JournalEntry,
    PollRef,
    SafetyCount,
    Snapshot,
    Store,
    Subscription,
    Timer,
)
from bot.types import ConversationKey, UserKey
from tests.store.model import T0, assert_store_matches, commit_sequences

TG = "telegram"
DC = "discord"

DAY1 = T0.date()
"""The UTC day of :data:`T0` (1 May 2024)."""


def key(chat: str = "c1", user: str = "u1", platform: str = TG) -> ConversationKey:
    return ConversationKey(platform, chat, user)


def commit(
    k: ConversationKey,
    expected: int = 0,
    state: Any = "default",
    **fields: Any,
) -> Commit:
    """A commit with readable defaults: a small state, at T0."""
    state_json = json.dumps({"step": "start"}) if state == "default" else state
    return Commit(
        key=k, at=fields.pop("at", T0), expected_version=expected, state_json=state_json, **fields
    )


async def pending_payloads(store: Store, platform: str | None = None) -> list[str]:
    return [row.payload for row in await store.pending_outbox(limit=1000, platform=platform)]


class StoreConformance:
    """The contract of :class:`~bot.store.base.Store`, as tests."""

    # --- load and commit -------------------------------------------------------

    async def test_schema_is_migrated(self, store: Store) -> None:
        assert await store.schema_version() >= 1

    async def test_new_conversation_loads_empty(self, store: Store) -> None:
        snapshot = await store.load(key(), "evt-1")
        assert snapshot == Snapshot(state_json=None, version=0, profile={}, duplicate=False)

    async def test_commit_then_load_round_trip(self, store: Store) -> None:
        state = json.dumps({"dialogue": "reframe", "step": "name_feeling", "vars": {"x": "é"}})
        ids = await store.commit(
            commit(key(), 0, state, event_id="evt-1", profile_changes={"consent": True})
        )
        assert ids == []
        snapshot = await store.load(key(), "evt-2")
        assert snapshot.state_json is not None
        assert json.loads(snapshot.state_json) == json.loads(state)
        assert snapshot.version == 1
        assert snapshot.profile == {"consent": True}
        assert snapshot.duplicate is False

    async def test_versions_advance_by_one(self, store: Store) -> None:
        for expected in range(3):
            await store.commit(commit(key(), expected, json.dumps({"n": expected})))
        snapshot = await store.load(key())
        assert snapshot.version == 3
        assert snapshot.state_json is not None
        assert json.loads(snapshot.state_json) == {"n": 2}

    async def test_conversations_are_per_chat_user_and_platform(self, store: Store) -> None:
        await store.commit(commit(key("c1", "u1"), 0, json.dumps("a")))
        for other in (key("c2", "u1"), key("c1", "u2"), key("c1", "u1", DC)):
            assert (await store.load(other)).version == 0

    # --- optimistic concurrency ---------------------------------------------------

    async def test_stale_version_conflicts_and_writes_nothing(self, store: Store) -> None:
        await store.commit(commit(key(), 0, json.dumps("v1"), profile_changes={"a": 1}))
        await store.commit(commit(key(), 1, json.dumps("v2")))
        stale = commit(
            key(),
            1,
            json.dumps("lost"),
            event_id="evt-stale",
            profile_changes={"a": 2, "b": 3},
            journal=[JournalEntry("mood", {"score": 2}, T0)],
            outbox=[json.dumps({"text": "never sent"})],
        )
        with pytest.raises(ConflictError):
            await store.commit(stale)
        snapshot = await store.load(key(), "evt-stale")
        assert snapshot.state_json == json.dumps("v2")
        assert snapshot.version == 2
        assert snapshot.profile == {"a": 1}
        assert snapshot.duplicate is False
        assert await pending_payloads(store) == []
        assert (await store.export_user(key().user))["journal"] == []
        # The event was not consumed: the retry with the right version goes through.
        await store.commit(commit(key(), 2, json.dumps("v3"), event_id="evt-stale"))

    async def test_new_conversation_conflicts_when_row_exists(self, store: Store) -> None:
        await store.commit(commit(key(), 0, json.dumps("first")))
        with pytest.raises(ConflictError):
            await store.commit(commit(key(), 0, json.dumps("second"), outbox=["{}"]))
        assert (await store.load(key())).state_json == json.dumps("first")
        assert await pending_payloads(store) == []

    async def test_version_ahead_of_row_conflicts(self, store: Store) -> None:
        with pytest.raises(ConflictError):
            await store.commit(commit(key(), 3, json.dumps("x")))
        assert (await store.load(key())).version == 0

    # --- dedupe ---------------------------------------------------------------

    async def test_duplicate_event_rejected_and_writes_nothing(self, store: Store) -> None:
        await store.commit(commit(key(), 0, json.dumps("first"), event_id="evt-1"))
        again = commit(
            key(),
            1,
            json.dumps("again"),
            event_id="evt-1",
            profile_changes={"a": 1},
            journal=[JournalEntry("mood", {"score": 1}, T0)],
            outbox=[json.dumps({"text": "twice"})],
        )
        with pytest.raises(DuplicateEventError):
            await store.commit(again)
        snapshot = await store.load(key())
        assert (snapshot.state_json, snapshot.version, snapshot.profile) == (
            json.dumps("first"),
            1,
            {},
        )
        assert await pending_payloads(store) == []
        assert (await store.export_user(key().user))["journal"] == []

    async def test_load_reports_processed_event(self, store: Store) -> None:
        await store.commit(commit(key(), 0, event_id="evt-1"))
        assert (await store.load(key(), "evt-1")).duplicate is True
        assert (await store.load(key(), "evt-2")).duplicate is False
        assert (await store.load(key())).duplicate is False
        # Event ids are per platform, not per conversation.
        assert (await store.load(key("other-chat", "other-user"), "evt-1")).duplicate is True

    async def test_same_event_id_on_another_platform_is_fine(self, store: Store) -> None:
        await store.commit(commit(key(platform=TG), 0, event_id="42"))
        assert (await store.load(key(platform=DC), "42")).duplicate is False
        await store.commit(commit(key(platform=DC), 0, event_id="42"))
        assert (await store.load(key(platform=DC), "42")).duplicate is True

    async def test_duplicate_reported_before_conflict(self, store: Store) -> None:
        await store.commit(commit(key(), 0, event_id="evt-1"))
        with pytest.raises(DuplicateEventError):
            await store.commit(commit(key(), 0, event_id="evt-1"))

    # --- profiles ----------------------------------------------------------------

    async def test_profile_merge_and_removal(self, store: Store) -> None:
        await store.commit(commit(key(), 0, profile_changes={"consent": True, "country": "NZ"}))
        await store.commit(commit(key(), 1, profile_changes={"tz": "Pacific/Auckland"}))
        await store.commit(commit(key(), 2, profile_changes={"country": None, "consent": False}))
        assert (await store.load(key())).profile == {"consent": False, "tz": "Pacific/Auckland"}

    async def test_profile_is_per_person_across_chats(self, store: Store) -> None:
        await store.commit(commit(key("dm", "u1"), 0, profile_changes={"nudges": True}))
        assert (await store.load(key("group", "u1"))).profile == {"nudges": True}
        assert (await store.load(key("group", "u2"))).profile == {}
        assert (await store.load(key("dm", "u1", DC))).profile == {}

    async def test_profile_values_keep_their_json_types(self, store: Store) -> None:
        value = {"list": [1, "two", None], "nested": {"ok": True}, "float": 1.5, "text": "ü"}
        await store.commit(commit(key(), 0, profile_changes={"settings": value}))
        assert (await store.load(key())).profile == {"settings": value}

    async def test_json_comes_back_as_written(self, store: Store) -> None:
        # Key order shows in a person's /export, and a float must stay a float.
        state = json.dumps({"z": 1, "a": [1.0, 1e16]}, indent=1)
        data = {"z": 1, "a": 1e16}
        await store.commit(
            commit(key(), 0, state, profile_changes={"z": 1, "a": 2},
                   journal=[JournalEntry("k", data, T0)])
        )
        await store.commit(commit(key(), 1, state, profile_changes={"m": 3.0, "z": None}))
        snapshot = await store.load(key())
        assert snapshot.state_json == state
        assert list(snapshot.profile.items()) == [("a", 2), ("m", 3.0)]
        assert isinstance(snapshot.profile["m"], float)
        exported = await store.export_user(key().user)
        assert list(exported["profile"]) == ["a", "m"]
        assert list(exported["journal"][0]["data"].items()) == list(data.items())
        assert isinstance(exported["journal"][0]["data"]["a"], float)
        [entry] = await store.journal(key().user)
        assert list(entry.data.items()) == list(data.items())

    async def test_removing_from_no_profile_leaves_none(self, store: Store) -> None:
        await store.commit(commit(key(), 0, profile_changes={"country": None}))
        assert (await store.load(key())).profile == {}
        assert (await store.export_user(key().user))["profile"] == {}

    # --- deleting a conversation ----------------------------------------------------

    async def test_state_none_deletes_conversation(self, store: Store) -> None:
        await store.commit(commit(key(), 0, json.dumps("running")))
        await store.commit(commit(key(), 1, None, outbox=[json.dumps({"text": "bye"})]))
        assert (await store.load(key())).state_json is None
        assert (await store.load(key())).version == 0
        assert await pending_payloads(store) == [json.dumps({"text": "bye"})]
        # A deleted conversation starts again from version 0.
        await store.commit(commit(key(), 0, json.dumps("again")))
        assert (await store.load(key())).version == 1

    async def test_stale_delete_conflicts(self, store: Store) -> None:
        await store.commit(commit(key(), 0, json.dumps("a")))
        await store.commit(commit(key(), 1, json.dumps("b")))
        with pytest.raises(ConflictError):
            await store.commit(commit(key(), 1, None))
        assert (await store.load(key())).state_json == json.dumps("b")

    async def test_state_none_without_a_row_is_a_no_op(self, store: Store) -> None:
        await store.commit(commit(key(), 0, None, event_id="e", profile_changes={"a": 1}))
        snapshot = await store.load(key(), "e")
        assert (snapshot.state_json, snapshot.version, snapshot.profile) == (None, 0, {"a": 1})
        assert snapshot.duplicate is True

    # --- outbox ------------------------------------------------------------------

    async def test_outbox_ids_and_order(self, store: Store) -> None:
        first = await store.commit(commit(key(), 0, outbox=["1", "2", "3"]))
        second = await store.commit(commit(key("c2"), 0, outbox=["4"]))
        assert len(first) == 3
        assert len(second) == 1
        assert first + second == sorted(set(first + second))
        rows = await store.pending_outbox()
        assert [(r.id, r.payload) for r in rows] == list(
            zip(first + second, ["1", "2", "3", "4"], strict=True)
        )
        assert [r.key for r in rows] == [key(), key(), key(), key("c2")]
        assert all(r.attempts == 0 and r.created_at == T0 for r in rows)

    async def test_pending_outbox_limit_and_platform(self, store: Store) -> None:
        await store.commit(commit(key(platform=TG), 0, outbox=["t1", "t2"]))
        await store.commit(commit(key(platform=DC), 0, outbox=["d1"]))
        await store.commit(commit(key("c2", platform=TG), 0, outbox=["t3"]))
        assert await pending_payloads(store) == ["t1", "t2", "d1", "t3"]
        assert await pending_payloads(store, TG) == ["t1", "t2", "t3"]
        assert await pending_payloads(store, DC) == ["d1"]
        assert await pending_payloads(store, "console") == []
        assert [r.payload for r in await store.pending_outbox(limit=2)] == ["t1", "t2"]
        assert [r.payload for r in await store.pending_outbox(limit=1, platform=DC)] == ["d1"]

    async def test_mark_delivered(self, store: Store) -> None:
        ids = await store.commit(commit(key(), 0, outbox=["a", "b", "c"]))
        await store.mark_delivered([ids[0], ids[2]], T0 + timedelta(seconds=1))
        assert await pending_payloads(store) == ["b"]
        await store.mark_delivered([], T0)
        await store.mark_delivered([ids[1], ids[1]], T0)  # twice in one call is harmless
        assert await pending_payloads(store) == []

    async def test_mark_failed_and_give_up(self, store: Store) -> None:
        ids = await store.commit(commit(key(), 0, outbox=["a", "b"]))
        await store.mark_failed(ids[0], "HTTP 502", T0, give_up=False)
        await store.mark_failed(ids[0], "timeout", T0, give_up=False)
        rows = await store.pending_outbox()
        assert [(r.id, r.attempts) for r in rows] == [(ids[0], 2), (ids[1], 0)]
        await store.mark_failed(ids[0], "HTTP 403 blocked", T0, give_up=True)
        assert [r.id for r in await store.pending_outbox()] == [ids[1]]

    async def test_mark_unknown_ids_is_harmless(self, store: Store) -> None:
        await store.mark_delivered([999_999], T0)
        await store.mark_failed(999_999, "gone", T0, give_up=True)
        await store.release_outbox([999_999], T0)
        assert await pending_payloads(store) == []

    # --- outbox claims: order within a chat, urgency across chats -------------------

    async def test_a_claim_takes_each_chats_rows_from_its_oldest(self, store: Store) -> None:
        lease = timedelta(seconds=60)
        ids = await store.commit(commit(key("a"), 0, outbox=["a1", "a2", "a3"]))
        first = await store.claim_outbox(T0, 2, lease)
        assert [r.payload for r in first] == ["a1", "a2"]
        # a3 waits while a1 and a2 are held: nobody may send it ahead of them.
        assert await store.claim_outbox(T0 + timedelta(seconds=1), 10, lease) == []
        await store.mark_delivered(ids[:2], T0)
        assert [r.payload for r in await store.claim_outbox(T0, 10, lease)] == ["a3"]

    async def test_a_row_committed_held_keeps_the_rest_of_its_chat_back(
        self, store: Store
    ) -> None:
        lease = timedelta(seconds=60)
        await store.commit(commit(key("a"), 0, outbox=["a1"],
                                  outbox_claimed_until=T0 + lease))
        await store.commit(commit(key("a", "u2"), 0, outbox=["a2"]))  # same chat, another person
        await store.commit(commit(key("b"), 0, outbox=["b1"]))
        claimed = await store.claim_outbox(T0, 10, lease)
        assert [r.payload for r in claimed] == ["b1"]

    async def test_chats_holding_an_urgent_row_are_claimed_first(self, store: Store) -> None:
        lease = timedelta(seconds=60)
        await store.commit(commit(key("a"), 0, outbox=["a1", "a2"]))
        await store.commit(commit(key("b"), 0, outbox=["b1"]))
        await store.commit(commit(key("b", "u2"), 0, outbox=["b2"], outbox_priority=0))
        rows = await store.pending_outbox()
        assert [(r.payload, r.priority) for r in rows] == [
            ("a1", 1), ("a2", 1), ("b1", 1), ("b2", 0)]
        # Chat b holds a crisis reply: its rows go first, still in their own order.
        claimed = await store.claim_outbox(T0, 2, lease)
        assert [r.payload for r in claimed] == ["b1", "b2"]
        assert [r.payload for r in await store.claim_outbox(T0, 10, lease)] == ["a1", "a2"]

    async def test_a_failed_row_waits_until_its_retry_time(self, store: Store) -> None:
        lease = timedelta(seconds=60)
        ids = await store.commit(commit(key("a"), 0, outbox=["a1", "a2"],
                                        outbox_claimed_until=T0 + lease))
        retry = T0 + timedelta(seconds=3)
        await store.mark_failed(ids[0], "flood control", T0, give_up=False, retry_at=retry)
        await store.release_outbox([ids[1]], retry)  # given back behind it
        assert await store.claim_outbox(T0 + timedelta(seconds=2), 10, lease) == []
        rows = await store.claim_outbox(retry, 10, lease)
        assert [(r.payload, r.attempts) for r in rows] == [("a1", 1), ("a2", 0)]

    async def test_released_rows_are_free_at_once(self, store: Store) -> None:
        lease = timedelta(seconds=60)
        ids = await store.commit(commit(key("a"), 0, outbox=["a1", "a2"],
                                        outbox_claimed_until=T0 + lease))
        await store.release_outbox(ids)
        assert [r.payload for r in await store.claim_outbox(T0, 10, lease)] == ["a1", "a2"]

    # --- journal and export ------------------------------------------------------------

    async def test_export_of_unknown_person(self, store: Store) -> None:
        assert await store.export_user(UserKey(TG, "nobody")) == {
            "profile": {},
            "conversations": [],
            "journal": [],
        }

    async def test_export_of_known_person(self, store: Store) -> None:
        later = T0 + timedelta(hours=1)
        await store.commit(
            commit(
                key("dm"),
                0,
                json.dumps({"step": "reframe"}),
                profile_changes={"consent": True},
                journal=[
                    JournalEntry("mood", {"score": 3}, T0),
                    JournalEntry("reframe", {"text": "I am allowed to rest"}, later),
                ],
            )
        )
        await store.commit(commit(key("group"), 0, json.dumps({"step": "checkin"}), at=later))
        await store.commit(commit(key("dm", "someone-else"), 0, profile_changes={"x": 1}))
        exported = await store.export_user(key().user)
        assert json.loads(json.dumps(exported)) == exported  # JSON-ready
        assert exported["profile"] == {"consent": True}
        conversations = sorted(exported["conversations"], key=lambda c: c["chat_id"])
        assert [(c["chat_id"], c["state"]) for c in conversations] == [
            ("dm", {"step": "reframe"}),
            ("group", {"step": "checkin"}),
        ]
        assert all(isinstance(c["updated_at"], str) for c in conversations)
        assert [(j["kind"], j["data"]) for j in exported["journal"]] == [
            ("mood", {"score": 3}),
            ("reframe", {"text": "I am allowed to rest"}),
        ]
        assert all(isinstance(j["at"], str) for j in exported["journal"])

    async def test_journal_export_is_in_time_order(self, store: Store) -> None:
        entries = [JournalEntry("mood", {"n": n}, T0 + timedelta(minutes=10 - n)) for n in range(3)]
        await store.commit(commit(key(), 0, journal=entries))
        exported = await store.export_user(key().user)
        assert [j["data"]["n"] for j in exported["journal"]] == [2, 1, 0]

    async def test_journal_reads_newest_first_with_filters(self, store: Store) -> None:
        entries = [
            JournalEntry("checkin", {"mood": 3}, T0),
            JournalEntry("exercise", {"before": 7, "after": 4}, T0 + timedelta(days=1)),
            JournalEntry("checkin", {"mood": 6}, T0 + timedelta(days=2)),
            JournalEntry("letter", {"letter": "Dear me"}, T0 + timedelta(days=3)),
        ]
        await store.commit(commit(key(), 0, journal=entries))
        await store.commit(commit(key("c2", "other"), 0, journal=entries[:1]))
        me = key().user
        assert [e.data for e in await store.journal(me)] == [e.data for e in entries[::-1]]
        assert [e.data for e in await store.journal(me, kinds=["checkin"])] == [
            {"mood": 6}, {"mood": 3}]
        assert [e.kind for e in await store.journal(me, limit=1)] == ["letter"]
        recent = await store.journal(me, since=T0 + timedelta(days=1))
        assert [e.kind for e in recent] == ["letter", "checkin", "exercise"]
        assert recent[-1].at == T0 + timedelta(days=1)
        assert await store.journal(me, kinds=["nothing"]) == []

    # --- timers and nudge subscriptions ------------------------------------------------

    async def test_timers_are_claimed_when_due_and_held_for_the_lease(self, store: Store) -> None:
        lease = timedelta(seconds=30)
        await store.commit(commit(key(), 0, timers=[
            Timer(T0 + timedelta(seconds=5), "pause:a:b"),
            Timer(T0 + timedelta(seconds=1), "start:x"),
            Timer(T0 + timedelta(hours=1), "later"),
        ]))
        assert await store.claim_timers(T0, 10, lease) == []
        due = await store.claim_timers(T0 + timedelta(seconds=10), 10, lease)
        assert [(t.token, t.key) for t in due] == [("start:x", key()), ("pause:a:b", key())]
        # Held: another worker finds nothing until the lease runs out.
        assert await store.claim_timers(T0 + timedelta(seconds=11), 10, lease) == []
        again = await store.claim_timers(T0 + timedelta(seconds=45), 10, lease)
        assert [t.id for t in again] == [t.id for t in due]
        await store.delete_timers([t.id for t in due])
        assert await store.claim_timers(T0 + timedelta(minutes=5), 10, lease) == []
        later = await store.claim_timers(T0 + timedelta(hours=2), 10, lease)
        assert [t.token for t in later] == ["later"]

    async def test_timer_claims_respect_the_limit(self, store: Store) -> None:
        await store.commit(commit(key(), 0, timers=[
            Timer(T0 + timedelta(seconds=n), f"t{n}") for n in range(5)]))
        first = await store.claim_timers(T0 + timedelta(minutes=1), 2, timedelta(minutes=1))
        rest = await store.claim_timers(T0 + timedelta(minutes=1), 10, timedelta(minutes=1))
        assert [t.token for t in first] == ["t0", "t1"]
        assert [t.token for t in rest] == ["t2", "t3", "t4"]

    async def test_concurrent_claims_never_share_a_timer(self, store: Store) -> None:
        await store.commit(commit(key(), 0, timers=[
            Timer(T0, f"t{n}") for n in range(40)]))
        claims = await asyncio.gather(*(
            store.claim_timers(T0 + timedelta(seconds=1), 7, timedelta(minutes=1))
            for _ in range(8)))
        ids = [t.id for claim in claims for t in claim]
        assert len(ids) == len(set(ids)) == 40

    async def test_subscription_due_claim_and_advance(self, store: Store) -> None:
        lease = timedelta(minutes=5)
        nine = T0 + timedelta(hours=1)
        await store.commit(commit(key("dm", "a"), 0, subscription=Subscription(nine)))
        await store.commit(commit(key("dm", "b"), 0,
                                  subscription=Subscription(nine + timedelta(minutes=1))))
        await store.commit(commit(key("dm", "c"), 0, subscription=Subscription(None)))
        assert await store.claim_nudges(nine - timedelta(seconds=1), 10, lease) == []
        due = await store.claim_nudges(nine + timedelta(minutes=2), 10, lease)
        assert [(d.key, d.due_at) for d in due] == [
            (key("dm", "a"), nine), (key("dm", "b"), nine + timedelta(minutes=1))]
        assert await store.claim_nudges(nine + timedelta(minutes=3), 10, lease) == []
        # The nudge's turn commits the next due time, which releases the claim.
        tomorrow = nine + timedelta(days=1)
        await store.commit(commit(key("dm", "a"), 1, subscription=Subscription(tomorrow)))
        assert await store.claim_nudges(nine + timedelta(minutes=3), 10, lease) == []
        # After the lease, an unfinished claim (a worker died) is taken again.
        after_lease = nine + timedelta(minutes=8)
        assert [d.key.user_id for d in await store.claim_nudges(after_lease, 10, lease)] == ["b"]
        await store.commit(commit(key("dm", "b"), 1, subscription=Subscription(None)))
        assert [d.key.user_id for d in await store.claim_nudges(tomorrow, 10, lease)] == ["a"]

    async def test_unsubscribe_and_chat_follow_the_latest_commit(self, store: Store) -> None:
        lease = timedelta(minutes=1)
        await store.commit(commit(key("dm", "a"), 0, subscription=Subscription(T0)))
        await store.commit(commit(key("dm2", "a"), 0, subscription=Subscription(T0)))
        due = await store.claim_nudges(T0, 10, lease)
        assert [d.key for d in due] == [key("dm2", "a")]
        await store.commit(commit(key("dm2", "a"), 1, subscription=Subscription(None)))
        assert await store.claim_nudges(T0 + timedelta(days=1), 10, lease) == []

    async def test_forget_removes_timers_and_subscription(self, store: Store) -> None:
        await store.commit(commit(key(), 0, timers=[Timer(T0, "start:follow_up")],
                                  subscription=Subscription(T0)))
        await store.commit(commit(key("c", "other"), 0, timers=[Timer(T0, "mine")],
                                  subscription=Subscription(T0)))
        await store.commit(commit(key(), 1, None, forget=True))
        later = T0 + timedelta(hours=1)
        assert [t.token for t in await store.claim_timers(later, 10, timedelta(1))] == ["mine"]
        assert [d.key.user_id for d in await store.claim_nudges(later, 10, timedelta(1))] == [
            "other"]

    async def test_rejected_commit_sets_no_timer(self, store: Store) -> None:
        await store.commit(commit(key(), 0))
        with pytest.raises(ConflictError):
            await store.commit(commit(key(), 0, timers=[Timer(T0, "x")],
                                      subscription=Subscription(T0)))
        assert await store.claim_timers(T0, 10, timedelta(1)) == []
        assert await store.claim_nudges(T0, 10, timedelta(1)) == []

    # --- forget ----------------------------------------------------------------------

    async def _populate(self, store: Store, k: ConversationKey, n: int) -> list[int]:
        """A conversation with state, profile, journal and two pending replies."""
        return await store.commit(
            commit(
                k,
                (await store.load(k)).version,
                json.dumps({"n": n}),
                profile_changes={"consent": True},
                journal=[JournalEntry("reframe", {"n": n}, T0)],
                outbox=[json.dumps({"to": k.chat_id, "n": n}), json.dumps({"n": n, "i": 2})],
            )
        )

    async def test_forget_removes_the_person_only(self, store: Store) -> None:
        me_dm, me_group = key("dm", "me"), key("group", "me")
        other, me_elsewhere = key("group", "other"), key("dm", "me", DC)
        delivered = await self._populate(store, me_dm, 0)
        await store.mark_delivered(delivered[:1], T0)
        for n, k in enumerate((me_group, other, me_elsewhere), start=1):
            await self._populate(store, k, n)
        snapshot = await store.load(me_dm)

        ids = await store.commit(
            commit(
                me_dm,
                snapshot.version,
                None,
                event_id="forget-1",
                forget=True,
                outbox=[json.dumps({"text": "Everything about you is deleted."})],
            )
        )

        assert len(ids) == 1
        assert await store.export_user(me_dm.user) == {
            "profile": {},
            "conversations": [],
            "journal": [],
        }
        for k in (me_dm, me_group):
            assert (await store.load(k)) == Snapshot(None, 0, {})
        rows = await store.pending_outbox(limit=1000)
        assert [r.id for r in rows if r.key.user == me_dm.user] == ids
        assert {r.key for r in rows} == {me_dm, other, me_elsewhere}
        for k in (other, me_elsewhere):
            exported = await store.export_user(k.user)
            assert exported["profile"] == {"consent": True}
            assert len(exported["journal"]) == 1
            assert len(exported["conversations"]) == 1
            assert (await store.load(k)).version == 1
        assert (await store.load(me_dm, "forget-1")).duplicate is True

    async def test_forget_applies_the_rest_of_the_commit_afterwards(self, store: Store) -> None:
        await self._populate(store, key(), 0)
        await store.commit(
            commit(
                key(),
                1,
                json.dumps({"step": "goodbye"}),
                forget=True,
                profile_changes={"forgotten_at": "2024-05-01"},
                journal=[JournalEntry("forgotten", {}, T0)],
            )
        )
        snapshot = await store.load(key())
        assert snapshot.state_json == json.dumps({"step": "goodbye"})
        assert snapshot.version == 2
        assert snapshot.profile == {"forgotten_at": "2024-05-01"}
        exported = await store.export_user(key().user)
        assert [j["kind"] for j in exported["journal"]] == ["forgotten"]

    async def test_stale_forget_conflicts_and_deletes_nothing(self, store: Store) -> None:
        await self._populate(store, key(), 0)
        with pytest.raises(ConflictError):
            await store.commit(commit(key(), 0, None, forget=True))
        assert (await store.export_user(key().user))["profile"] == {"consent": True}
        assert len(await pending_payloads(store)) == 2

    async def test_outbox_ids_are_not_reused_after_forget(self, store: Store) -> None:
        ids = await self._populate(store, key(), 0)
        await store.commit(commit(key(), 1, None, forget=True))
        fresh = await store.commit(commit(key("c2", "u2"), 0, outbox=["new"]))
        assert fresh[0] > max(ids)

    # --- concurrency ----------------------------------------------------------------

    async def test_concurrent_commits_on_different_keys_all_succeed(self, store: Store) -> None:
        keys = [key(f"chat{n}", f"user{n}") for n in range(200)]
        results = await asyncio.gather(
            *(
                store.commit(commit(k, 0, json.dumps(n), event_id=f"e{n}", outbox=[str(n)]))
                for n, k in enumerate(keys)
            )
        )
        all_ids = [i for ids in results for i in ids]
        assert len(set(all_ids)) == 200
        for n, k in enumerate(keys):
            snapshot = await store.load(k)
            assert (snapshot.state_json, snapshot.version) == (json.dumps(n), 1)
        assert sorted(await pending_payloads(store), key=int) == [str(n) for n in range(200)]

    async def test_concurrent_commits_on_one_key_exactly_one_wins(self, store: Store) -> None:
        await store.commit(commit(key(), 0, json.dumps("start")))
        results = await asyncio.gather(
            *(
                store.commit(commit(key(), 1, json.dumps(n), outbox=[f"reply{n}"]))
                for n in range(20)
            ),
            return_exceptions=True,
        )
        winners = [n for n, r in enumerate(results) if isinstance(r, list)]
        assert len(winners) == 1
        assert all(isinstance(r, ConflictError) for r in results if not isinstance(r, list))
        snapshot = await store.load(key())
        assert (snapshot.state_json, snapshot.version) == (json.dumps(winners[0]), 2)
        assert await pending_payloads(store) == [f"reply{winners[0]}"]

    async def test_concurrent_same_event_exactly_one_wins(self, store: Store) -> None:
        results = await asyncio.gather(
            *(store.commit(commit(key(f"c{n}"), 0, event_id="same")) for n in range(10)),
            return_exceptions=True,
        )
        assert sum(isinstance(r, list) for r in results) == 1
        assert sum(isinstance(r, DuplicateEventError) for r in results) == 9

    # --- against the model -----------------------------------------------------------

    # differing_executors: every backend's subclass runs this same method, by design;
    # each example draws its own platform, so no run can see another's data.
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.differing_executors,
        ],
    )
    @given(data=st.data())
    async def test_sequential_commits_match_the_model(
        self, store: Store, data: st.DataObject
    ) -> None:
        # Each example gets its own platform, so examples sharing the fixture's
        # store cannot see one another.
        platform = f"p{uuid.uuid4().hex[:12]}"
        commits = data.draw(commit_sequences(platform))
        results: list[object] = []
        for c in commits:
            try:
                results.append(await store.commit(c))
            except (ConflictError, DuplicateEventError) as exc:
                results.append(exc)
        await assert_store_matches(store, platform, commits, results)

    # --- groups ------------------------------------------------------------------------

    async def test_a_group_never_set_up_loads_empty(self, store: Store) -> None:
        assert await store.load_group(TG, "g") == GroupSnapshot(None, 0)
        assert await store.find_poll(TG, "poll") is None
        assert await store.export_groups(UserKey(TG, "u1")) == {"group_wins": [],
                                                                 "alerts_for": []}

    async def test_group_writes_are_versioned_with_the_turn(self, store: Store) -> None:
        member = key("g", "ana")
        await store.commit(commit(member, 0, group=GroupWrite(0, '{"a":1}', alert_to="ana")))
        assert await store.load_group(TG, "g") == GroupSnapshot('{"a":1}', 1, "ana")
        # Another member's turn loaded before that write loses, and writes nothing.
        other = key("g", "ben")
        with pytest.raises(ConflictError):
            await store.commit(commit(other, 0, outbox=["x"], wins=["w"],
                                      group=GroupWrite(0, '{"a":2}')))
        assert (await store.load(other)).version == 0
        assert await pending_payloads(store) == []
        assert (await store.load_group(TG, "g", wins=True)).wins == ()
        await store.commit(commit(other, 0, group=GroupWrite(1, '{"a":3}')))
        assert await store.load_group(TG, "g") == GroupSnapshot('{"a":3}', 2, None)
        # A turn that leaves the group alone does not need its version.
        await store.commit(commit(member, 1))
        assert (await store.load_group(TG, "g")).version == 2

    async def test_concurrent_group_writes_exactly_one_wins(self, store: Store) -> None:
        await store.commit(commit(key("g", "admin"), 0, group=GroupWrite(0, "{}")))
        attempts = [store.commit(commit(key("g", f"m{n}"), 0, group=GroupWrite(1, f'{{"n":{n}}}')))
                    for n in range(5)]
        results = await asyncio.gather(*attempts, return_exceptions=True)
        assert sum(not isinstance(r, BaseException) for r in results) == 1
        assert all(isinstance(r, ConflictError) for r in results if isinstance(r, BaseException))
        assert (await store.load_group(TG, "g")).version == 2

    async def test_daily_moments_are_claimed_when_due_and_rescheduled(self, store: Store) -> None:
        lease = timedelta(minutes=2)
        soon = T0 + timedelta(hours=1)
        await store.commit(commit(key("g1", ""), 0, group=GroupWrite(
            0, "{}", reschedule=True, next_due_at=soon)))
        await store.commit(commit(key("g2", ""), 0, group=GroupWrite(0, "{}", reschedule=True)))
        await store.commit(commit(key("g3", "", DC), 0, group=GroupWrite(
            0, "{}", reschedule=True, next_due_at=soon + timedelta(minutes=1))))
        assert await store.claim_groups(T0, 10, lease) == []
        due = await store.claim_groups(soon + timedelta(minutes=5), 10, lease)
        assert due == [DueGroup(TG, "g1", soon), DueGroup(DC, "g3", soon + timedelta(minutes=1))]
        # Held for the lease; a write that does not reschedule keeps the claim.
        assert await store.claim_groups(soon + timedelta(minutes=6), 10, lease) == []
        await store.commit(commit(key("g1", "ana"), 0, group=GroupWrite(1, '{"x":1}')))
        assert await store.claim_groups(soon + timedelta(minutes=6), 10, lease) == []
        # The moment's turn commits the next one, which releases the claim.
        tomorrow = soon + timedelta(days=1)
        await store.commit(commit(key("g1", ""), 1, group=GroupWrite(
            2, '{"x":1}', reschedule=True, next_due_at=tomorrow)))
        assert await store.claim_groups(soon + timedelta(minutes=6), 10, lease) == []
        # After the lease another worker may take what a dead one held.
        later = soon + timedelta(minutes=5) + lease
        assert await store.claim_groups(later, 10, lease) == [
            DueGroup(DC, "g3", soon + timedelta(minutes=1))]
        await store.commit(commit(key("g3", "", DC), 1, group=GroupWrite(
            1, "{}", reschedule=True, next_due_at=None)))
        assert await store.claim_groups(tomorrow, 10, lease) == [DueGroup(TG, "g1", tomorrow)]

    async def test_group_claims_respect_the_limit(self, store: Store) -> None:
        for n in range(5):
            await store.commit(commit(key(f"g{n}", ""), 0, group=GroupWrite(
                0, "{}", reschedule=True, next_due_at=T0 + timedelta(seconds=n))))
        first = await store.claim_groups(T0 + timedelta(hours=1), 3, timedelta(minutes=1))
        assert [d.chat_id for d in first] == ["g0", "g1", "g2"]
        rest = await store.claim_groups(T0 + timedelta(hours=1), 3, timedelta(minutes=1))
        assert [d.chat_id for d in rest] == ["g3", "g4"]

    async def test_polls_are_found_by_their_platform_id(self, store: Store) -> None:
        await store.commit(commit(key("g", ""), 0, group=GroupWrite(0, "{}")))
        await store.record_poll(TG, "g", "poll-1", "1")
        assert await store.find_poll(TG, "poll-1") == PollRef("g", "1")
        assert await store.find_poll(DC, "poll-1") is None
        await store.record_poll(TG, "g", "poll-2", "2")
        assert await store.find_poll(TG, "poll-1") is None
        assert await store.find_poll(TG, "poll-2") == PollRef("g", "2")
        # Group writes leave the poll alone.
        await store.commit(commit(key("g", "ana"), 0, group=GroupWrite(1, "{}")))
        assert await store.find_poll(TG, "poll-2") == PollRef("g", "2")

    async def test_wins_are_kept_used_and_exported(self, store: Store) -> None:
        ana, ben = key("g", "ana"), key("g", "ben")
        await store.commit(commit(ana, 0, wins=["a walk", "a nap"], at=T0))
        await store.commit(commit(ben, 0, wins=["said no"], at=T0 + timedelta(minutes=1)))
        await store.commit(commit(key("other", "ana"), 0, wins=["elsewhere"]))
        kept = (await store.load_group(TG, "g", wins=True)).wins
        assert [w.text for w in kept] == ["a walk", "a nap", "said no"]
        assert kept[0].at == T0
        assert (await store.load_group(TG, "g")).wins == ()
        exported = await store.export_groups(UserKey(TG, "ana"))
        assert [(w["chat_id"], w["text"]) for w in exported["group_wins"]] == [
            ("g", "a walk"), ("g", "a nap"), ("other", "elsewhere")]
        assert exported["group_wins"][0]["at"].startswith("2024-05-01T08:00:00")
        # The digest drops what it used, and only in its own group.
        await store.commit(commit(key("g", ""), 0, group=GroupWrite(
            0, "{}", drop_wins=[w.id for w in kept[:2]])))
        assert [w.text for w in (await store.load_group(TG, "g", wins=True)).wins] == ["said no"]
        assert [w.text for w in (await store.load_group(TG, "other", wins=True)).wins] == [
            "elsewhere"]

    async def test_forget_removes_wins_and_the_alert_recipient(self, store: Store) -> None:
        ana = key("g", "ana")
        await store.commit(commit(ana, 0, wins=["a walk"],
                                  group=GroupWrite(0, '{"on":true}', alert_to="ana")))
        await store.commit(commit(key("g2", "ben"), 0, wins=["mine"],
                                  group=GroupWrite(0, "{}", alert_to="ben")))
        await store.commit(commit(key("g3", "ana", DC), 0, group=GroupWrite(0, "{}",
                                                                            alert_to="ana")))
        assert (await store.export_groups(UserKey(TG, "ana")))["alerts_for"] == ["g"]
        await store.commit(commit(key("ana", "ana"), 0, None, forget=True))
        group = await store.load_group(TG, "g", wins=True)
        assert group.alert_to is None and group.wins == ()
        assert group.state_json == '{"on":true}'
        # A turn loaded before the forget cannot write the person back.
        assert group.version == 2
        with pytest.raises(ConflictError):
            await store.commit(commit(key("g", "x"), 0, group=GroupWrite(1, "{}", alert_to="ana")))
        assert await store.export_groups(UserKey(TG, "ana")) == {"group_wins": [],
                                                                  "alerts_for": []}
        assert (await store.load_group(TG, "g2", wins=True)).alert_to == "ben"
        assert (await store.load_group(DC, "g3")).alert_to == "ana"
        assert [w.text for w in (await store.load_group(TG, "g2", wins=True)).wins] == ["mine"]

    # --- retention --------------------------------------------------------------------

    async def test_purge_deletes_old_free_text_and_keeps_the_new(self, store: Store) -> None:
        old, new = key("old-chat", "old"), key("new-chat", "new")
        cutoff = T0 + timedelta(days=365)
        recent = cutoff + timedelta(days=30)
        [sent_old] = await store.commit(commit(
            old, 0, event_id="old-evt", journal=[JournalEntry("reframe", {"text": "old"}, T0)],
            outbox=[json.dumps({"text": "sent long ago"})]))
        [failed_old, _still_waiting] = await store.commit(commit(
            key("old-chat-2", "old"), 0, outbox=[json.dumps({"text": "never sent"}),
                                                  json.dumps({"text": "still waiting"})]))
        await store.mark_delivered([sent_old], T0)
        await store.mark_failed(failed_old, "blocked", T0, give_up=True)
        [sent_new] = await store.commit(commit(
            new, 0, event_id="new-evt", at=recent,
            journal=[JournalEntry("reframe", {"text": "new"}, recent)],
            outbox=[json.dumps({"text": "sent lately"})]))
        await store.mark_delivered([sent_new], recent)

        counts = await store.purge(cutoff)

        assert counts == {"journal": 1, "conversations": 2, "processed_events": 1,
                          "outbox": 2, "group_wins": 0, "profiles": 0}
        assert (await store.load(old)).version == 0
        assert (await store.export_user(old.user))["journal"] == []
        assert not (await store.load(old, "old-evt")).duplicate
        assert (await store.load(new, "new-evt")).duplicate
        assert (await store.load(new)).version == 1
        assert [e.data for e in await store.journal(new.user)] == [{"text": "new"}]
        # A reply that is still to be sent is not free text at rest but a promise.
        assert await pending_payloads(store) == [json.dumps({"text": "still waiting"})]

    async def test_purge_clears_free_text_profile_fields_of_idle_people(
        self, store: Store
    ) -> None:
        profile = {"onboarded": True, "consent": True, "country": "GB", "nudge_hour": 9,
                   "plan_signs": "I stop answering my phone", "has_plan": 1}
        cutoff = T0 + timedelta(days=365)
        idle, active = key("c", "idle"), key("c", "active")
        await store.commit(commit(idle, 0, profile_changes=profile))
        await store.commit(commit(active, 0, profile_changes=profile))
        await store.commit(commit(active, 1, at=cutoff + timedelta(days=1)))  # talked lately

        counts = await store.purge(cutoff)

        assert counts["profiles"] == 1
        assert (await store.load(active)).profile == profile
        assert (await store.load(key("elsewhere", "idle"))).profile == {
            "onboarded": True, "consent": True, "country": "GB", "nudge_hour": 9}

    async def test_purge_keeps_what_is_exactly_at_the_cutoff_and_repeats_harmlessly(
        self, store: Store
    ) -> None:
        await store.commit(commit(key(), 0, event_id="e", profile_changes={"plan_self": "walk"},
                                  journal=[JournalEntry("mood", {"score": 4}, T0)]))
        nothing = dict.fromkeys(
            ("journal", "conversations", "processed_events", "outbox", "group_wins", "profiles"),
            0)
        assert await store.purge(T0) == nothing
        assert await store.purge(T0 + timedelta(seconds=1)) == {
            **nothing, "journal": 1, "conversations": 1, "processed_events": 1, "profiles": 1}
        assert await store.purge(T0 + timedelta(seconds=1)) == nothing
        assert await store.export_user(key().user) == {
            "profile": {}, "conversations": [], "journal": []}

    async def test_retention_purges_old_kept_wins(self, store: Store) -> None:
        await store.commit(commit(key("g", "ana"), 0, wins=["old"], at=T0))
        await store.commit(commit(key("g", "ben"), 0, wins=["new"], at=T0 + timedelta(days=2)))
        counts = await store.purge(T0 + timedelta(days=1))
        assert counts["group_wins"] == 1
        assert [w.text for w in (await store.load_group(TG, "g", wins=True)).wins] == ["new"]

    # --- outbox claims ---------------------------------------------------------------

    async def test_outbox_claims_are_held_for_the_lease(self, store: Store) -> None:
        lease = timedelta(seconds=30)
        ids = await store.commit(commit(key(), 0, outbox=["a", "b"]))
        claimed = await store.claim_outbox(T0, 10, lease)
        assert [(r.id, r.key, r.payload, r.attempts) for r in claimed] == [
            (ids[0], key(), "a", 0), (ids[1], key(), "b", 0)]
        assert [r.claimed_until for r in claimed] == [T0 + lease] * 2
        # Held: another sender finds nothing until the lease runs out...
        assert await store.claim_outbox(T0 + timedelta(seconds=29), 10, lease) == []
        # ...though the rows are still pending, for anyone looking.
        assert await pending_payloads(store) == ["a", "b"]
        again = await store.claim_outbox(T0 + lease, 10, lease)
        assert [r.id for r in again] == ids
        await store.mark_delivered([ids[0]], T0)
        later = await store.claim_outbox(T0 + 3 * lease, 10, lease)
        assert [r.id for r in later] == [ids[1]]

    async def test_outbox_claims_respect_limit_and_platform_and_skip_given_up_rows(
        self, store: Store
    ) -> None:
        await store.commit(commit(key("t"), 0, outbox=["t1", "t2", "t3"]))
        await store.commit(commit(key("d", platform=DC), 0, outbox=["d1"]))
        t2 = next(r for r in await store.pending_outbox() if r.payload == "t2")
        await store.mark_failed(t2.id, "blocked", T0, give_up=True)
        lease = timedelta(minutes=1)
        assert [r.payload for r in await store.claim_outbox(T0, 1, lease, platform=TG)] == ["t1"]
        assert [r.payload for r in await store.claim_outbox(T0, 10, lease, platform=DC)] == ["d1"]
        # t3 follows t1, which is held: nobody may send it ahead of t1.
        assert await store.claim_outbox(T0, 10, lease) == []
        await store.mark_delivered([t2.id - 1], T0)
        assert [r.payload for r in await store.claim_outbox(T0, 10, lease)] == ["t3"]
        assert await store.claim_outbox(T0, 10, lease) == []

    async def test_rows_committed_claimed_wait_for_their_worker(self, store: Store) -> None:
        lease = timedelta(seconds=30)
        mine = await store.commit(
            commit(key(), 0, outbox=["mine"], outbox_claimed_until=T0 + lease))
        await store.commit(commit(key("other"), 0, outbox=["free"]))
        [row] = [r for r in await store.pending_outbox() if r.payload == "mine"]
        assert row.claimed_until == T0 + lease
        first = await store.claim_outbox(T0 + timedelta(seconds=1), 10, lease)
        assert [r.payload for r in first] == ["free"]
        assert await store.claim_outbox(T0 + timedelta(seconds=29), 10, lease) == []
        # The committing worker died: after its lease another sender takes the row.
        taken = await store.claim_outbox(T0 + lease, 10, lease)
        assert [r.id for r in taken] == mine

    async def test_a_failed_attempt_releases_the_claim(self, store: Store) -> None:
        lease = timedelta(minutes=1)
        ids = await store.commit(commit(key(), 0, outbox=["x"], outbox_claimed_until=T0 + lease))
        await store.mark_failed(ids[0], "timeout", T0, give_up=False)
        [row] = await store.claim_outbox(T0, 10, lease)
        assert (row.id, row.attempts) == (ids[0], 1)

    async def test_concurrent_outbox_claims_never_share_a_row(self, store: Store) -> None:
        for n in range(40):  # one row per chat: each claim may take any of them
            await store.commit(commit(key(f"c{n}"), 0, outbox=[f"r{n}"]))
        claims = await asyncio.gather(*(
            store.claim_outbox(T0, 7, timedelta(minutes=1)) for _ in range(8)))
        ids = [r.id for claim in claims for r in claim]
        assert len(ids) == len(set(ids)) == 40

    async def test_concurrent_outbox_claims_never_split_a_chat(self, store: Store) -> None:
        await store.commit(commit(key(), 0, outbox=[f"r{n}" for n in range(40)]))
        claims = await asyncio.gather(*(
            store.claim_outbox(T0, 7, timedelta(minutes=1)) for _ in range(8)))
        # One claim takes the oldest seven; the rest must wait for them.
        taken = [[r.payload for r in claim] for claim in claims if claim]
        assert taken == [[f"r{n}" for n in range(7)]]

    # --- the safety report ---------------------------------------------------------

    async def test_safety_counts_add_up_across_commits_and_days(self, store: Store) -> None:
        assert await store.safety_report() == []
        day2 = DAY1 + timedelta(days=1)
        await store.commit(commit(key(), 0, safety_counts={"crisis": 1, "resources": 1}))
        await store.commit(commit(key(), 1, at=T0 + timedelta(hours=2),
                                  safety_counts={"resources": 2, "concern": 1}))
        # Another person, another platform, the same day: one total for everyone.
        await store.commit(commit(key("c2", "u2", DC), 0, safety_counts={"crisis": 1}))
        # 01:30 on 2 May at UTC+5 is 20:30 on 1 May in UTC: counted on the UTC day.
        late = datetime(2024, 5, 2, 1, 30, tzinfo=timezone(timedelta(hours=5)))
        await store.commit(commit(key("c3", "u3"), 0, at=late, safety_counts={"concern": 1}))
        # A zero adds nothing (no row for it), and a turn without counts neither.
        await store.commit(commit(key(), 2, at=T0 + timedelta(days=1),
                                  safety_counts={"crisis": 1, "concern": 0}))
        await store.commit(commit(key("c4", "u4"), 0, at=T0 + timedelta(days=1)))
        assert await store.safety_report() == [
            SafetyCount(DAY1, "concern", 2),
            SafetyCount(DAY1, "crisis", 2),
            SafetyCount(DAY1, "resources", 3),
            SafetyCount(day2, "crisis", 1),
        ]

    async def test_a_refused_commit_counts_nothing(self, store: Store) -> None:
        await store.commit(commit(key(), 0, event_id="evt-1", safety_counts={"crisis": 1},
                                  group=GroupWrite(0, json.dumps({"alerts": True}))))
        with pytest.raises(ConflictError):  # the conversation moved on
            await store.commit(commit(key(), 0, safety_counts={"crisis": 1, "resources": 1}))
        with pytest.raises(DuplicateEventError):  # the update came twice
            await store.commit(commit(key(), 1, event_id="evt-1", safety_counts={"crisis": 1}))
        with pytest.raises(ConflictError):  # the group moved on
            await store.commit(commit(key("c1", "u2"), 0, safety_counts={"concern": 1},
                                      group=GroupWrite(0, json.dumps({"alerts": False}))))
        assert await store.safety_report() == [SafetyCount(DAY1, "crisis", 1)]
        # The turn run again against what is stored now counts once.
        await store.commit(commit(key(), 1, event_id="evt-2", safety_counts={"resources": 1}))
        assert await store.safety_report() == [
            SafetyCount(DAY1, "crisis", 1), SafetyCount(DAY1, "resources", 1)]

    async def test_group_commits_count_each_accepted_turn_once(self, store: Store) -> None:
        """Turns committed at once share transactions (group commit), refused ones
        among them: every accepted turn counts once, a refused one not at all."""
        await store.commit(commit(key("race", "racer"), 0))
        results = await asyncio.gather(
            *(store.commit(commit(key(f"c{n}", f"u{n}"), 0,
                                  safety_counts={"crisis": 1, "resources": 2}))
              for n in range(60)),
            # Ten turns loaded at the same version: one wins, nine conflict.
            *(store.commit(commit(key("race", "racer"), 1, json.dumps(n),
                                  safety_counts={"concern": 1}))
              for n in range(10)),
            # Five deliveries of one update: one lands, four are duplicates.
            *(store.commit(commit(key(f"d{n}", f"v{n}"), 0, event_id="same",
                                  safety_counts={"concern": 5}))
              for n in range(5)),
            return_exceptions=True,
        )
        refused = [r for r in results if not isinstance(r, list)]
        assert len(refused) == 9 + 4
        assert all(isinstance(r, ConflictError | DuplicateEventError) for r in refused)
        assert await store.safety_report() == [
            SafetyCount(DAY1, "concern", 1 + 5),
            SafetyCount(DAY1, "crisis", 60),
            SafetyCount(DAY1, "resources", 120),
        ]

    async def test_the_safety_report_starts_at_since(self, store: Store) -> None:
        for n in range(4):
            await store.commit(commit(key(f"c{n}"), 0, at=T0 + timedelta(days=n),
                                      safety_counts={"resources": n + 1}))
        days = [DAY1 + timedelta(days=n) for n in range(4)]
        since = await store.safety_report(days[2])
        assert since == [SafetyCount(days[2], "resources", 3), SafetyCount(days[3], "resources", 4)]
        assert [c.count for c in await store.safety_report(days[0])] == [1, 2, 3, 4]
        assert [c.count for c in await store.safety_report()] == [1, 2, 3, 4]
        assert await store.safety_report(days[3] + timedelta(days=1)) == []

    @pytest.mark.parametrize("counts", [
        {"": 1}, {"User 12345": 1}, {"crisis:u1": 1}, {"x" * 33: 1}, {"crisis": -1},
        {"crisis": True}, {"crisis": 1.5}, {"crisis": 10**20},
    ], ids=["empty", "words", "id", "long", "negative", "bool", "float", "huge"])
    async def test_malformed_safety_counts_are_refused_and_write_nothing(
        self, store: Store, counts: dict[str, Any]
    ) -> None:
        """A kind is a label from the code, never an id or a person's words."""
        with pytest.raises(ValueError, match="safety count"):
            await store.commit(commit(key(), 0, event_id="evt", safety_counts=counts))
        assert await store.load(key(), "evt") == Snapshot(None, 0, {}, duplicate=False)
        assert await store.safety_report() == []

    async def test_forget_and_retention_leave_the_safety_counts(self, store: Store) -> None:
        """Nothing in them belongs to anyone, and the yearly report needs them."""
        await store.commit(commit(key(), 0, safety_counts={"crisis": 1}))
        await store.commit(commit(key(), 1, None, forget=True, safety_counts={"resources": 1}))
        counts = await store.purge(T0 + timedelta(days=3650))
        assert "safety_counts" not in counts
        assert await store.safety_report() == [
            SafetyCount(DAY1, "crisis", 1), SafetyCount(DAY1, "resources", 1)]

    async def test_the_safety_report_names_no_one(self, store: Store) -> None:
        who = key("chat-8842", "user-5531", DC)
        await store.commit(commit(
            who, 0, json.dumps({"said": "words-7719"}), event_id="evt-3307",
            profile_changes={"country": "US"}, outbox=[json.dumps({"text": "words-7719"})],
            safety_counts={"crisis": 1, "resources": 1}))
        report = await store.safety_report()
        assert [f.name for f in fields(SafetyCount)] == ["day", "kind", "count"]
        assert [astuple(c) for c in report] == [(DAY1, "crisis", 1), (DAY1, "resources", 1)]
        assert all(type(c.day) is date and type(c.count) is int for c in report)
        for trace in ("chat-8842", "user-5531", "evt-3307", "words-7719", DC, "US"):
            assert trace not in repr(report)
