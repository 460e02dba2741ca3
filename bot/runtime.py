"""One inbound event, end to end: lock, dedupe, load, safety, step, commit, dispatch.

The runtime is where the pure engine meets storage and delivery.  For each
event it takes the conversation's lock, loads the state (learning at the same
time whether the event was already processed), assesses the text through the
single safety seam, runs the engine, commits the new state together with the
replies (the outbox) in one transaction, and then delivers those replies.
A redelivered event is dropped; a concurrent writer in another process makes
the commit fail on its ``version`` and the turn is simply run again.  At most
:data:`TURNS_AT_ONCE` turns are between their load and their commit at a time,
so a crowd writing at once costs memory for the turns being worked, not for
everyone waiting.

The replies are queued for sending in commit order with their chat's other
replies (:mod:`bot.delivery`), at the turn's priority: a crisis or a safety
check ahead of everything, nudges and group prompts behind every answer to
someone who wrote.  A caller may wait for them to be tried (the default) or
only for the commit (``wait=False``), which is all a platform needs before it
may forget the update.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import ValidationError

from bot.codec import decode_state, encode_outbound, encode_state
from bot.delivery import BACKGROUND, REPLY, URGENT, Delivery, Dispatcher
from bot.dialogue.loader import DialogueSet
from bot.engine import Engine, EngineError, Outcome, Turn
from bot.groups.schedule import next_moment
from bot.groups.state import GroupState, group_from_row, group_to_row
from bot.journal_view import exported_entry, render_journal
from bot.locks import KeyedLocks
from bot.nudges.schedule import next_due
from bot.progress import render_progress
from bot.safety_floor import SOS_COMMAND, FloorReply, resource_intros, without_shown_lines
from bot.state import ConversationState, Profile
from bot.store.base import (
    Commit,
    ConflictError,
    DuplicateEventError,
    GroupSnapshot,
    GroupWrite,
    JournalEntry,
    OutboxRow,
    Store,
    Subscription,
    Timer,
)
from bot.store.fields import merge_profile
from bot.summary import summary_file
from bot.text import clean_input
from bot.types import (
    GROUP_SELF,
    NO_RISK,
    Action,
    Assessment,
    Assessor,
    ButtonPress,
    ChatOpened,
    CommandMessage,
    ConversationKey,
    CountSafety,
    ForgetUser,
    FromGroup,
    GroupDue,
    Inbound,
    KeepWin,
    NudgeDue,
    Outbound,
    PollCounts,
    ReachOut,
    RecordJournal,
    RequestExport,
    RequestSummary,
    ScheduleWake,
    Segment,
    SendFile,
    SendText,
    ShowJournal,
    ShowProgress,
    TextMessage,
    TimerDue,
    UpdateProfile,
)

log = logging.getLogger(__name__)


# Another process committing to the same conversation between our load and our
# commit is rare; a handful of retries covers it without risking a livelock.
MAX_CONFLICT_RETRIES = 5
TURNS_AT_ONCE = 256
"""Turns loaded and not yet committed at one time, across all conversations.

Beyond it a turn waits before loading anything, holding only its event: ten
thousand people writing at once otherwise held ten thousand decoded states and
pending reads (about 9 KB each).  256 keeps the group commit's batches full
(a batch rarely holds more than a hundred turns) and the reader busy."""
EXPORT_FILENAME = "compassion-bot-export.json"


@dataclass(frozen=True, slots=True)
class Handled:
    """What became of one inbound event."""

    status: Literal["done", "duplicate", "ignored"]
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
        turns_at_once: int = TURNS_AT_ONCE,
    ) -> None:
        self.store = store
        self.engine = engine
        self.dispatcher = dispatcher
        self.assess = assess
        self.clock = clock
        self.locks = KeyedLocks()
        self._turn_slots = asyncio.Semaphore(turns_at_once)
        # The crisis intros of every language, to recognise what the floor already said.
        self._intros = resource_intros(engine.dialogues).union(
            *(resource_intros(locale.dialogues) for locale in engine.locales.values()))

    async def handle(
        self, event: Inbound, *, wait: bool = True, floor: FloorReply | None = None
    ) -> Handled:
        """Process one inbound event exactly once and deliver its replies.

        With ``wait`` (the default) this returns once the replies were tried;
        without, as soon as the turn is committed, the replies going out in the
        background.  ``floor`` is what the safety floor already sent for this
        event while it could not be committed: those crisis lines are not sent
        again (see :mod:`bot.safety_floor`).

        A group turn may ask for private turns (:class:`ReachOut`): each runs
        afterwards as its own event, so that its replies go through the outbox
        of the person's private chat, and a refused one never touches the
        group's reply.
        """
        event = _cleaned(event)
        if isinstance(event, PollCounts):
            found = await self._poll_event(event)
            if found is None:
                return Handled("ignored")  # not a poll of a group's open check-in
            event = found
        reach: list[ReachOut] = []
        async with self.locks.hold(event.key), self._hold_group(event):
            for _ in range(MAX_CONFLICT_RETRIES):
                # A slot from the load to the commit only: delivery (a slow
                # platform) and waiting for this conversation's lock hold none.
                async with self._turn_slots:
                    snapshot = await self.store.load(event.key, event.event_id)
                    if snapshot.duplicate:
                        return Handled("duplicate")
                    group = None
                    if event.chat_kind == "group":
                        group = await self.store.load_group(
                            event.key.platform, event.key.chat_id,
                            wins=isinstance(event, GroupDue))
                    commit, sent, reach = await self._turn(
                        event, snapshot.state_json, snapshot.profile, snapshot.version, group,
                        floor)
                    try:
                        ids = await self.store.commit(commit)
                    except ConflictError:
                        continue
                    except DuplicateEventError:
                        return Handled("duplicate")
                rows = [
                    OutboxRow(row_id, event.key, payload, 0, commit.at,
                              commit.outbox_claimed_until, commit.outbox_priority)
                    for row_id, payload in zip(ids, commit.outbox, strict=True)
                ]
                if wait:
                    delivery = await self.dispatcher.submit(rows, sent)
                    if event.key in delivery.unreachable and event.key.user_id != GROUP_SELF:
                        await self._update_profile(event.key, {"unreachable": True})
                else:
                    # Nobody waits: the dispatcher marks a refused person itself.
                    self.dispatcher.submit(rows, sent, notify=True)
                    delivery = Delivery()
                handled = Handled("done", tuple(ids), delivery.delivered)
                break
            else:
                raise ConflictError(
                    f"conversation kept changing under {MAX_CONFLICT_RETRIES} attempts")
        for reason in reach:
            await self._reach_out(event, reason, wait=wait)
        return handled

    def _hold_group(self, event: Inbound) -> contextlib.AbstractAsyncContextManager[None]:
        """In a group, turns that change the group run one at a time in this process
        (across processes the group row's version does it).  Always taken after
        the conversation's lock."""
        if event.chat_kind != "group":
            return contextlib.nullcontext()
        return self.locks.hold(("group", event.key.platform, event.key.chat_id))

    async def _reach_out(self, event: Inbound, reach: ReachOut, *, wait: bool = True) -> None:
        """The private turn a group turn asked for, with an id derived from the group
        event's, so that a redelivered group message does not repeat it."""
        private = ConversationKey(event.key.platform, reach.user_id, reach.user_id)
        derived = FromGroup(private, f"{event.event_id}/{reach.reason}:{reach.user_id}",
                            event.at, reach.reason, link=reach.link)
        try:
            await self.handle(derived, wait=wait)
        except Exception:
            # The group's reply is out already; a private message that cannot be
            # made must not undo it.  (A refused one is handled by delivery.)
            log.exception("private %s after a group turn failed on %s", reach.reason,
                          event.key.platform)

    async def _poll_event(self, event: PollCounts) -> PollCounts | None:
        """A platform poll's counts, as an event of the group whose check-in it is."""
        found = await self.store.find_poll(event.key.platform, event.poll)
        if found is None:
            return None
        key = ConversationKey(event.key.platform, found.chat_id, GROUP_SELF)
        return dataclasses.replace(event, key=key, ref=found.ref)

    async def poll_sent(self, key: ConversationKey, poll_id: str, ref: str) -> None:
        """An adapter sent a group's check-in as a platform poll with id ``poll_id``:
        its counts will arrive as ``poll`` events naming only that id."""
        await self.store.record_poll(key.platform, key.chat_id, poll_id, ref)

    async def mark_unreachable(self, key: ConversationKey) -> None:
        """The platform refused this person for good: nothing more is scheduled for them
        until they write again."""
        if key.user_id == GROUP_SELF:
            return  # a group's own messages (a prompt, totals) say nothing about a person
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
        version: int, group_row: GroupSnapshot | None = None, floor: FloorReply | None = None,
    ) -> tuple[Commit, list[Outbound], list[ReachOut]]:
        now = self.clock()
        state = self._decode_state(state_json)
        profile = _decode_profile(profile_data)
        typed = _typed(event)
        risk = self.assess(typed, state.context_window(now)) if typed else NO_RISK
        if risk.level != "none":
            log.info("risk %s (%s) on %s", risk.level, ",".join(risk.reasons), event.key.platform)
        group = self._decode_group(group_row)
        wins = group_row.wins if group_row is not None else ()
        turn = Turn(event=event, now=now, profile=profile, risk=risk, group=group, wins=wins)
        try:
            outcome = self.engine.step(state, turn, owned=True)
        except (EngineError, KeyError, ValueError) as exc:
            # A bug must not trap the person in a broken conversation: say so
            # kindly, drop the running dialogue, keep everything else.  The engine
            # owned (and may have half changed) the state: start again from storage.
            state = self._decode_state(state_json)
            log.exception("engine failed (%s) in %s", type(exc).__name__, _position(state))
            outcome = Outcome(state.model_copy(update={"stack": []}),
                              [SendText((Segment(self.engine.dialogues_for(
                                  profile.locale).line("went_wrong")[0]),))])
        actions = outcome.actions
        if floor is not None:
            actions = without_shown_lines(actions, floor, self._intros)
        commit, outbound, reach = await self._commit(event, now, version, outcome.state,
                                                     actions, profile_data,
                                                     _priority(event, risk))
        if group_row is not None:
            change = self._group_write(event, now, group_row, group, outcome)
            commit = dataclasses.replace(commit, group=change)
        return commit, outbound, reach

    def _decode_group(self, row: GroupSnapshot | None) -> GroupState | None:
        if row is None or row.state_json is None:
            return None
        try:
            return group_from_row(row.state_json, row.alert_to)
        except ValidationError:
            log.warning("unreadable group state replaced with a fresh one")
            return GroupState()

    def _group_write(
        self, event: Inbound, now: datetime, row: GroupSnapshot, before: GroupState | None,
        outcome: Outcome,
    ) -> GroupWrite | None:
        """The group's change, and its next daily moment when this turn was the
        moment or changed the settings.  After a moment the next is counted from
        when this one was due (a late one from the end of the grace period, so
        missed moments are not sent in a burst)."""
        after_state = outcome.group or before
        reschedule = isinstance(event, GroupDue) or (
            outcome.group is not None
            and (before is None or outcome.group.settings != before.settings))
        if after_state is None or not (outcome.group or reschedule or outcome.drop_wins):
            return None
        next_due = None
        if reschedule:
            after = now
            if isinstance(event, GroupDue):
                after = max(event.at, now - self.engine.nudge_grace)
            next_due = next_moment(after_state.settings, after, seed=event.key.chat_id)
        document, alert_to = group_to_row(after_state)
        return GroupWrite(row.version, document, alert_to=alert_to, reschedule=reschedule,
                          next_due_at=next_due, drop_wins=outcome.drop_wins)

    async def _commit(
        self, event: Inbound, now: datetime, version: int, state: ConversationState,
        actions: list[Action], profile: Mapping[str, Any], priority: int,
    ) -> tuple[Commit, list[Outbound], list[ReachOut]]:
        """The commit for this turn (its replies at ``priority``), and the outbound
        actions in its outbox, in order."""
        forget = any(isinstance(a, ForgetUser) for a in actions)
        profile_changes: dict[str, object] = {}
        if profile.get("unreachable") and not isinstance(event, SCHEDULED_EVENTS):
            profile_changes["unreachable"] = None  # they wrote again: reachable
        journal: list[JournalEntry] = []
        outbound: list[Outbound] = []
        timers: list[Timer] = []
        wins: list[str] = []
        reach: list[ReachOut] = []
        counts: dict[str, int] = {}
        for action in actions:
            if isinstance(action, CountSafety):
                counts[action.kind] = counts.get(action.kind, 0) + 1
            elif isinstance(action, UpdateProfile):
                profile_changes.update(action.changes)
            elif isinstance(action, RecordJournal):
                journal.append(JournalEntry(action.kind, action.data, now))
            elif isinstance(action, KeepWin):
                wins.append(action.text)
            elif isinstance(action, ReachOut):
                reach.append(action)
            elif isinstance(action, ScheduleWake):
                timers.append(Timer(now + timedelta(seconds=action.seconds), action.token))
            elif isinstance(action, ShowJournal | ShowProgress):
                # In the person's language, as this turn leaves it (/language just now).
                language = merge_profile(profile, profile_changes).get("locale")
                lines = self.engine.dialogues_for(language if isinstance(language, str) else None)
                outbound.extend(await self._show(event, action, now, journal, lines))
            elif isinstance(action, RequestSummary):
                merged = merge_profile(profile, profile_changes)
                language = merged.get("locale")
                lines = self.engine.dialogues_for(language if isinstance(language, str) else None)
                outbound.append(await self._summary(event, action, now, journal, merged, lines))
            elif isinstance(action, RequestExport):
                language = merge_profile(profile, profile_changes).get("locale")
                lines = self.engine.dialogues_for(language if isinstance(language, str) else None)
                outbound.append(await self._export(event, state, forget, lines))
            elif isinstance(action, ForgetUser):
                # What was decided before the forget goes with everything else.
                profile_changes.clear()
                journal.clear()
                timers.clear()
                wins.clear()
            else:
                outbound.append(action)
        subscription = self._subscription(event, now, profile, profile_changes, forget)
        keep_state = bool(state.stack or state.suspended or state.votes or state.wins
                          or (state.said and not forget))
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
            wins=wins,
            # Held for this worker, which sends them right after the commit: a
            # drain in another worker must not send them at the same time.
            outbox_claimed_until=self.dispatcher.claim_until(event.key.platform, now),
            outbox_priority=priority,
            safety_counts=counts,
        )
        return commit, outbound, reach

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
        if not isinstance(event, NudgeDue) and not any(_decides_nudges(name) for name in changes):
            return None
        after = now
        if isinstance(event, NudgeDue):
            after = max(event.at, now - self.engine.nudge_grace)
        return self._next_nudge(event.key, profile, changes, after)

    @staticmethod
    def _next_nudge(
        key: ConversationKey, profile: Mapping[str, Any], changes: Mapping[str, object],
        after: datetime,
    ) -> Subscription:
        """The subscription for the profile as these changes leave it."""
        # The store's own merge rule, so that the schedule is computed from the
        # profile exactly as the commit will store it.
        merged = merge_profile(profile, changes)
        return Subscription(next_due(merged, after, seed=f"{key.platform}:{key.user_id}"))

    async def _show(
        self, event: Inbound, action: ShowJournal | ShowProgress, now: datetime,
        this_turn: list[JournalEntry], lines: DialogueSet,
    ) -> list[Outbound]:
        """The person's journal or progress chart, including what this turn just wrote,
        worded by ``lines`` (the dialogues of their language)."""
        if isinstance(action, ShowJournal):
            stored = await self.store.journal(event.key.user, kinds=action.kinds,
                                              limit=action.limit)
            fresh = [e for e in reversed(this_turn) if not action.kinds or e.kind in action.kinds]
            return [render_journal((fresh + stored)[: action.limit], action.empty, lines,
                                   header=action.header)]
        since = now - timedelta(days=action.days)
        stored = await self.store.journal(event.key.user, since=since)
        # Drawing a chart takes milliseconds of CPU (bot.progress_chart): off the
        # event loop all the same, so that everyone else's replies keep flowing.
        return await asyncio.to_thread(
            render_progress, list(reversed(this_turn)) + stored, now, action.days, lines
        )

    async def _summary(
        self, event: Inbound, action: RequestSummary, now: datetime,
        this_turn: list[JournalEntry], profile: Mapping[str, Any], lines: DialogueSet,
    ) -> Outbound:
        """The one-page PDF summary, in the person's language."""
        since = now - timedelta(days=action.days)
        stored = await self.store.journal(event.key.user, since=since)

        def title(dialogue: str) -> str:
            found = lines.dialogues.get(dialogue)
            return found.title if found is not None else dialogue

        # A page takes milliseconds to lay out: off the event loop all the same.
        return await asyncio.to_thread(
            summary_file, list(reversed(this_turn)) + stored, profile, now, action.days,
            lines, title, action.include_plan)

    async def _export(self, event: Inbound, state: ConversationState, forgotten: bool,
                      lines: DialogueSet) -> Outbound:
        data = {} if forgotten else await self.store.export_user(event.key.user)
        document = {
            "platform": event.key.platform,
            "user_id": event.key.user_id,
            "exported_at": self.clock().isoformat(),
            "profile": data.get("profile", {}),
            "conversations": data.get("conversations", []),
            # Each entry also as /journal words it, so the file reads without
            # knowing the field names ("learned", "kind_words").
            "journal": [exported_entry(item, lines)
                        for item in data.get("journal", [])],
        }
        groups = {} if forgotten else await self.store.export_groups(event.key.user)
        # Only when there is something: most people never use a group channel.
        document.update({name: items for name, items in groups.items() if items})
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


SCHEDULED_EVENTS = (TimerDue, NudgeDue, GroupDue, PollCounts, FromGroup, ChatOpened)
"""Events the scheduler (or the runtime) makes: they say nothing about whether the
person is reachable."""


def _priority(event: Inbound, risk: Assessment) -> int:
    """How urgent the turn's replies are (see :mod:`bot.delivery`)."""
    if risk.level != "none" or (isinstance(event, CommandMessage)
                                and event.command == SOS_COMMAND):
        return URGENT
    if isinstance(event, FromGroup) and event.reason == "crisis":
        return URGENT  # the private follow-up of a crisis said in a group
    if isinstance(event, BACKGROUND_EVENTS):
        return BACKGROUND
    return REPLY


BACKGROUND_EVENTS = (NudgeDue, GroupDue, PollCounts)
"""Events whose replies nobody is waiting for: they never delay a reply to someone
who wrote."""


def _typed(event: Inbound) -> str | None:
    """What the safety seam reads of this event: everything a person typed, the
    words after a command included (``/talk I want to die``, a ``/start``
    payload).  Buttons carry no typed words; the scheduler's events none at all."""
    if isinstance(event, TextMessage | CommandMessage) and event.text:
        return event.text
    return None


def _cleaned(event: Inbound) -> Inbound:
    """The event with what cannot be stored (a lone surrogate) replaced, not refused,
    in what a person or a platform wrote (the scheduler's tokens are our own);
    copied only when that changed something (a copy costs more)."""
    match event:
        case TextMessage() if event.text and (text := clean_input(event.text)) != event.text:
            return dataclasses.replace(event, text=text)
        case CommandMessage() if event.text and (text := clean_input(event.text)) != event.text:
            return dataclasses.replace(event, text=text)
        case ButtonPress() if (choice := clean_input(event.choice)) != event.choice:
            return dataclasses.replace(event, choice=choice)
        case PollCounts() if (poll := clean_input(event.poll)) != event.poll:
            return dataclasses.replace(event, poll=poll)
    return event


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
