"""Bot API requests on the wire: never cancelled there, never more than the pool holds.

python-telegram-bot sends through an httpx connection pool (``Limits.connections``
connections), and httpcore (1.0.9) does not survive a request cancelled on the
wire: cancelled at the wrong moment, the request keeps its connection for good
(encode/httpcore#1093, #830).  The adapter cancels requests in the ordinary course
of things (the typing indicator, once its turn is committed), so the pool lost a
connection now and then, until none was left and every call, replies and crisis
lines included, waited out the pool timeout and failed: the Telegram benchmark
crawled at 200 people, and a bot left running long enough would have too.

:class:`RequestGate` is the one way onto the wire (the adapter's rate limiter
sends every call but getUpdates through it):

* a request waiting for its turn may be cancelled: it never started;
* a request on the wire is never cancelled: the caller stops waiting, the
  request runs to its end and only then gives its place back;
* at most ``size`` requests are on the wire (the pool's connections), so none
  waits inside httpcore, whose queue has no order and wakes every waiting
  request whenever a connection comes free (quadratic in a burst of hundreds);
* waiting requests go by priority, then in order: what a person is watching
  now (:data:`INTERACTIVE`: a pressed button's answer, which its turn waits for,
  a group command's admin check) before replies and the rest (:data:`DELIVERY`).

The rate limits are not this module's business: the dispatcher and PTB's limiter
pace sends before they get here.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Coroutine
from typing import Any, Final, TypeVar

INTERACTIVE: Final = 0
"""A turn (and the person) waits for it: a pressed button's answer, an admin check."""
DELIVERY: Final = 1
"""Replies, the typing indicator and everything else."""

INTERACTIVE_METHODS: Final = frozenset({"answerCallbackQuery", "getChatMember"})

T = TypeVar("T")


def priority_of(endpoint: str) -> int:
    """The gate's priority for a Bot API method."""
    return INTERACTIVE if endpoint in INTERACTIVE_METHODS else DELIVERY


class RequestGate:
    """At most ``size`` requests on the wire; the rest wait by priority, then in order."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._free = size
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    @property
    def on_the_wire(self) -> int:
        return self.size - self._free

    async def send(self, request: Coroutine[Any, Any, T], priority: int = DELIVERY) -> T:
        """Run ``request`` (a Bot API call, not yet started) once a place is free.

        Cancelled while waiting, the request is dropped unstarted; cancelled once
        it runs, only the waiting stops: the request finishes, its result or error
        unread, and gives its place back then.
        """
        try:
            await self._acquire(priority)
        except BaseException:
            request.close()  # never started
            raise
        call = asyncio.ensure_future(request)
        call.add_done_callback(self._finished)
        return await asyncio.shield(call)

    def _finished(self, call: asyncio.Future[Any]) -> None:
        self._release()
        if not call.cancelled():
            call.exception()  # read here too: its caller may have stopped waiting

    async def _acquire(self, priority: int) -> None:
        if self._free > 0:  # then nobody waits: a freed place goes to the next in line
            self._free -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._arrivals), turn))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._release()  # handed a place just as it gave up: pass it on
            raise

    def _release(self) -> None:
        while self._waiting:
            _priority, _arrival, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(None)  # the place goes straight to the next in line
                return
        self._free += 1
