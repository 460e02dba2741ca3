"""The terminal adapter: a conversation on stdin and stdout, with no setup.

Interactive when stdin is a terminal; when stdin is a pipe, each line is one
message from the person and the bot's replies go to stdout, so a whole
conversation can be scripted.  Buttons are shown numbered; the engine accepts
a number or a label typed back.  Like every adapter it only translates: lines
become :class:`~bot.types.Inbound` events and actions become printed text.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.render import plain
from bot.runtime import Runtime
from bot.types import ConversationKey, Inbound, Outbound, SendFile, SendImage, SendText

PLATFORM = "console"
BANNER = (
    "compassion-bot in your terminal. Write whatever is on your mind, or /help.\n"
    "It is not a therapist and not an emergency service: /sos shows crisis lines.\n"
    "Ctrl-D leaves; nothing is lost.\n"
)


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
    """Reads the person's lines and hands each to the runtime, one at a time."""

    def __init__(
        self, runtime: Runtime, *, user_id: str, stdin: TextIO, stdout: TextIO, interactive: bool
    ) -> None:
        self.runtime = runtime
        self.key = ConversationKey(PLATFORM, user_id, user_id)
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = interactive
        # Event ids must never repeat across runs, or a restarted chat would
        # have its first lines dropped as duplicates.
        self._ids = (f"{time.time_ns()}-{n}" for n in itertools.count())

    async def run(self) -> None:
        if self.interactive:
            self.stdout.write(BANNER + "\n")
            self.stdout.flush()
        while True:
            line = await self._next_line()
            if line is None:
                break
            await self.runtime.handle(parse_line(line, self.key, next(self._ids)))

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
