"""Running a turn until it is committed, with the safety floor beside it.

Every adapter hands its turns to a :class:`TurnGuard`:

* A turn that fails (the database is full, read-only, gone) is tried again with
  a growing pause, for as long as it takes: the platform's update is not
  confirmed meanwhile (the adapter's part), and nothing is skipped.  A failure
  that is not about storage is a bug; it is tried :data:`BUG_ATTEMPTS` times and
  then given up, loudly, so that one bad update cannot stop a chat for good.
* Failures are logged at once, then once a minute with a count
  (:class:`~bot.failure_log.FailureLog`), never with what anyone wrote.
* The safety floor watches each message from the moment it arrives
  (:meth:`TurnGuard.watch`): if its turn is not committed within
  :data:`FLOOR_AFTER` seconds, or fails, or the store is known to be failing
  already, the message is assessed on its own and a crisis gets the crisis
  lines straight away through the platform (:mod:`bot.safety_floor`).  What the
  floor sent is remembered until the turn commits, which then leaves those
  lines out; a platform that delivers the update again (a webhook retry) does
  not get them twice either.

The one case where the lines can arrive twice: a commit already on its way
when the floor gives up waiting for it (:data:`FLOOR_GRACE` after the deadline),
that then succeeds.  A crisis reply that is late is worse than one said twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Final, TypeVar

from bot.delivery import PermanentDeliveryError, TransientDeliveryError
from bot.failure_log import FailureLog, describe
from bot.runtime import Runtime
from bot.safety.resources import load_resources
from bot.safety_floor import FloorReply, SafetyFloor
from bot.storage_faults import classify
from bot.types import CommandMessage, ConversationKey, Inbound, Outbound, TextMessage

log = logging.getLogger(__name__)

FLOOR_AFTER: Final = 1.0
"""Seconds a message may wait for its turn to commit before the floor looks at it."""
FLOOR_GRACE: Final = 0.75
"""How much longer the floor waits for an attempt already under way at that moment."""
RETRY_FIRST: Final = 0.25
RETRY_MAX: Final = 5.0
"""Pauses between attempts of a failing turn: doubling from the first to the most,
so a turn goes through within a few seconds of the database coming back."""
BUG_ATTEMPTS: Final = 8
FLOOR_SEND_ATTEMPTS: Final = 4
REMEMBERED: Final = 10_000
"""Events whose floor reply is remembered until their turn commits."""

FloorSend = Callable[[ConversationKey, Outbound], Awaitable[None]]
"""Puts one message in front of the person now (a platform sender's ``send``)."""
FailureHook = Callable[[BaseException, int], Awaitable[None]]
"""Told of each failed attempt (the error, the attempt number from 0)."""
T = TypeVar("T")


@dataclass(eq=False, slots=True)
class Watch:
    """One message on its way to being committed, as the floor sees it."""

    event: Inbound | None
    send: FloorSend | None
    locale: str | None
    committed: bool = False
    attempting: bool = False
    attempt_over: asyncio.Event = field(default_factory=asyncio.Event)
    timer: asyncio.TimerHandle | None = None
    check: asyncio.Task[None] | None = None

    @property
    def key(self) -> tuple[str, str] | None:
        if self.event is None:
            return None
        return (self.event.key.platform, self.event.event_id)


class TurnGuard:
    """Retries turns until committed and sends the safety floor when they cannot be."""

    def __init__(
        self,
        floor: SafetyFloor | None,
        *,
        floor_after: float = FLOOR_AFTER,
        floor_grace: float = FLOOR_GRACE,
        retry_first: float = RETRY_FIRST,
        retry_max: float = RETRY_MAX,
        bug_attempts: int = BUG_ATTEMPTS,
        slots: asyncio.Semaphore | None = None,
        log_failures: bool = True,
    ) -> None:
        self.floor = floor
        self.floor_after = floor_after
        self.floor_grace = floor_grace
        self.retry_first = retry_first
        self.retry_max = retry_max
        self.bug_attempts = bug_attempts
        self.slots = slots
        """Bounds the attempts running at once (a pause between attempts holds none)."""
        self._shown: OrderedDict[tuple[str, str], FloorReply] = OrderedDict()
        self._checks: set[asyncio.Task[None]] = set()
        self._failing = False
        # Without log_failures the adapter reports failures itself (the terminal).
        self._failures = FailureLog(log if log_failures else None, "turns")

    @property
    def failing(self) -> bool:
        """The last attempt of any turn failed on storage (and none has worked since)."""
        return self._failing

    def shown(self, event: Inbound) -> FloorReply | None:
        """What the floor sent for ``event``, while its turn is not committed."""
        return self._shown.get((event.key.platform, event.event_id))

    # --- the floor ----------------------------------------------------------------

    def watch(self, event: Inbound | None, send: FloorSend | None, *,
              locale: str | None = None) -> Watch:
        """Start watching a message that just arrived (``None``: nothing a person
        typed, e.g. a membership change; it is only retried)."""
        watch = Watch(event, send, locale)
        key = watch.key
        if self.floor is None or send is None or key is None or key in self._shown:
            return watch  # no floor here, or it already answered this very update
        typed = isinstance(event, CommandMessage) or (
            isinstance(event, TextMessage) and bool(event.text.strip()))
        if not typed:
            return watch  # a button, a poll's counts: no words to assess
        delay = 0.0 if self._failing else self.floor_after
        watch.timer = asyncio.get_running_loop().call_later(delay, self._start_check, watch)
        return watch

    def _start_check(self, watch: Watch) -> None:
        if watch.timer is not None:
            watch.timer.cancel()
            watch.timer = None
        if watch.check is not None or watch.committed:
            return
        watch.check = asyncio.ensure_future(self._check(watch))
        self._checks.add(watch.check)
        watch.check.add_done_callback(self._checks.discard)

    async def _check(self, watch: Watch) -> None:
        """Assess the message on its own and, for a crisis, send the lines now."""
        if watch.attempting:
            # A commit may be on its way: give it a moment before speaking up.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(watch.attempt_over.wait(), self.floor_grace)
        key = watch.key
        if watch.committed or key is None or key in self._shown:
            return
        if self.floor is None or watch.event is None or watch.send is None:
            return
        try:
            reply = self.floor.reply_for(watch.event, watch.locale)
        except Exception as exc:  # the floor must never take the turn down with it
            self._failures.failed("safety floor assessment", exc)
            return
        if reply is None:
            return
        self._remember(key, reply)
        log.warning("safety floor: %s lines sent on %s while the turn cannot be committed",
                    reply.level, key[0])
        for message in reply.messages:
            await self._send(watch.event.key, message, watch.send)

    async def _send(self, key: ConversationKey, message: Outbound, send: FloorSend) -> None:
        for attempt in range(FLOOR_SEND_ATTEMPTS):
            try:
                await send(key, message)
                return
            except PermanentDeliveryError:
                return
            except TransientDeliveryError as exc:
                wait = exc.retry_after if exc.retry_after is not None else 0.5 * 2 ** attempt
                await asyncio.sleep(min(wait, 10.0))
            except Exception as exc:
                self._failures.failed("sending the safety floor", exc)
                return
        log.error("safety floor: a message could not be sent after %d attempts",
                  FLOOR_SEND_ATTEMPTS)

    def _remember(self, key: tuple[str, str], reply: FloorReply) -> None:
        self._shown[key] = reply
        while len(self._shown) > REMEMBERED:
            self._shown.popitem(last=False)

    # --- the turn -----------------------------------------------------------------

    async def run(
        self,
        watch: Watch,
        attempt: Callable[[FloorReply | None], Awaitable[T]],
        *,
        retry: bool = True,
        on_failure: FailureHook | None = None,
    ) -> T | None:
        """Run ``attempt`` until it succeeds (the turn is committed) and return what it
        returned; ``attempt`` gets what the floor sent for this message, if anything.

        Without ``retry`` the first failure is raised (a webhook answers 500 and the
        platform tries again).  A failure that is not about storage is given up
        after :data:`BUG_ATTEMPTS` attempts: then ``None`` is returned.
        """
        what = f"{watch.event.key.platform} turn" if watch.event is not None else "turn"
        number = 0
        try:
            while True:
                key = watch.key
                shown = self._shown.get(key) if key is not None else None
                watch.attempting = True
                watch.attempt_over.clear()
                try:
                    if self.slots is not None:
                        async with self.slots:
                            result = await attempt(shown)
                    else:
                        result = await attempt(shown)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    watch.attempting = False
                    watch.attempt_over.set()
                    storage = classify(exc) is not None
                    self._failing = self._failing or storage
                    self._failures.failed(what, exc)
                    self._start_check(watch)  # it could not be committed: look now
                    if on_failure is not None:
                        await on_failure(exc, number)
                    if not retry:
                        raise
                    if not storage and number + 1 >= self.bug_attempts:
                        log.error("%s given up after %d attempts (%s); the update is "
                                  "dropped", what, number + 1, describe(exc))
                        return None
                    await asyncio.sleep(min(self.retry_max, self.retry_first * 2 ** number))
                    number += 1
                    continue
                watch.committed = True
                watch.attempting = False
                watch.attempt_over.set()
                self._failing = False
                self._failures.recovered(what)
                if key is not None:
                    self._shown.pop(key, None)
                return result
        finally:
            watch.attempting = False
            watch.attempt_over.set()
            if watch.timer is not None:
                watch.timer.cancel()
                watch.timer = None

    async def close(self) -> None:
        """Wait for floor messages on their way (briefly), then stop."""
        checks = list(self._checks)
        if checks:
            await asyncio.wait(checks, timeout=5.0)
        for check in checks:
            check.cancel()
        await asyncio.gather(*checks, return_exceptions=True)


def guard_for(runtime: Runtime, *, slots: asyncio.Semaphore | None = None,
              floor_after: float = FLOOR_AFTER, retry_max: float = RETRY_MAX,
              log_failures: bool = True) -> TurnGuard:
    """A guard whose floor speaks the runtime's dialogues and assesses with its seam."""
    engine = runtime.engine
    help_words = frozenset(word for table in engine.control_words.values()
                           for word, meaning in table.items() if meaning == "help")
    floor = SafetyFloor(engine.dialogues, load_resources(), runtime.assess,
                        locales={code: locale.dialogues for code, locale in engine.locales.items()},
                        help_words=help_words)
    return TurnGuard(floor, slots=slots, floor_after=floor_after, retry_max=retry_max,
                     log_failures=log_failures)
