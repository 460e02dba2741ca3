"""Bot API requests on the wire (adapters/telegram_requests.py).

The Telegram benchmark once stalled at 200 people: the typing indicator's request,
cancelled when its turn was committed, now and then kept its HTTP connection for
good (httpcore does not survive a request cancelled on the wire), until the pool
had none left and every reply waited out the pool timeout.  No clock is waited on
here: the fake answers at once, and the gate is driven by hand.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.telegram_ptb import (
    PLATFORM,
    Limits,
    TelegramApplication,
    TelegramSender,
    build_application,
)
from adapters.telegram_requests import DELIVERY, INTERACTIVE, RequestGate, priority_of
from benchmarks.fake_bot_api import FakeBotAPI
from bot.types import ConversationKey, Segment, SendText
from tests.telegram.harness import settings_for

CHAT = 42
KEY = ConversationKey(PLATFORM, str(CHAT), str(CHAT))
REPLY_SECONDS = 5.0
"""Only a wedged pool comes near this: the fake answers at once."""


@pytest.fixture
async def one_connection(api: FakeBotAPI, tmp_path: Path
                         ) -> AsyncIterator[TelegramApplication]:
    """The adapter's application with a pool of one connection: one lost is all lost."""
    limits = Limits(overall_per_second=0, group_per_minute=0, connections=1)
    app = build_application(settings_for(api, tmp_path / "unused.db"), limits=limits)
    await app.initialize()
    try:
        yield app
    finally:
        await app.shutdown()


async def test_a_typing_indicator_cancelled_at_any_moment_never_blocks_the_replies(
    one_connection: TelegramApplication, api: FakeBotAPI
) -> None:
    sender = TelegramSender(one_connection.bot)
    # Cancel the indicator one step of the event loop later each time, from before
    # its request leaves to after its answer came back: every moment of its life.
    for steps in itertools.count():
        typing = asyncio.ensure_future(sender.show_typing(CHAT))
        for _ in range(steps):
            await asyncio.sleep(0)
        finished_alone = typing.done()
        typing.cancel()
        await asyncio.gather(typing, return_exceptions=True)
        # The turn is over; its reply must still go out on the one connection.
        try:
            await asyncio.wait_for(sender.send(KEY, SendText((Segment(f"reply {steps}"),))),
                                   REPLY_SECONDS)
        except TimeoutError:
            pytest.fail(f"the typing indicator, cancelled {steps} steps in, left the pool "
                        "without a connection: the reply never went out")
        if finished_alone:
            break
    assert len(api.messages(CHAT)) == steps + 1
    assert api.calls_to("sendChatAction")  # some did go out before being cancelled


# --- the gate on its own -------------------------------------------------------------


class Wire:
    """Requests that run until the test answers them."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.finished: list[str] = []
        self.answers: dict[str, asyncio.Future[str]] = {}

    async def request(self, name: str) -> str:
        self.started.append(name)
        answer = self.answers.setdefault(name, asyncio.get_running_loop().create_future())
        result = await answer
        self.finished.append(name)
        return result

    def answer(self, name: str) -> None:
        self.answers.setdefault(name, asyncio.get_running_loop().create_future())
        self.answers[name].set_result(name)


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_no_more_requests_on_the_wire_than_places_and_a_button_goes_first() -> None:
    gate, wire = RequestGate(2), Wire()
    calls = {name: asyncio.ensure_future(gate.send(wire.request(name), priority))
             for name, priority in [("reply1", DELIVERY), ("reply2", DELIVERY),
                                    ("reply3", DELIVERY), ("button", INTERACTIVE)]}
    await settle()
    assert wire.started == ["reply1", "reply2"]
    assert gate.on_the_wire == 2
    wire.answer("reply1")
    await settle()
    # The button's answer came last and goes first: its turn is waiting for it.
    assert wire.started == ["reply1", "reply2", "button"]
    for name in ("reply2", "button", "reply3"):
        wire.answer(name)
        await settle()
    assert [await calls[name] for name in calls] == ["reply1", "reply2", "reply3", "button"]
    assert gate.on_the_wire == 0
    assert priority_of("answerCallbackQuery") == INTERACTIVE
    assert priority_of("sendMessage") == priority_of("sendChatAction") == DELIVERY


async def test_a_request_cancelled_while_waiting_never_starts() -> None:
    gate, wire = RequestGate(1), Wire()
    first = asyncio.ensure_future(gate.send(wire.request("first")))
    waiting = asyncio.ensure_future(gate.send(wire.request("typing")))
    await settle()
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    wire.answer("first")
    assert await first == "first"
    assert wire.started == ["first"]  # closed unstarted: no "never awaited" warning either
    wire.answer("next")
    assert await gate.send(wire.request("next")) == "next"  # no place was lost
    assert gate.on_the_wire == 0


async def test_a_request_cancelled_on_the_wire_finishes_and_only_then_frees_its_place() -> None:
    gate, wire = RequestGate(1), Wire()
    typing = asyncio.ensure_future(gate.send(wire.request("typing")))
    await settle()
    reply = asyncio.ensure_future(gate.send(wire.request("reply")))
    typing.cancel()
    await asyncio.gather(typing, return_exceptions=True)
    await settle()
    # The caller stopped waiting; the request did not stop, and keeps its place.
    assert typing.cancelled()
    assert wire.started == ["typing"]
    assert gate.on_the_wire == 1
    wire.answer("typing")
    await settle()
    assert wire.finished == ["typing"]
    assert wire.started == ["typing", "reply"]
    wire.answer("reply")
    assert await reply == "reply"
    assert gate.on_the_wire == 0
