"""benchmarks.bench_peer: the peer's 12-step flow really runs through PTB, offline.

Behaviour only (every person finishes, the durable run's answers reach the pickle
file); no figure is asserted.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from benchmarks.bench_peer import STEPS, Peer


async def test_three_people_finish_the_flow_in_memory() -> None:
    figures = await Peer(3, None).run(budget_s=None)

    assert figures["messages"] == 3 * len(STEPS) == 36
    assert figures["completed_flows"] == 3
    assert "sampled" not in figures


async def test_three_people_finish_the_flow_durably(tmp_path: Path) -> None:
    path = tmp_path / "peer.pickle"
    figures = await Peer(3, path).run(budget_s=None)

    # Everyone's first message is processed before the clock starts.
    assert figures["messages"] == 3 * (len(STEPS) - 1)
    assert figures["completed_flows"] == 3
    with path.open("rb") as file:
        stored = pickle.load(file)
    assert sorted(stored["user_data"]) == [10_000, 10_001, 10_002]
    assert all(len(answers) == len(STEPS) for answers in stored["user_data"].values())
    # Every conversation ended (PTB keeps an ended one as state None).
    assert set(stored["conversations"]["flow"].values()) == {None}
