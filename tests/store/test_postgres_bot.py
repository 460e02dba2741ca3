"""The whole bot on PostgreSQL: the runtime and scheduler tests and the golden
transcripts, run again with a :class:`PostgresStore` in place of SQLite.

The conformance suite proves the contract; this proves nothing in the runtime
leans on what only SQLite does (exact JSON text, commit order, one process).
Skipped without ``TEST_POSTGRES_DSN``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.store.pg import fresh_schema, require_postgres

DSN = require_postgres("runtime, scheduler and transcript tests")

from bot.app import assemble_runtime  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.scheduler import Scheduler  # noqa: E402
from bot.store.postgres import PostgresStore  # noqa: E402
from tests import test_transcripts  # noqa: E402
from tests.harness import PLATFORM, Bot  # noqa: E402
from tests.test_runtime import (  # noqa: E402, F401  (collected here again, on PostgreSQL)
    test_a_person_who_blocked_the_bot_is_marked_unreachable_until_they_write,
    test_a_reply_committed_but_not_sent_goes_out_after_restart_exactly_once,
    test_a_restart_mid_flow_resumes_at_the_same_question,
    test_another_process_writing_meanwhile_makes_the_turn_run_again,
    test_concurrent_redelivery_is_answered_once,
    test_export_holds_the_journal_after_a_whole_flow,
    test_forget_then_export_shows_nothing,
    test_the_same_event_twice_is_answered_once,
)
from tests.test_scheduler import (  # noqa: E402, F401
    test_a_check_in_waits_for_no_one_else,
    test_a_timer_survives_a_restart,
    test_a_worker_that_died_after_claiming_is_replaced_after_the_lease,
    test_a_worker_that_died_after_the_turn_sends_nothing_twice,
    test_forget_cancels_the_check_in,
    test_the_check_in_comes_a_day_later_and_only_once,
    test_two_workers_ticking_at_once_start_it_once,
)


class PostgresBot(Bot):
    """:class:`Bot` with its state in one PostgreSQL schema (kept across restarts)."""

    def __init__(self, schema: str) -> None:
        super().__init__(Path("unused.sqlite"))
        self.schema = schema

    async def start(self) -> None:
        store = PostgresStore(DSN, schema=self.schema)
        await store.open()
        self.store = store  # type: ignore[assignment]
        self.runtime: Runtime | None = assemble_runtime(
            store, self.engine, {PLATFORM: self.recorder}, clock=self.clock,
            assessor=self.assessor,
        )
        self.scheduler = Scheduler(store, self.runtime, self.clock)
        await self.runtime.dispatcher.recover()


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    async with fresh_schema(DSN) as schema:
        bot = PostgresBot(schema)
        await bot.start()
        try:
            yield bot
        finally:
            await bot.stop()


@pytest.mark.parametrize(
    "path", test_transcripts.TRANSCRIPTS, ids=[p.stem for p in test_transcripts.TRANSCRIPTS]
)
async def test_transcript_on_postgres(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with fresh_schema(DSN) as schema:
        monkeypatch.setattr(test_transcripts, "Bot", lambda _db: PostgresBot(schema))
        expected, actual = await test_transcripts.replay(path, tmp_path / "unused.db")
    assert actual == expected
