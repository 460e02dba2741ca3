"""The safety floor: what it sends with no database, and that it is never said twice.

:class:`~bot.safety_floor.SafetyFloor` builds the reply from the message alone;
:class:`~bot.turn_guard.TurnGuard` sends it when a turn cannot be committed (or
is too slow), retries the turn, and lets the committed turn leave out what the
floor already said.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_engine
from bot.config import Settings
from bot.render import plain
from bot.safety import assess
from bot.safety.resources import format_resources, load_resources
from bot.safety_floor import FloorReply, SafetyFloor, country_of_locale, without_shown_lines
from bot.storage_faults import StorageFault, StorageUnavailableError
from bot.turn_guard import TurnGuard
from bot.types import (
    Assessment,
    ButtonPress,
    ConversationKey,
    Inbound,
    Outbound,
    Segment,
    SendText,
    TextMessage,
)
from tests.events import event as make_event
from tests.harness import Bot

KEY = ConversationKey("test", "c1", "u1")
AT = datetime(2026, 3, 1, 12, tzinfo=UTC)
CRISIS = "I want to kill myself"
LINES = "findahelpline.com"
DOWN = StorageUnavailableError(StorageFault("disk_full", "database or disk is full"))


@pytest.fixture(scope="module")
def floor() -> SafetyFloor:
    engine = build_engine(Settings(_env_file=None))
    return SafetyFloor(engine.dialogues, load_resources(), assess)


def text(words: str, kind: str = "text", **extra: object) -> Inbound:
    return make_event(KEY, f"e-{words}", AT, kind, text=words, **extra)


def said(reply: FloorReply | None) -> list[str]:
    assert reply is not None
    return [plain(m.segments) for m in reply.messages]


# --- what the floor says --------------------------------------------------------------


def test_a_crisis_gets_the_crisis_intro_the_lines_and_a_note(floor: SafetyFloor) -> None:
    lines = said(floor.reply_for(text(CRISIS)))
    crisis = floor.dialogues["crisis"].steps["lines"]
    assert lines[0] == crisis.say[0]  # type: ignore[union-attr]
    assert lines[1] == format_resources(load_resources().for_country(None))
    assert LINES in lines[1]
    assert "technical problem" in lines[2]


def test_in_a_group_the_group_wording_is_used(floor: SafetyFloor) -> None:
    lines = said(floor.reply_for(text(CRISIS, chat_kind="group")))
    assert lines[0] == floor.dialogues["group_crisis"].steps["lines"].say[0]  # type: ignore[union-attr]


def test_sos_and_help_get_the_lines_too(floor: SafetyFloor) -> None:
    assert LINES in said(floor.reply_for(text("", "command", command="sos")))[1]
    assert LINES in said(floor.reply_for(text("help")))[1]


def test_a_concern_gets_the_lines_with_the_gentler_words(floor: SafetyFloor) -> None:
    def worried(words: str, context: Sequence[str] = ()) -> Assessment:
        return Assessment("concern", ("test",))

    gentle = SafetyFloor(floor.dialogues, floor.book, worried)
    lines = said(gentle.reply_for(text("everything is too much")))
    assert lines[0] == floor.dialogues["concern"].steps["unsure"].say[0]  # type: ignore[union-attr]


def test_everyday_words_buttons_and_idioms_get_nothing(floor: SafetyFloor) -> None:
    assert floor.reply_for(text("I had a nice walk today")) is None
    assert floor.reply_for(text("this traffic is killing me")) is None
    assert floor.reply_for(ButtonPress(KEY, "e", AT, "crisis:choose_adult:plan")) is None


def test_a_locale_with_a_region_adds_that_countrys_emergency_number(floor: SafetyFloor) -> None:
    lines = said(floor.reply_for(text(CRISIS), "en-GB"))
    assert lines[1].startswith("In immediate danger: call 999")
    assert LINES in lines[1]
    assert said(floor.reply_for(text(CRISIS), "de"))[1] == said(floor.reply_for(text(CRISIS)))[1]


def test_with_the_database_down_the_lines_come_in_the_language_the_app_reports() -> None:
    # No profile to read: the platform's language decides, and its words for help count.
    engine = build_engine(Settings(_env_file=None))
    floor = SafetyFloor(engine.dialogues, load_resources(), assess,
                        locales={code: loc.dialogues for code, loc in engine.locales.items()},
                        help_words=frozenset(w for t in engine.control_words.values()
                                             for w, meaning in t.items() if meaning == "help"))
    spanish = said(floor.reply_for(text("quiero morirme, no aguanto más", language="es-ES")))
    english = said(floor.reply_for(text(CRISIS)))
    assert spanish[0] != english[0]
    assert "llama al 112" in spanish[1].split("\n")[0]  # Spain's number, in Spanish
    assert "call" not in spanish[1]
    assert floor.reply_for(text("ayuda", language="es")) is not None
    assert floor.reply_for(text("hilfe")) is not None  # help in any language, even unreported


def test_locales() -> None:
    assert country_of_locale("en-GB") == "GB"
    assert country_of_locale("pt_BR.UTF-8") == "BR"
    assert country_of_locale("de") is None
    assert country_of_locale("es-419") is None
    assert country_of_locale(None) is None


# --- said once --------------------------------------------------------------------------


def test_the_committed_turn_leaves_out_the_lines_already_sent(floor: SafetyFloor) -> None:
    reply = floor.reply_for(text(CRISIS))
    assert reply is not None
    intro = SendText((Segment(floor.dialogues["crisis"].steps["lines"].say[1]),))  # type: ignore[union-attr]
    block = SendText((Segment(reply.block),))
    question = SendText((Segment("Which country are you in?"),))
    assert without_shown_lines([intro, block, question], reply, floor.intros) == [question]
    # Another country's lines are news: kept, with their intro.
    local = SendText((Segment(format_resources(load_resources().for_country("GB"))),))
    assert without_shown_lines([intro, local, question], reply, floor.intros) == [
        intro, local, question]


async def test_a_turn_committed_after_the_floor_does_not_repeat_the_lines(
    tmp_path: Path, floor: SafetyFloor
) -> None:
    bot = Bot(tmp_path / "bot.db")
    await bot.start()
    try:
        assert bot.runtime is not None
        event = TextMessage(ConversationKey("test", "chat-ana", "ana"), "e1", AT, CRISIS)
        await bot.runtime.handle(event, floor=floor.reply_for(event))
        sent = [plain(a.segments) for _k, a in bot.recorder.sent if isinstance(a, SendText)]
        assert sent and not any(LINES in s for s in sent)  # the floor said them already
        assert any("country" in s.casefold() for s in sent)  # the rest of the turn goes on
    finally:
        await bot.stop()


# --- the guard ----------------------------------------------------------------------------


class Screen:
    """A platform's sender, recording what the floor put in front of someone."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        assert isinstance(action, SendText)
        self.sent.append(plain(action.segments))


async def test_a_failing_turn_is_retried_and_the_floor_speaks_once(floor: SafetyFloor) -> None:
    guard = TurnGuard(floor, retry_first=0.01, retry_max=0.02)
    screen = Screen()
    seen: list[FloorReply | None] = []

    async def attempt(shown: FloorReply | None) -> str:
        seen.append(shown)
        if len(seen) < 4:
            raise DOWN
        return "committed"

    watch = guard.watch(text(CRISIS), screen.send)
    assert await guard.run(watch, attempt) == "committed"
    await guard.close()
    assert sum(LINES in s for s in screen.sent) == 1
    assert seen[0] is None and seen[-1] is not None  # the committed turn knew
    assert not guard.failing


async def test_no_floor_for_everyday_words(floor: SafetyFloor) -> None:
    guard = TurnGuard(floor, retry_first=0.01, retry_max=0.02)
    screen = Screen()
    failures = [DOWN, DOWN]

    async def attempt(shown: FloorReply | None) -> None:
        if failures:
            raise failures.pop()

    await guard.run(guard.watch(text("I went for a walk"), screen.send), attempt)
    await guard.close()
    assert screen.sent == []


async def test_a_slow_turn_gets_the_floor_within_the_deadline(floor: SafetyFloor) -> None:
    guard = TurnGuard(floor, floor_after=0.1, floor_grace=0.1)
    screen = Screen()
    hang = asyncio.Event()

    async def attempt(shown: FloorReply | None) -> None:
        await hang.wait()  # a database that does not answer

    running = asyncio.ensure_future(guard.run(guard.watch(text(CRISIS), screen.send), attempt))
    await asyncio.sleep(0.4)
    assert any(LINES in s for s in screen.sent)
    hang.set()
    await running
    await guard.close()


async def test_a_webhook_redelivery_does_not_repeat_the_floor(floor: SafetyFloor) -> None:
    guard = TurnGuard(floor)
    screen = Screen()
    event = text(CRISIS)

    async def down(shown: FloorReply | None) -> None:
        raise DOWN

    for _ in range(3):  # Telegram sends the update again after each 500
        with pytest.raises(StorageUnavailableError):
            await guard.run(guard.watch(event, screen.send), down, retry=False)
        await asyncio.sleep(0.05)
    seen: list[FloorReply | None] = []

    async def works(shown: FloorReply | None) -> None:
        seen.append(shown)

    await guard.run(guard.watch(event, screen.send), works, retry=False)
    await guard.close()
    assert sum(LINES in s for s in screen.sent) == 1
    assert len(seen) == 1 and seen[0] is not None  # the committed turn left them out


async def test_a_bug_is_given_up_after_a_few_attempts(floor: SafetyFloor) -> None:
    guard = TurnGuard(floor, retry_first=0.001, retry_max=0.001, bug_attempts=3)
    calls = 0

    async def broken(shown: FloorReply | None) -> None:
        nonlocal calls
        calls += 1
        raise TypeError("a bug")

    assert await guard.run(guard.watch(text("hello"), Screen().send), broken) is None
    assert calls == 3
    await guard.close()
