"""benchmarks.bench_telegram still runs through the real adapter, offline.

It once waited forever: polling moved to per-chat queues that call the adapter's
``handle()``, and the benchmark still timed PTB's ``handle_update()``.  Behaviour
only (every update handled, replies sent); no figure is asserted.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from benchmarks.bench_telegram import SCRIPT, run_async


async def test_two_people_go_through_the_script_and_get_replies(tmp_path: Path) -> None:
    figures = await asyncio.wait_for(
        run_async(people=2, db=tmp_path / "bench.db", in_process=True, one_by_one=10), 60)

    assert figures["burst_updates"] == 2 * len(SCRIPT)
    assert figures["burst_replies"] >= 2 * len(SCRIPT)
    assert figures["single_updates"] == 10
