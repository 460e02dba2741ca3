"""Several worker processes on one PostgreSQL database, one of them killed midway.

Three workers (``tests/scale/worker.py``, the real app each) share a fresh
schema.  300 platform updates from 100 people (each person's three ``/help``
updates come from three chats, so every update's replies can be told apart)
are fed through an inbox the workers claim from, and 100 other people have a
nudge due now.  One worker freezes in the middle of a turn, with updates,
nudges and outbox rows in its hands, and is SIGKILLed.  Then every update
must have been answered with exactly the messages one ``/help`` turn gives, in
order, and every nudge must have gone out once: nothing twice, nothing missing.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import open_app
from bot.codec import encode_outbound
from bot.config import Settings
from bot.store.base import Commit, Subscription
from bot.types import CommandMessage, ConversationKey, Outbound, Segment, SendText
from tests.scale.worker import PLATFORM, nudge_text
from tests.store.pg import fresh_schema, require_postgres

DSN = require_postgres("several-worker test (tests/scale)")

import asyncpg  # noqa: E402  (only once PostgreSQL is there to test)

from bot.store.postgres import PostgresStore  # noqa: E402

WORKERS = 3
PEOPLE = 100
UPDATES_EACH = 3
NUDGED = 100
FREEZE_AFTER = 6
"""The doomed worker freezes at the second message of a turn after six messages."""
DEADLINE = 50.0
ROOT = Path(__file__).resolve().parents[2]

TEST_TABLES = """
CREATE TABLE inbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      text NOT NULL UNIQUE,
    chat_id       text NOT NULL,
    user_id       text NOT NULL,
    claimed_by    text,
    claimed_until timestamptz,
    claims        integer NOT NULL DEFAULT 0,
    done_at       timestamptz
);
CREATE TABLE sent (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker    text NOT NULL,
    platform  text NOT NULL,
    chat_id   text NOT NULL,
    user_id   text NOT NULL,
    event_ref text,
    body      text NOT NULL
);
CREATE TABLE control (name text NOT NULL, value text NOT NULL);
"""


class Recorder:
    def __init__(self) -> None:
        self.sent: dict[str, list[str]] = defaultdict(list)

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        self.sent[key.user_id].append(encode_outbound(action))


async def one_help_turn_each(tmp_path: Path, people: list[str]) -> dict[str, list[str]]:
    """What one ``/help`` in a new chat gives each person (wordings differ per person)."""
    recorder = Recorder()
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'ref.db'}")
    async with open_app(settings, {PLATFORM: recorder}) as app:
        for user in people:
            key = ConversationKey(PLATFORM, f"ref-{user}", user)
            await app.runtime.handle(CommandMessage(key, f"ref-{user}", datetime.now(UTC),
                                                    "help"))
    return dict(recorder.sent)


@pytest.fixture
async def schema() -> AsyncIterator[str]:
    async with fresh_schema(DSN) as name:
        yield name


async def start_worker(name: str, schema: str, log: Path, *extra: str
                       ) -> asyncio.subprocess.Process:
    with log.open("wb") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.scale.worker", "--dsn", DSN, "--schema", schema,
            "--name", name, "--workers", str(WORKERS), *extra,
            cwd=ROOT, stdout=out, stderr=out, env={**os.environ, "PYTHONPATH": str(ROOT)})


async def until(what: str, check: asyncpg.Connection, query: str, logs: list[Path],
                deadline: float) -> None:
    """Poll ``query`` (a boolean) until it holds; fail, showing the workers' logs, after
    ``deadline``."""
    loop = asyncio.get_running_loop()
    while not await check.fetchval(query):
        if loop.time() > deadline:
            tails = "\n".join(f"--- {p.name}\n{p.read_text()[-2000:]}" for p in logs)
            raise AssertionError(f"timed out waiting for {what}\n{tails}")
        await asyncio.sleep(0.1)


async def test_updates_and_nudges_go_out_exactly_once_when_a_worker_dies(
    schema: str, tmp_path: Path
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    people = [f"p{n}" for n in range(PEOPLE)]
    nudged = [f"n{n}" for n in range(NUDGED)]
    expected = await one_help_turn_each(tmp_path, people)

    store = PostgresStore(f"{DSN}?search_path={schema}")
    await store.open()  # the bot's schema, migrated once
    db = await asyncpg.connect(DSN, server_settings={"search_path": schema})
    workers: dict[str, asyncio.subprocess.Process] = {}
    logs = [tmp_path / f"w{n}.log" for n in range(WORKERS)]
    try:
        await db.execute(TEST_TABLES)
        for n, log in enumerate(logs):
            extra = ("--freeze-after", str(FREEZE_AFTER)) if n == 0 else ()
            workers[f"w{n}"] = await start_worker(f"w{n}", schema, log, *extra)
        await until("the workers to start", db,
                    f"SELECT count(*) = {WORKERS} FROM control WHERE name = 'ready'", logs,
                    deadline)

        # Due nudges: people who opted in, due a second ago.
        now = datetime.now(UTC)
        for user in nudged:
            await store.commit(Commit(
                key=ConversationKey(PLATFORM, user, user), at=now, expected_version=0,
                state_json=None, profile_changes={"nudge_on": "yes"},
                subscription=Subscription(now - timedelta(seconds=1))))
        # The updates, as a platform hands them out, round after round.
        await db.executemany(
            "INSERT INTO inbox (event_id, chat_id, user_id) VALUES ($1, $2, $3)",
            [(f"u-{user}-{k}", f"{user}-{k}", user)
             for k in range(UPDATES_EACH) for user in people])

        await until("the doomed worker to freeze mid-turn", db,
                    "SELECT EXISTS (SELECT 1 FROM control WHERE name = 'frozen')", logs,
                    deadline)
        workers["w0"].send_signal(signal.SIGKILL)
        await workers["w0"].wait()

        total = PEOPLE * UPDATES_EACH * len(next(iter(expected.values()))) + NUDGED
        await until("every update, nudge and reply to be done", db, f"""
            SELECT (SELECT count(*) FROM inbox WHERE done_at IS NULL) = 0
               AND (SELECT count(*) FROM sent) >= {total}
               AND NOT EXISTS (SELECT 1 FROM outbox WHERE delivered_at IS NULL)
               AND NOT EXISTS (SELECT 1 FROM subscriptions WHERE next_due_at <= now())
        """, logs, deadline)
        for name in ("w1", "w2"):
            workers[name].send_signal(signal.SIGTERM)
        for name in ("w1", "w2"):
            assert await asyncio.wait_for(workers[name].wait(), 15) == 0, logs

        sent = await db.fetch("SELECT worker, chat_id, user_id, event_ref, body FROM sent"
                              " ORDER BY id")
        by_chat: dict[str, list[str]] = defaultdict(list)
        for row in sent:
            by_chat[row["chat_id"]].append(row["body"])
        for user in people:
            for k in range(UPDATES_EACH):
                assert by_chat[f"{user}-{k}"] == expected[user], f"update u-{user}-{k}"
        for user in nudged:
            nudge = SendText((Segment(nudge_text(user)),))
            assert by_chat[user] == [encode_outbound(nudge)], f"nudge of {user}"
        assert len(sent) == total

        # The scenario did what it claims: the dead worker had sent some replies,
        # an update it held unconfirmed was handed to another worker, and replies
        # it had committed went out through another worker's drain.
        assert sum(row["worker"] == "w0" for row in sent) >= FREEZE_AFTER
        assert await db.fetchval("SELECT count(*) FROM inbox WHERE claims > 1") >= 1
        event_chats = {f"{u}-{k}" for u in people for k in range(UPDATES_EACH)}
        assert sum(1 for row in sent if row["worker"] != "w0" and row["event_ref"] is None
                   and row["chat_id"] in event_chats) >= 1
        processed = await db.fetchval(
            "SELECT count(*) FROM processed_events WHERE event_id LIKE 'u-%'")
        assert processed == PEOPLE * UPDATES_EACH
    finally:
        for process in workers.values():
            if process.returncode is None:
                process.kill()
                await process.wait()
        await db.close()
        await store.close()

