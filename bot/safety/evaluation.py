"""Measure the crisis detector against a labelled set, and classify raw lines.

One job: turn :func:`bot.safety.detector.assess` into numbers a person can read.
The labelled set is a TSV file (``label<TAB>category<TAB>text``; ``#`` starts a
comment; an optional ``label category text`` header).  ``crisis`` versus
not-crisis is what is scored: recall is the share of crisis lines assessed as
crisis, the false-positive rate the share of other lines (``none`` and
``concern``) assessed as crisis.  Both are also given per category, so a weak
spot (idioms, typos, one language) shows up by name.

The shipped set is ``bot/safety/data/eval.tsv``; it is found next to this module,
so it works from an installed package too.  Reports name lines by number, and
print message text only when asked (``show_text``): the set is test data, but the
habit of not echoing messages is worth keeping.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.safety.detector import assess

__all__ = [
    "DEFAULT_EVAL_PATH",
    "FPR_TARGET",
    "RECALL_TARGET",
    "CategoryStats",
    "EvalReport",
    "LabelledLine",
    "Miss",
    "classify_lines",
    "evaluate",
    "format_report",
    "read_labelled",
]

DEFAULT_EVAL_PATH = Path(__file__).parent / "data" / "eval.tsv"
RECALL_TARGET = 0.98
FPR_TARGET = 0.03
LABELS = frozenset({"crisis", "concern", "none"})


def classify_lines(lines: Iterable[str]) -> Iterator[str]:
    """One JSON object per input line: ``{"risk": ..., "reasons": [...]}``."""
    for line in lines:
        verdict = assess(line.rstrip("\r\n"))
        yield json.dumps({"risk": verdict.level, "reasons": list(verdict.reasons)})


@dataclass(frozen=True, slots=True)
class LabelledLine:
    lineno: int
    label: str
    category: str
    text: str


def read_labelled(path: Path | str) -> list[LabelledLine]:
    """Parse a labelled TSV file; a malformed line raises ``ValueError`` naming it."""
    items: list[LabelledLine] = []
    with Path(path).open(encoding="utf-8") as handle:
        for lineno, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t", 2)
            if len(parts) != 3:
                raise ValueError(f"{path}:{lineno}: expected label<TAB>category<TAB>text")
            label, category, text = (p.strip() for p in parts)
            if (label, category, text) == ("label", "category", "text"):
                continue
            if label not in LABELS:
                raise ValueError(f"{path}:{lineno}: unknown label {label!r}")
            items.append(LabelledLine(lineno, label, category, text))
    return items


@dataclass(frozen=True, slots=True)
class Miss:
    """A line the detector got wrong on the crisis / not-crisis question."""

    lineno: int
    category: str
    expected: str
    got: str
    reasons: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class CategoryStats:
    category: str
    crisis_total: int = 0
    crisis_caught: int = 0
    other_total: int = 0
    false_positives: int = 0

    @property
    def recall(self) -> float | None:
        return self.crisis_caught / self.crisis_total if self.crisis_total else None

    @property
    def fpr(self) -> float | None:
        return self.false_positives / self.other_total if self.other_total else None


@dataclass(frozen=True, slots=True)
class EvalReport:
    path: str
    total: int
    crisis_total: int
    crisis_caught: int
    other_total: int
    false_positives: int
    concern_on_other: int
    by_category: tuple[CategoryStats, ...] = ()
    misses: tuple[Miss, ...] = field(default=())

    @property
    def recall(self) -> float:
        return self.crisis_caught / self.crisis_total if self.crisis_total else 1.0

    @property
    def fpr(self) -> float:
        return self.false_positives / self.other_total if self.other_total else 0.0

    @property
    def meets_targets(self) -> bool:
        return self.recall >= RECALL_TARGET and self.fpr <= FPR_TARGET


def evaluate(path: Path | str = DEFAULT_EVAL_PATH) -> EvalReport:
    """Assess every line of a labelled set and count hits and false alarms."""
    items = read_labelled(path)
    stats: dict[str, list[int]] = {}
    misses: list[Miss] = []
    crisis_total = crisis_caught = other_total = false_positives = concern_on_other = 0
    for item in items:
        verdict = assess(item.text)
        flagged = verdict.level == "crisis"
        row = stats.setdefault(item.category, [0, 0, 0, 0])
        if item.label == "crisis":
            crisis_total += 1
            row[0] += 1
            if flagged:
                crisis_caught += 1
                row[1] += 1
        else:
            other_total += 1
            row[2] += 1
            if flagged:
                false_positives += 1
                row[3] += 1
            elif verdict.level == "concern":
                concern_on_other += 1
        if flagged != (item.label == "crisis"):
            misses.append(
                Miss(
                    item.lineno,
                    item.category,
                    item.label,
                    verdict.level,
                    verdict.reasons,
                    item.text,
                )
            )
    by_category = tuple(
        CategoryStats(name, *counts) for name, counts in sorted(stats.items())
    )
    return EvalReport(
        path=str(path),
        total=len(items),
        crisis_total=crisis_total,
        crisis_caught=crisis_caught,
        other_total=other_total,
        false_positives=false_positives,
        concern_on_other=concern_on_other,
        by_category=by_category,
        misses=tuple(misses),
    )


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def format_report(report: EvalReport, *, show_text: bool = False) -> str:
    """A plain-text summary: overall figures, per category, then the misses."""
    lines = [
        f"Evaluation of {report.path}: {report.total} messages",
        f"  crisis recall        {_pct(report.recall)}  ({report.crisis_caught}/"
        f"{report.crisis_total})  target >= {RECALL_TARGET:.0%}",
        f"  false-positive rate  {_pct(report.fpr)}  ({report.false_positives}/"
        f"{report.other_total} non-crisis flagged as crisis)  target <= {FPR_TARGET:.0%}",
        f"  non-crisis lines assessed as concern: {report.concern_on_other}",
        f"  targets met: {'yes' if report.meets_targets else 'NO'}",
        "",
        f"  {'category':<20} {'recall':>7} {'(n)':>6}  {'FPR':>7} {'(n)':>6}",
    ]
    for cat in report.by_category:
        recall_n = f"({cat.crisis_total})" if cat.crisis_total else ""
        fpr_n = f"({cat.other_total})" if cat.other_total else ""
        lines.append(
            f"  {cat.category:<20} {_pct(cat.recall):>7} {recall_n:>6}  {_pct(cat.fpr):>7}"
            f" {fpr_n:>6}"
        )
    if report.misses:
        lines.append("")
        lines.append(f"  {len(report.misses)} wrong on crisis / not-crisis:")
        for miss in report.misses:
            reasons = ",".join(miss.reasons) or "-"
            entry = (
                f"    line {miss.lineno:>4}  {miss.category:<18} expected {miss.expected:<7}"
                f" got {miss.got:<7} [{reasons}]"
            )
            if show_text:
                entry += f"  {miss.text}"
            lines.append(entry)
    return "\n".join(lines)
