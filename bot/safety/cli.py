"""Command-line entry for the safety tools: ``classify``, ``eval`` and ``train``.

One job: parse arguments and call the safety modules.  The project's
``compassion-bot safety ...`` subcommand hands its remaining arguments to
:func:`main`; it also runs on its own as ``python -m bot.safety.cli``.

* ``classify [FILE]``: one JSON verdict per input line (stdin by default).  The
  verdicts carry no text.
* ``eval [FILE ...] [--train] [--show-text] [--json]``: score the detector on the
  frozen held-out sets (the default) or on the given TSV files; with ``--train``,
  on the training corpus, cross-validated (each line scored by a model that never
  saw it).  Exits 1 when the targets are missed.
* ``train [--out PATH]``: train the classifier on the corpus and write its weights
  (the shipped model is made this way and committed).
* ``gate``: write the prefilter's plan for the current rules
  (``data/gate_plan.json.gz``, committed), so that the bot does not analyse the
  rules again at every start.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.safety.classifier import DEFAULT_MODEL_PATH
from bot.safety.corpus import Example, read_corpus, read_examples
from bot.safety.detector import FAMILY_REGEXES, GATE_PLAN_PATH
from bot.safety.evaluation import (
    Report,
    classify_lines,
    evaluate,
    format_report,
    read_heldout,
    strongest,
    verdicts,
)
from bot.safety.layers import default_detector
from bot.safety.prefilter import write_plan
from bot.types import RiskLevel

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="compassion-bot safety",
        description="Check, measure and train the crisis-language detector.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    classify = sub.add_parser("classify", help="assess each input line; print JSON per line")
    classify.add_argument("file", nargs="?", type=Path,
                          help="a text file, one message per line (default: standard input)")

    ev = sub.add_parser("eval", help="score the detector on labelled sets")
    ev.add_argument("files", nargs="*", type=Path,
                    help="label<TAB>phenomenon<TAB>lang<TAB>text files "
                         "(default: the frozen held-out sets)")
    ev.add_argument("--train", action="store_true",
                    help="score the training corpus, cross-validated, instead")
    ev.add_argument("--show-text", action="store_true",
                    help="print the text of each misjudged example")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")

    train = sub.add_parser("train", help="train the classifier on the corpus")
    train.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH,
                       help=f"where to write the weights (default: {DEFAULT_MODEL_PATH})")
    sub.add_parser("gate", help="keep the prefilter's analysis of the rules "
                                "(run after changing bot/safety/rules.py)")
    return parser


def _classify(path: Path | None) -> int:
    assess = default_detector().assess
    if path is None:
        for out in classify_lines(sys.stdin, assess):
            print(out, flush=True)
        return 0
    with path.open(encoding="utf-8") as handle:
        for out in classify_lines(handle, assess):
            print(out)
    return 0


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cross_validated() -> tuple[list[Example], Report]:
    """The corpus scored with out-of-fold models: every layer, as in the bot."""
    from bot.safety.train import TrainingSettings, cross_validate_detectors

    examples = read_corpus()
    detectors = cross_validate_detectors(examples, TrainingSettings(), _progress)
    levels: list[RiskLevel] = [strongest(verdicts(example, detector.assess))
                               for example, detector in zip(examples, detectors, strict=True)]
    return examples, evaluate(examples, default_detector().assess, levels)


def _eval(files: Sequence[Path], *, train: bool, show_text: bool, as_json: bool) -> int:
    if train:
        _, report = _cross_validated()
        title = "training corpus, 5-fold cross-validated"
    else:
        examples = ([e for f in files for e in read_examples(f)] if files
                    else read_heldout())
        if not examples:
            raise ValueError("no labelled examples to score")
        report = evaluate(examples, default_detector().assess)
        title = ("held-out sets (frozen, never trained or tuned on)" if not files
                 else ", ".join(str(f) for f in files))
    if as_json:
        print(json.dumps(report.as_dict(show_text=show_text), indent=2, ensure_ascii=False))
    else:
        print(format_report(report, title=title, show_text=show_text))
    return 0 if report.meets_targets() else 1


def _train(out: Path) -> int:
    from bot.safety.train import train_and_save

    model, examples, _ = train_and_save(out, progress=_progress)
    print(f"trained on {len(examples)} examples; thresholds: concern "
          f"{model.thresholds.concern:.3f}, crisis {model.thresholds.crisis:.3f}, "
          f"in a window concern {model.thresholds.window_concern:.3f}, "
          f"crisis {model.thresholds.window_crisis:.3f}; "
          f"written to {out}")
    return 0


def _write_gate_plan() -> int:
    write_plan(FAMILY_REGEXES, GATE_PLAN_PATH)
    print(f"prefilter plan for {len(FAMILY_REGEXES)} rule families written to {GATE_PLAN_PATH}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run a safety subcommand; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "classify":
            return _classify(args.file)
        if args.command == "train":
            return _train(args.out)
        if args.command == "gate":
            return _write_gate_plan()
        return _eval(args.files, train=args.train, show_text=args.show_text,
                     as_json=args.json)
    except (OSError, ValueError) as exc:
        print(f"compassion-bot safety: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover - exercised through main() in tests
    raise SystemExit(main())
