"""``compassion-bot bench --workers N``: the runtime benchmark on PostgreSQL, N processes.

With ``DATABASE_URL=postgresql://...`` the simulated people of
:mod:`benchmarks.bench_runtime` are shared out among ``N`` worker processes
(person ``n`` talks to worker ``n mod N``), each a real runtime with its own
connection pool, all on one fresh schema of that database (created for the run,
migrated once, dropped afterwards: the database's other schemas are never
touched).  Every worker offers ``rate / N`` messages a second (``--rate 0``:
as fast as it is answered).  The workers load everything first and start
together on a signal, so start-up is not timed.

Printed: inbound messages per second over all workers (all messages over the
time from the common start to the last worker's end), p50/p99/max latency over
every message of every worker, each worker's own rate, and the server's
``synchronous_commit`` (how durable a commit was).

The database URL goes to the workers in their environment, never on a command
line, where other users of the machine could read its password.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import time
import uuid
from typing import Any

from benchmarks.bench_runtime import LastMessages, Person, bench_engine, simulate
from bot.app import assemble_runtime, settle_garbage_collector
from bot.config import Settings
from bot.store import POSTGRES_SCHEMES

DSN_VARIABLE = "COMPASSION_BENCH_DSN"
READY = "ready"


def main(settings: Settings, *, people: int, rate: float, workers: int, as_json: bool) -> int:
    url = settings.database_url
    if not url.startswith(POSTGRES_SCHEMES):
        print("compassion-bot: bench --workers needs DATABASE_URL=postgresql://... "
              "(several processes share one database only on PostgreSQL)", file=sys.stderr)
        return 2
    if workers < 1:
        print("compassion-bot: --workers must be at least 1", file=sys.stderr)
        return 2
    result = asyncio.run(run(url, people=people, rate=rate, workers=workers))
    if as_json:
        print(json.dumps(result))
    else:
        for name, value in result.items():
            print(f"{name:>22}: {value}")
    return 0


async def run(dsn: str, *, people: int, rate: float, workers: int) -> dict[str, Any]:
    from bot.store.postgres import PostgresStore, connect, quote_ident

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = await connect(dsn)
    try:
        await admin.execute(f"CREATE SCHEMA {quote_ident(schema)}")
        try:
            # Migrated once here, so no worker's timing includes the migration lock.
            store = PostgresStore(dsn, schema=schema)
            await store.open()
            await store.close()
            results = await _run_workers(dsn, schema, people=people, rate=rate,
                                         workers=workers)
            durability = await admin.fetchval("SHOW synchronous_commit")
        finally:
            await admin.execute(f"DROP SCHEMA {quote_ident(schema)} CASCADE")
    finally:
        await admin.close()
    return aggregate(results, people=people, rate=rate, workers=workers,
                     durability=f"postgresql, synchronous_commit={durability}")


async def _run_workers(dsn: str, schema: str, *, people: int, rate: float, workers: int
                       ) -> list[dict[str, Any]]:
    env = {**os.environ, DSN_VARIABLE: dsn}
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "benchmarks.bench_workers", "--schema", schema,
            "--index", str(n), "--workers", str(workers), "--people", str(people),
            "--rate", str(rate / workers), env=env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        for n in range(workers)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            line = (await process.stdout.readline()).decode().strip()
            if line != READY:
                raise RuntimeError(f"a benchmark worker failed to start (said {line!r})")
        for process in processes:  # the common start
            assert process.stdin is not None
            process.stdin.write(b"go\n")
            await process.stdin.drain()
        outputs = await asyncio.gather(*(process.communicate() for process in processes))
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
    if any(process.returncode for process in processes):
        raise RuntimeError("a benchmark worker failed; see its error output above")
    return [json.loads(out) for out, _err in outputs]


def aggregate(results: list[dict[str, Any]], *, people: int, rate: float, workers: int,
              durability: str) -> dict[str, Any]:
    latencies = sorted(ms for r in results for ms in r["latencies_ms"])
    messages = sum(r["messages"] for r in results)
    seconds = max(r["ended"] for r in results) - min(r["started"] for r in results)
    return {
        "workers": workers,
        "people": people,
        "completed_flows": sum(r["completed_flows"] for r in results),
        "messages": messages,
        "seconds": round(seconds, 2),
        "messages_per_second": round(messages / seconds, 1) if seconds else 0,
        "per_worker_mps": [round(r["messages"] / r["seconds"], 1) if r["seconds"] else 0
                           for r in results],
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2) if latencies else None,
        "max_ms": round(latencies[-1], 2) if latencies else None,
        "offered_rate": rate if rate > 0 else "unlimited",
        "replies_sent": sum(r["replies_sent"] for r in results),
        # A worker's CPU time over its run time: near 1.0 means that worker was
        # bound by its own core (or starved of one), well below means it waited
        # on the database.
        "worker_cpu_busy": [round(r["cpu_seconds"] / r["seconds"], 2) if r["seconds"] else 0
                            for r in results],
        "durability": durability,
    }


# --- one worker process ---------------------------------------------------------------


async def _worker(args: argparse.Namespace) -> None:
    from bot.store.postgres import PostgresStore

    settings = Settings(_env_file=None)
    engine = bench_engine(settings)
    store = PostgresStore(os.environ[DSN_VARIABLE], schema=args.schema)
    await store.open()
    try:
        sender = LastMessages()
        runtime = assemble_runtime(store, engine, {"bench": sender}, sole_worker=False)
        crowd = [Person(n) for n in range(args.index, args.people, args.workers)]
        settle_garbage_collector()
        print(READY, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        started, cpu_before = time.time(), _cpu_seconds()
        figures = await simulate(runtime, sender, crowd, args.rate)
        ended, cpu = time.time(), _cpu_seconds() - cpu_before
    finally:
        await store.close()
    print(json.dumps({
        "messages": figures.messages, "seconds": figures.seconds,
        "completed_flows": figures.completed_flows, "replies_sent": sender.sent,
        "latencies_ms": list(figures.latencies_ms), "started": started, "ended": ended,
        "cpu_seconds": cpu,
    }), flush=True)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _worker_main() -> None:
    parser = argparse.ArgumentParser(description="one worker of bench --workers (internal)")
    parser.add_argument("--schema", required=True)
    parser.add_argument("--index", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--rate", type=float, required=True)
    asyncio.run(_worker(parser.parse_args()))


if __name__ == "__main__":
    _worker_main()
