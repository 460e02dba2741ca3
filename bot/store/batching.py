"""The queue loop both stores' group commits share.

One job: take what is waiting, up to a batch, hand it to a writer, and never
leave a caller waiting forever.  Under load batches grow by themselves (whatever
queued while the last batch was written goes into the next), and a lone job is
written at once.  ``None`` in the queue stops the loop once what came before it
is written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from bot.store.base import StoreError

__all__ = ["Awaited", "run_batches", "settle"]


class Awaited(Protocol):
    """A queued job: someone awaits its future."""

    @property
    def future(self) -> asyncio.Future[Any]: ...


J = TypeVar("J", bound=Awaited)


async def run_batches(
    queue: asyncio.Queue[J | None], max_batch: int, write: Callable[[list[J]], Awaitable[None]]
) -> None:
    """Write batches from ``queue`` with ``write`` (which settles their futures)
    until ``None`` comes."""
    stopping = False
    jobs: list[J] = []
    try:
        while not stopping:
            first = await queue.get()
            if first is None:
                break
            jobs = [first]
            while len(jobs) < max_batch and not queue.empty():
                job = queue.get_nowait()
                if job is None:
                    stopping = True
                    break
                jobs.append(job)
            await write(jobs)
            jobs = []
    finally:
        # Only reached early if the task itself is cancelled: nobody may be
        # left waiting forever.
        leftovers = jobs
        while not queue.empty():
            job = queue.get_nowait()
            if job is not None:
                leftovers.append(job)
        for job in leftovers:
            if not job.future.done():
                job.future.set_exception(StoreError("store closed before the write"))


def settle(jobs: Sequence[Awaited], outcomes: Sequence[object]) -> None:
    """Hand each job its outcome: an exception is raised to its caller, anything
    else is its result; a job whose caller gave up is passed over."""
    for job, outcome in zip(jobs, outcomes, strict=True):
        if job.future.done():
            continue
        if isinstance(outcome, BaseException):
            job.future.set_exception(outcome)
        else:
            job.future.set_result(outcome)
