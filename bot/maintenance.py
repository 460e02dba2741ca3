"""The operator's commands: ``health``, ``db purge``, ``keys generate``, ``keys rotate``.

``bot.cli`` registers them with :func:`add_commands` and hands them over with
:func:`run`; each opens only the store, never the platforms or the dialogues, so
it is quick enough for a container health check.  Output is counts and short
reasons, never stored text and never a key (except the one ``keys generate``
was asked for).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.crypto import EncryptionKeyError, FieldCipher, generate_key, parse_keys
from bot.housekeeping import MIN_RETENTION, purge_cutoff
from bot.store import UnsupportedDatabaseError, create_backend, open_store, sqlite_path
from bot.store.keys import rotate_keys
from bot.store.migrations import migrations_for


def add_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    db: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add this module's commands to the ``compassion-bot`` parser (``db`` is the
    ``db`` command's own subcommands)."""
    sub.add_parser("health", help="check the database is reachable, migrated and the key fits "
                                  "(exit 0/1 with a one-line reason)")
    purge = db.add_parser("purge", help="delete free text older than the retention period now")
    purge.add_argument("--days", type=int, help="retention in days (default: RETENTION_DAYS)")
    keys = sub.add_parser("keys", help="encryption keys").add_subparsers(dest="keys_command",
                                                                        required=True)
    keys.add_parser("generate", help="print a new ENCRYPTION_KEY")
    rotate = keys.add_parser(
        "rotate", help="re-encrypt everything under a new key (the current one from "
                       "ENCRYPTION_KEY; without one, encrypts a plain database)")
    rotate.add_argument("--new-key", required=True,
                        help="the new key, or - to read it from standard input (keeps it "
                             "out of the shell history and the process list); a key that "
                             "begins with - may also be given as --new-key=KEY")


KEY_OPTIONS = ("--new-key",)
"""Options whose value is a key."""


def attach_key_values(argv: Sequence[str]) -> list[str]:
    """``--new-key -abc...`` rewritten as ``--new-key=-abc...``.

    A key may begin with ``-`` (1 in 64 made before this release did), and
    argparse reads such a value as an unknown option and reports the key as
    missing.  Attached with ``=``, it is the option's value whatever it begins
    with; ``-`` alone (read the key from standard input) stays as it is.
    """
    out: list[str] = []
    position = 0
    while position < len(argv):
        arg = argv[position]
        following = argv[position + 1] if position + 1 < len(argv) else None
        if (arg in KEY_OPTIONS and following is not None and following.startswith("-")
                and following != "-"):
            out.append(f"{arg}={following}")
            position += 2
            continue
        out.append(arg)
        position += 1
    return out


def handles(args: argparse.Namespace) -> bool:
    """Whether ``args`` names one of this module's commands."""
    return args.command in ("health", "keys") or (
        args.command == "db" and args.db_command == "purge")


def needs_settings(args: argparse.Namespace) -> bool:
    """``keys generate`` works even while ``ENCRYPTION_KEY`` holds something malformed."""
    return not (args.command == "keys" and args.keys_command == "generate")


def run(args: argparse.Namespace, settings: Settings | None, out: TextIO | None = None) -> int:
    """Run the command ``args`` names; returns the exit status."""
    out = out or sys.stdout  # looked up now: tests and tools swap sys.stdout
    if args.command == "keys" and args.keys_command == "generate":
        print(generate_key(), file=out)
        return 0
    assert settings is not None
    if args.command == "health":
        return asyncio.run(health(settings, out))
    if args.command == "db":
        days = settings.retention_days if args.days is None else args.days
        if timedelta(days=days) < MIN_RETENTION:
            print(f"compassion-bot: --days must be at least {MIN_RETENTION.days}, so that "
                  "redelivered platform updates are still recognised", file=sys.stderr)
            return 2
        return asyncio.run(purge(settings, timedelta(days=days), out))
    new_key = sys.stdin.readline().strip() if args.new_key == "-" else args.new_key.strip()
    return asyncio.run(rotate(settings, new_key, out))


async def health(settings: Settings, out: TextIO) -> int:
    """0 when the store opens, is migrated to this release's schema and the key fits.

    A SQLite file is checked page by page first (``PRAGMA quick_check``), before
    the store opens it and runs migrations on it: a damaged file opens fine and
    answers the first queries, and only fails later, on the turn that reads the
    damaged page.
    """
    backend = "sqlite" if settings.database_url.startswith("sqlite:") else "postgres"
    if backend == "sqlite":
        try:
            path = sqlite_path(settings.database_url)
        except UnsupportedDatabaseError as exc:
            print(f"unhealthy: {type(exc).__name__}: {exc}"[:HEALTH_LINE], file=out)
            return 1
        damage = await asyncio.to_thread(sqlite_damage, path)
        if damage is not None:
            print(f"unhealthy: {damage}"[:HEALTH_LINE], file=out)
            return 1
    try:
        expected = len(migrations_for(backend))
        async with open_store(settings.database_url, settings.encryption_key) as store:
            version = await store.schema_version()
    except Exception as exc:  # any failure is the answer; it is reported, not raised
        reason = str(exc).splitlines()[0] if str(exc) else ""
        print(f"unhealthy: {type(exc).__name__}: {reason}"[:HEALTH_LINE], file=out)
        return 1
    if version != expected:
        print(f"unhealthy: schema version {version}, this release needs {expected}", file=out)
        return 1
    encrypted = "encrypted" if settings.encryption_key is not None else "NOT encrypted"
    print(f"ok: schema {version}, {encrypted}", file=out)
    return 0


HEALTH_LINE = 300
"""The longest line ``health`` prints: a container runtime keeps only a short log."""

QUICK_CHECK_ROWS = 10
"""Problems ``PRAGMA quick_check`` lists before it stops: the first names the damage."""

RESTORE = "stop the bot, keep a copy of the file, restore the last backup"


def sqlite_damage(path: Path) -> str | None:
    """What is wrong with the SQLite file at ``path`` (one line), or ``None`` when
    ``PRAGMA quick_check`` finds every page sound or there is no file yet.

    Its own short connection, only ever reading, so that it can run beside a bot
    that has the file open (WAL lets it read while the bot writes).
    """
    if not path.exists():
        return None  # the bot creates it on start
    try:
        conn = sqlite3.connect(path, timeout=5.0)
        try:
            conn.execute("PRAGMA query_only = ON")
            rows = [str(row[0]) for row in
                    conn.execute(f"PRAGMA quick_check({QUICK_CHECK_ROWS})").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return _damage_reason(path, exc)
    if rows == ["ok"]:
        return None
    # A row may hold several problems, one a line, under a "*** in database" heading.
    problems = [line.strip() for row in rows for line in row.splitlines()
                if line.strip() and not line.startswith("***")]
    more = "" if len(problems) < 2 else f" and {len(problems) - 1} more"
    return f"{path} is damaged (quick_check: {problems[0] if problems else rows[0]}{more}): " \
        + RESTORE


def _damage_reason(path: Path, exc: sqlite3.DatabaseError) -> str:
    """A line naming what SQLite could not do with ``path``, and what to do about it."""
    message = str(exc)
    if "not a database" in message:
        return (f"{path} is not an SQLite database ({message}): check that DATABASE_URL "
                f"names the bot's database; if it does, {RESTORE}")
    if "malformed" in message or "corrupt" in message:
        return f"{path} is damaged ({message}): {RESTORE}"
    return f"{path} cannot be read ({type(exc).__name__}: {message})"


async def purge(settings: Settings, retention: timedelta, out: TextIO) -> int:
    """Delete free text older than ``retention`` at once and print the counts."""
    async with open_store(settings.database_url, settings.encryption_key) as store:
        counts = await store.purge(purge_cutoff(datetime.now(UTC), retention))
    for table, count in sorted(counts.items()):
        print(f"{table}: {count}", file=out)
    return 0


async def rotate(settings: Settings, new_key: str, out: TextIO) -> int:
    """Seal everything under ``new_key``; safe to run again if interrupted."""
    try:
        keys = parse_keys(new_key)
    except ValueError as exc:
        raise EncryptionKeyError(f"--new-key: {exc}") from None
    if len(keys) != 1:
        raise EncryptionKeyError("--new-key: give exactly one key")
    old = (None if settings.encryption_key is None
           else FieldCipher.from_setting(settings.encryption_key.get_secret_value()))
    store = create_backend(settings.database_url)
    await store.open()
    try:
        changed = await rotate_keys(store, old, keys[0])
    finally:
        await store.close()
    for column, count in changed.items():
        print(f"{column}: {count} re-encrypted", file=out)
    print("done: set ENCRYPTION_KEY to the new key (and keep a copy of it somewhere safe)",
          file=out)
    return 0
