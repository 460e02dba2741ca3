"""One bot worker of the several-processes test (``python -m tests.scale.worker``).

It builds the real application with :func:`bot.app.open_app` on the test's
PostgreSQL schema and runs what a production worker runs: the outbox drain loop,
the scheduler (due nudges), and a stand-in for a platform's webhook, the
``inbox`` table.  An inbox row is one platform update: the worker claims it
(``FOR UPDATE SKIP LOCKED``, for a lease), hands it to ``Runtime.handle`` and
confirms it only after that returned, so an update whose worker died
unconfirmed is handed again, with the same event id, to a living worker; that
is what a platform's redelivery does.

The "platform" is the ``sent`` table: :class:`RecordingSender` inserts every
message it is given there, with the inbox event whose turn sent it (NULL when a
drain or a nudge turn sent it).

``--freeze-after N`` makes this the worker that dies: after N messages of inbox
turns, at the second message of a turn, every send hangs before reaching the
platform.  Once the messages already sent are recorded as delivered, the worker
writes ``frozen`` into ``control`` and waits for the test's SIGKILL.  (The one
moment no design can make safe, between the platform accepting a message and
the mark being durable, is left out on purpose: no platform API lets a retried
send be recognised.)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import copy
import logging
import signal
from datetime import UTC, datetime, timedelta

import asyncpg

from bot.app import App, build_engine, open_app
from bot.codec import encode_outbound
from bot.config import Settings
from bot.state import Profile
from bot.types import CommandMessage, ConversationKey, Outbound, Segment, SendText

PLATFORM = "test"
"""A platform with no rate limiter: the test measures exactly-once, not pacing."""
LEASE = timedelta(seconds=10)
"""Claims of this test's workers (outbox rows, nudges, inbox rows) run out this soon
after a worker died; long enough that a live worker on a loaded machine never
loses a claim it is still using."""
INBOX_BATCH = 4

CURRENT_EVENT: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_event", default=None)
"""The inbox event whose turn is running in this task (none in drains and nudges)."""

CLAIM_INBOX = """
UPDATE inbox SET claimed_by = $1, claimed_until = now() + $2::interval, claims = claims + 1
WHERE id IN (
    SELECT id FROM inbox
    WHERE done_at IS NULL AND (claimed_until IS NULL OR claimed_until <= now())
    ORDER BY id LIMIT $3
    FOR UPDATE SKIP LOCKED)
RETURNING id, event_id, chat_id, user_id
"""


def nudge_text(user_id: str) -> str:
    return f"A kind thought for {user_id}."


class ScriptedNudges:
    """The nudge composer of this test: one fixed message per person, so that the
    test can tell each nudge apart (the real library's content is not the point)."""

    def compose(self, user_id: str, count: int, profile: Profile, now: datetime
                ) -> SendText | None:
        return SendText((Segment(nudge_text(user_id)),))


class RecordingSender:
    """Writes each message into ``sent``, as a platform accepting it."""

    def __init__(self, pool: asyncpg.Pool, worker: str, freeze_after: int | None) -> None:
        self.pool = pool
        self.worker = worker
        self.freeze_after = freeze_after
        self.frozen = asyncio.Event()
        self.idle = asyncio.Event()
        """Set while no message is on its way to the platform."""
        self.idle.set()
        self._active = 0
        self.inbox_sends = 0
        self._per_event: dict[str, int] = {}

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        event = CURRENT_EVENT.get()
        if (
            self.freeze_after is not None
            and event is not None
            and self.inbox_sends >= self.freeze_after
            and self._per_event.get(event, 0) >= 1
        ):
            self.frozen.set()
        if self.frozen.is_set():
            await asyncio.Event().wait()  # hangs until the test kills this process
        self._active += 1
        self.idle.clear()
        try:
            await self.pool.execute(
                "INSERT INTO sent (worker, platform, chat_id, user_id, event_ref, body)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                self.worker, key.platform, key.chat_id, key.user_id, event,
                encode_outbound(action))
        finally:
            self._active -= 1
            if not self._active:
                self.idle.set()
        if event is not None:
            self.inbox_sends += 1
            self._per_event[event] = self._per_event.get(event, 0) + 1


async def serve_inbox(app: App, pool: asyncpg.Pool, worker: str, stop: asyncio.Event) -> None:
    """Claim inbox rows, run each through the runtime, confirm it afterwards."""

    async def one(row: asyncpg.Record) -> None:
        event = CommandMessage(ConversationKey(PLATFORM, row["chat_id"], row["user_id"]),
                               row["event_id"], datetime.now(UTC), "help")
        token = CURRENT_EVENT.set(row["event_id"])
        try:
            await app.runtime.handle(event)
        except Exception:
            # Left unconfirmed: handed again after the lease, like a platform would.
            logging.getLogger(__name__).exception("inbox event failed")
            return
        finally:
            CURRENT_EVENT.reset(token)
        await pool.execute("UPDATE inbox SET done_at = now() WHERE id = $1", row["id"])

    while not stop.is_set():
        rows = await pool.fetch(CLAIM_INBOX, worker, LEASE, INBOX_BATCH)
        if not rows:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.05)
            continue
        await asyncio.gather(*(one(row) for row in rows))


async def report_frozen(app: App, sender: RecordingSender, pool: asyncpg.Pool,
                        worker: str) -> None:
    """Once frozen: wait until every message that did go out is marked delivered,
    then tell the test this worker may be killed."""
    await sender.frozen.wait()
    await sender.idle.wait()
    await app.dispatcher.flush()
    await pool.execute("INSERT INTO control (name, value) VALUES ('frozen', $1)", worker)


async def run(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    database_url = f"{args.dsn}{'&' if '?' in args.dsn else '?'}search_path={args.schema}"
    settings = Settings(_env_file=None, database_url=database_url, workers=args.workers)
    engine = copy.copy(build_engine(settings))
    engine.nudges = ScriptedNudges()
    pool = await asyncpg.create_pool(args.dsn, min_size=1, max_size=4,
                                     server_settings={"search_path": args.schema})
    try:
        sender = RecordingSender(pool, args.name, args.freeze_after)
        async with open_app(settings, {PLATFORM: sender}, engine=engine, lease=LEASE) as app:
            await app.dispatcher.recover()
            tasks = [
                asyncio.create_task(serve_inbox(app, pool, args.name, stop)),
                asyncio.create_task(app.dispatcher.run(interval=0.3)),
                asyncio.create_task(app.scheduler.run()),
                asyncio.create_task(report_frozen(app, sender, pool, args.name)),
            ]
            await pool.execute("INSERT INTO control (name, value) VALUES ('ready', $1)",
                               args.name)
            await stop.wait()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--freeze-after", type=int, default=None)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
