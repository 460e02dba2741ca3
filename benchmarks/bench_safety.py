"""Benchmark the crisis detector: time per message over the shipped eval set.

One job: print (and return) how long :func:`bot.safety.detector.assess` takes
per message, as the median and the 99th percentile in milliseconds.  Every
message of ``bot/safety/data/eval.tsv`` is assessed once to warm up, then many
times over, each call timed on its own.  Run it as
``python -m benchmarks.bench_safety [--json] [--rounds N]``.

Benchmarks print figures; tests never assert times (machines differ).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence

from bot.safety.detector import assess
from bot.safety.evaluation import DEFAULT_EVAL_PATH, read_labelled
from bot.safety.normalise import normalise

__all__ = ["run"]

TARGET_MEDIAN_MS = 0.2


def _percentile(sorted_ns: list[int], fraction: float) -> int:
    index = min(len(sorted_ns) - 1, max(0, round(fraction * (len(sorted_ns) - 1))))
    return sorted_ns[index]


def run(json_output: bool = False, rounds: int = 30) -> dict[str, float | int | bool]:
    """Time ``assess`` over the eval set ``rounds`` times; print and return figures."""
    texts = [item.text for item in read_labelled(DEFAULT_EVAL_PATH)]
    for text in texts:  # warm-up: first calls pay for lazy work in the regex engine
        assess(text)
    assess_ns: list[int] = []
    normalise_ns: list[int] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for text in texts:
            start = clock()
            assess(text)
            assess_ns.append(clock() - start)
            start = clock()
            normalise(text)
            normalise_ns.append(clock() - start)
    assess_ns.sort()
    normalise_ns.sort()
    result: dict[str, float | int | bool] = {
        "messages": len(texts),
        "calls": len(assess_ns),
        "median_ms": statistics.median(assess_ns) / 1e6,
        "p99_ms": _percentile(assess_ns, 0.99) / 1e6,
        "max_ms": assess_ns[-1] / 1e6,
        "normalise_median_ms": statistics.median(normalise_ns) / 1e6,
        "target_median_ms": TARGET_MEDIAN_MS,
    }
    result["meets_target"] = float(result["median_ms"]) < TARGET_MEDIAN_MS
    if json_output:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"assess over {result['messages']} messages x {rounds} rounds "
            f"({result['calls']} calls)\n"
            f"  median {result['median_ms']:.4f} ms   p99 {result['p99_ms']:.4f} ms   "
            f"max {result['max_ms']:.4f} ms   (target median < {TARGET_MEDIAN_MS} ms)\n"
            f"  of which normalise: median {result['normalise_median_ms']:.4f} ms"
        )
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_safety")
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    parser.add_argument("--rounds", type=int, default=30, help="passes over the eval set")
    args = parser.parse_args(argv)
    run(json_output=args.json, rounds=args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
