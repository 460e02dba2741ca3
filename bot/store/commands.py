"""The ``migrate`` and ``db copy`` subcommands: what they print and their exit codes.

Exit codes: 0 done; 1 the copy was refused (a non-empty target, an old source
schema) or did not verify; 2 (from :func:`bot.cli.main`) a URL that names no
usable database.
"""

from __future__ import annotations

import asyncio
import sys

from bot.store.copy import CopyError, copy_database
from bot.store.migrate import migrate


def migrate_command(url: str) -> int:
    before, after = asyncio.run(migrate(url))
    if before == after:
        print(f"schema is up to date (version {after})")
    else:
        print(f"schema migrated from version {before} to {after}")
    return 0


def copy_command(source_url: str, target_url: str) -> int:
    try:
        report = asyncio.run(copy_database(source_url, target_url))
    except CopyError as exc:
        print(f"compassion-bot: {exc}", file=sys.stderr)
        return 1
    print(f"copied {report.source} -> {report.target}")
    print(f"{'table':<18}{'source':>10}{'target':>10}")
    for name, (source_rows, target_rows) in report.counts.items():
        flag = "" if source_rows == target_rows else "  MISMATCH"
        print(f"{name:<18}{source_rows:>10}{target_rows:>10}{flag}")
    if not report.verified:
        print("compassion-bot: row counts differ after the copy", file=sys.stderr)
        return 1
    return 0
