"""Work queued per chat: in order within a chat, side by side across chats.

An adapter hands each inbound update to the queue of its chat.  One chat's
updates run one at a time, in arrival order, so a person's messages are
handled in the order they were written even while one of them is being
retried; a chat that is slow or stuck (a turn waiting for the database to come
back) holds up nobody else.  A queue's worker exists only while it has work.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field

from bot.failure_log import FailureLog

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


@dataclass(eq=False, slots=True)
class _Queue:
    jobs: deque[tuple[Job, asyncio.Future[None]]] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None


class ChatQueues:
    """Per-chat queues of jobs (coroutine functions), each chat worked in order."""

    def __init__(self) -> None:
        self._queues: dict[Hashable, _Queue] = {}
        self._failures = FailureLog(log, "chat queue")
        self._idle = asyncio.Event()
        self._idle.set()

    def submit(self, chat: Hashable, job: Job) -> asyncio.Future[None]:
        """Queue ``job`` behind the chat's earlier jobs; the future is done when it ran
        (its exception, if any, is logged here, not raised)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._queues.setdefault(chat, _Queue())
        queue.jobs.append((job, done))
        self._idle.clear()
        if queue.worker is None or queue.worker.done():
            queue.worker = asyncio.ensure_future(self._work(chat, queue))
        return done

    async def run(self, chat: Hashable, job: Job) -> None:
        """Queue ``job`` and wait until it ran."""
        await self.submit(chat, job)

    def pending(self, chat: Hashable) -> int:
        """Jobs of ``chat`` queued or running."""
        queue = self._queues.get(chat)
        return len(queue.jobs) if queue is not None else 0

    def __len__(self) -> int:
        return sum(len(queue.jobs) for queue in self._queues.values())

    async def idle(self) -> None:
        """Wait until every queued job has run."""
        await self._idle.wait()

    async def _work(self, chat: Hashable, queue: _Queue) -> None:
        try:
            while queue.jobs:
                job, done = queue.jobs[0]
                try:
                    await job()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    # A job handles its own failures; one that escapes is a bug,
                    # and must not stop the chat's later updates.
                    self._failures.failed("an update", exc)
                queue.jobs.popleft()
                if not done.done():
                    done.set_result(None)
        finally:
            for _job, done in queue.jobs:
                done.cancel()
            queue.jobs.clear()
            if self._queues.get(chat) is queue:
                del self._queues[chat]
            if not self._queues:
                self._idle.set()

    async def close(self) -> None:
        """Cancel every queued and running job (they are not confirmed anywhere, so
        the platform sends them again after a restart)."""
        workers = [q.worker for q in self._queues.values() if q.worker is not None]
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
