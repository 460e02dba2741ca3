"""benchmarks.suite never waits on a benchmark without end, nor silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import suite


def test_a_benchmark_past_its_time_is_stopped_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sleeper = (suite.PY, "-c", "import sys, time; print('waiting for the bot', "
               "file=sys.stderr, flush=True); time.sleep(60)")
    monkeypatch.setitem(suite.SUITE, "sleeper", sleeper)
    monkeypatch.setitem(suite.TIMEOUTS, "sleeper", 1)

    result = suite.run_one("sleeper", Path.cwd())

    assert result["error"] == "still running after 1 s, stopped: waiting for the bot"
    assert "bench sleeper: still running after 1 s, stopped" in capsys.readouterr().err
