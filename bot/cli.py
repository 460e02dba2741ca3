"""The ``compassion-bot`` command line.

``run`` (the default) starts the bot on every configured platform, with the
terminal chat when no platform token is set; ``chat`` talks in the terminal;
``dialogues check`` validates dialogue files and ``dialogues graph`` draws one;
``bench`` measures; ``safety`` classifies and evaluates crisis detection;
``router eval|train`` scores and trains where free text is sent; ``migrate`` and ``db copy``
maintain the database; ``health``, ``db purge`` and ``keys`` are the operator's
(:mod:`bot.maintenance`), and so is ``report``, the safety counts per day
(:mod:`bot.report`).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bot import maintenance, report
from bot.config import Settings, SettingsError, load_settings
from bot.crypto import EncryptionKeyError
from bot.dialogue.loader import DialogueError, check_dialogues, load_locales
from bot.failure_log import WithoutTraceback
from bot.groups.prompts import PromptError, check_prompts
from bot.nudges.library import LibraryError, check_library
from bot.nudges.words import WordsError, check_words
from bot.route_cues import RoutingError, check_route_cues
from bot.route_model import RouteModelError
from bot.safety.classifier import ModelError
from bot.storage_faults import classify
from bot.store import DatabaseUnavailableError, UnsupportedDatabaseError

log = logging.getLogger("compassion_bot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="compassion-bot",
        description="A self-hostable chat bot for compassion-focused care.",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="start the bot (terminal chat, plus Telegram/Discord if set up)")

    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--db", type=Path, help="SQLite file (default: from DATABASE_URL)")
    chat.add_argument("--user", default="local", help="who you are to the bot (default: local)")

    dialogues = sub.add_parser("dialogues", help="work with dialogue files")
    dialogues_sub = dialogues.add_subparsers(dest="dialogues_command", required=True)
    check = dialogues_sub.add_parser("check", help="validate dialogue files")
    check.add_argument("paths", nargs="*", type=Path, help="files or folders (default: dialogues/)")
    graph = dialogues_sub.add_parser("graph", help="print one dialogue as a Mermaid flowchart")
    graph.add_argument("name", help="the dialogue's id")
    graph.add_argument("--dir", type=Path, help="dialogue folder (default: from DIALOGUES_DIR)")

    bench = sub.add_parser("bench", help="measure throughput and latency (bench nudges: the "
                           "scheduler)")
    bench.add_argument("what", nargs="?", choices=["runtime", "nudges"], default="runtime",
                       help="runtime (default): many people talking; nudges: due-nudge "
                       "claims among a million and a day of rate-limited fan-out")
    bench.add_argument("--subscriptions", type=int, default=1_000_000,
                       help="nudges: subscriptions in the tick benchmark")
    bench.add_argument("--subscribers", type=int, default=100_000,
                       help="nudges: people in the simulated day")
    bench.add_argument("--people", type=int, default=10_000, help="simulated people")
    bench.add_argument("--rate", type=float, default=3000.0,
                       help="messages per second the people send, together")
    bench.add_argument("--db", type=Path, help="SQLite file (default: a temporary one)")
    bench.add_argument("--workers", type=int,
                       help="runtime on PostgreSQL (DATABASE_URL=postgresql://...) with this "
                       "many worker processes sharing the people, in a fresh schema")
    bench.add_argument("--json", action="store_true", help="print figures as JSON")

    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("--db", help="database URL (default: DATABASE_URL)")
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_copy = db_sub.add_parser(
        "copy", help="copy every row into an empty database (SQLite <-> PostgreSQL)")
    db_copy.add_argument("--from", dest="source", required=True, help="database URL to read")
    db_copy.add_argument("--to", dest="target", required=True, help="empty database URL")

    safety = sub.add_parser("safety", help="crisis detection: classify or evaluate")
    safety.add_argument("args", nargs=argparse.REMAINDER, help="classify | eval [FILE]")

    router = sub.add_parser("router", help="where free text goes: evaluate or train the router")
    router.add_argument("args", nargs=argparse.REMAINDER, help="eval [FILE] | train")
    maintenance.add_commands(sub, db_sub)
    report.add_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(maintenance.attach_key_values(given))
    command = args.command or "run"
    try:
        if command == "dialogues" and args.dialogues_command == "graph":
            from bot.dialogue.graph import main as graph_main

            return graph_main(args.name, args.dir or load_settings().dialogues_dir)
        if command == "dialogues":
            return _check(args.paths)
        if command == "router":
            from bot.router_cli import main as router_main

            return router_main(list(args.args))
        if command == "safety":
            from bot.safety.cli import main as safety_main

            return safety_main(list(args.args))
        if command == "db" and args.db_command == "copy":
            from bot.store.commands import copy_command

            return copy_command(args.source, args.target)
        if maintenance.handles(args) and not maintenance.needs_settings(args):
            return maintenance.run(args, None)
        settings = load_settings()
        configure_logging(settings.log_level)
        if maintenance.handles(args):
            return maintenance.run(args, settings)
        if command == "report":
            return report.run(args, settings)
        if command == "migrate":
            from bot.store.commands import migrate_command

            return migrate_command(args.db or settings.database_url)
        if command == "bench" and not benchmarks_available():
            return 2
        if command == "bench" and args.what == "nudges":
            from benchmarks.bench_nudges import main as bench_nudges

            return bench_nudges(settings, subscriptions=args.subscriptions,
                                people=args.subscribers, as_json=args.json)
        if command == "bench" and args.workers is not None:
            from benchmarks.bench_workers import main as bench_workers

            return bench_workers(settings, people=args.people, rate=args.rate,
                                 workers=args.workers, as_json=args.json)
        if command == "bench":
            from benchmarks.bench_runtime import main as bench_main

            return bench_main(settings, people=args.people, rate=args.rate, db=args.db,
                              as_json=args.json)
        if command == "chat":
            if args.db is not None:
                settings = settings.model_copy(update={"database_url": f"sqlite:///{args.db}"})
            return asyncio.run(_chat(settings, args.user))
        return asyncio.run(_run(settings))
    except (SettingsError, UnsupportedDatabaseError, DatabaseUnavailableError,
            EncryptionKeyError) as exc:
        print(f"compassion-bot: {exc}", file=sys.stderr)
        return 2
    except (DialogueError, LibraryError, ModelError, RouteModelError, PromptError,
            RoutingError, WordsError) as exc:
        # A file the bot reads at start (dialogues, nudges, a model) is broken or
        # missing: its own message names the file, where a storage check would
        # blame the disk.
        print(f"compassion-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # A database that cannot be used: one line saying why and what to do,
        # never a traceback.  Anything else is a bug and shows as one.
        fault = classify(exc)
        if fault is None:
            raise
        print(f"compassion-bot: {fault.line()}", file=sys.stderr)
        return 2


# Libraries that log request bodies, SQL parameters or URLs with the bot token at
# DEBUG/INFO: what people wrote and the tokens must never reach a log.
QUIET_LOGGERS = ("aiosqlite", "httpx", "httpcore", "telegram", "discord", "asyncpg")


BENCHMARKS_MISSING = (
    "compassion-bot: the benchmarks are not part of the installed package. "
    "Run 'compassion-bot bench' from a checkout of the compassion-bot repository, "
    "installed there with: pip install -e '.[dev,postgres]'"
)


def benchmarks_available() -> bool:
    """Whether ``benchmarks`` can be imported, saying how to get it when not.

    The wheel ships ``bot`` and ``adapters`` only; an editable install of a
    checkout puts the checkout on ``sys.path``, where ``benchmarks/`` lives.
    """
    if importlib.util.find_spec("benchmarks") is not None:
        return True
    print(BENCHMARKS_MISSING, file=sys.stderr)
    return False


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    # asyncpg logs a traceback each time it fails to reconnect to a server that
    # is down: one line says as much.
    for handler in logging.getLogger().handlers:
        handler.addFilter(WithoutTraceback(QUIET_LOGGERS))


def _check(paths: Sequence[Path]) -> int:
    from bot.app import message_limits

    targets = list(paths) or [load_settings().dialogues_dir]
    # Texts and buttons must fit every registered platform (bot.app.PLATFORMS).
    limits = message_limits()
    problems = ([str(p) for p in check_dialogues(targets, limits=limits)]
                + check_library(targets, limits)
                + check_prompts(targets) + check_route_cues(targets) + check_words(targets))
    for folder in (t for t in targets if t.is_dir()):
        locales, locale_problems = load_locales(folder, limits=limits)
        problems += [str(p) for p in locale_problems]
        for code, locale in sorted(locales.items()):
            cov = locale.coverage
            print(f"locale {code} ({locale.info.name}): {cov.translated} of {cov.lines} lines "
                  f"translated ({cov.share:.0%}), {cov.lines - cov.translated} said in English")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("all dialogues are valid")
    return 0


async def _chat(settings: Settings, user_id: str) -> int:
    from adapters.console import ConsolePlatform
    from bot.app import open_app, serve_platform

    terminal = ConsolePlatform.for_terminal(user_id)
    async with open_app(settings) as app:
        # Timers (a breathing exercise's pauses) and nudges reach the terminal too.
        scheduler = asyncio.create_task(app.scheduler.run(), name="scheduler")
        try:
            await serve_platform(app, terminal, asyncio.Event(), run_outbox=False)
        finally:
            scheduler.cancel()
            await asyncio.gather(scheduler, return_exceptions=True)
    return 1 if terminal.unsaved else 0


async def _run(settings: Settings) -> int:
    """Every configured platform at once, with the terminal chat when there is a terminal.

    Ends when SIGINT/SIGTERM arrives, when the terminal chat is left (Ctrl-D), or
    when a platform stops for good.
    """
    from bot.app import (
        configured_platforms,
        open_app,
        serve_platforms,
        settle_garbage_collector,
    )
    from bot.housekeeping import Housekeeper
    from bot.runtime import utc_now

    # Every platform's settings are checked before anything starts (bot.app.PLATFORMS).
    platforms = configured_platforms(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with open_app(settings) as app:
        settle_garbage_collector()
        # One scheduler for timers and nudges; retention once a day.  The outbox
        # (recovery and drain, for every platform) is serve_platforms'.
        housekeeper = Housekeeper(app.store, utc_now, timedelta(days=settings.retention_days))
        background = [asyncio.create_task(app.scheduler.run(), name="scheduler"),
                      asyncio.create_task(housekeeper.run(), name="housekeeping")]
        try:
            await serve_platforms(app, platforms, stop)
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
    return 0


if __name__ == "__main__":  # `python -m bot.cli`, as well as `python -m bot`
    sys.exit(main())
