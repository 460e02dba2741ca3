"""Benchmark the router and the progress chart: time per message, time per chart.

One job: print how long :meth:`bot.router.Router.route` takes per message (every
message of ``bot/data/router_eval.tsv``, each call timed on its own after a warm
up) and how long :func:`bot.progress.render_progress` takes per chart (a month
of daily check-ins and a dozen rated exercises), as the median and the 90th
percentile.  The first chart, which imports Pillow and loads its font, is
reported on its own.  Run it as ``python -m benchmarks.bench_views [--charts N]``.

Benchmarks print figures; tests never assert times (machines differ).
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from bot.config import default_dialogues_dir
from bot.dialogue.loader import load_dialogues
from bot.progress import render_progress
from bot.router import Router
from bot.router_eval import DEFAULT_EVAL_PATH, read_labelled
from bot.state import Profile
from bot.store.base import JournalEntry

__all__ = ["month_of_journal", "run"]


def month_of_journal(now: datetime) -> list[JournalEntry]:
    """A busy month: a check-in a day, an exercise every third day (newest first)."""
    entries = []
    for day in range(30):
        at = now - timedelta(days=day, hours=2)
        entries.append(JournalEntry("checkin", {"mood": 3 + day % 6, "word": "ok"}, at))
        if day % 3 == 0:
            entries.append(JournalEntry(
                "exercise", {"dialogue": "breathing", "before": 7, "after": 4 + day % 3}, at))
    entries.append(JournalEntry("reframe", {"reframe": "I did what I could"}, now))
    return sorted(entries, key=lambda e: e.at, reverse=True)


def _timed(call: Callable[[], object], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def _line(name: str, seconds: list[float], unit: float, label: str) -> str:
    ordered = sorted(seconds)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return (f"{name}: median {statistics.median(ordered) * unit:.1f} {label}, "
            f"p90 {p90 * unit:.1f} {label} ({len(ordered)} runs)")


def run(charts: int = 20, rounds: int = 50) -> list[str]:
    router, profile = Router(), Profile(onboarded=True)
    messages = [item.text for item in read_labelled(DEFAULT_EVAL_PATH)]
    for text in messages:
        router.route(text, profile)
    route_times: list[float] = []
    for text in messages:
        route_times += _timed(functools.partial(router.route, text, profile), rounds)
    lines = load_dialogues([default_dialogues_dir()])
    now = datetime.now(UTC)
    entries = month_of_journal(now)
    [first] = _timed(lambda: render_progress(entries, now, 30, lines), 1)
    chart_times = _timed(lambda: render_progress(entries, now, 30, lines), charts)
    return [
        _line("route", route_times, 1e6, "µs"),
        f"first chart (imports Pillow, loads its font): {first * 1000:.0f} ms",
        _line("chart", chart_times, 1e3, "ms"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--charts", type=int, default=20, help="charts to time (default 20)")
    args = parser.parse_args(argv)
    for line in run(charts=args.charts):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
