"""The engine's group section with plain calls: what a group turn decides, before any
store or platform is involved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_services
from bot.dialogue.loader import load_dialogues
from bot.engine import Engine, Outcome, Turn
from bot.groups.prompts import LIBRARY_FILE, load_prompts
from bot.groups.state import Checkin, GroupSettings, GroupState, SharedWin
from bot.safety.resources import load_resources
from bot.state import ConversationState, Profile
from bot.types import (
    GROUP_SELF,
    Assessment,
    ConversationKey,
    GroupDue,
    Inbound,
    KeepWin,
    PollCounts,
    ReachOut,
    SendPoll,
    SendText,
)
from tests.events import event as make_event

DIALOGUES = Path(__file__).resolve().parents[2] / "dialogues"
ENGINE = Engine(load_dialogues([DIALOGUES]), build_services(load_resources()),
                prompts=load_prompts(DIALOGUES / LIBRARY_FILE))
NOW = datetime(2026, 11, 29, 9, 0, 5, tzinfo=UTC)  # a Sunday
ON = GroupState(settings=GroupSettings(on=True))


def step(event: Inbound, group: GroupState | None = ON, *, risk: str = "none",
         state: ConversationState | None = None, wins: tuple[SharedWin, ...] = ()) -> Outcome:
    return ENGINE.step(state or ConversationState(),
                       Turn(event, NOW, Profile(onboarded=True), Assessment(risk, ()),  # type: ignore[arg-type]
                            group=group, wins=wins))


def member(kind: str = "command", user: str = "ana", **fields: object) -> Inbound:
    return make_event(ConversationKey("t", "g", user), "e1", NOW, kind, chat_kind="group",
                      **fields)


def said(outcome: Outcome) -> str:
    return "\n".join(a.plain for a in outcome.actions if isinstance(a, SendText))


def test_a_crisis_reaches_out_privately_and_alerts_only_when_asked() -> None:
    event = member("text", text="I want to die", link="https://x/1")
    quiet = step(event, risk="crisis")
    assert [a for a in quiet.actions if isinstance(a, ReachOut)] == [ReachOut("ana", "crisis")]
    assert "die" not in said(quiet)
    alerting = GroupState(settings=GroupSettings(on=True, alerts=True, alert_to="mod"))
    loud = step(event, alerting, risk="crisis")
    assert [a for a in loud.actions if isinstance(a, ReachOut)] == [
        ReachOut("ana", "crisis"), ReachOut("mod", "alert", link="https://x/1")]
    # A moderator in crisis is not alerted about themselves.
    own = step(member("text", user="mod", text="I want to die"), alerting, risk="crisis")
    assert [a.reason for a in own.actions if isinstance(a, ReachOut)] == ["crisis"]


def test_crisis_words_after_a_command_are_a_crisis_too() -> None:
    outcome = step(member(command="win", text="I want to die"), risk="crisis")
    assert any(isinstance(a, ReachOut) for a in outcome.actions)
    assert outcome.group is None  # no win was counted


def test_only_admins_change_settings() -> None:
    refused = step(member(command="wellness", text="off"))
    assert refused.group is None and "admin" in said(refused)
    allowed = step(member(command="wellness", text="off", is_admin=True))
    assert allowed.group is not None and not allowed.group.settings.on


def test_turning_alerts_on_names_the_admin_and_off_forgets_them() -> None:
    on = step(member(command="wellness", text="alerts on", user="mod", is_admin=True))
    assert on.group is not None and on.group.settings.alert_to == "mod"
    off = step(member(command="wellness", text="alerts off", user="mod", is_admin=True), on.group)
    assert off.group is not None and off.group.settings.alert_to is None


def test_a_negative_time_and_the_servers_own_zone_are_refused() -> None:
    """"-1:00" was read as 01:00 and "localtime" (the server's zone, not the
    group's) was taken; both now get the kind "couldn't read" answer, and the
    settings stay as they were."""
    for args in ("time -1:00", "time - 1:00", "time -9", "time 9-"):
        outcome = step(member(command="wellness", text=args, is_admin=True))
        assert "couldn't read that time" in said(outcome), args
        assert outcome.group is None or outcome.group.settings.time == ON.settings.time
    for args in ("zone localtime", "zone Localtime", "zone Factory"):
        outcome = step(member(command="wellness", text=args, is_admin=True))
        assert "don't know that time zone" in said(outcome), args
        assert outcome.group is None or outcome.group.settings.tz == ON.settings.tz


def test_a_check_in_is_a_poll_and_a_new_one_closes_the_old() -> None:
    first = step(member(command="checkin"))
    polls = [a for a in first.actions if isinstance(a, SendPoll)]
    assert len(polls) == 1 and polls[0].anonymous and polls[0].ref == "1"
    assert first.group is not None and first.group.checkin is not None
    few = first.group.model_copy(update={"checkin": first.group.checkin.model_copy(
        update={"counts": [1, 1, 0, 0, 0]})})
    second = step(member(command="checkin"), few)
    assert "Fewer than three" in said(second)  # and no totals
    assert second.group is not None and second.group.checkin is not None
    assert second.group.checkin.id == 2


def test_poll_counts_of_another_check_in_are_ignored() -> None:
    group = ON.model_copy(update={"checkin": Checkin(id=2, opened=NOW, counts=[0] * 5)})
    event = PollCounts(ConversationKey("t", "g", GROUP_SELF), "p", NOW, "poll-1",
                       (3, 3, 3, 3, 3), ref="1")
    assert step(event, group).group is None


def test_an_answer_counts_once_and_which_one_is_not_kept() -> None:
    group = ON.model_copy(update={"checkin": Checkin(id=1, opened=NOW, counts=[0] * 5)})
    first = step(member("choice", choice="gv:1:low"), group)
    assert first.group is not None and first.group.checkin is not None
    assert first.group.checkin.counts == [0, 1, 0, 0, 0]
    assert "low" not in first.state.model_dump_json()
    again = step(member("choice", choice="gv:1:good"), first.group, state=first.state)
    assert again.group is None and "already" in said(again)


def test_a_win_is_kept_only_on_its_authors_yes() -> None:
    shared = step(member(command="win", text="I rested"))
    assert "rested" not in said(shared)
    buttons = [c.id for a in shared.actions if isinstance(a, SendText) for c in a.choices]
    assert buttons == ["gw:1:yes", "gw:1:no"]
    someone = step(member("choice", user="ben", choice="gw:1:yes"))
    assert someone.actions == []
    author = step(member("choice", choice="gw:1:yes"), state=shared.state)
    assert [a for a in author.actions if isinstance(a, KeepWin)] == [KeepWin("I rested")]
    assert author.state.wins == {}


def moment(at: datetime = NOW - timedelta(seconds=5)) -> Inbound:
    return GroupDue(ConversationKey("t", "g", GROUP_SELF), "m", at)


def test_the_sunday_moment_has_a_prompt_and_the_digest() -> None:
    group = ON.model_copy(update={"wins_week": 2})
    wins = (SharedWin(7, "I rested", NOW - timedelta(days=1)),
            SharedWin(8, "old one", NOW - timedelta(days=9)))
    outcome = step(moment(), group, wins=wins)
    texts = [a for a in outcome.actions if isinstance(a, SendText)]
    assert all(a.public for a in texts)
    assert texts[0].plain.startswith("Today's prompt")
    digest = "\n".join(a.plain for a in texts[1:])
    assert "2 wins" in digest and "I rested" in digest and "old one" not in digest
    assert outcome.drop_wins == (7, 8)
    assert outcome.group is not None and outcome.group.wins_week == 0
    assert len(outcome.group.prompts) == 1


def test_no_moment_when_off_or_found_late() -> None:
    assert step(moment(), GroupState()).actions == []
    assert step(moment(NOW - timedelta(hours=3)), ON).actions == []
