"""The real bot as a separate process, and real faults under it.

Used by ``tests/faults`` and ``python -m benchmarks.bench_faults``.  The bot runs
as ``python -m bot run`` (or ``chat``) in its own process, reading its settings
from the environment like an operator's deployment, against the fake Bot API
running in the caller's process.  The faults are real, not mocks:

* **Disk full**: the data folder is a small ``tmpfs`` mounted in a private mount
  namespace of the bot's process (``unshare``; no root needed where user
  namespaces are allowed); :meth:`BotProcess.fill` writes a file until the
  kernel answers ``ENOSPC``, and SQLite says ``database or disk is full``.
  Deleting the file clears it.  Where namespaces are not available the cases
  needing it are skipped (:func:`namespaces_available`).
* **Read-only**: the database file and its folder lose their write permission
  before the bot starts.  Root ignores permissions, so a root caller starts the
  bot without the capabilities that let it (``setpriv``).
* **Corrupted file**: the database is replaced by bytes that are not SQLite.
* **PostgreSQL killed**: the bot reaches the server through :class:`TcpProxy`,
  which can drop every connection and refuse new ones, as a dead server does.
* **SIGKILL**: :meth:`BotProcess.kill`.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit, urlunsplit

from benchmarks.fake_bot_api import FakeBotAPI

ROOT: Final = Path(__file__).resolve().parents[1]
# Settings a caller's environment might carry that would change what runs.
_CLEARED: Final = ("DATABASE_URL", "TELEGRAM_TOKEN", "TELEGRAM_BASE_URL", "TELEGRAM_WEBHOOK_URL",
                   "TELEGRAM_WEBHOOK_SECRET", "DISCORD_TOKEN", "ENCRYPTION_KEY", "WORKERS",
                   "LOG_LEVEL")
_NO_OVERRIDE: Final = "-dac_override,-dac_read_search"


def is_root() -> bool:
    return os.geteuid() == 0


def namespaces_available() -> bool:
    """Whether a private mount namespace with a tmpfs can be made here."""
    if shutil.which("unshare") is None:
        return False
    probe = [*_namespace_prefix(), "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt "
             "2>/dev/null || mount -t tmpfs -o size=64k tmpfs /tmp"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def read_only_available() -> bool:
    """Whether file permissions can be made to bind the bot (``setpriv`` for root)."""
    return not is_root() or shutil.which("setpriv") is not None


def _namespace_prefix() -> list[str]:
    prefix = ["unshare", "--mount", "--propagation", "private"]
    if not is_root():
        prefix.insert(1, "--map-root-user")
    return [*prefix, "--"]


def bot_environment(api: FakeBotAPI, database_url: str, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in _CLEARED}
    env.update({
        "DATABASE_URL": database_url,
        "TELEGRAM_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


class BotProcess:
    """``python -m bot <command>`` in a process of its own.

    ``tmpfs_kb`` mounts a tmpfs of that size on ``data`` in a private mount
    namespace first; ``unprivileged`` makes a root caller's bot respect file
    permissions.
    """

    def __init__(
        self,
        workdir: Path,
        env: Mapping[str, str],
        *,
        command: Sequence[str] = ("run",),
        data: Path | None = None,
        tmpfs_kb: int | None = None,
        unprivileged: bool = False,
    ) -> None:
        self.workdir = workdir
        self.env = dict(env)
        self.command = list(command)
        self.data = data
        self.tmpfs_kb = tmpfs_kb
        self.unprivileged = unprivileged
        self.process: asyncio.subprocess.Process | None = None
        self.stderr_log = workdir / "bot-stderr.log"
        self.stdout_log = workdir / "bot-stdout.log"

    @property
    def pid(self) -> int:
        assert self.process is not None, "start() first"
        return self.process.pid

    def argv(self) -> list[str]:
        argv = [sys.executable, "-m", "bot", *self.command]
        if self.tmpfs_kb is not None:
            assert self.data is not None
            script = 'mount -t tmpfs -o size="$1"k tmpfs "$2" && shift 2 && exec "$@"'
            argv = [*_namespace_prefix(), "sh", "-c", script, "sh", str(self.tmpfs_kb),
                    str(self.data), *argv]
        if self.unprivileged and is_root():
            argv = ["setpriv", f"--inh-caps={_NO_OVERRIDE}", f"--bounding-set={_NO_OVERRIDE}",
                    "--", *argv]
        return argv

    async def start(self, *, piped: bool = False) -> None:
        """Start the process; with ``piped`` its stdin and stdout are pipes (the
        terminal chat, scripted), else stdin is empty and stdout goes to a file."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.data is not None:
            self.data.mkdir(parents=True, exist_ok=True)
        with self.stderr_log.open("ab") as err, self.stdout_log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv(), cwd=self.workdir, env=self.env,
                stdin=subprocess.PIPE if piped else subprocess.DEVNULL,
                stdout=subprocess.PIPE if piped else out, stderr=err)

    def in_namespace(self, path: Path) -> Path:
        """``path`` as the bot's process sees it (inside its mount namespace)."""
        return Path(f"/proc/{self.pid}/root") / path.relative_to("/")

    def fill(self) -> Path:
        """Fill the bot's tmpfs until the kernel refuses more; returns the filler file."""
        assert self.data is not None, "no data folder"
        assert self.tmpfs_kb is not None, "no tmpfs to fill"
        filler = self.in_namespace(self.data) / "filler"
        chunk = b"\0" * 4096
        with filler.open("wb", buffering=0) as out:
            try:
                while True:
                    out.write(chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
        return filler

    def free(self, filler: Path) -> None:
        filler.unlink()

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(sig)

    async def stop(self, seconds: float = 15.0) -> int | None:
        """SIGTERM, then SIGKILL if it lingers; the exit status."""
        process = self.process
        if process is None:
            return None
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), seconds)
            except TimeoutError:
                process.kill()
                await process.wait()
        return process.returncode

    def stderr(self) -> str:
        return self.stderr_log.read_text(errors="replace") if self.stderr_log.exists() else ""


async def wait_for_polling(api: FakeBotAPI, since: int = 0, seconds: float = 30.0) -> None:
    """Until a getUpdates call arrives (after call number ``since``): the bot is serving."""
    await api.wait_until(
        lambda: any(c.method == "getUpdates" for c in api.calls[since:]), seconds)


def make_read_only(db: Path) -> list[tuple[Path, int]]:
    """Take the write permission from the database, its companions and its folder;
    returns what to give back to :func:`restore_modes`."""
    paths = [db.parent, *(p for p in db.parent.iterdir() if p.name.startswith(db.name))]
    before = [(p, p.stat().st_mode & 0o7777) for p in paths]
    for path, mode in before:
        path.chmod(mode & ~0o222)
    return before


def restore_modes(before: list[tuple[Path, int]]) -> None:
    for path, mode in before:
        path.chmod(mode)


def corrupt(db: Path) -> Path:
    """Replace ``db`` by bytes that are not SQLite; returns the intact copy kept aside."""
    kept = db.with_name(db.name + ".intact")
    shutil.move(db, kept)
    for companion in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        companion.unlink(missing_ok=True)
    db.write_bytes(b"this is not an SQLite database\n" * 200)
    return kept


def restore(db: Path, kept: Path) -> None:
    """Put the intact copy back in place of the damaged file."""
    os.replace(kept, db)


class TcpProxy:
    """A TCP relay to ``upstream`` on 127.0.0.1 that can die like a database server.

    :meth:`cut` closes every relayed connection and stops listening (new
    connections are refused); :meth:`restore` listens again on the same port.
    """

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self._relays: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def cut(self) -> None:
        """The server dies: listening stops and open connections are reset."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()
        for relay in list(self._relays):
            relay.cancel()
        await asyncio.gather(*self._relays, return_exceptions=True)

    async def restore(self) -> None:
        if self._server is None:
            await self.start()

    async def close(self) -> None:
        await self.cut()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.transport.abort()
            return
        self._links.update({writer, up_writer})
        pumps = [asyncio.ensure_future(_pump(reader, up_writer)),
                 asyncio.ensure_future(_pump(up_reader, writer))]
        for pump in pumps:
            self._relays.add(pump)
            pump.add_done_callback(self._relays.discard)
        await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        for pump in pumps:
            pump.cancel()
        for end in (writer, up_writer):
            self._links.discard(end)
            end.transport.abort()


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()


def through(dsn: str, port: int, schema: str) -> str:
    """``dsn`` reaching the server through 127.0.0.1:``port``, tables in ``schema``."""
    parts = urlsplit(dsn)
    user = parts.username or ""
    if parts.password:
        user = f"{user}:{parts.password}"
    netloc = f"{user}@127.0.0.1:{port}" if user else f"127.0.0.1:{port}"
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, f"{query}search_path={schema}", ""))


@dataclass
class Postgres:
    """A fresh schema on a PostgreSQL server, reached through a proxy the caller controls."""

    proxy: TcpProxy
    url: str


@asynccontextmanager
async def postgres_behind_proxy(dsn: str) -> AsyncIterator[Postgres]:
    """A fresh schema (dropped afterwards) and a :class:`TcpProxy` in front of the server."""
    import asyncpg

    parts = urlsplit(dsn)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    port = await proxy.start()
    schema = f"f_{uuid.uuid4().hex}"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        yield Postgres(proxy, through(dsn, port, schema))
    finally:
        await proxy.close()
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()
