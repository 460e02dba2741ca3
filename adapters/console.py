"""The terminal adapter: a conversation on stdin and stdout, with no setup.

Interactive when stdin is a terminal; when stdin is a pipe, each line is one
message from the person and the bot's replies go to stdout, so a whole
conversation can be scripted.  Buttons are shown numbered; the engine accepts
a number or a label typed back.  Like every adapter it only translates: lines
become :class:`~bot.types.Inbound` events and actions become printed text.

When a line cannot be saved (the disk is full, the database file is damaged or
read-only) the chat says so in one line, naming the cause and what to do, shows
the crisis lines at once if the line was a crisis (the safety floor, see
:mod:`bot.turn_guard`), and keeps trying in the background: the answer follows
once the line is saved, and the lines typed meanwhile wait behind it, in order.
Nothing is printed as a traceback.

Interactive, the chat starts by asking the question left waiting (after a
restart the person sees where they were), and everything printed goes above
the ``you>`` prompt, never behind it: a breathing exercise's paced lines come
while the person sits at the prompt (see :class:`PromptLine`).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import os
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TextIO

from bot.chat_queues import ChatQueues
from bot.config import Settings
from bot.platform import MessageLimits, PlatformSpec, RuntimePort, until_stopped
from bot.render import choice_lines, plain
from bot.safety_floor import FloorReply
from bot.storage_faults import classify
from bot.turn_guard import TurnGuard
from bot.types import (
    ChatOpened,
    CommandMessage,
    ConversationKey,
    Inbound,
    Outbound,
    SendFile,
    SendImage,
    SendPoll,
    SendText,
    TextMessage,
)

PLATFORM = "console"
BANNER = (
    "compassion-bot in your terminal. Write whatever is on your mind, or /help.\n"
    "It is not a therapist and not an emergency service: /sos shows crisis lines.\n"
    "Ctrl-D leaves; nothing is lost.\n"
)
PREFIX: Final = "compassion-bot: "
"""Marks what the program says about itself, apart from what the bot says."""
GRACE_AT_EXIT: Final = 3.0
"""At the end of the input, how long lines that cannot be saved get to go through."""
PROMPT: Final = "you> "
CLEAR_LINE: Final = "\r\x1b[K"
"""Back to the start of the line and erase it (ANSI): where the prompt was."""
SETTLE: Final = 5.0
"""Interactive: how long the answer to a line may take before the prompt comes back
anyway (a database that is failing must not stop the person from typing)."""


class PromptLine:
    """The ``you>`` prompt of an interactive chat, kept below everything printed.

    Lines arrive while the person may be at the prompt: a breathing exercise's
    paced lines, a reply that took a moment.  Printed as they come they would
    land behind ``you>``; instead the prompt line is erased, the text printed,
    and the prompt drawn again under it with what the person had typed so far.
    """

    def __init__(self, out: TextIO, typed: Callable[[], str] | None = None) -> None:
        self.out = out
        self.typed = typed or _typed_so_far
        """What the person has typed at the prompt so far (readline's buffer)."""
        self.showing = False
        # The reader thread sets `showing`; the event loop writes.
        self._lock = threading.Lock()

    def read(self, read_line: Callable[[str], str]) -> str:
        """Show the prompt and read one line (on the reader thread; blocks)."""
        with self._lock:
            self.showing = True
        try:
            return read_line(PROMPT)
        finally:
            with self._lock:
                self.showing = False

    def write(self, text: str) -> None:
        """Print ``text`` above the prompt (or as it is, when no prompt is showing)."""
        with self._lock:
            if self.showing:
                self.out.write(CLEAR_LINE + text + PROMPT + self.typed())
            else:
                self.out.write(text)
            self.out.flush()


def _typed_so_far() -> str:
    """The line being typed, where Python's readline is in use (else unknown: the
    terminal still has it, and Enter sends it whole)."""
    readline = sys.modules.get("readline")
    buffer = getattr(readline, "get_line_buffer", None)
    return str(buffer()) if callable(buffer) else ""


class ConsoleSender:
    """Prints outbound actions; images and files are saved and their path shown."""

    def __init__(self, out: TextIO, files_dir: Path) -> None:
        self.out = out
        self.files_dir = files_dir
        self.prompt = PromptLine(out)
        """Where everything is written: above the ``you>`` prompt, when it is showing."""

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        if isinstance(action, SendText):
            lines = [plain(action.segments), *choice_lines(action.choices)]
            self.prompt.write("\n".join(lines) + "\n\n")
        elif isinstance(action, SendFile):
            if action.filename.endswith(".json"):
                self.prompt.write(action.content.decode("utf-8", "replace") + "\n\n")
            else:
                self.prompt.write(
                    f"[file saved to {self._save(action.filename, action.content)}]\n\n")
        elif isinstance(action, SendImage):
            path = self._save(f"image-{time.time_ns()}.png", action.png)
            self.prompt.write(f"{action.caption}\n[picture saved to {path.resolve()}]\n\n")
        elif isinstance(action, SendPoll):  # the terminal is no group; shown for completeness
            lines = [action.question]
            lines += [f"  {n}) {o.label}" for n, o in enumerate(action.options, start=1)]
            self.prompt.write("\n".join(lines) + "\n\n")

    def _save(self, name: str, content: bytes) -> Path:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / Path(name).name
        path.write_bytes(content)
        return path


def parse_line(line: str, key: ConversationKey, event_id: str) -> Inbound:
    """One typed line as an inbound event: ``/name args`` is a command, anything else text."""
    at = datetime.now(UTC)
    stripped = line.strip()
    if stripped.startswith("/") and len(stripped) > 1 and not stripped[1].isspace():
        name, _, args = stripped[1:].partition(" ")
        return CommandMessage(key, event_id, at, name, text=args.strip())
    return TextMessage(key, event_id, at, line.rstrip("\r\n"))


class ConsoleChat:
    """Reads the person's lines and hands each to the bot, in order."""

    def __init__(
        self, port: RuntimePort, *, user_id: str, stdin: TextIO, stdout: TextIO,
        interactive: bool, sender: ConsoleSender | None = None, locale: str | None = None,
        guard: TurnGuard | None = None, read_line: Callable[[str], str] = input,
    ) -> None:
        self.port = port
        self.key = ConversationKey(PLATFORM, user_id, user_id)
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = interactive
        self.sender = sender or ConsoleSender(stdout, Path("data") / "files")
        """Also says the safety floor's lines, when a line cannot be saved."""
        self.read_line = read_line
        """Interactive: reads one line after showing the prompt (``input``)."""
        self.locale = locale
        # The chat reports failures itself, in one line each: no log lines.
        self.guard = guard or port.guard(log_failures=False)
        self.queue = ChatQueues()
        self.unsaved = 0
        """Lines that could not be saved before the chat ended."""
        # Event ids must never repeat across runs, or a restarted chat would
        # have its first lines dropped as duplicates.
        self._ids = (f"{time.time_ns()}-{n}" for n in itertools.count())

    async def run(self) -> None:
        if self.interactive:
            self.sender.prompt.write(BANNER + "\n")
            self._reopen()
        try:
            while True:
                if self.interactive:
                    await self._settle()
                line = await self._next_line()
                if line is None:
                    break
                self._submit(parse_line(line, self.key, next(self._ids)))
            await self._finish()
        finally:
            await self.queue.close()
            await self.guard.close()

    async def _settle(self) -> None:
        """Let the answer to the last line come before the next prompt, unless it
        takes long (it is then printed above the prompt, see :class:`PromptLine`)."""
        idle = asyncio.ensure_future(self.queue.idle())
        try:
            await asyncio.wait({idle}, timeout=SETTLE)
        finally:
            idle.cancel()

    def _reopen(self) -> None:
        """Ask the engine to say the question left waiting (after a restart), so the
        person sees where they were instead of a bare prompt."""
        event = ChatOpened(self.key, next(self._ids), datetime.now(UTC))

        async def reopen() -> None:
            # Nothing the person typed: if it cannot be saved now, their first
            # line will say so (through the guard); no message about this one.
            with contextlib.suppress(Exception):
                await self.port.handle(event)

        self.queue.submit(self.key, reopen)

    def _submit(self, event: Inbound) -> None:
        watch = self.guard.watch(event, self.sender.send, locale=self.locale)

        async def attempt(shown: FloorReply | None) -> None:
            await self.port.handle(event, floor=shown)

        async def turn() -> None:
            await self.guard.run(watch, attempt, on_failure=self._failed)

        self.queue.submit(self.key, turn)

    async def _failed(self, error: BaseException, attempt: int) -> None:
        """A line could not be saved: say why once, in one line."""
        if attempt:
            return
        fault = classify(error)
        if fault is None:
            message = (f"{PREFIX}something went wrong on my side ({type(error).__name__}); "
                       "trying again.")
        else:
            message = (f"{PREFIX}cannot save your message: {fault.summary} ({fault.detail}). "
                       f"To fix it: {fault.remedy}. Your message is kept and answered once "
                       "it is saved.")
        self.sender.prompt.write(message + "\n")

    async def _finish(self) -> None:
        """Let the lines in hand go through; lines the store still refuses after a
        short grace are counted as unsaved (and said so)."""
        idle = asyncio.ensure_future(self.queue.idle())
        try:
            while not idle.done():
                await asyncio.wait({idle}, timeout=GRACE_AT_EXIT)
                if self.guard.failing:
                    break  # the database is still refusing them: stop here
        finally:
            idle.cancel()
        pending = len(self.queue)
        if pending:
            self.unsaved += pending
            await self.queue.close()
        if self.unsaved:
            self.sender.prompt.write(f"{PREFIX}{self.unsaved} message(s) could not be saved.\n")

    async def _next_line(self) -> str | None:
        """One line, read on a daemon thread: a blocked read must not keep the
        process alive after Ctrl-C or SIGTERM (the default executor would)."""
        loop = asyncio.get_running_loop()
        result: asyncio.Future[str | None] = loop.create_future()

        def read() -> None:
            try:
                line = self._read()
            except BaseException as exc:  # handed to the waiting coroutine
                loop.call_soon_threadsafe(_settle_error, result, exc)
            else:
                loop.call_soon_threadsafe(_settle, result, line)

        threading.Thread(target=read, name="console-input", daemon=True).start()
        return await result

    def _read(self) -> str | None:
        if self.interactive:
            try:
                return self.sender.prompt.read(self.read_line)
            except EOFError:
                return None
        line = self.stdin.readline()
        return line if line else None


def _settle(future: asyncio.Future[str | None], line: str | None) -> None:
    if not future.done():
        future.set_result(line)


def _settle_error(future: asyncio.Future[str | None], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)


# --- the platform ----------------------------------------------------------------------


class ConsolePlatform:
    """The terminal as a :class:`~bot.platform.Platform`: one person on one stdin and stdout.

    Serving ends when the person leaves (end of input) or ``stop`` is set;
    :attr:`unsaved` then counts the lines that could not be saved.
    """

    name: Final = PLATFORM
    limits: Final = MessageLimits()
    """A terminal takes a message of any length and shows any number of choices."""
    needs: Final[tuple[str, ...]] = ()

    def __init__(
        self, *, user_id: str = "local", stdin: TextIO, stdout: TextIO, interactive: bool,
        sender: ConsoleSender | None = None, locale: str | None = None,
    ) -> None:
        self.user_id = user_id
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = interactive
        # One sender for the chat and the outbox: paced lines sent by the
        # scheduler go above the chat's prompt too.
        self.sender = sender or ConsoleSender(stdout, Path("data") / "files")
        self.locale = locale
        self.unsaved = 0

    @classmethod
    def for_terminal(cls, user_id: str = "local") -> ConsolePlatform:
        """This process's terminal (or the pipe on its stdin)."""
        tolerate_bad_bytes()
        return cls(user_id=user_id, stdin=sys.stdin, stdout=sys.stdout,
                   interactive=sys.stdin.isatty(), locale=terminal_locale())

    def check(self) -> None:
        """The terminal needs no setting."""

    async def serve(self, port: RuntimePort, stop: asyncio.Event,
                    ready: asyncio.Event | None = None) -> None:
        await port.connected(self.name, self.sender)
        chat = ConsoleChat(port, user_id=self.user_id, stdin=self.stdin, stdout=self.stdout,
                           interactive=self.interactive, sender=self.sender,
                           locale=self.locale)
        if ready is not None:
            ready.set()
        try:
            await until_stopped(chat.run(), stop)
        finally:
            self.unsaved = chat.unsaved


def tolerate_bad_bytes() -> None:
    """A byte that is not UTF-8 in a typed line becomes U+FFFD instead of ending the
    chat; what cannot be printed is replaced too."""
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def terminal_locale() -> str | None:
    """The terminal's locale (``en_GB.UTF-8``), for the safety floor's emergency number."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return value
    return None


def _terminal(settings: Settings) -> ConsolePlatform:
    return ConsolePlatform.for_terminal()


def _at_a_terminal(settings: Settings) -> bool:
    return sys.stdin.isatty()


SPEC: Final = PlatformSpec(
    name=PLATFORM, limits=ConsolePlatform.limits, create=_terminal, wanted=_at_a_terminal)
"""The terminal for :data:`bot.app.PLATFORMS`: no settings and no pacing; it runs
when stdin is a terminal, and when no other platform does (the registry's fallback)."""
