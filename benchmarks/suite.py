"""``make bench``: every benchmark at fixed sizes, one JSON record of the figures.

Runs the runtime, store, safety, nudges, Telegram and peer benchmarks, each in its own
process (so one's peak RSS, imports and garbage-collector settings never colour
another's), at the sizes in :data:`SUITE`, and writes
``benchmarks/results/<date>-<shortcommit>.json`` (``-dirty`` added when the
checkout has uncommitted changes): the commit, the machine and,
per benchmark, the figures it printed as JSON and its wall time.  Two records
are compared with ``python -m benchmarks.compare A.json B.json``.

    python -m benchmarks.suite                        # all, written to results/
    python -m benchmarks.suite --only runtime --only safety
    python -m benchmarks.suite --root /tmp/wt_abc123  # another checkout (a worktree)

The sizes are fixed so that records of different commits compare; change them
and older records no longer do (the record keeps the commands it ran).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["SUITE", "last_json", "main", "run_suite"]

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
PY = "{python}"
"""Stands for the interpreter running the suite."""

SUITE: dict[str, tuple[str, ...]] = {
    # The ceiling: 1,000 people through the belief flow, as fast as the bot answers.
    "runtime": (PY, "-m", "bot", "bench", "--people", "1000", "--rate", "0", "--json"),
    "store": (PY, "-m", "benchmarks.bench_store", "--tasks", "1000", "--commits", "20000"),
    "safety": (PY, "-m", "benchmarks.bench_safety", "--json", "--rounds", "1"),
    "nudges": (PY, "-m", "bot", "bench", "nudges", "--subscriptions", "100000",
               "--subscribers", "10000", "--json"),
    "telegram": (PY, "-m", "benchmarks.bench_telegram", "--people", "200", "--json"),
    # Ours beside python-telegram-bot's ConversationHandler (in memory, and flushed
    # to its pickle after every update), the same 1,000 people, one process start.
    "peer": (PY, "-m", "benchmarks.bench_peer", "--people", "1000", "--json"),
}
ENVIRONMENT: dict[str, dict[str, str]] = {
    # bench_telegram measures the bot's capacity with Telegram's limits off; the
    # per-chat pace (1 a second by default; raised to the most allowed) would make it
    # a measure of waiting.
    "telegram": {"TELEGRAM_CHAT_RATE": "30", "DISCORD_CHAT_RATE": "50"},
}
TIMEOUT_S = 900
"""A benchmark still running after this is stopped and recorded as failed."""
TIMEOUTS: dict[str, int] = {
    # About a minute at 200 people; bench_telegram stops itself when nothing moves
    # for a minute (benchmarks.bench_telegram.Stalled), this is the backstop.
    "telegram": 300,
}
"""Benchmarks with a shorter limit than :data:`TIMEOUT_S`."""


def last_json(output: str) -> dict[str, Any]:
    """The last JSON object printed: benchmarks print one per line, or one indented."""
    decoder = json.JSONDecoder()
    found: dict[str, Any] | None = None
    for start in (i for i, char in enumerate(output) if char == "{"):
        if start and output[start - 1] != "\n":
            continue  # only objects that begin a line: never one nested in another
        try:
            value, _ = decoder.raw_decode(output, start)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            found = value
    if found is None:
        raise ValueError("the benchmark printed no JSON object")
    return found


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=False)
    return done.stdout.strip()


def run_one(name: str, root: Path) -> dict[str, Any]:
    """Run one benchmark of :data:`SUITE` in ``root``; its figures and wall time."""
    command = [sys.executable if part == PY else part for part in SUITE[name]]
    # Each checkout imports its own code, whichever checkout the suite came from.
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONWARNINGS": "ignore",
           **ENVIRONMENT.get(name, {})}
    shown = " ".join([*(f"{k}={v}" for k, v in ENVIRONMENT.get(name, {}).items()),
                      *SUITE[name]]).replace(PY, "python")
    limit = TIMEOUTS.get(name, TIMEOUT_S)
    started = time.perf_counter()
    # In a session of its own, so that a benchmark stopped for taking too long goes
    # with every process it started (bench_telegram's fake Bot API).
    with subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, start_new_session=True) as process:
        try:
            stdout, stderr = process.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _stdout, stderr = process.communicate()
            error = f"still running after {limit} s, stopped"
            print(f"bench {name}: {error}{_last_lines(stderr)}", file=sys.stderr, flush=True)
            return {"command": shown, "error": error + _last_lines(stderr)}
    wall = time.perf_counter() - started
    if process.returncode != 0:
        # Recorded, not raised: the other benchmarks' figures are still worth keeping.
        error = f"exit {process.returncode}{_last_lines(stderr)}"
        print(f"bench {name}: {error}", file=sys.stderr, flush=True)
        return {"command": shown, "error": error}
    print(f"bench {name}: {wall:.0f} s", file=sys.stderr, flush=True)
    return {"command": shown, "wall_s": round(wall, 1), "figures": last_json(stdout)}


def _last_lines(text: str | None, count: int = 3) -> str:
    """The last ``count`` lines of a benchmark's error output after ": ", or "" if none."""
    lines = (text or "").strip().splitlines()[-count:]
    return ": " + "\n".join(lines) if lines else ""


def run_suite(root: Path, names: Sequence[str]) -> dict[str, Any]:
    """The record: where and what was measured, and each benchmark's figures."""
    record: dict[str, Any] = {
        "commit": _git(root, "rev-parse", "--short", "HEAD"),
        # Uncommitted changes make the commit name only part of the story.
        "dirty": bool(_git(root, "status", "--porcelain", "--untracked-files=no")),
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"python": platform.python_version(), "system": platform.platform(),
                    "cpus": os.cpu_count(), "load_1m": round(os.getloadavg()[0], 2)},
        "benchmarks": {},
    }
    for name in names:
        print(f"bench {name} ...", file=sys.stderr, flush=True)
        record["benchmarks"][name] = run_one(name, root)
    return record


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suite",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(SUITE),
                        help="run only this benchmark (repeatable)")
    parser.add_argument("--root", type=Path, default=REPO,
                        help="checkout to measure (default: this one)")
    parser.add_argument("--out", type=Path,
                        help="file to write (default: results/<date>-<commit>.json)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    record = run_suite(root, args.only or list(SUITE))
    # A run with uncommitted changes must not pass for the commit itself.
    dirty = "-dirty" if record["dirty"] else ""
    out = args.out or RESULTS / f"{record['date'][:10]}-{record['commit']}{dirty}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2) + "\n")
    print(out)
    failed = [name for name, result in record["benchmarks"].items() if "error" in result]
    for name in failed:
        print(f"bench {name} failed: {record['benchmarks'][name]['error']}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
