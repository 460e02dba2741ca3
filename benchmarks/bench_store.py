"""Throughput of the SQLite store under many concurrent conversations.

Each task plays one conversation: load with the inbound event id, then commit the
next state with that event id and one reply in the outbox, the way the runtime
does a turn.  Every commit is durable (WAL, ``synchronous=FULL``) on a real file
in a temporary directory, so the figure includes the fsyncs.

    python -m benchmarks.bench_store                 # 100 and 10,000 tasks
    python -m benchmarks.bench_store --tasks 1000 --commits 20000
    python -m benchmarks.bench_store --encrypt       # through EncryptedStore, with a key
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.crypto import FieldCipher, generate_key
from bot.store.base import Commit, Store
from bot.store.encrypted import EncryptedStore
from bot.store.sqlite import DEFAULT_MAX_BATCH, SqliteStore
from bot.types import ConversationKey


def run(
    n_tasks: int, commits: int, *, max_batch: int = DEFAULT_MAX_BATCH, path: Path | None = None,
    encrypt: bool = False,
) -> dict[str, Any]:
    """Run ``commits`` turns spread over ``n_tasks`` concurrent conversations.

    Returns the figures: ``commits_per_s`` and per-turn latency percentiles
    (load + commit) in milliseconds.  ``path`` is a directory for the database;
    by default a temporary one on the default temp filesystem.
    """
    if n_tasks < 1 or commits < n_tasks:
        raise ValueError("need at least one task and at least one commit per task")
    if path is not None:
        return asyncio.run(_run(n_tasks, commits, max_batch, path / "bench.sqlite", encrypt))
    with tempfile.TemporaryDirectory(prefix="bench_store_") as tmp:
        return asyncio.run(_run(n_tasks, commits, max_batch, Path(tmp) / "bench.sqlite", encrypt))


async def _run(
    n_tasks: int, commits: int, max_batch: int, db: Path, encrypt: bool
) -> dict[str, Any]:
    backend = SqliteStore(db, max_batch=max_batch)
    store: Store = (EncryptedStore(backend, FieldCipher([generate_key()])) if encrypt
                    else backend)
    await store.open()
    latencies: list[float] = []
    per_task, extra = divmod(commits, n_tasks)
    start = asyncio.Event()

    async def conversation(n: int, turns: int) -> None:
        key = ConversationKey("bench", f"chat{n}", f"user{n}")
        await start.wait()
        for turn in range(turns):
            began = time.perf_counter()
            event_id = f"{n}:{turn}"
            snapshot = await store.load(key, event_id)
            await store.commit(
                Commit(
                    key=key,
                    at=datetime.now(UTC),
                    expected_version=snapshot.version,
                    state_json=json.dumps({"dialogue": "reframe", "step": "ask", "turn": turn}),
                    event_id=event_id,
                    outbox=[json.dumps({"type": "text", "text": "How does that feel?"})],
                )
            )
            latencies.append(time.perf_counter() - began)

    try:
        tasks = [
            asyncio.create_task(conversation(n, per_task + (1 if n < extra else 0)))
            for n in range(n_tasks)
        ]
        await asyncio.sleep(0)
        began = time.perf_counter()
        start.set()
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - began
    finally:
        await store.close()
    latencies.sort()
    return {
        "tasks": n_tasks,
        "commits": commits,
        "max_batch": max_batch,
        "encrypted": encrypt,
        "seconds": round(elapsed, 3),
        "commits_per_s": round(commits / elapsed),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "latency_ms_p99": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, action="append", help="concurrent conversations")
    parser.add_argument("--commits", type=int, default=30_000, help="commits per run")
    parser.add_argument("--max-batch", type=int, default=DEFAULT_MAX_BATCH)
    parser.add_argument("--dir", type=Path, help="directory for the database file")
    parser.add_argument("--encrypt", action="store_true", help="seal free text with a key")
    args = parser.parse_args()
    for n_tasks in args.tasks or [100, 10_000]:
        result = run(n_tasks, max(args.commits, n_tasks), max_batch=args.max_batch, path=args.dir,
                     encrypt=args.encrypt)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
