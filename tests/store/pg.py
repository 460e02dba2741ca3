"""A fresh PostgreSQL schema per test, when ``TEST_POSTGRES_DSN`` names a server.

Every test gets its own ``t_<hex>`` schema, so tests never see each other's
rows and need no cleanup between them; the schema is dropped afterwards, even
when the test fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

DSN = os.environ.get("TEST_POSTGRES_DSN", "")


def require_postgres(what: str = "conformance") -> str:
    """The DSN, or skip the calling test module with a visible reason."""
    if not DSN:
        reason = f"TEST_POSTGRES_DSN not set: PostgreSQL {what} not run"
        pytest.skip(reason, allow_module_level=True)
    pytest.importorskip("asyncpg", reason="asyncpg is not installed (extra 'postgres')")
    return DSN


@asynccontextmanager
async def fresh_schema(dsn: str) -> AsyncIterator[str]:
    """Create an empty schema, yield its name, and drop it with everything in it."""
    import asyncpg

    name = f"t_{uuid.uuid4().hex}"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE SCHEMA "{name}"')
        try:
            yield name
        finally:
            await conn.execute(f'DROP SCHEMA "{name}" CASCADE')
    finally:
        await conn.close()
