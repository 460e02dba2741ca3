"""The terminal chat as a person sees it: what is on the screen, line by line.

After a restart the question left waiting is asked again (not a bare prompt);
answers and paced lines (a breathing exercise's) are printed above the ``you>``
prompt, never behind it.  The screen is worked out from what was written, the
way a terminal does: ``\\r\\x1b[K`` erases the line being drawn.
"""

from __future__ import annotations

import asyncio
import io
import queue
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from adapters.console import CLEAR_LINE, PLATFORM, PROMPT, ConsoleChat, ConsoleSender, PromptLine
from bot.app import RuntimeLink, assemble_runtime, build_engine
from bot.config import Settings
from bot.store.sqlite import SqliteStore
from bot.types import ConversationKey, Segment, SendText

CONSENT = "  1) Yes, keep them"
"""The first button of the question onboarding waits at (its wordings vary)."""


def screen(written: str) -> list[str]:
    """The lines a terminal shows after ``written``."""
    lines = [""]
    rest = written
    while rest:
        if rest.startswith(CLEAR_LINE):
            lines[-1] = ""
            rest = rest[len(CLEAR_LINE):]
        elif rest[0] == "\n":
            lines.append("")
            rest = rest[1:]
        else:
            lines[-1] += rest[0]
            rest = rest[1:]
    return lines


class Typist:
    """The person at the keyboard: each line is typed when the test hands it over;
    ``None`` is Ctrl-D.  The prompt is echoed as ``input`` would print it."""

    def __init__(self, out: io.StringIO) -> None:
        self.out = out
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.prompted = threading.Event()

    def __call__(self, prompt: str) -> str:
        self.out.write(prompt)
        self.prompted.set()
        line = self.lines.get(timeout=30)
        if line is None:
            raise EOFError
        self.out.write(line + "\n")  # the terminal echoes what was typed
        return line

    async def at_prompt(self) -> None:
        await asyncio.to_thread(self.prompted.wait, 30)
        self.prompted.clear()


@asynccontextmanager
async def terminal(db: Path, out: io.StringIO) -> AsyncIterator[Callable[[Typist], ConsoleChat]]:
    """A bot process on ``db`` with its terminal chat (as ``compassion-bot chat``)."""
    store = SqliteStore(db)
    await store.open()
    sender = ConsoleSender(out, db.parent / "files")
    runtime = assemble_runtime(store, build_engine(Settings()), {PLATFORM: sender})

    def chat(typist: Typist) -> ConsoleChat:
        return ConsoleChat(RuntimeLink(runtime), user_id="local", stdin=io.StringIO(), stdout=out,
                           interactive=True, sender=sender, read_line=typist)
    try:
        yield chat
    finally:
        await runtime.dispatcher.close()
        await store.close()


async def talk(chat: ConsoleChat, typist: Typist, lines: list[str]) -> None:
    running = asyncio.ensure_future(chat.run())
    for line in [*lines, None]:
        await typist.at_prompt()
        typist.lines.put(line)
    await asyncio.wait_for(running, 30)


async def test_after_a_restart_the_waiting_question_is_shown_again(tmp_path: Path) -> None:
    first = io.StringIO()
    async with terminal(tmp_path / "bot.db", first) as chat:
        typist = Typist(first)
        await talk(chat(typist), typist, ["hello"])
    assert CONSENT in first.getvalue()
    again = io.StringIO()
    async with terminal(tmp_path / "bot.db", again) as chat:
        typist = Typist(again)
        await talk(chat(typist), typist, [])
    shown = screen(again.getvalue())
    assert CONSENT in shown, "the waiting question is asked again"
    assert shown.index(CONSENT) < len(shown) - 1 and shown[-1] == PROMPT, (
        "the prompt comes after the question, not before it")


async def test_answers_come_before_the_next_prompt_never_behind_it(tmp_path: Path) -> None:
    out = io.StringIO()
    async with terminal(tmp_path / "bot.db", out) as chat:
        typist = Typist(out)
        await talk(chat(typist), typist, ["hello", "2"])
    for line in screen(out.getvalue()):
        if line.startswith(PROMPT):
            assert line in (PROMPT, PROMPT + "hello", PROMPT + "2"), line


async def test_paced_lines_go_above_the_prompt_and_keep_what_was_typed() -> None:
    """A breathing exercise's line arrives while the person sits at the prompt,
    halfway through typing: it is printed above, and the prompt is drawn again
    below it with their words."""
    out = io.StringIO()
    typist = Typist(out)
    prompt = PromptLine(out, typed=lambda: "I feel")
    sender = ConsoleSender(out, Path("files"))
    sender.prompt = prompt
    reading = asyncio.ensure_future(asyncio.to_thread(prompt.read, typist))
    await typist.at_prompt()
    out.write("I feel")  # typed so far, echoed by the terminal
    await sender.send(ConversationKey(PLATFORM, "local", "local"),
                      SendText((Segment("Breathe in slowly... and out, a little longer."),)))
    assert screen(out.getvalue()) == [
        "Breathe in slowly... and out, a little longer.", "", PROMPT + "I feel"]
    typist.lines.put(" calmer")
    assert await reading == " calmer"
    await sender.send(ConversationKey(PLATFORM, "local", "local"), SendText((Segment("Good."),)))
    assert screen(out.getvalue())[-4:] == [PROMPT + "I feel calmer", "Good.", "", ""]
