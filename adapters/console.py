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
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TextIO

from bot.chat_queues import ChatQueues
from bot.render import plain
from bot.runtime import Runtime
from bot.safety_floor import FloorReply
from bot.storage_faults import classify
from bot.turn_guard import TurnGuard, guard_for
from bot.types import ConversationKey, Inbound, Outbound, SendFile, SendImage, SendPoll, SendText

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


class ConsoleSender:
    """Prints outbound actions; images and files are saved and their path shown."""

    def __init__(self, out: TextIO, files_dir: Path) -> None:
        self.out = out
        self.files_dir = files_dir

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        if isinstance(action, SendText):
            lines = [plain(action.segments)]
            lines += [f"  {n}) {c.label}" for n, c in enumerate(action.choices, start=1)]
            self.out.write("\n".join(lines) + "\n\n")
        elif isinstance(action, SendFile):
            if action.filename.endswith(".json"):
                self.out.write(action.content.decode("utf-8", "replace") + "\n\n")
            else:
                self.out.write(f"[file saved to {self._save(action.filename, action.content)}]\n\n")
        elif isinstance(action, SendImage):
            path = self._save(f"image-{time.time_ns()}.png", action.png)
            self.out.write(f"{action.caption}\n[picture saved to {path.resolve()}]\n\n")
        elif isinstance(action, SendPoll):  # the terminal is no group; shown for completeness
            lines = [action.question]
            lines += [f"  {n}) {o.label}" for n, o in enumerate(action.options, start=1)]
            self.out.write("\n".join(lines) + "\n\n")
        self.out.flush()

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
        return Inbound(key, event_id, at, "command", text=args.strip(), command=name)
    return Inbound(key, event_id, at, "text", text=line.rstrip("\r\n"))


class ConsoleChat:
    """Reads the person's lines and hands each to the runtime, in order."""

    def __init__(
        self, runtime: Runtime, *, user_id: str, stdin: TextIO, stdout: TextIO, interactive: bool,
        sender: ConsoleSender | None = None, locale: str | None = None,
        guard: TurnGuard | None = None,
    ) -> None:
        self.runtime = runtime
        self.key = ConversationKey(PLATFORM, user_id, user_id)
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = interactive
        self.sender = sender or ConsoleSender(stdout, Path("data") / "files")
        """Also says the safety floor's lines, when a line cannot be saved."""
        self.locale = locale
        # The chat reports failures itself, in one line each: no log lines.
        self.guard = guard or guard_for(runtime, log_failures=False)
        self.queue = ChatQueues()
        self.unsaved = 0
        """Lines that could not be saved before the chat ended."""
        # Event ids must never repeat across runs, or a restarted chat would
        # have its first lines dropped as duplicates.
        self._ids = (f"{time.time_ns()}-{n}" for n in itertools.count())

    async def run(self) -> None:
        if self.interactive:
            self.stdout.write(BANNER + "\n")
            self.stdout.flush()
        try:
            while True:
                line = await self._next_line()
                if line is None:
                    break
                self._submit(parse_line(line, self.key, next(self._ids)))
            await self._finish()
        finally:
            await self.queue.close()
            await self.guard.close()

    def _submit(self, event: Inbound) -> None:
        watch = self.guard.watch(event, self.sender.send, locale=self.locale)

        async def attempt(shown: FloorReply | None) -> None:
            await self.runtime.handle(event, floor=shown)

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
        self.stdout.write(message + "\n")
        self.stdout.flush()

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
            self.stdout.write(f"{PREFIX}{self.unsaved} message(s) could not be saved.\n")
            self.stdout.flush()

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
                return input("you> ")
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
