"""``python -m benchmarks.compare A.json B.json``: B's figures against A's, flagging regressions.

One job: read two records written by :mod:`benchmarks.suite`, print every figure
both have with its ratio B/A, and flag each one more than ``--threshold``
(default 20 %) worse in B.  Exit status 1 when anything is flagged, so a script
or CI step can stop on it; 0 otherwise.

Whether more is better is read from the figure's name (:func:`direction`):
rates are better higher, times and memory lower; a figure of neither kind
(a count of messages, a setting echoed back) is printed but never flagged.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = ["Row", "compare", "direction", "figures", "main"]

THRESHOLD = 0.20
Better = Literal["higher", "lower"]

# Read on the figure's last name; a rate is looked for first ("per_second" ends
# like a time).
_HIGHER_PARTS = ("per_second", "per_s_", "completed_flows", "rate_reached")
_HIGHER_ENDS = ("per_s",)
_LOWER_PARTS = ("_ms_", "rss", "429")
_LOWER_ENDS = ("_ms", "_mb", "_s", "seconds")


def direction(name: str) -> Better | None:
    """Whether ``name`` (``bench.figure``) is better ``"higher"`` or ``"lower"``, or
    ``None`` for a figure that is neither (a count, a size, a setting)."""
    leaf = name.rsplit(".", 1)[-1]
    if leaf.startswith("target_"):
        return None  # a goal the benchmark states, not a measurement
    if "max" in leaf:
        return None  # one worst sample: a scheduler hiccup on a busy machine moves it
    if any(part in leaf for part in _HIGHER_PARTS) or leaf.endswith(_HIGHER_ENDS):
        return "higher"
    if any(part in leaf for part in _LOWER_PARTS) or leaf.endswith(_LOWER_ENDS):
        return "lower"
    return None


def figures(record: Mapping[str, Any]) -> dict[str, float]:
    """Every numeric figure of a record, by ``bench.name`` (nested parts dotted)."""

    def walk(prefix: str, value: object) -> Iterator[tuple[str, float]]:
        if isinstance(value, bool):
            return  # a yes/no ("meets_target") has no ratio
        if isinstance(value, int | float):
            yield prefix, float(value)
        elif isinstance(value, Mapping):
            for key, inner in value.items():
                yield from walk(f"{prefix}.{key}", inner)

    found: dict[str, float] = {}
    for bench, result in record.get("benchmarks", {}).items():
        found.update(walk(bench, result.get("figures", {})))
        if "wall_s" in result:
            found[f"{bench}.wall_s"] = float(result["wall_s"])
    return found


@dataclass(frozen=True, slots=True)
class Row:
    """One figure in both records."""

    name: str
    before: float
    after: float
    better: Better | None
    worse: bool

    @property
    def ratio(self) -> float | None:
        return self.after / self.before if self.before else None


def compare(a: Mapping[str, Any], b: Mapping[str, Any], threshold: float = THRESHOLD
            ) -> list[Row]:
    """The figures of ``a`` and ``b`` side by side, each marked when ``b`` is worse
    than ``a`` by more than ``threshold`` (a fraction)."""
    before, after = figures(a), figures(b)
    rows = []
    for name in sorted(before.keys() & after.keys()):
        old, new, better = before[name], after[name], direction(name)
        if better == "higher":
            worse = new < old * (1 - threshold)
        elif better == "lower":
            # A time of zero before has no ratio; anything above it is then worse.
            worse = new > old * (1 + threshold) if old > 0 else new > 0
        else:
            worse = False
        rows.append(Row(name, old, new, better, worse))
    return rows


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path, help="the earlier record")
    parser.add_argument("b", type=Path, help="the later record")
    parser.add_argument("--threshold", type=float, default=THRESHOLD,
                        help="flag a figure worse by more than this fraction (default 0.2)")
    args = parser.parse_args(argv)
    a, b = (json.loads(path.read_text()) for path in (args.a, args.b))
    rows = compare(a, b, args.threshold)
    print(f"{'figure':<44} {a.get('commit', 'A'):>12} {b.get('commit', 'B'):>12}  ratio")
    for row in rows:
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
        mark = "  WORSE" if row.worse else ("" if row.better else "  (info)")
        print(f"{row.name:<44} {_number(row.before):>12} {_number(row.after):>12}  "
              f"{ratio}{mark}")
    flagged = [row.name for row in rows if row.worse]
    if flagged:
        print(f"{len(flagged)} figure(s) more than {args.threshold:.0%} worse: "
              + ", ".join(flagged), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
