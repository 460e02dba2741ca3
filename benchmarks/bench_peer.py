"""Our runtime beside python-telegram-bot's ConversationHandler, in one process start.

``python -m benchmarks.bench_peer [--people 1000] [--json]`` runs, one after the
other in this process:

1. **ours**: :mod:`benchmarks.bench_runtime` (``compassion-bot bench --rate 0``):
   ``people`` people through the belief flow over a SQLite file, every turn
   committed (``synchronous=FULL``), the full safety assessment on every typed
   message;
2. **the peer, in memory**: a python-telegram-bot ``Application`` built offline
   (its Bot API calls answered in process by :class:`benchmarks.fake_bot_api.FakeBotAPI`,
   no network, no HTTP) with a 12-step ``ConversationHandler`` (:data:`STEPS`: the
   start of our belief flow, as :mod:`benchmarks.bench_telegram` sends it). Each
   person's updates are ``telegram.Update.de_json`` of Bot API JSON, fed to
   ``Application.process_update`` step by step across the crowd (everyone's
   first message, then everyone's second, ...); each step stores the answer in
   ``user_data`` and sends one reply (with buttons when the next step is a press);
3. **the peer, durable**: the same with ``PicklePersistence``, the conversation
   and ``user_data`` written to the pickle file after every update
   (``Application.update_persistence()`` then ``flush()``) before the next one is
   processed.  Everyone's first message is processed and flushed once before
   the clock starts, so the file holds every conversation, as it would on a
   running bot; the clock then runs over the remaining steps for at most
   ``--durable-seconds`` (each flush rewrites the whole file, so at 10,000
   people a full run would take most of an hour; the figure is the rate over
   the messages done, marked ``"sampled": true``).  PTB does not fsync the
   pickle; ours fsyncs every commit.

Printed: each one's messages per second, p50/p99 per message, peak RSS of
each phase (the high-water mark is reset between phases where Linux allows,
else the process's peak so far; a later phase starts from the RSS the earlier
ones left, ``rss_at_start_mb``), and ours / peer as ratios, in memory and
durable.  Differences to keep in mind: the peer pays for PTB's Bot API call
(one ``sendMessage`` per update, encoded and its answer decoded) and for
``Update.de_json`` (about two thirds of its time); ours runs without a platform
adapter (on Telegram it pays the same PTB parsing, see
:mod:`benchmarks.bench_telegram`) but with the safety stack, the router and the
outbox, and sends one to three replies a message.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PicklePersistence,
    filters,
)
from telegram.request import BaseRequest, RequestData

from benchmarks import bench_runtime
from benchmarks.bench_telegram import SCRIPT
from benchmarks.fake_bot_api import TOKEN, FakeBotAPI
from bot.config import load_settings

STEPS: tuple[str | tuple[str, str], ...] = (
    *SCRIPT,
    "It kept me trying harder, it wanted me to be loved",
    ("press", "belief:rate_after:4"),
)
"""The 12 messages of one person: text, or ``("press", callback data)``."""
assert len(STEPS) == 12
FIRST_USER = 10_000
CONVERSATION = "flow"


class InProcessRequest(BaseRequest):
    """PTB's request seam answered by the fake Bot API in this process: the bot
    encodes each call and decodes each answer as it would over HTTP."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data is not None else {}
        result = await self.api.answer(api_method, dict(params))
        return 200, json.dumps({"ok": True, "result": result}).encode()


def _keyboard(step: int) -> InlineKeyboardMarkup | None:
    """Buttons for the message asking step ``step``, when that step is a press."""
    if step >= len(STEPS) or not isinstance(STEPS[step], tuple):
        return None
    data = STEPS[step][1]
    return InlineKeyboardMarkup([[InlineKeyboardButton(data.rsplit(":", 1)[-1],
                                                       callback_data=data)]])


def _step_handler(step: int) -> Callable[[Update, ContextTypes.DEFAULT_TYPE],
                                         Coroutine[Any, Any, int]]:
    """The callback of step ``step``: keep the answer, ask the next question."""
    question = f"Question {step + 2} of {len(STEPS)}"
    markup = _keyboard(step + 1)
    last = step == len(STEPS) - 1

    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        query = update.callback_query
        answer = query.data if query is not None else update.effective_message.text  # type: ignore[union-attr]
        assert context.user_data is not None
        context.user_data[step] = answer
        chat = update.effective_chat
        assert chat is not None
        await context.bot.send_message(chat.id, "Thank you." if last else question,
                                       reply_markup=markup)
        return ConversationHandler.END if last else step + 1

    return handle


def conversation(*, persistent: bool) -> ConversationHandler[Any]:
    """The 12-step flow: step ``n`` is state ``n``; a press or a typed message each."""

    def handler(step: int) -> CallbackQueryHandler[Any, Any] | MessageHandler[Any, Any]:
        if isinstance(STEPS[step], tuple):
            return CallbackQueryHandler(_step_handler(step))
        return MessageHandler(filters.TEXT & ~filters.COMMAND, _step_handler(step))

    with warnings.catch_warnings():
        # PTB warns that per_message=False tracks presses per chat: what we want.
        warnings.simplefilter("ignore")
        return ConversationHandler(
            entry_points=[handler(0)],
            states={step: [handler(step)] for step in range(1, len(STEPS))},
            fallbacks=[],
            name=CONVERSATION,
            persistent=persistent,
        )


def build_peer(
    persistence: PicklePersistence[Any, Any, Any] | None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The peer application, offline: no updater, Bot API calls answered in process."""
    api = FakeBotAPI()
    builder = (ApplicationBuilder().token(TOKEN).updater(None)
               .request(InProcessRequest(api)).get_updates_request(InProcessRequest(api)))
    if persistence is not None:
        builder = builder.persistence(persistence)
    application = builder.build()
    application.add_handler(conversation(persistent=persistence is not None))
    return application


def _body(api: FakeBotAPI, step: int, user_id: int) -> dict[str, Any]:
    kind = STEPS[step]
    if isinstance(kind, tuple):
        return api.press_body(user_id, kind[1])
    return api.private_message_body(user_id, kind)


class Peer:
    """One measured run of the peer over ``people`` people."""

    def __init__(self, people: int, persistence_path: Path | None) -> None:
        self.people = people
        self.persistence = (None if persistence_path is None else PicklePersistence(
            persistence_path, single_file=True, on_flush=True, update_interval=3600))
        self.application = build_peer(self.persistence)
        self.updates = FakeBotAPI()  # only builds the updates' JSON
        self.update_id = 0
        self.latencies_ms: list[float] = []
        self.messages = 0
        self.sampled = False

    async def one(self, step: int, n: int) -> None:
        self.update_id += 1
        body = {"update_id": self.update_id, **_body(self.updates, step, FIRST_USER + n)}
        update = Update.de_json(body, self.application.bot)
        await self.application.process_update(update)
        if self.persistence is not None:
            await self.application.update_persistence()
            await self.persistence.flush()

    async def run(self, *, budget_s: float | None) -> dict[str, Any]:
        application = self.application
        await application.initialize()
        try:
            first = 0
            if self.persistence is not None:
                # Everyone has begun before the clock starts: the file holds them all.
                persistence, self.persistence = self.persistence, None
                for n in range(self.people):
                    await self.one(0, n)
                self.persistence = persistence
                await application.update_persistence()
                await persistence.flush()
                first = 1
            started = time.perf_counter()
            deadline = None if budget_s is None else started + budget_s
            for step in range(first, len(STEPS)):
                for n in range(self.people):
                    before = time.perf_counter()
                    await self.one(step, n)
                    now = time.perf_counter()
                    self.latencies_ms.append((now - before) * 1000)
                    self.messages += 1
                    if deadline is not None and now > deadline:
                        self.sampled = True
                        break
                if self.sampled:
                    break
            seconds = time.perf_counter() - started
            completed = (0 if self.sampled else
                         sum(1 for key in application.user_data
                             if len(application.user_data[key]) == len(STEPS)))
        finally:
            await application.shutdown()
        return {"people": self.people, "messages": self.messages,
                "seconds": round(seconds, 2),
                "messages_per_second": round(self.messages / seconds, 1) if seconds else 0,
                **_percentiles(self.latencies_ms), "completed_flows": completed,
                **({"sampled": True} if self.sampled else {})}


def _percentiles(latencies: list[float]) -> dict[str, float | None]:
    ordered = sorted(latencies)
    if not ordered:
        return {"p50_ms": None, "p99_ms": None}
    return {"p50_ms": round(statistics.median(ordered), 3),
            "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 3)}


def _reset_peak() -> bool:
    """Reset this process's peak RSS (Linux ``clear_refs``); whether it could."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _status_mb(field: str) -> float | None:
    """``VmHWM`` (peak RSS) or ``VmRSS`` of this process from ``/proc``, in MB."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


async def _phase(run: Callable[[], Coroutine[Any, Any, dict[str, Any]]]) -> dict[str, Any]:
    gc.collect()
    reset = _reset_peak()
    start = _status_mb("VmRSS")
    figures = await run()
    figures["rss_at_start_mb"] = start
    figures["peak_rss_mb"] = _status_mb("VmHWM")
    figures["peak_rss_of"] = "this phase" if reset else "the process so far"
    return figures


async def measure(*, people: int, durable_seconds: float, tmp: Path) -> dict[str, Any]:
    """Ours, the peer in memory, the peer durable; their figures and the ratios."""
    settings = load_settings()

    async def ours() -> dict[str, Any]:
        return await bench_runtime.run(settings, people=people, rate=0, db=tmp / "ours.db")

    async def in_memory() -> dict[str, Any]:
        return await Peer(people, None).run(budget_s=None)

    async def durable() -> dict[str, Any]:
        return await Peer(people, tmp / "peer.pickle").run(budget_s=durable_seconds)

    result: dict[str, Any] = {"people": people, "ours": await _phase(ours),
                              "peer_in_memory": await _phase(in_memory),
                              "peer_durable": await _phase(durable)}
    rate = result["ours"]["messages_per_second"]
    for name in ("in_memory", "durable"):
        peer = result[f"peer_{name}"]["messages_per_second"]
        result[f"ratio_{name}"] = round(rate / peer, 2) if peer else None
    result["peer"] = {"python_telegram_bot": _ptb_version(), "steps": len(STEPS),
                      "durability": "PicklePersistence, written after every update (no fsync)"}
    return result


def _ptb_version() -> str:
    import telegram

    return str(telegram.__version__)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_peer",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000, help="people (default 1000)")
    parser.add_argument("--durable-seconds", type=float, default=30.0,
                        help="longest the durable peer is timed (default 30)")
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(measure(people=args.people, durable_seconds=args.durable_seconds,
                                     tmp=Path(tmp)))
    if args.json:
        print(json.dumps(result))
        return 0
    for name in ("ours", "peer_in_memory", "peer_durable"):
        figures = result[name]
        print(f"{name:>15}: {figures['messages_per_second']:>9,.1f} msgs/s  "
              f"p50 {figures['p50_ms']} ms  p99 {figures['p99_ms']} ms  "
              f"peak RSS {figures['peak_rss_mb']} MB  ({figures['messages']} messages"
              f"{', sampled' if figures.get('sampled') else ''})")
    print(f"ours / peer in memory: {result['ratio_in_memory']}x   "
          f"ours / peer durable: {result['ratio_durable']}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
