"""One inbound event, end to end: lock, dedupe, load, safety, step, commit, dispatch.

The runtime is where the pure engine meets storage and delivery.  For each
event it takes the conversation's lock, loads the state (learning at the same
time whether the event was already processed), assesses the text through the
single safety seam, runs the engine, commits the new state together with the
replies (the outbox) in one transaction, and then delivers those replies.
A redelivered event is dropped; a concurrent writer in another process makes
the commit fail on its ``version`` and the turn is simply run again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import ValidationError

from bot.codec import decode_state, encode_outbound, encode_state
from bot.delivery import Dispatcher
from bot.engine import Engine, EngineError, Turn
from bot.journal_view import render_journal
from bot.locks import KeyedLocks
from bot.nudges.schedule import next_due
from bot.progress import render_progress
from bot.state import ConversationState, Profile
from bot.store.base import (
    Commit,
    ConflictError,
    DuplicateEventError,
    JournalEntry,
    OutboxRow,
    Store,
    Subscription,
    Timer,
)
from bot.text import clean_input
from bot.types import (
    NO_RISK,
    Action,
    Assessment,
    ConversationKey,
    ForgetUser,
    Inbound,
    Outbound,
    RecordJournal,
    RequestExport,
    ScheduleWake,
    Segment,
    SendFile,
    SendText,
    ShowJournal,
    ShowProgress,
    UpdateProfile,
)

log = logging.getLogger(__name__)

Assessor = Callable[[str], Assessment]
"""The safety seam: every inbound text passes through one of these first."""

# Another process committing to the same conversation between our load and our
# commit is rare; a handful of retries covers it without risking a livelock.
MAX_CONFLICT_RETRIES = 5
EXPORT_FILENAME = "compassion-bot-export.json"


@dataclass(frozen=True, slots=True)
class Handled:
    """What became of one inbound event."""

    status: Literal["done", "duplicate"]
    outbox_ids: tuple[int, ...] = ()
    delivered: int = 0


def utc_now() -> datetime:
    return datetime.now(UTC)


class Runtime:
    """Turns inbound events into committed state and delivered replies."""

    def __init__(
        self,
        store: Store,
        engine: Engine,
        dispatcher: Dispatcher,
        *,
        assess: Assessor,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.engine = engine
        self.dispatcher = dispatcher
        self.assess = assess
        self.clock = clock
        self.locks = KeyedLocks()

    async def handle(self, event: Inbound) -> Handled:
        """Process one inbound event exactly once and deliver its replies."""
        if event.text:
            event = dataclasses.replace(event, text=clean_input(event.text))
        async with self.locks.hold(event.key):
            for _ in range(MAX_CONFLICT_RETRIES):
                snapshot = await self.store.load(event.key, event.event_id)
                if snapshot.duplicate:
                    return Handled("duplicate")
                commit, sent = await self._turn(event, snapshot.state_json, snapshot.profile,
                                                snapshot.version)
                try:
                    ids = await self.store.commit(commit)
                except ConflictError:
                    continue
                except DuplicateEventError:
                    return Handled("duplicate")
                rows = [
                    OutboxRow(row_id, event.key, payload, 0, commit.at,
                              commit.outbox_claimed_until)
                    for row_id, payload in zip(ids, commit.outbox, strict=True)
                ]
                delivery = await self.dispatcher.deliver(rows, sent)
                if event.key in delivery.unreachable:
                    await self._update_profile(event.key, {"unreachable": True})
                return Handled("done", tuple(ids), delivery.delivered)
        raise ConflictError(f"conversation kept changing under {MAX_CONFLICT_RETRIES} attempts")

    async def mark_unreachable(self, key: ConversationKey) -> None:
        """The platform refused this person for good: nothing more is scheduled for them
        until they write again."""
        async with self.locks.hold(key):
            await self._update_profile(key, {"unreachable": True})

    async def _update_profile(self, key: ConversationKey, changes: dict[str, object]) -> None:
        """Change the profile without a turn; the caller holds the conversation's lock."""
        for _ in range(MAX_CONFLICT_RETRIES):
            snapshot = await self.store.load(key)
            now = self.clock()
            subscription = None
            if any(_decides_nudges(name) for name in changes):
                subscription = self._next_nudge(key, snapshot.profile, changes, now)
            commit = Commit(key=key, at=now, expected_version=snapshot.version,
                            state_json=snapshot.state_json, profile_changes=changes,
                            subscription=subscription)
            try:
                await self.store.commit(commit)
            except ConflictError:
                continue
            return
        raise ConflictError(f"conversation kept changing under {MAX_CONFLICT_RETRIES} attempts")

    async def _turn(
        self, event: Inbound, state_json: str | None, profile_data: dict[str, object],
        version: int,
    ) -> tuple[Commit, list[Outbound]]:
        now = self.clock()
        state = self._decode_state(state_json)
        profile = _decode_profile(profile_data)
        risk = self.assess(event.text) if event.kind == "text" and event.text else NO_RISK
        if risk.level != "none":
            log.info("risk %s (%s) on %s", risk.level, ",".join(risk.reasons), event.key.platform)
        turn = Turn(event=event, now=now, profile=profile, risk=risk)
        try:
            outcome = self.engine.step(state, turn)
            new_state, actions = outcome.state, outcome.actions
        except (EngineError, KeyError, ValueError) as exc:
            # A bug must not trap the person in a broken conversation: say so
            # kindly, drop the running dialogue, keep everything else.
            log.exception("engine failed (%s) in %s", type(exc).__name__, _position(state))
            new_state = state.model_copy(update={"stack": []})
            actions = [SendText((Segment(self.engine.dialogues.line("went_wrong")[0]),))]
        return await self._commit(event, now, version, new_state, actions, profile_data)

    async def _commit(
        self, event: Inbound, now: datetime, version: int, state: ConversationState,
        actions: list[Action], profile: Mapping[str, Any],
    ) -> tuple[Commit, list[Outbound]]:
        """The commit for this turn, and the outbound actions in its outbox, in order."""
        forget = any(isinstance(a, ForgetUser) for a in actions)
        profile_changes: dict[str, object] = {}
        if profile.get("unreachable") and event.kind not in SCHEDULED_KINDS:
            profile_changes["unreachable"] = None  # they wrote again: reachable
        journal: list[JournalEntry] = []
        outbound: list[Outbound] = []
        timers: list[Timer] = []
        for action in actions:
            if isinstance(action, UpdateProfile):
                profile_changes.update(action.changes)
            elif isinstance(action, RecordJournal):
                journal.append(JournalEntry(action.kind, action.data, now))
            elif isinstance(action, ScheduleWake):
                timers.append(Timer(now + timedelta(seconds=action.seconds), action.token))
            elif isinstance(action, ShowJournal | ShowProgress):
                outbound.extend(await self._show(event, action, now, journal))
            elif isinstance(action, RequestExport):
                outbound.append(await self._export(event, state, forget))
            elif isinstance(action, ForgetUser):
                # What was decided before the forget goes with everything else.
                profile_changes.clear()
                journal.clear()
                timers.clear()
            else:
                outbound.append(action)
        subscription = self._subscription(event, now, profile, profile_changes, forget)
        keep_state = bool(state.stack or state.suspended or (state.said and not forget))
        commit = Commit(
            key=event.key,
            at=now,
            expected_version=version,
            state_json=encode_state(state) if keep_state else None,
            event_id=event.event_id,
            profile_changes=profile_changes,
            journal=journal,
            outbox=[encode_outbound(action) for action in outbound],
            forget=forget,
            timers=timers,
            subscription=subscription,
            # Held for this worker, which sends them right after the commit: a
            # drain in another worker must not send them at the same time.
            outbox_claimed_until=self.dispatcher.claim_until(event.key.platform, now),
        )
        return commit, outbound

    def _subscription(
        self, event: Inbound, now: datetime, profile: Mapping[str, Any],
        changes: Mapping[str, object], forgotten: bool,
    ) -> Subscription | None:
        """The person's next nudge, when this turn sent one or changed what decides it.

        After a nudge the next is counted from when this one was due, so the
        schedule does not drift; one found late (the bot was down) counts from
        the end of the grace period, so missed nudges are not sent in a burst.
        """
        if forgotten:
            return None  # the forget removes the subscription
        if event.kind != "nudge" and not any(_decides_nudges(name) for name in changes):
            return None
        after = now
        if event.kind == "nudge":
            after = max(event.at, now - self.engine.nudge_grace)
        return self._next_nudge(event.key, profile, changes, after)

    @staticmethod
    def _next_nudge(
        key: ConversationKey, profile: Mapping[str, Any], changes: Mapping[str, object],
        after: datetime,
    ) -> Subscription:
        """The subscription for the profile as these changes leave it."""
        merged = {**profile}
        for name, value in changes.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        return Subscription(next_due(merged, after, seed=f"{key.platform}:{key.user_id}"))

    async def _show(
        self, event: Inbound, action: ShowJournal | ShowProgress, now: datetime,
        this_turn: list[JournalEntry],
    ) -> list[Outbound]:
        """The person's journal or progress chart, including what this turn just wrote."""
        lines = self.engine.dialogues
        if isinstance(action, ShowJournal):
            stored = await self.store.journal(event.key.user, kinds=action.kinds,
                                              limit=action.limit)
            fresh = [e for e in reversed(this_turn) if not action.kinds or e.kind in action.kinds]
            return [render_journal((fresh + stored)[: action.limit], action.empty, lines)]
        since = now - timedelta(days=action.days)
        stored = await self.store.journal(event.key.user, since=since)
        # Drawing a chart takes a good part of a second of CPU: off the event loop,
        # so that everyone else's replies keep flowing meanwhile.
        return await asyncio.to_thread(
            render_progress, list(reversed(this_turn)) + stored, now, action.days, lines
        )

    async def _export(self, event: Inbound, state: ConversationState, forgotten: bool) -> Outbound:
        data = {} if forgotten else await self.store.export_user(event.key.user)
        document = {
            "platform": event.key.platform,
            "user_id": event.key.user_id,
            "exported_at": self.clock().isoformat(),
            "profile": data.get("profile", {}),
            "conversations": data.get("conversations", []),
            "journal": data.get("journal", []),
        }
        content = json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()
        return SendFile(EXPORT_FILENAME, content)

    def _decode_state(self, state_json: str | None) -> ConversationState:
        try:
            return decode_state(state_json)
        except ValidationError:
            # Written by an older or broken version: start afresh rather than fail
            # every message this person sends from now on.
            log.warning("unreadable conversation state replaced with a fresh one")
            return ConversationState()


SCHEDULED_KINDS = frozenset({"wake", "nudge"})
"""Events the scheduler makes: they say nothing about whether the person is reachable."""


def _decides_nudges(profile_field: str) -> bool:
    """Profile fields that change when (or whether) nudges are due."""
    return profile_field.startswith("nudge_") or profile_field in ("tz", "unreachable")


def _decode_profile(data: dict[str, object]) -> Profile:
    try:
        return Profile.model_validate(data)
    except ValidationError:
        log.warning("unreadable profile fields ignored")
        return Profile()


def _position(state: ConversationState) -> str:
    frame = state.current
    return f"{frame.dialogue}.{frame.step}" if frame else "no dialogue"
