"""Retention through the running bot: a year after someone wrote, their words are
gone, their settings stay, and the purge runs at startup and then daily."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.housekeeping import Housekeeper, purge_cutoff
from tests.harness import START, Bot
from tests.test_encryption import chat_belief_flow

YEAR = timedelta(days=365)


async def test_a_year_later_the_words_are_gone_and_the_settings_stay(bot: Bot) -> None:
    person = bot.person("belief_full")
    await chat_belief_flow(bot)  # a reframe in the journal, consent, country
    await person.command("plan")
    for answer in ("I stop answering my phone", "a walk", "my sister", "Sam", "my GP",
                   "put the pills away"):
        await person.say(answer)
    await person.press("Yes, keep my plan")
    await person.command("export")
    assert person.last_export()["profile"]["plan_signs"] == "I stop answering my phone"
    housekeeper = Housekeeper(bot.store, bot.clock, YEAR)  # type: ignore[arg-type]

    assert set((await housekeeper.run_once()).values()) == {0}  # nothing is old yet
    bot.clock.now += YEAR + timedelta(days=1)
    counts = await housekeeper.run_once()

    # The journal held the reframe and the same words kept in the compassion kit.
    assert (counts["journal"], counts["conversations"], counts["profiles"]) == (2, 1, 1)
    assert counts["processed_events"] > 0 and counts["outbox"] > 0  # sent replies, event ids
    await person.command("export")
    export = person.last_export()
    assert export["journal"] == []
    assert export["profile"] == {"onboarded": True, "consent": True, "country": "GB"}
    # The safety plan went with the rest: /plan starts a new one.
    assert "1 of 6" in "\n".join(await person.command("plan"))


async def test_purge_runs_at_startup_and_then_every_interval(bot: Bot) -> None:
    naps: list[float] = []

    async def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 3:
            raise asyncio.CancelledError

    purged: list[object] = []
    assert bot.store is not None
    store = bot.store
    real_purge = store.purge

    async def purge(before: object) -> dict[str, int]:
        purged.append(before)
        return await real_purge(before)  # type: ignore[arg-type]

    store.purge = purge  # type: ignore[method-assign]
    housekeeper = Housekeeper(store, bot.clock, YEAR, sleep=sleep)
    with pytest.raises(asyncio.CancelledError):
        await housekeeper.run()

    assert len(purged) == 3
    assert naps == [86_400.0] * 3


async def test_a_failed_purge_is_tried_again_next_time(bot: Bot) -> None:
    assert bot.store is not None
    calls = 0

    async def failing(before: object) -> dict[str, int]:
        nonlocal calls
        calls += 1
        raise OSError("disk full")

    async def sleep(seconds: float) -> None:
        if calls == 2:
            raise asyncio.CancelledError

    bot.store.purge = failing  # type: ignore[method-assign]
    with pytest.raises(asyncio.CancelledError):
        await Housekeeper(bot.store, bot.clock, YEAR, sleep=sleep).run()
    assert calls == 2


def test_the_cutoff_never_comes_closer_than_a_week() -> None:
    assert purge_cutoff(START, YEAR) == START - YEAR
    assert purge_cutoff(START, timedelta(days=1)) == START - timedelta(days=7)
