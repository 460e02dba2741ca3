"""benchmarks.bench_telegram still runs through the real adapter, offline.

It once waited forever: polling moved to per-chat queues that call the adapter's
``handle()``, and the benchmark still timed PTB's ``handle_update()``.  Behaviour
only (every update handled, replies sent); no figure is asserted.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from benchmarks.bench_telegram import SCRIPT, Stalled, progressing, run_async


async def test_two_people_go_through_the_script_and_get_replies(tmp_path: Path) -> None:
    figures = await asyncio.wait_for(
        run_async(people=2, db=tmp_path / "bench.db", in_process=True, one_by_one=10), 60)

    assert figures["burst_updates"] == 2 * len(SCRIPT)
    assert figures["burst_replies"] >= 2 * len(SCRIPT)
    assert figures["burst_replied_seconds"] >= figures["burst_seconds"]
    assert figures["single_updates"] == 10


async def test_a_run_that_stops_moving_ends_saying_what_it_waited_for() -> None:
    left = iter([3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2])

    async def remaining() -> int:
        return next(left)

    with pytest.raises(Stalled, match="2 updates not handled yet, and none for 0 s"):
        await progressing(remaining, "updates not handled yet", stall=0.02, every=0.005)
