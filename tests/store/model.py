"""A reference model of the ``Store`` contract, and commit sequences to check it with.

The model applies commits one after the other with plain dicts, the way the
contract reads.  Property tests run the same sequence through a real backend
and compare everything observable: each commit's outcome, states, versions,
profiles, journals, processed events and the pending outbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from bot.store.base import Commit, ConflictError, DuplicateEventError, JournalEntry, Store
from bot.types import ConversationKey, UserKey

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)

Outcome = int | type[ConflictError] | type[DuplicateEventError]
"""What a commit should do: the number of outbox rows it adds, or the error it raises."""


@dataclass
class Model:
    """The contract, applied serially."""

    conversations: dict[ConversationKey, tuple[str, int]] = field(default_factory=dict)
    profiles: dict[UserKey, dict[str, Any]] = field(default_factory=dict)
    journal: dict[UserKey, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)
    events: set[tuple[str, str]] = field(default_factory=set)
    outbox: list[tuple[ConversationKey, str]] = field(default_factory=list)
    """Pending rows in commit order."""

    def version(self, key: ConversationKey) -> int:
        return self.conversations[key][1] if key in self.conversations else 0

    def apply(self, c: Commit) -> Outcome:
        key, user = c.key, c.key.user
        if c.event_id is not None and (key.platform, c.event_id) in self.events:
            return DuplicateEventError
        if self.version(key) != c.expected_version:
            return ConflictError
        if c.forget:
            self.profiles.pop(user, None)
            self.journal.pop(user, None)
            self.conversations = {k: v for k, v in self.conversations.items() if k.user != user}
            self.outbox = [(k, p) for k, p in self.outbox if k.user != user]
        if c.event_id is not None:
            self.events.add((key.platform, c.event_id))
        if c.state_json is None:
            self.conversations.pop(key, None)
        else:
            self.conversations[key] = (c.state_json, c.expected_version + 1)
        if c.profile_changes:
            current = self.profiles.get(user)
            merged = dict(current or {})
            for name, value in c.profile_changes.items():
                if value is None:
                    merged.pop(name, None)
                else:
                    merged[name] = value
            if current is not None or merged:
                self.profiles[user] = merged
        for entry in c.journal:
            self.journal.setdefault(user, []).append((entry.kind, entry.data))
        self.outbox.extend((key, payload) for payload in c.outbox)
        return len(c.outbox)


def keys_for(platform: str) -> list[ConversationKey]:
    """Four conversations on ``platform`` and two on a sibling platform, sharing
    chat and user ids so that cross-platform mix-ups would show."""
    return [
        ConversationKey(p, chat, user)
        for p in (platform, f"{platform}-x")
        for chat, user in (("c1", "u1"), ("c2", "u1"), ("c2", "u2"), ("c1", "u2"))
        if p == platform or chat == "c1"
    ]


@st.composite
def commit_sequences(draw: st.DrawFn, platform: str, max_size: int = 25) -> list[Commit]:
    """Commits on ``platform``'s keys, steered so that most of them succeed.

    A model runs while drawing, so expected versions are mostly the current
    ones, sometimes stale or ahead; event ids repeat; a few commits forget.
    """
    keys = keys_for(platform)
    model = Model()
    commits: list[Commit] = []
    for n in range(draw(st.integers(min_value=1, max_value=max_size))):
        key = draw(st.sampled_from(keys))
        drift = draw(st.sampled_from([0, 0, 0, 0, -1, 1]))
        event = draw(st.one_of(st.none(), st.integers(0, 8).map(lambda i: f"e{i}")))
        changes = draw(
            st.dictionaries(
                st.sampled_from(["consent", "country", "tz"]),
                st.one_of(st.none(), st.integers(0, 3)),
                max_size=2,
            )
        )
        at = T0 + timedelta(seconds=n)
        journal = [
            JournalEntry(kind, {"n": n, "i": i}, at)
            for i, kind in enumerate(
                draw(st.lists(st.sampled_from(["mood", "reframe"]), max_size=2))
            )
        ]
        commit = Commit(
            key=key,
            at=at,
            expected_version=max(0, model.version(key) + drift),
            state_json=draw(
                st.sampled_from([None, json.dumps({"step": n}), json.dumps({"step": n})])
            ),
            event_id=event,
            profile_changes=changes,
            journal=journal,
            outbox=[json.dumps({"n": n, "j": j}) for j in range(draw(st.integers(0, 2)))],
            forget=draw(st.integers(0, 9)) == 0,
        )
        model.apply(commit)
        commits.append(commit)
    return commits


async def assert_store_matches(
    store: Store, platform: str, commits: list[Commit], results: list[object]
) -> None:
    """``results`` (ids or raised exceptions, one per commit, in order) and the
    store's final contents are what the model says."""
    model = Model()
    ids_of_payload: dict[str, int] = {}
    last_id = 0
    for n, (commit, result) in enumerate(zip(commits, results, strict=True)):
        expected = model.apply(commit)
        if isinstance(expected, int):
            assert isinstance(result, list), f"commit {n}: expected ids, got {result!r}"
            assert len(result) == expected
            for row_id, payload in zip(result, commit.outbox, strict=True):
                assert row_id > last_id, f"commit {n}: outbox ids must increase"
                last_id = row_id
                ids_of_payload[payload] = row_id
        else:
            assert isinstance(result, expected), f"commit {n}: expected {expected.__name__}"

    keys = keys_for(platform)
    for key in keys:
        snapshot = await store.load(key)
        state = model.conversations.get(key)
        assert (snapshot.state_json, snapshot.version) == (state or (None, 0)), key
        assert snapshot.profile == model.profiles.get(key.user, {}), key
    for p in sorted({k.platform for k in keys}):
        some_key = next(k for k in keys if k.platform == p)
        for i in range(9):
            snapshot = await store.load(some_key, f"e{i}")
            assert snapshot.duplicate == ((p, f"e{i}") in model.events), (p, i)
        pending = await store.pending_outbox(limit=1000, platform=p)
        assert [(row.key, row.payload) for row in pending] == [
            (k, payload) for k, payload in model.outbox if k.platform == p
        ]
        assert [row.id for row in pending] == [ids_of_payload[row.payload] for row in pending]
    for user in {k.user for k in keys}:
        exported = await store.export_user(user)
        assert exported["profile"] == model.profiles.get(user, {})
        journal = [(j["kind"], j["data"]) for j in exported["journal"]]
        assert journal == model.journal.get(user, [])
        states = {c["chat_id"]: c["state"] for c in exported["conversations"]}
        assert len(states) == len(exported["conversations"])
        assert states == {
            k.chat_id: json.loads(state)
            for k, (state, _version) in model.conversations.items()
            if k.user == user
        }
