"""benchmarks.compare: ratios of two hand-made records, and which figures are flagged.

Offline and untimed: the records are written here, nothing is measured.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.compare import compare, direction, figures, main
from benchmarks.suite import last_json


def record(commit: str, **benchmarks: dict[str, Any]) -> dict[str, Any]:
    return {"commit": commit,
            "benchmarks": {name: {"wall_s": 10.0, "figures": figs}
                           for name, figs in benchmarks.items()}}


BEFORE = record(
    "aaaaaaa",
    runtime={"messages_per_second": 1000.0, "p99_ms": 10.0, "peak_rss_mb": 100.0,
             "completed_flows": 844, "messages": 22670, "meets_target": True},
    safety={"typical_median_ms": 0.2, "target_median_ms": 1.0},
    nudges={"tick": {"claim_ms": 50.0}},
)


def write(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("name", "better"),
    [("runtime.messages_per_second", "higher"), ("runtime.completed_flows", "higher"),
     ("telegram.updates_per_s", "higher"), ("runtime.p99_ms", "lower"),
     ("store.latency_ms_p99", "lower"), ("runtime.peak_rss_mb", "lower"),
     ("runtime.wall_s", "lower"), ("runtime.messages", None),
     ("runtime.replies_sent", None), ("safety.target_median_ms", None),
     ("safety.typical_max_ms", None)],
)
def test_direction_is_read_from_the_name(name: str, better: str | None) -> None:
    assert direction(name) == better


def test_figures_are_flattened_and_yes_no_left_out() -> None:
    found = figures(BEFORE)
    assert found["nudges.tick.claim_ms"] == 50.0
    assert found["runtime.wall_s"] == 10.0
    assert "runtime.meets_target" not in found


def test_a_figure_more_than_twenty_percent_worse_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    after = record(
        "bbbbbbb",
        # 25 % slower, 19 % more memory (not flagged), twice the p99.
        runtime={"messages_per_second": 750.0, "p99_ms": 20.0, "peak_rss_mb": 119.0,
                 "completed_flows": 844, "messages": 5, "meets_target": False},
        safety={"typical_median_ms": 0.1, "target_median_ms": 5.0},
        nudges={"tick": {"claim_ms": 50.0}},
    )
    worse = {row.name for row in compare(BEFORE, after) if row.worse}
    assert worse == {"runtime.messages_per_second", "runtime.p99_ms"}
    code = main([str(write(tmp_path, "a.json", BEFORE)), str(write(tmp_path, "b.json", after))])
    out, err = capsys.readouterr()
    assert code == 1
    assert "0.75x  WORSE" in out and "2.00x  WORSE" in out
    assert "runtime.messages_per_second" in err


def test_nothing_worse_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    after = record(
        "ccccccc",
        runtime={"messages_per_second": 2900.0, "p99_ms": 11.9, "peak_rss_mb": 90.0,
                 "completed_flows": 844, "messages": 22670},
        safety={"typical_median_ms": 0.2},
        benchmark_only_here={"x_ms": 1.0},
    )
    rows = compare(BEFORE, after)
    assert not any(row.worse for row in rows)
    assert {row.name for row in rows}.isdisjoint({"benchmark_only_here.x_ms",
                                                  "nudges.tick.claim_ms"})
    code = main([str(write(tmp_path, "a.json", BEFORE)), str(write(tmp_path, "b.json", after))])
    assert code == 0
    assert "2.90x" in capsys.readouterr().out


def test_a_stricter_threshold_flags_smaller_changes() -> None:
    after = record("d", runtime={"messages_per_second": 900.0})
    assert not compare(BEFORE, after)[0].worse
    assert compare(BEFORE, after, threshold=0.05)[0].worse


def test_the_last_json_object_printed_is_the_figures() -> None:
    printed = 'loading\n{"tasks": 100, "x": {"y": 1}}\n{\n  "tasks": 1000\n}\ndone\n'
    assert last_json(printed) == {"tasks": 1000}
    with pytest.raises(ValueError, match="no JSON"):
        last_json("nothing here\n")
