"""``compassion-bot bench``: many people running the belief flow at once, durably.

Each simulated person talks to the real runtime over a real SQLite file (every
turn committed with ``synchronous=FULL``), reacting to what the bot actually
sends: pressing a button when it offers buttons, typing a sentence when it asks
for their words, until the flow ends.  People arrive and think between messages
so that together they send ``rate`` messages a second (an open load, as real
people do); ``--rate 0`` sends as fast as the bot answers, for the ceiling.

Printed: inbound messages per second, p50/p99 latency of one message (from
hand-over to the runtime until its replies are delivered), peak RSS, and the
time to load and validate all dialogues.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import assemble_runtime, build_services
from bot.config import Settings
from bot.dialogue.loader import load_dialogues
from bot.engine import Engine
from bot.runtime import Runtime
from bot.safety.resources import load_resources
from bot.store.sqlite import SqliteStore
from bot.types import Choice, ConversationKey, Inbound, Outbound, SendText

PLATFORM = "bench"
# What a simulated person says when asked for their own words.
SENTENCES = (
    "I snapped at my sister on the phone and now I feel awful about it",
    "I always mess things up when it matters",
    "It started when I was a kid, my dad used to say it",
    "I think it was trying to keep me from getting hurt",
    "It makes me anxious all the time and I avoid people",
    "I would tell them that one bad moment doesn't define them",
    "I made a mistake, and I can learn from it without hating myself",
)
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
    latencies_ms: list[float] = field(default_factory=list)
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


def next_message(
    rng: random.Random, choices: tuple[Choice, ...], turn: int, texts_sent: int
) -> tuple[str, str]:
    """What the person sends next: ``("choice", payload)`` or ``("text", words)``.

    The first question asking for words is onboarding's "which country?".
    """
    options = [c for c in choices if not any(a in c.id.rsplit(":", 1)[-1] for a in AVOID)]
    only_skip = len(choices) == 1
    if options and not only_skip:
        numbers = [c for c in options if c.label.isdigit()]
        if numbers:  # a 0-10 scale: how strong before, how strong after
            wanted = "7" if turn < 8 else "4"
            return "choice", next(c.id for c in numbers if c.label == wanted)
        return "choice", rng.choice(options).id
    return "text", COUNTRY if texts_sent == 0 else rng.choice(SENTENCES)


async def person(
    n: int, runtime: Runtime, sender: LastMessages, think: float, figures: Figures,
    start_delay: float,
) -> None:
    rng = random.Random(n)
    key = ConversationKey(PLATFORM, f"chat{n}", f"user{n}")
    await asyncio.sleep(start_delay)
    kind, value = "text", "hi"
    texts_sent = 0
    for turn in range(MAX_MESSAGES_PER_PERSON):
        event = Inbound(
            key, f"{n}-{turn}", datetime.now(UTC), "choice" if kind == "choice" else "text",
            text=value if kind == "text" else "", choice=value if kind == "choice" else None,
        )
        started = time.perf_counter()
        await runtime.handle(event)
        figures.latencies_ms.append((time.perf_counter() - started) * 1000)
        figures.messages += 1
        choices = sender.choices.get(key, ())
        if not choices:
            figures.completed_flows += 1
            return
        kind, value = next_message(rng, choices, turn, texts_sent)
        texts_sent += kind == "text"
        if think:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))


def time_dialogue_loading(directory: Path, repeats: int = 5) -> float:
    """Median milliseconds to read, parse and validate every dialogue file."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        load_dialogues([directory])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def run(settings: Settings, *, people: int, rate: float, db: Path) -> dict[str, Any]:
    load_ms = time_dialogue_loading(settings.dialogues_dir)
    dialogues = load_dialogues([settings.dialogues_dir])
    engine = Engine(dialogues, build_services(load_resources()))
    store = SqliteStore(db)
    await store.open()
    sender = LastMessages()
    runtime = assemble_runtime(store, engine, {PLATFORM: sender})
    figures = Figures(people)
    # Each person sends about one message per `think` seconds, so together they
    # send `people / think` a second; arrivals are spread over one think time.
    think = people / rate if rate > 0 else 0.0
    started = time.perf_counter()
    try:
        await asyncio.gather(
            *(
                person(n, runtime, sender, think, figures, random.Random(-n).uniform(0, think))
                for n in range(people)
            )
        )
    finally:
        figures.seconds = time.perf_counter() - started
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
