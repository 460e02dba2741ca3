"""Measure the crisis detector on labelled sets, and classify raw lines.

One job: turn an assessor into numbers a person can read, by phenomenon and by
language, so that a weak spot (typos, one language, farewells) shows by name.

For each group of examples:

* **recall, crisis only**: the share of ``crisis`` lines given the crisis lines;
* **recall, crisis or concern**: the share of risky lines (``crisis`` and
  ``concern``) given the crisis lines or a safety question;
* **false crisis** and **false concern**: the shares of ``safe`` lines given each.

A conversation is played as the bot meets it: each message is assessed with the
earlier ones as context (:mod:`bot.safety.context`), and it counts as caught when
any of its messages gets a verdict (a safe one, as a false alarm when any does).

Reports name examples by file and line, and print message text only when asked
(``show_text``): the habit of not echoing messages is worth keeping.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.safety.context import remember
from bot.safety.corpus import HELDOUT_DIR, Example, read_examples
from bot.types import Assessment, Assessor, RiskLevel

__all__ = [
    "TARGETS",
    "Report",
    "Stats",
    "classify_lines",
    "evaluate",
    "format_report",
    "read_heldout",
    "strongest",
    "verdicts",
]


TARGETS = {
    "recall_crisis": 0.85,
    "recall_any": 0.95,
    "false_crisis": 0.01,
    "false_concern": 0.05,
}
"""The issue's targets on fresh wording: recall at least, false rates at most."""


def classify_lines(lines: Iterable[str], assess: Callable[[str], Assessment]) -> Iterator[str]:
    """One JSON object per input line: ``{"risk": ..., "reasons": [...], "topic": ...}``."""
    for line in lines:
        verdict = assess(line.rstrip("\r\n"))
        yield json.dumps({"risk": verdict.level, "reasons": list(verdict.reasons),
                          "topic": verdict.topic})


def read_heldout(directory: Path = HELDOUT_DIR) -> list[Example]:
    """Every held-out example (messages and conversations), in a stable order."""
    examples: list[Example] = []
    for path in sorted(directory.glob("*.tsv")):
        examples.extend(read_examples(path))
    return examples


@dataclass(slots=True)
class Stats:
    """Counts for one group of examples."""

    crisis_lines: int = 0
    crisis_caught: int = 0
    risky_lines: int = 0
    risky_answered: int = 0
    safe_lines: int = 0
    false_crisis_count: int = 0
    false_concern_count: int = 0

    def add(self, label: str, got: RiskLevel) -> None:
        if label == "safe":
            self.safe_lines += 1
            self.false_crisis_count += got == "crisis"
            self.false_concern_count += got == "concern"
            return
        self.risky_lines += 1
        self.risky_answered += got != "none"
        if label == "crisis":
            self.crisis_lines += 1
            self.crisis_caught += got == "crisis"

    @property
    def recall_crisis(self) -> float | None:
        return self.crisis_caught / self.crisis_lines if self.crisis_lines else None

    @property
    def recall_any(self) -> float | None:
        return self.risky_answered / self.risky_lines if self.risky_lines else None

    @property
    def false_crisis(self) -> float | None:
        return self.false_crisis_count / self.safe_lines if self.safe_lines else None

    @property
    def false_concern(self) -> float | None:
        return self.false_concern_count / self.safe_lines if self.safe_lines else None

    def figures(self) -> dict[str, float | int | None]:
        return {
            "risky": self.risky_lines,
            "safe": self.safe_lines,
            "recall_crisis": self.recall_crisis,
            "recall_any": self.recall_any,
            "false_crisis": self.false_crisis,
            "false_concern": self.false_concern,
        }

    def meets(self) -> bool:
        """Whether every figure this group has meets its target."""
        checks = [
            (self.recall_crisis, TARGETS["recall_crisis"], True),
            (self.recall_any, TARGETS["recall_any"], True),
            (self.false_crisis, TARGETS["false_crisis"], False),
            (self.false_concern, TARGETS["false_concern"], False),
        ]
        return all(value is None or (value >= target if at_least else value <= target)
                   for value, target, at_least in checks)


@dataclass(frozen=True, slots=True)
class Miss:
    source: str
    label: str
    got: RiskLevel
    phenomenon: str
    lang: str
    text: str


@dataclass(slots=True)
class Report:
    """Figures overall, for English alone, by phenomenon, by language, and for
    conversations; and the examples judged wrongly."""

    overall: Stats = field(default_factory=Stats)
    english: Stats = field(default_factory=Stats)
    conversations: Stats = field(default_factory=Stats)
    by_phenomenon: dict[str, Stats] = field(default_factory=dict)
    by_language: dict[str, Stats] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    def meets_targets(self) -> bool:
        """The issue's targets: overall and English alone, on single messages."""
        return self.overall.meets() and self.english.meets()

    def as_dict(self, *, show_text: bool = False) -> dict[str, object]:
        return {
            "overall": self.overall.figures(),
            "english": self.english.figures(),
            "conversations": self.conversations.figures(),
            "by_phenomenon": {k: v.figures() for k, v in sorted(self.by_phenomenon.items())},
            "by_language": {k: v.figures() for k, v in sorted(self.by_language.items())},
            "meets_targets": self.meets_targets(),
            "misses": [
                {"source": m.source, "label": m.label, "got": m.got, "phenomenon": m.phenomenon,
                 "lang": m.lang, **({"text": m.text} if show_text else {})}
                for m in self.misses
            ],
        }


def verdicts(example: Example, assess: Assessor) -> list[RiskLevel]:
    """The verdict on each message of an example, played in order with the
    context the runtime would keep (a minute apart)."""
    window: list[str] = []
    since: datetime | None = None
    now = datetime(2026, 1, 1, tzinfo=UTC)
    levels: list[RiskLevel] = []
    for message in example.messages:
        level = assess(message, tuple(window)).level
        levels.append(level)
        window, since = remember(window, since, message, now, crisis=level == "crisis")
        now += timedelta(minutes=1)
    return levels


def strongest(levels: Sequence[RiskLevel]) -> RiskLevel:
    """The strongest verdict among several (a conversation's messages)."""
    if "crisis" in levels:
        return "crisis"
    return "concern" if "concern" in levels else "none"


def evaluate(examples: Sequence[Example], assess: Assessor,
             levels: Sequence[RiskLevel] | None = None) -> Report:
    """Score ``assess`` on ``examples`` (or score precomputed ``levels``)."""
    report = Report()
    for i, example in enumerate(examples):
        got = levels[i] if levels is not None else strongest(verdicts(example, assess))
        if len(example.messages) > 1:
            report.conversations.add(example.label, got)
        else:
            report.overall.add(example.label, got)
            if example.lang == "en":
                report.english.add(example.label, got)
            report.by_language.setdefault(example.lang, Stats()).add(example.label, got)
        report.by_phenomenon.setdefault(example.phenomenon, Stats()).add(example.label, got)
        wrong = (got != "none") if example.label == "safe" else (
            got == "none" or (example.label == "crisis" and got != "crisis"))
        if wrong:
            report.misses.append(Miss(example.source, example.label, got, example.phenomenon,
                                      example.lang, " || ".join(example.messages)))
    return report


def _pct(value: float | int | None) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def _table(title: str, rows: Sequence[tuple[str, Stats]]) -> list[str]:
    out = [title, f"  {'':22} {'risky':>5} {'safe':>5}  {'crisis':>6}  {'c|conc':>6}"
                  f"  {'f.cris':>6}  {'f.conc':>6}"]
    for name, stats in rows:
        out.append(
            f"  {name[:22]:22} {stats.risky_lines:5d} {stats.safe_lines:5d}  "
            f"{_pct(stats.recall_crisis)}  {_pct(stats.recall_any)}  "
            f"{_pct(stats.false_crisis)}  {_pct(stats.false_concern)}")
    return out


def format_report(report: Report, *, title: str, show_text: bool = False) -> str:
    """A plain-text report: the summary rows, then by language and by phenomenon."""
    lines = [title, "columns: recall counting crisis only, recall counting crisis or concern, "
                    "false crisis and false concern on safe lines", ""]
    lines += _table("summary", [("all languages", report.overall), ("English", report.english),
                                ("conversations", report.conversations)])
    lines.append("")
    lines += _table("by language", sorted(report.by_language.items()))
    lines.append("")
    lines += _table("by phenomenon", sorted(report.by_phenomenon.items()))
    lines.append("")
    targets = ", ".join(f"{k} {'>=' if k.startswith('recall') else '<='} {v:.0%}"
                        for k, v in TARGETS.items())
    verdict = "met" if report.meets_targets() else "NOT met"
    lines.append(f"targets ({targets}), all languages and English: {verdict}")
    lines.append(f"misjudged: {len(report.misses)}")
    for miss in report.misses:
        text = f"  {miss.text}" if show_text else ""
        lines.append(f"  {miss.source} [{miss.lang} {miss.phenomenon}] {miss.label} -> "
                     f"{miss.got}{text}")
    return "\n".join(lines)
