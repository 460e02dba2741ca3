"""Benchmark the crisis detector: time per message, every layer, on chat in 14 languages.

One job: print (and return) how long :func:`bot.safety.assess` takes per message
(normalise, rules, the learned model and, in the ``context`` rows, two earlier
messages read with it), as the median and the 99th percentile in milliseconds,
over two sets: every single message of the training corpus (all its languages,
crisis-heavy, the hard case) and typical answers from the belief flow (the common
case).  The rules alone are timed beside them.  Each message is assessed once to
warm up, then timed call by call.  ``--ungated`` also times the rules with every
family run, to show what the gate saves.  Run it as
``python -m benchmarks.bench_safety [--json] [--rounds N] [--ungated]``.

Benchmarks print figures; tests never assert times (machines differ).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence

from bot.safety import assess as assess_layers
from bot.safety.corpus import read_corpus
from bot.safety.detector import assess as assess_rules
from bot.safety.detector import assess_ungated
from bot.safety.normalise import normalise, normalise_detail
from bot.types import Assessment

__all__ = ["TYPICAL", "run"]

TARGET_MEDIAN_MS = 1.0
TARGET_P99_MS = 5.0
# What a person said just before, for the context layer's share of the time.
CONTEXT = ("work was long and my manager was on my case again",
           "I'm so tired of everything honestly")

# What people type in the belief flow when nothing is wrong: their own words for
# a hard moment, and the short answers around them.
TYPICAL = (
    "I snapped at my sister on the phone and now I feel awful about it",
    "I always mess things up when it matters",
    "It started when I was a kid, my dad used to say it",
    "I think it was trying to keep me from getting hurt",
    "It makes me anxious all the time and I avoid people",
    "I would tell them that one bad moment doesn't define them",
    "I made a mistake, and I can learn from it without hating myself",
    "I yelled at my brother over nothing and I feel like a terrible person",
    "I'm a terrible person and I always ruin things",
    "It makes me feel like one bad moment shows who I really am",
    "My dad used to say I ruin everything",
    "Maybe it was trying to make me careful, so nobody would be angry with me",
    "I feel on edge all the time and I hide from people",
    "I'd tell them that one bad evening doesn't make them a bad person",
    "I lost my temper, I can say sorry, and I'm still a good brother",
    "My friend didn't reply and I feel worthless",
    "Work was awful and I think I'm useless",
    "I just want to talk about my day",
    "I don't know",
    "UK",
    "United Kingdom",
    "hey",
    "yes",
    "8",
)


def _percentile(sorted_ns: list[int], fraction: float) -> int:
    index = min(len(sorted_ns) - 1, max(0, round(fraction * (len(sorted_ns) - 1))))
    return sorted_ns[index]


def _time(
    fn: Callable[[str], object], texts: Sequence[str], rounds: int
) -> dict[str, float]:
    for text in texts:  # warm-up: first calls pay for lazy work in the regex engine
        fn(text)
    ns: list[int] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for text in texts:
            start = clock()
            fn(text)
            ns.append(clock() - start)
    ns.sort()
    return {
        "median_ms": statistics.median(ns) / 1e6,
        "p99_ms": _percentile(ns, 0.99) / 1e6,
        "max_ms": ns[-1] / 1e6,
    }


def _ungated(text: str) -> Assessment:
    return assess_ungated(normalise_detail(text))


def _with_context(text: str) -> Assessment:
    return assess_layers(text, CONTEXT)


def run(
    json_output: bool = False, rounds: int = 3, ungated: bool = False
) -> dict[str, float | int | bool]:
    """Time every layer together (and the rules alone) over the training corpus in
    all its languages and over typical answers; print and return the figures."""
    texts = [e.text for e in read_corpus() if len(e.messages) == 1]
    typical_rounds = max(1, rounds * len(texts) // len(TYPICAL))
    sets: dict[str, tuple[Sequence[str], int]] = {
        "corpus": (texts, rounds),
        "typical": (TYPICAL, typical_rounds),
    }
    result: dict[str, float | int | bool] = {
        "messages": len(texts),
        "typical_messages": len(TYPICAL),
        "rounds": rounds,
        "target_median_ms": TARGET_MEDIAN_MS,
        "target_p99_ms": TARGET_P99_MS,
    }
    timed: list[tuple[str, str, Callable[[str], object], Sequence[str], int]] = []
    for name, (items, n) in sets.items():
        timed.append((name, "", assess_layers, items, n))
        timed.append((name, "context_", _with_context, items, n))
        timed.append((name, "rules_", assess_rules, items, n))
        if ungated:
            timed.append((name, "ungated_", _ungated, items, n))
    for name, variant, fn, items, n in timed:
        for key, value in _time(fn, items, n).items():
            result[f"{name}_{variant}{key}"] = value
    result["normalise_median_ms"] = _time(normalise, texts, rounds)["median_ms"]
    result["median_ms"] = result["corpus_median_ms"]
    result["p99_ms"] = result["corpus_p99_ms"]
    result["meets_target"] = (float(result["corpus_context_median_ms"]) < TARGET_MEDIAN_MS
                              and float(result["corpus_context_p99_ms"]) < TARGET_P99_MS)
    if json_output:
        print(json.dumps(result, indent=2))
        return result
    lines = [f"assess per message ({rounds} rounds; every layer; target median < "
             f"{TARGET_MEDIAN_MS} ms, p99 < {TARGET_P99_MS} ms)"]
    labels = {"": "all layers", "context_": "all layers + context", "rules_": "rules only",
              "ungated_": "rules ungated"}
    for name, variant, _, items, _ in timed:
        label = f"{name} ({len(items)} msgs) {labels[variant]}"
        lines.append(
            f"  {label:44s} median {result[f'{name}_{variant}median_ms']:.4f} ms   "
            f"p99 {result[f'{name}_{variant}p99_ms']:.4f} ms   "
            f"max {result[f'{name}_{variant}max_ms']:.4f} ms"
        )
    lines.append(f"  of which normalise (corpus): median {result['normalise_median_ms']:.4f} ms")
    print("\n".join(lines))
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_safety")
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the corpus")
    parser.add_argument(
        "--ungated", action="store_true", help="also time with every rule family run"
    )
    args = parser.parse_args(argv)
    run(json_output=args.json, rounds=args.rounds, ungated=args.ungated)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
