"""The runtime over a real SQLite file: exactly-once turns, the outbox, restarts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.delivery import PermanentDeliveryError, TransientDeliveryError
from bot.runtime import Runtime
from bot.safety import assess
from bot.store.base import Commit
from bot.types import Outbound
from tests.harness import Bot, Person, texts


async def onboarded(bot: Bot, user: str, first_message: str = "hello") -> Person:
    """Someone who wrote ``first_message``, agreed to be remembered, and lives in the UK."""
    person = bot.person(user)
    await person.say(first_message)
    await person.press("Yes, keep them")
    await person.say("UK")
    return person


async def test_the_same_event_twice_is_answered_once(bot: Bot) -> None:
    person = bot.person("dup")
    first = await person.say("hello")
    assert first
    assert await person.redeliver() == []
    assert bot.store is not None
    assert await bot.store.pending_outbox() == []


async def test_concurrent_redelivery_is_answered_once(bot: Bot) -> None:
    person = bot.person("race")
    event = person._event("text", text="hello")
    results = await asyncio.gather(*(bot.handle(event) for _ in range(5)))
    done = [r for r in results if r.status == "done"]
    assert len(done) == 1
    assert len(person.received()) == len(done[0].outbox_ids) > 0


async def test_a_restart_mid_flow_resumes_at_the_same_question(bot: Bot) -> None:
    person = bot.person("restart")
    await person.say("I was rude to a colleague")
    await person.press("No, thanks")
    await person.say("skip")
    await person.press("Let's go on")
    asked = person.buttons()
    await bot.restart()
    person = bot.person("restart")
    person.bot.recorder.sent.clear()
    # The buttons of the question asked before the restart still work.
    replies = await person.press_payload(asked["Sad"])
    assert "0 to 10" in replies[-1] or "0 (barely there)" in replies[-1]


async def test_a_reply_committed_but_not_sent_goes_out_after_restart_exactly_once(
    bot: Bot,
) -> None:
    person = bot.person("crash")

    def crash(_: Outbound) -> Exception:
        # The process dies between commit and send: nothing reaches the person.
        return TransientDeliveryError("connection reset")

    bot.recorder.fail_with = crash
    await person.say("hello")
    assert person.received() == []
    bot.recorder.fail_with = None
    await bot.restart()
    first = texts(person.received())
    assert first and "not a therapist" in " ".join(first)
    await bot.restart()
    assert texts(person.received()) == first


async def test_a_person_who_blocked_the_bot_is_marked_unreachable_until_they_write(
    bot: Bot,
) -> None:
    person = bot.person("blocked")
    bot.recorder.fail_with = lambda _: PermanentDeliveryError("403 Forbidden: bot was blocked")
    await person.say("hello")
    assert bot.store is not None
    snapshot = await bot.store.load(person.key)
    assert snapshot.profile.get("unreachable") is True
    # Given up: never retried.
    assert await bot.store.pending_outbox() == []
    bot.recorder.fail_with = None
    assert await person.say("sorry, I'm back")
    snapshot = await bot.store.load(person.key)
    assert "unreachable" not in snapshot.profile


async def test_another_process_writing_meanwhile_makes_the_turn_run_again(bot: Bot) -> None:
    person = await onboarded(bot, "conflict")
    assert bot.store is not None and bot.runtime is not None
    store = bot.store
    original_load = store.load
    interfered = False

    async def load_then_interfere(key, event_id=None):  # type: ignore[no-untyped-def]
        nonlocal interfered
        snapshot = await original_load(key, event_id)
        if not interfered:
            interfered = True
            # Another worker commits to the same conversation after our load.
            await store.commit(Commit(key=key, at=bot.clock(), expected_version=snapshot.version,
                                      state_json=snapshot.state_json))
        return snapshot

    store.load = load_then_interfere  # type: ignore[method-assign]
    replies = await person.say("I feel like a failure")
    assert interfered
    assert replies and len([r for r in replies if "breath" in r.lower()]) == 1


async def test_forget_then_export_shows_nothing(bot: Bot) -> None:
    person = await onboarded(bot, "forget", "I let my team down")
    await person.command("forget")
    await person.press("Yes, delete everything")
    await person.command("export")
    export = person.last_export()
    assert export["profile"] == {} and export["conversations"] == [] and export["journal"] == []


async def test_export_holds_the_journal_after_a_whole_flow(bot: Bot) -> None:
    person = await onboarded(
        bot, "journal", "my mum says I never call and I feel like a terrible daughter")
    await person.press("Let's go on")
    await person.press("Guilty")
    await person.press("6")
    for answer in ("I let people down", "my gran", "to make me try harder", "I feel tense"):
        await person.say(answer)
    await person.press("Not today")  # how it landed for her: another time
    await person.press("Partly")
    await person.say("that one slip doesn't undo years of love")
    await person.say("I forgot, and I still love her")
    await person.press("3")
    await person.press("No, thanks")  # not into the compassion kit
    await person.press("That's enough for now")
    await person.command("export")
    journal = person.last_export()["journal"]
    assert len(journal) == 1
    assert journal[0]["data"]["reframe"] == "I forgot, and I still love her"
    assert journal[0]["data"]["intensity_before"] == 6
    assert journal[0]["data"]["intensity_after"] == 3


async def test_many_people_at_once_hold_a_bounded_number_of_turns_and_all_are_answered(
    bot: Bot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Twenty people write at the same moment to a runtime that takes three turns at
    once: never more than three are loaded and not yet committed (each holds a
    decoded state), the bound is reached, and every one of them is answered."""
    assert bot.store is not None and bot.runtime is not None
    runtime = Runtime(bot.store, bot.engine, bot.runtime.dispatcher, assess=assess,
                      clock=bot.clock, turns_at_once=3)
    store = bot.store
    load, commit = store.load, store.commit
    open_turns = most = 0

    async def counting_load(*args: Any) -> Any:
        nonlocal open_turns, most
        open_turns += 1
        most = max(most, open_turns)
        await asyncio.sleep(0)  # give the others every chance to start theirs
        return await load(*args)

    async def counting_commit(change: Commit) -> Any:
        nonlocal open_turns
        try:
            return await commit(change)
        finally:
            open_turns -= 1

    monkeypatch.setattr(store, "load", counting_load)
    monkeypatch.setattr(store, "commit", counting_commit)
    people = [bot.person(f"crowd{n}") for n in range(20)]
    handled = await asyncio.gather(
        *(runtime.handle(p._event("text", text="hello")) for p in people))
    await runtime.dispatcher.flush()
    assert most == 3
    assert [h.status for h in handled] == ["done"] * 20
    assert all(texts(p.received()) for p in people)
