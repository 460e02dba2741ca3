"""``compassion-bot bench``: many people running the belief flow at once, durably.

Each simulated person talks to the real runtime over a real SQLite file (every
turn committed with ``synchronous=FULL``), reacting to what the bot actually
sends: pressing a button when it offers buttons, typing a sentence when it asks
for their words, until the flow ends.  Messages arrive at ``rate`` a second
whatever the bot does (an open load, as real people make), the people taking
turns; ``--rate 0`` has everyone send as fast as the bot answers, for the ceiling.

Printed: inbound messages per second, p50/p99 latency of one message (from the
moment it was due until its replies were delivered, so falling behind shows),
peak RSS, and the time to load and validate all dialogues.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import tempfile
import time
from array import array
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.bench_safety import TYPICAL
from bot.app import assemble_runtime, build_services, message_limits, settle_garbage_collector
from bot.config import Settings
from bot.dialogue.loader import load_dialogues
from bot.engine import Engine
from bot.runtime import Runtime
from bot.safety.resources import load_resources
from bot.store import create_store
from bot.types import (
    ButtonPress,
    Choice,
    ConversationKey,
    Inbound,
    Outbound,
    SendText,
    TextMessage,
)

PLATFORM = "bench"
# What a simulated person says when asked for their own words: the everyday
# answers the safety benchmark times too.
SENTENCES = TYPICAL[:7]
# Buttons a person in the middle of the flow tends to press; anything that
# would leave the flow early or loop back is avoided.
AVOID = ("skip", "other", "again", "another", "breath", "breathe", "no", "stop", "help")
MAX_MESSAGES_PER_PERSON = 40
COUNTRY = "United Kingdom"


class LastMessages:
    """A sender that discards replies but remembers the buttons each person was offered."""

    def __init__(self) -> None:
        self.choices: dict[ConversationKey, tuple[Choice, ...]] = {}
        self.sent = 0

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        self.sent += 1
        if isinstance(action, SendText):
            self.choices[key] = action.choices


@dataclass
class Figures:
    people: int
    messages: int = 0
    seconds: float = 0.0
    # An array, not a list of floats: 8 bytes a message instead of 32, which at
    # 300,000 messages kept the harness's own 7 MB in the peak RSS it reports.
    latencies_ms: array[float] = field(default_factory=lambda: array("d"))
    completed_flows: int = 0

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies_ms)
        return {
            "people": self.people,
            "completed_flows": self.completed_flows,
            "messages": self.messages,
            "seconds": round(self.seconds, 2),
            "messages_per_second": round(self.messages / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(statistics.median(lat), 2) if lat else None,
            "p99_ms": round(lat[int(len(lat) * 0.99) - 1], 2) if lat else None,
            "max_ms": round(lat[-1], 2) if lat else None,
        }


_MASK64 = (1 << 64) - 1


def draw(person: int, turn: int) -> int:
    """A well-mixed number for this person's ``turn`` (splitmix64's finaliser).

    Each person's choices are a function of who and when, not a ``random.Random``
    per person: those are 2.5 KB each, 25 MB of the harness's own at 10,000
    people in the peak RSS the benchmark reports as the bot's.
    """
    z = (person * 0x9E3779B97F4A7C15 + turn * 0xBF58476D1CE4E5B9 + 1) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def next_message(
    pick: int, choices: tuple[Choice, ...], turn: int, texts_sent: int
) -> tuple[str, str]:
    """What the person sends next: ``("choice", payload)`` or ``("text", words)``,
    ``pick`` choosing among the buttons or sentences.

    The first question asking for words is onboarding's "which country?".
    """
    options = [c for c in choices if not any(a in c.id.rsplit(":", 1)[-1] for a in AVOID)]
    only_skip = len(choices) == 1
    if options and not only_skip:
        numbers = [c for c in options if c.label.isdigit()]
        if numbers:  # a 0-10 scale: how strong before, how strong after
            wanted = "7" if turn < 8 else "4"
            return "choice", next(c.id for c in numbers if c.label == wanted)
        return "choice", options[pick % len(options)].id
    return "text", COUNTRY if texts_sent == 0 else SENTENCES[pick % len(SENTENCES)]


class Person:
    """One simulated person, one message at a time, reacting to what the bot sent."""

    __slots__ = ("done", "key", "kind", "n", "texts_sent", "turn", "value")

    def __init__(self, n: int) -> None:
        self.n = n
        self.key = ConversationKey(PLATFORM, f"chat{n}", f"user{n}")
        self.kind, self.value = "text", "hi"
        self.turn = 0
        self.texts_sent = 0
        self.done = False

    async def send(
        self, runtime: Runtime, sender: LastMessages, figures: Figures, since: float
    ) -> None:
        """Send the next message; latency counts from ``since`` (when it was due)."""
        event_id, now = f"{self.n}-{self.turn}", datetime.now(UTC)
        event: Inbound = (
            ButtonPress(self.key, event_id, now, self.value) if self.kind == "choice"
            else TextMessage(self.key, event_id, now, self.value))
        await runtime.handle(event)
        figures.latencies_ms.append((time.perf_counter() - since) * 1000)
        figures.messages += 1
        self.turn += 1
        choices = sender.choices.get(self.key, ())
        if not choices or self.turn >= MAX_MESSAGES_PER_PERSON:
            figures.completed_flows += not choices
            self.done = True
            return
        self.kind, self.value = next_message(draw(self.n, self.turn), choices, self.turn,
                                                self.texts_sent)
        self.texts_sent += self.kind == "text"


async def closed_loop(
    people: list[Person], runtime: Runtime, sender: LastMessages, figures: Figures
) -> None:
    """Everyone at once, each sending the next message as soon as the reply is in."""

    async def talk(person: Person) -> None:
        while not person.done:
            await person.send(runtime, sender, figures, time.perf_counter())

    await asyncio.gather(*(talk(p) for p in people))


async def open_loop(
    people: list[Person], runtime: Runtime, sender: LastMessages, figures: Figures, rate: float
) -> None:
    """Messages arrive at ``rate`` a second whatever the bot does, taking turns among
    the people (each sends again only once answered).  Latency counts from when a
    message was due, so a bot that falls behind sees it in its figures."""
    ready: deque[Person] = deque(people)
    wake = asyncio.Event()
    running: set[asyncio.Task[None]] = set()
    start = time.perf_counter()

    async def send(person: Person, due: float) -> None:
        try:
            await person.send(runtime, sender, figures, due)
            if not person.done:
                ready.append(person)
        finally:
            wake.set()

    sent = 0
    while ready or running:
        if not ready:
            wake.clear()
            await wake.wait()
            await asyncio.sleep(0)  # let the finished task leave `running`
            continue
        due = start + sent / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(send(ready.popleft(), due))
        running.add(task)
        task.add_done_callback(running.discard)
        sent += 1


def time_dialogue_loading(directory: Path, repeats: int = 5) -> float:
    """Median milliseconds to read, parse and validate every dialogue file,
    texts held to the registered platforms' limits as at start."""
    limits = message_limits()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        load_dialogues([directory], limits=limits)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bench_engine(settings: Settings) -> Engine:
    # Without the minimum-age question (one "yes" per new person): the simulated
    # people press buttons at random, and half of them would leave at "No", so
    # runs would no longer compare with those of earlier commits.
    return Engine(load_dialogues([settings.dialogues_dir]), build_services(load_resources()),
                  min_age=0)


async def simulate(runtime: Runtime, sender: LastMessages, crowd: list[Person], rate: float
                   ) -> Figures:
    """Let ``crowd`` talk to ``runtime`` at ``rate`` messages a second (0: as fast as
    the bot answers) until every flow ended; the figures of the run."""
    figures = Figures(len(crowd))
    started = time.perf_counter()
    try:
        if rate > 0:
            await open_loop(crowd, runtime, sender, figures, rate)
        else:
            await closed_loop(crowd, runtime, sender, figures)
    finally:
        figures.seconds = time.perf_counter() - started
        await runtime.dispatcher.flush()
    return figures


async def run(settings: Settings, *, people: int, rate: float, db: Path) -> dict[str, Any]:
    load_ms = time_dialogue_loading(settings.dialogues_dir)
    engine = bench_engine(settings)
    # ENCRYPTION_KEY set: the same run through EncryptedStore, to see its cost.
    store = create_store(f"sqlite:///{db}", settings.encryption_key)
    await store.open()
    sender = LastMessages()
    runtime = assemble_runtime(store, engine, {PLATFORM: sender})
    crowd = [Person(n) for n in range(people)]
    settle_garbage_collector()
    try:
        figures = await simulate(runtime, sender, crowd, rate)
    finally:
        await store.close()
    result = figures.summary()
    result.update(
        {
            "offered_rate": rate if rate > 0 else "unlimited",
            "replies_sent": sender.sent,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "dialogues_load_ms": round(load_ms, 1),
            "durability": "sqlite WAL, synchronous=FULL, group commit",
        }
    )
    return result


def main(settings: Settings, *, people: int, rate: float, db: Path | None, as_json: bool) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = db or Path(tmp) / "bench.db"
        result = asyncio.run(run(settings, people=people, rate=rate, db=path))
    if as_json:
        print(json.dumps(result))
    else:
        for name, value in result.items():
            print(f"{name:>22}: {value}")
    return 0
