"""Group wellness channels through the whole bot: runtime, engine, real dialogues, SQLite.

Members talk in a group chat (``Bot.member``); the scheduler's daily moment is
driven by the fake clock (``Bot.advance``), so no test waits in real time.  The
harness starts on Thursday 2026-11-26 at 09:00 UTC.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.delivery import PermanentDeliveryError
from bot.groups.state import group_from_row
from bot.render import plain
from bot.types import (
    ConversationKey,
    Outbound,
    PollCounts,
    SendPoll,
    SendText,
    TextMessage,
)
from tests.harness import PLATFORM, Bot, Member, texts

GROUP = "group-1"
HOUR = 3600
DAY = 24 * HOUR
WIN = "I finally took a proper lunch break"
CRISIS = "honestly I want to die"


def said(replies: list[str] | list[Outbound]) -> str:
    """Replies as one text, whether given as texts or as actions."""
    return "\n".join(r if isinstance(r, str) else "\n".join(texts([r])) for r in replies)


def public(actions: list[Outbound]) -> list[str]:
    return [plain(a.segments) for a in actions if isinstance(a, SendText) and a.public]


async def wellness_on(bot: Bot, *args: str) -> Member:
    admin = bot.member("admin", admin=True)
    await admin.command("wellness", "on")
    for arg in args:
        await admin.command("wellness", arg)
    return admin


async def group_state(bot: Bot) -> str | None:
    assert bot.store is not None
    return (await bot.store.load_group(PLATFORM, GROUP)).state_json


# --- setup ------------------------------------------------------------------------


async def test_an_admin_turns_wellness_on_and_the_channel_hears_it(bot: Bot) -> None:
    admin = bot.member("admin", admin=True)
    replies = await admin.command("wellness", "on")
    assert any("Wellness mode is on" in r for r in replies)
    assert any("09:00 (UTC)" in r for r in public(admin.received()))
    summary = said(await admin.command("wellness", "settings"))
    assert "Wellness mode is on" in summary and "Moderator alerts: off" in summary


async def test_a_member_cannot_change_the_settings_and_is_told_kindly(bot: Bot) -> None:
    await wellness_on(bot)
    ben = bot.member("ben")
    for args in ("off", "time 07:00", "alerts on", "settings zone Asia/Tokyo"):
        reply = said(await ben.command("wellness", args))
        assert "admin" in reply
    # Looking is fine; nothing changed.
    summary = said(await ben.command("wellness"))
    assert "Wellness mode is on" in summary and "09:00 (UTC)" in summary


async def test_time_zone_and_features_are_set_and_checked(bot: Bot) -> None:
    admin = await wellness_on(bot)
    assert "couldn't read" in said(await admin.command("wellness", "time 25:99"))
    assert "don't know that time zone" in said(await admin.command("wellness", "zone Mars/Base"))
    assert "07:30" in said(await admin.command("wellness", "time 7:30am"))
    assert "America/New_York" in said(await admin.command("wellness", "zone america/new_york"))
    assert "now off" in said(await admin.command("wellness", "checkins off"))
    reply = said(await bot.member("ben").command("checkin"))
    assert "turned off" in reply


async def test_a_channel_has_its_own_language_for_everyone_in_it(bot: Bot) -> None:
    admin = await wellness_on(bot)
    assert "de, en, es, pt" in said(await admin.command("wellness", "language fr"))
    replies = await admin.command("wellness", "language pt-BR")
    assert "A partir de agora vou falar português neste canal." in said(replies)
    # everyone here now hears the channel's language, whatever their own
    summary = said(await bot.member("ben").command("wellness"))
    assert "Wellness mode" not in summary
    before = len(bot.channel())
    await bot.advance(DAY)
    prompts = public(bot.channel()[before:])
    assert prompts and not prompts[0].startswith("Today's prompt")
    assert "English" in said(await admin.command("wellness", "language en"))


# --- the daily prompt ---------------------------------------------------------------


async def test_the_prompt_comes_at_the_chosen_local_time_and_not_before(bot: Bot) -> None:
    # 08:30 in Berlin is 07:30 UTC in winter: the next is tomorrow at 07:30 UTC.
    await wellness_on(bot, "time 08:30", "zone Europe/Berlin")
    before = len(bot.channel())
    await bot.advance((datetime(2026, 11, 27, 7, 29, tzinfo=UTC) - bot.clock.now).total_seconds())
    assert len(bot.channel()) == before
    await bot.advance(120)
    prompts = public(bot.channel()[before:])
    assert len(prompts) == 1 and prompts[0].startswith("Today's prompt")


async def test_no_prompt_repeats_within_thirty_days(bot: Bot) -> None:
    await wellness_on(bot, "digest off")
    before = len(bot.channel())
    for _ in range(31):
        await bot.advance(DAY)
    prompts = public(bot.channel()[before:])
    assert len(prompts) == 31
    assert len(set(prompts[:30])) == 30


async def test_turning_wellness_off_stops_the_prompts(bot: Bot) -> None:
    admin = await wellness_on(bot)
    await admin.command("wellness", "off")
    before = len(bot.channel())
    await bot.advance(3 * DAY)
    assert bot.channel()[before:] == []


async def test_a_moment_found_late_is_not_sent_in_a_burst(bot: Bot) -> None:
    await wellness_on(bot, "digest off")
    before = len(bot.channel())
    await bot.advance(5 * DAY - 2 * HOUR)  # the bot was down for days: 07:00, 1 December
    assert len(public(bot.channel()[before:])) == 0
    await bot.advance(2 * HOUR + 60)  # today's moment comes as usual
    assert len(public(bot.channel()[before:])) == 1


# --- check-ins ---------------------------------------------------------------------


def poll_of(actions: list[Outbound]) -> SendPoll:
    polls = [a for a in actions if isinstance(a, SendPoll)]
    assert polls, "no check-in poll was sent"
    return polls[-1]


async def test_check_in_totals_show_only_once_three_answered(bot: Bot) -> None:
    await wellness_on(bot)
    ana, ben, cai = (bot.member(n) for n in ("ana", "ben", "cai"))
    poll = poll_of(await ana.send("/checkin"))
    assert poll.anonymous
    ids = {o.label: o.id for o in poll.options}
    assert "Nobody sees your answer" in said(await ana.press_payload(ids["Okay"])) or \
        "Only totals" in said(ana.received()[-1:])
    await ben.press_payload(ids["A bit low"])
    assert "already" in said(await ben.press_payload(ids["Okay"]))  # one answer each
    assert not any("Really good" in t for t in public(bot.channel()))  # no totals yet
    await cai.press_payload(ids["Good"])
    results = [t for t in public(bot.channel()) if "Really good" in t]
    assert len(results) == 1
    assert "3" in results[0] and "Okay 1" in results[0] and "A bit low 1" in results[0]
    # Nothing in the group row says who answered what.
    state = await group_state(bot)
    assert state is not None and "ana" not in state and "ben" not in state


async def test_an_old_check_in_button_counts_nothing(bot: Bot) -> None:
    await wellness_on(bot)
    ana = bot.member("ana")
    old = poll_of(await ana.send("/checkin"))
    await ana.send("/checkin")
    assert "closed" in said(await ana.press_payload(old.options[0].id))


async def test_platform_poll_counts_reach_the_threshold(bot: Bot) -> None:
    await wellness_on(bot)
    poll = poll_of(await bot.member("ana").send("/checkin"))
    assert bot.runtime is not None
    group = ConversationKey(PLATFORM, GROUP, "ana")
    await bot.runtime.poll_sent(group, "poll-77", poll.ref)

    async def counts(event_id: str, votes: tuple[int, ...]) -> None:
        await bot.handle(PollCounts(ConversationKey(PLATFORM, "", ""), event_id, bot.clock(),
                                    "poll-77", votes))

    await counts("p1", (0, 1, 1, 0, 0))
    assert not any("Really good" in t for t in public(bot.channel()))
    await counts("p2", (1, 1, 1, 0, 0))
    assert any("3 of you have checked in" in t or "3 check-ins" in t
               for t in public(bot.channel()))
    unknown = await bot.handle(PollCounts(ConversationKey(PLATFORM, "", ""), "p3", bot.clock(),
                                          "someone-elses-poll", (5, 5)))
    assert unknown.status == "ignored"


async def test_a_check_in_answer_goes_to_the_journal_only_when_asked(bot: Bot) -> None:
    await wellness_on(bot)
    ana = bot.member("ana")
    private = bot.private("ana")
    await private.say("hello")
    await private.press("Yes, keep them")
    await private.say("UK")
    await private.command("groupjournal")
    await private.press("Good")
    await private.press("Yes, keep them")
    poll = poll_of(await ana.send("/checkin"))
    await ana.press_payload(poll.options[2].id)
    assert bot.store is not None
    kinds = [e.data.get("feeling") for e in await bot.store.journal(ana.key.user,
                                                                     kinds=("group_checkin",))]
    assert kinds == ["okay", "good"]
    ben = bot.member("ben")
    await ben.press_payload(poll.options[1].id)
    assert await bot.store.journal(ben.key.user) == []


# --- wins ---------------------------------------------------------------------------


async def test_a_win_is_thanked_without_being_repeated(bot: Bot) -> None:
    await wellness_on(bot)
    ana = bot.member("ana")
    replies = said(await ana.command("win", WIN))
    assert "Thank" in replies and "lunch" not in replies
    assert set(ana.buttons()) == {"Yes, include it", "No, keep it here"}
    assert "Share it with /win" in said(await ana.command("win"))


async def test_the_digest_counts_wins_and_quotes_only_those_allowed(bot: Bot) -> None:
    await wellness_on(bot)
    ana, ben = bot.member("ana"), bot.member("ben")
    await ana.command("win", WIN)
    yes = ana.buttons()["Yes, include it"]
    # Someone else pressing the author's button: nothing happens, nothing is kept.
    assert await ben.press_payload(yes) == []
    assert "without your name" in said(await ana.press_payload(yes))
    await ben.command("win", "I said no to an extra shift")
    await ben.press("No, keep it here")
    # Thursday 09:00 -> Sunday's moment at 09:00 UTC.
    before = len(bot.channel())
    await bot.advance(3 * DAY + 60)
    digest = "\n".join(public(bot.channel()[before:]))
    assert "2 wins were shared" in digest
    assert "lunch break" in digest and "extra shift" not in digest
    assert "ana" not in digest and "ben" not in digest
    # Used once, then gone.
    assert bot.store is not None
    assert (await bot.store.load_group(PLATFORM, GROUP, wins=True)).wins == ()


# --- distress -----------------------------------------------------------------------


async def test_a_disclosure_gets_a_short_reply_and_a_private_offer(bot: Bot) -> None:
    ana = bot.member("ana")
    replies = await ana.send("I feel so hopeless")
    assert len(replies) == 1
    reply = replies[0]
    assert isinstance(reply, SendText) and reply.private_link is not None
    assert "hopeless" not in reply.plain
    assert bot.recorder.sent[-1][0] == ana.key  # nothing private was sent unasked


async def test_crisis_in_a_group_gets_resources_and_a_private_message(bot: Bot) -> None:
    ana = bot.member("ana")
    group_reply = said(await ana.say(CRISIS))
    assert "die" not in group_reply
    private = bot.private("ana").received()
    assert private, "no private message after crisis language in a group"
    first = said(private)
    assert "bot from" in first and "die" not in first
    # Redelivered: neither the group reply nor the private message comes twice.
    count = len(bot.recorder.sent)
    await ana.redeliver()
    assert len(bot.recorder.sent) == count


async def test_a_refused_private_message_leaves_the_group_reply(bot: Bot) -> None:
    def refuse(action: Outbound) -> Exception | None:
        if isinstance(action, SendText) and "bot from" in action.plain:
            return PermanentDeliveryError("cannot message this person first")
        return None

    bot.recorder.fail_with = refuse
    ana = bot.member("ana")
    group_reply = await ana.send(CRISIS)
    assert group_reply and any(isinstance(a, SendText) and a.private_link for a in group_reply)
    assert bot.private("ana").received() == []


async def test_a_moderator_alert_says_only_that_someone_may_need_support(bot: Bot) -> None:
    admin = await wellness_on(bot)
    assert "private chat" in said(await admin.command("wellness", "alerts on"))
    ana = bot.member("ana")
    assert bot.runtime is not None
    await bot.handle(TextMessage(ana.key, "m-99", bot.clock(), CRISIS,
                                 chat_kind="group", link="https://t.me/c/1/99"))
    alert = said(bot.private("admin").received())
    assert "may need support" in alert and "https://t.me/c/1/99" in alert
    assert "die" not in alert and "ana" not in alert


async def test_alerts_are_off_by_default(bot: Bot) -> None:
    await wellness_on(bot)
    await bot.member("ana").say(CRISIS)
    assert bot.private("admin").received() == []


# --- privacy ------------------------------------------------------------------------


async def test_export_and_forget_cover_group_contributions(bot: Bot) -> None:
    admin = await wellness_on(bot, "alerts on")
    await admin.command("win", WIN)
    await admin.press("Yes, include it")
    private = bot.private("admin")
    await private.command("export")
    exported = private.last_export()
    assert [w["text"] for w in exported["group_wins"]] == [WIN]
    assert exported["alerts_for"] == [GROUP]
    await private.command("forget")
    await private.press("Yes, delete everything")
    assert bot.store is not None
    row = await bot.store.load_group(PLATFORM, GROUP, wins=True)
    assert row.wins == () and row.alert_to is None
    assert group_from_row(row.state_json, row.alert_to).settings.on  # the group keeps going
    await private.command("export")
    assert "group_wins" not in private.last_export()


async def test_the_group_row_holds_no_words(bot: Bot) -> None:
    await wellness_on(bot)
    ana = bot.member("ana")
    await ana.command("win", WIN)
    await ana.say(CRISIS)
    state = await group_state(bot)
    assert state is not None
    assert "lunch" not in state and "die" not in state
    assert bot.store is not None
    assert (await bot.store.load_group(PLATFORM, GROUP, wins=True)).wins == ()


async def test_prompt_time_survives_a_restart(bot: Bot) -> None:
    await wellness_on(bot)
    await bot.restart()
    before = len(bot.channel())
    await bot.advance(DAY)
    assert len(public(bot.channel()[before:])) == 1


def test_group_start_time_is_thursday() -> None:
    from tests.harness import START

    assert START.weekday() == 3 and START + timedelta(days=3) > START


async def test_answers_given_at_once_are_all_counted(bot: Bot) -> None:
    await wellness_on(bot)
    poll = poll_of(await bot.member("ana").send("/checkin"))
    members = [bot.member(f"m{n}") for n in range(8)]
    await asyncio.gather(*(m.press_payload(poll.options[n % 5].id)
                           for n, m in enumerate(members)))
    assert bot.store is not None
    row = await bot.store.load_group(PLATFORM, GROUP)
    checkin = group_from_row(row.state_json, row.alert_to).checkin
    assert checkin is not None and checkin.counts == [2, 2, 2, 1, 1]
    totals = [t for t in public(bot.channel()) if "Really good" in t]
    assert len(totals) == 1  # shown once, when the third answer came
