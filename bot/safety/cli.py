"""Command-line entry for the safety tools: ``classify`` and ``eval``.

One job: parse arguments and call :mod:`bot.safety.evaluation`.  The project's
``compassion-bot safety ...`` subcommand hands its remaining arguments to
:func:`main`; it also runs on its own as ``python -m bot.safety.cli``.

* ``classify [FILE]``: one JSON verdict per input line (stdin by default), for
  checking messages by hand or in a pipeline.  The verdicts carry no text.
* ``eval [FILE] [--show-text] [--json]``: score a labelled TSV set (the shipped
  one by default) and print recall and false-positive rate, overall and per
  category.  Exits 1 when the targets are missed, so CI can run it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from bot.safety.evaluation import DEFAULT_EVAL_PATH, classify_lines, evaluate, format_report

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="compassion-bot safety",
        description="Check the crisis-language detector.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    classify = sub.add_parser(
        "classify",
        help="assess each input line; print one JSON object per line",
    )
    classify.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="a text file, one message per line (default: standard input)",
    )

    ev = sub.add_parser("eval", help="score the detector on a labelled TSV set")
    ev.add_argument(
        "file",
        nargs="?",
        type=Path,
        default=DEFAULT_EVAL_PATH,
        help="label<TAB>category<TAB>text file (default: the shipped set)",
    )
    ev.add_argument(
        "--show-text",
        action="store_true",
        help="print the text of each wrongly judged line (the set is test data)",
    )
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def _classify(path: Path | None) -> int:
    if path is None:
        for out in classify_lines(sys.stdin):
            print(out, flush=True)
        return 0
    with path.open(encoding="utf-8") as handle:
        for out in classify_lines(handle):
            print(out)
    return 0


def _eval(path: Path, *, show_text: bool, as_json: bool) -> int:
    report = evaluate(path)
    if as_json:
        data = asdict(report)
        if not show_text:
            for miss in data["misses"]:
                miss.pop("text", None)
        data.update(recall=report.recall, fpr=report.fpr, meets_targets=report.meets_targets)
        for cat, stats in zip(data["by_category"], report.by_category, strict=True):
            cat.update(recall=stats.recall, fpr=stats.fpr)
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(format_report(report, show_text=show_text))
    return 0 if report.meets_targets else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run a safety subcommand; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "classify":
            return _classify(args.file)
        return _eval(args.file, show_text=args.show_text, as_json=args.json)
    except (OSError, ValueError) as exc:
        print(f"compassion-bot safety: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover - exercised through main() in tests
    raise SystemExit(main())
