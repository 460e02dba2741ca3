"""Command-line entry for the router: ``compassion-bot router eval|train``.

One job: parse arguments and call the router's modules.

* ``eval [FILE] [--show-text] [--explain]``: score the router on a labelled set
  (:mod:`bot.router_eval`; default: the shipped ``data/router_eval.tsv``).
* ``train [--corpus FILE] [--out FILE]``: train the router's model on the
  authored corpus (:mod:`bot.route_train`), print its cross-validated figures,
  and write the weights (the shipped model is made this way and committed).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import default_dialogues_dir
from bot.dialogue.locales import LOCALES_DIR
from bot.route_cues import ROUTING_FILE, load_route_cues
from bot.route_model import DEFAULT_MODEL_PATH, RouteModelError
from bot.router import Router
from bot.router_eval import DEFAULT_EVAL_PATH, EvalFileError, evaluate, format_report, read_labelled

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="compassion-bot router",
                                     description="Check and train where free text is routed.")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("eval", help="score the router on a labelled TSV set")
    ev.add_argument("file", nargs="?", type=Path, default=DEFAULT_EVAL_PATH,
                    help="message<TAB>expected route file (default: the shipped set)")
    ev.add_argument("--show-text", action="store_true",
                    help="print the text of each miss (the set is test data)")
    ev.add_argument("--explain", action="store_true",
                    help="list the model's top routes and the cues each miss matched")
    ev.add_argument("--locale", default=None,
                    help="route with that language's cues (dialogues/locales/<code>/"
                         "library/routing.yaml), as the bot does for people who speak it")
    train = sub.add_parser("train", help="train the router's model on the corpus")
    train.add_argument("--corpus", type=Path, default=None,
                       help="message<TAB>route training file (default: the shipped corpus)")
    train.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH,
                       help=f"where to write the weights (default: {DEFAULT_MODEL_PATH})")
    return parser


def _eval(path: Path, *, show_text: bool, explain: bool, locale: str | None = None) -> int:
    items = read_labelled(path)
    if locale is None:
        router = Router()
    else:
        cues = default_dialogues_dir() / LOCALES_DIR / locale / ROUTING_FILE
        if not cues.is_file():
            raise ValueError(f"no routing cues for locale {locale!r} ({cues})")
        router = Router(cues=load_route_cues(cues), cues_only=True)
    report = evaluate(items, router)
    print(format_report(report, show_text=show_text, router=router if explain else None))
    return 0


def _train(corpus: Path | None, out: Path) -> int:
    # Imported here: training code is not needed to route or evaluate.
    from bot.route_train import DEFAULT_CORPUS_PATH, train_and_save

    model, cv = train_and_save(out, corpus or DEFAULT_CORPUS_PATH)
    right, wrong = cv.rates(model.threshold)
    raw_right, raw_wrong = cv.rates(0.0)
    print(f"trained on {len(cv.labels)} examples over {len(model.routes)} routes; "
          f"{len(model.ids)} n-gram weights")
    print(f"cross-validated, never asking: right {raw_right:.1%}, wrong {raw_wrong:.1%}")
    print(f"cross-validated, asking below {model.threshold:.2f}: "
          f"right {right:.1%}, wrong {wrong:.1%}, asked {1 - right - wrong:.1%}")
    print(f"written to {out}")
    return 0


def main(argv: Sequence[str]) -> int:
    """Run a router subcommand; exit 2 when a file cannot be read."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "train":
            return _train(args.corpus, args.out)
        return _eval(args.file, show_text=args.show_text, explain=args.explain,
                     locale=args.locale)
    except (OSError, EvalFileError, RouteModelError, ValueError) as exc:
        print(f"compassion-bot router: {exc}", file=sys.stderr)
        return 2
