"""Finding, ordering and splitting the numbered migration files."""

from __future__ import annotations

import sqlite3

import pytest

from bot.store.migrations import MigrationError, migrations_for, split_statements


def test_sqlite_migrations_are_numbered_from_one() -> None:
    migrations = migrations_for("sqlite")
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert migrations[0].name == "initial"
    assert "CREATE TABLE outbox" in migrations[0].sql


def test_unknown_backend_is_an_error() -> None:
    with pytest.raises(MigrationError, match="no migrations"):
        migrations_for("oracle")


def test_every_sqlite_migration_runs_on_an_empty_database() -> None:
    conn = sqlite3.connect(":memory:")
    try:
        for migration in migrations_for("sqlite"):
            for statement in split_statements(migration.sql, sqlite3.complete_statement):
                conn.execute(statement)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    assert {"users", "conversations", "processed_events", "outbox", "journal"} <= tables


def test_split_keeps_semicolons_inside_literals_and_triggers() -> None:
    script = """
-- a comment; with a semicolon
CREATE TABLE t (a TEXT DEFAULT 'x;y');
CREATE TRIGGER tr AFTER INSERT ON t BEGIN
    UPDATE t SET a = 'z;' WHERE rowid = new.rowid;
END;
INSERT INTO t VALUES ('1;2');  -- trailing comment
-- nothing after this
"""
    statements = split_statements(script, sqlite3.complete_statement)
    assert len(statements) == 3
    assert statements[1].rstrip().endswith("END;")
    conn = sqlite3.connect(":memory:")
    try:
        for statement in statements:
            conn.execute(statement)
        assert conn.execute("SELECT a FROM t").fetchall() == [("z;",)]
    finally:
        conn.close()


def test_split_rejects_an_unterminated_statement() -> None:
    with pytest.raises(MigrationError, match="unterminated"):
        split_statements(
            "CREATE TABLE t (a TEXT);\nCREATE TABLE u (b TEXT)", sqlite3.complete_statement
        )
