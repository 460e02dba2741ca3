"""Numbered schema migrations, one directory of ``.sql`` files per backend.

A migration is a file ``NNNN_description.sql`` in ``<backend>/`` beside this
module (``sqlite/0001_initial.sql``).  Backends apply them in version order and
record each in ``schema_migrations(version, applied_at)``; this module only finds
and reads them, so the SQLite and PostgreSQL backends share the same rules.

The files are read through :mod:`importlib.resources`, so they must ship as
package data of ``bot.store.migrations``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")


class MigrationError(Exception):
    """The migration files of a backend are malformed or out of order."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema change."""

    version: int
    name: str
    sql: str


def migrations_for(backend: str) -> list[Migration]:
    """All migrations of ``backend`` (``"sqlite"``, ``"postgres"``), oldest first.

    Raises :class:`MigrationError` when a ``.sql`` file is misnamed, when two files
    share a version, or when the versions do not run 1, 2, 3... without a gap: a gap
    usually means a file was lost in a merge, and applying past it would leave a
    database that no later release can reason about.
    """
    folder = resources.files(__package__).joinpath(backend)
    if not folder.is_dir():
        raise MigrationError(f"no migrations for backend {backend!r}")
    found: dict[int, Migration] = {}
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _NAME.match(entry.name)
        if match is None:
            raise MigrationError(
                f"{backend}/{entry.name}: migration files are named NNNN_description.sql"
            )
        version = int(match["version"])
        if version in found:
            raise MigrationError(f"{backend}: two migrations numbered {version:04d}")
        found[version] = Migration(version, match["name"], entry.read_text(encoding="utf-8"))
    ordered = [found[v] for v in sorted(found)]
    for expected, migration in enumerate(ordered, start=1):
        if migration.version != expected:
            raise MigrationError(f"{backend}: migration {expected:04d} is missing")
    return ordered


def split_statements(script: str, is_complete: Callable[[str], bool]) -> list[str]:
    """Cut ``script`` into single statements.

    Drivers that run one statement per call (and SQLite's ``executescript``, which
    would commit the migration's transaction early) need this.  ``is_complete``
    tells whether a chunk of text ends with a whole statement, so that semicolons
    inside string literals and trigger bodies are not taken for ends of statements
    (for SQLite, pass :func:`sqlite3.complete_statement`).
    """
    statements: list[str] = []
    chunk = ""
    for line in script.splitlines(keepends=True):
        chunk += line
        if is_complete(chunk):
            statement = chunk.strip()
            if _has_code(statement):
                statements.append(statement)
            chunk = ""
    if _has_code(chunk):
        raise MigrationError(f"unterminated statement: {chunk.strip()[:60]!r}")
    return statements


def _has_code(text: str) -> bool:
    """Whether ``text`` holds more than whitespace and ``--`` comments."""
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())
