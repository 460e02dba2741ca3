"""Measure the router against a labelled set: ``compassion-bot router eval [FILE]``.

One job: turn :meth:`bot.router.Router.route` into numbers a person can read.
The set is a TSV file, ``message<TAB>expected route``; ``#`` starts a comment
and a line ``# [name]`` starts a section, so that the part the cues were tuned
on and the held-out parts are scored apart (a held-out score is the honest one).
Each message is routed as for an onboarded person with no recent crisis.
The command itself is in :mod:`bot.router_cli`.

The report gives accuracy per section and overall, with how many misses
started a wrong exercise (a miss that asks instead costs one button press), a
confusion summary (for
each expected route: how many were right and what the rest became) and the
misses by line number; ``--show-text`` adds their text, ``--explain`` the cues
that fired.  The shipped set is ``bot/data/router_eval.tsv``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.router import ASK, Router
from bot.state import Profile

__all__ = [
    "DEFAULT_EVAL_PATH",
    "EvalReport",
    "LabelledMessage",
    "evaluate",
    "format_report",
    "read_labelled",
]

DEFAULT_EVAL_PATH = Path(__file__).parent / "data" / "router_eval.tsv"
DEFAULT_SECTION = "tuned"
_PROFILE = Profile(onboarded=True)


@dataclass(frozen=True, slots=True)
class LabelledMessage:
    lineno: int
    section: str
    text: str
    expected: str


@dataclass(frozen=True, slots=True)
class Miss:
    item: LabelledMessage
    got: str


@dataclass
class EvalReport:
    """Counts per section and per expected route; misses in file order."""

    total: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    by_expected: dict[str, Counter[str]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    guessed_wrong: Counter[str] = field(default_factory=Counter)
    """Misses that started a wrong exercise, rather than ask (the costlier kind)."""
    micros_per_message: float = 0.0

    def accuracy(self, section: str | None = None) -> float:
        """Share routed as labelled, in one section or over all of them."""
        if section is None:
            total, right = sum(self.total.values()), sum(self.correct.values())
        else:
            total, right = self.total[section], self.correct[section]
        return right / total if total else 0.0


class EvalFileError(ValueError):
    """A line of the labelled set that cannot be read."""


def read_labelled(path: Path) -> list[LabelledMessage]:
    """The labelled messages of ``path``, each with its section and line number."""
    items: list[LabelledMessage] = []
    section = DEFAULT_SECTION
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            name = line[1:].strip()
            if name.startswith("[") and name.endswith("]"):
                section = name[1:-1].strip()
            continue
        text, tab, expected = raw.rpartition("\t")
        if not tab or not text.strip() or not expected.strip():
            raise EvalFileError(f"{path.name}:{lineno}: expected message<TAB>route")
        items.append(LabelledMessage(lineno, section, text.strip(), expected.strip()))
    return items


def evaluate(items: Iterable[LabelledMessage], router: Router | None = None) -> EvalReport:
    """Route every message and count what came out right."""
    router = router or Router()
    report = EvalReport()
    items = list(items)
    for item in items:
        router.route(item.text, _PROFILE)  # warm up, so the time is a steady one
    routed = 0
    started = time.perf_counter()
    for item in items:
        got = router.route(item.text, _PROFILE).dialogue
        routed += 1
        report.total[item.section] += 1
        report.by_expected.setdefault(item.expected, Counter())[got] += 1
        if got == item.expected:
            report.correct[item.section] += 1
        else:
            report.misses.append(Miss(item, got))
            if got != ASK:
                report.guessed_wrong[item.section] += 1
    elapsed = time.perf_counter() - started
    report.micros_per_message = elapsed * 1e6 / routed if routed else 0.0
    return report


def format_report(
    report: EvalReport, *, show_text: bool = False, router: Router | None = None
) -> str:
    """The report as lines of text; ``router`` given: each miss with its cues."""
    lines = []
    for section in report.total:
        lines.append(f"{section:<14} {report.accuracy(section):7.1%}  "
                     f"({report.correct[section]}/{report.total[section]}, "
                     f"wrong exercise {report.guessed_wrong[section]})")
    all_right, all_total = sum(report.correct.values()), sum(report.total.values())
    lines.append(f"{'all':<14} {report.accuracy():7.1%}  ({all_right}/{all_total}, "
                 f"wrong exercise {sum(report.guessed_wrong.values())})")
    lines.append(f"routing time: {report.micros_per_message:.1f} µs per message")
    lines.append("")
    lines.append("expected        right  became instead")
    for expected in sorted(report.by_expected):
        counts = report.by_expected[expected]
        instead = ", ".join(f"{got} {n}" for got, n in counts.most_common() if got != expected)
        lines.append(f"{expected:<15} {counts[expected]:>2}/{sum(counts.values()):<3} "
                     f"{instead or '-'}")
    lines.append("")
    lines.append(f"misses: {len(report.misses)}")
    for miss in report.misses:
        line = f"  line {miss.item.lineno} [{miss.item.section}]: " \
               f"expected {miss.item.expected}, got {miss.got}"
        if show_text:
            line += f": {miss.item.text}"
        lines.append(line)
        if router is not None:
            shares = sorted(router.shares(miss.item.text).items(), key=lambda kv: -kv[1])
            lines.append("      model: " + ", ".join(f"{r} {p:.2f}" for r, p in shares[:3])
                         + f" (asks below {router.model.threshold:.2f})")
            for hit in router.scorer.score(miss.item.text).hits:
                sign = " (negated)" if hit.negated else ""
                sign += "" if hit.counted else " (not counted)"
                lines.append(f"      {hit.route} {hit.weight:+g} '{hit.cue}'{sign}")
    return "\n".join(lines)
