"""Keeping count of what people sent and what reached them, through the fake Bot API.

A fault case makes people write two kinds of message:

* **markers**: commands the bot does not know (``/k501n007``), each answered with
  exactly one message naming it ("I don't know /k501n007...").  So every marker
  can be followed: never answered (lost), answered twice (duplicated), or
  answered before a marker the same person sent earlier (reordered).
* **crisis messages**, whose answer must carry the crisis lines: the time from
  the message to the first message holding them is the crisis latency, and the
  lines must arrive once.

Times are the fake's (``time.monotonic`` in this process): when a message was
queued for the bot to fetch, when the bot's ``sendMessage`` arrived.
"""

from __future__ import annotations

import bisect
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from benchmarks.fake_bot_api import Call, FakeBotAPI

MARKER: Final = re.compile(r"/k(\d+)n(\d+)")
CRISIS_TEXT: Final = "I want to kill myself"
CRISIS_LINES: Final = "findahelpline.com"
"""In every block of crisis lines for an unknown country (the floor's and the bot's)."""


@dataclass(frozen=True, slots=True)
class Sent:
    chat: int
    at: float
    marker: str | None = None
    """The marker text, or ``None`` for a crisis message."""


@dataclass(slots=True)
class Result:
    """One case's figures."""

    name: str
    sent: int = 0
    expected: int = 0
    lost: int = 0
    duplicated: int = 0
    reordered: int = 0
    crisis_latencies: list[float] = field(default_factory=list)
    """Seconds from each crisis message to its first crisis lines (missing: lost)."""
    reply_latencies: list[float] = field(default_factory=list)
    """Seconds from each marker to its answer."""
    note: str = ""

    @property
    def crisis_p50(self) -> float | None:
        return statistics.median(self.crisis_latencies) if self.crisis_latencies else None

    @property
    def crisis_p99(self) -> float | None:
        return _quantile(self.crisis_latencies, 0.99)

    @property
    def crisis_max(self) -> float | None:
        return max(self.crisis_latencies) if self.crisis_latencies else None

    @property
    def reply_max(self) -> float | None:
        return max(self.reply_latencies) if self.reply_latencies else None

    def clean(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.reordered == 0


class Ledger:
    """What a case sent, and the accounting of what came back."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.sent: list[Sent] = []
        self._counts: Counter[int] = Counter()

    def marker(self, chat: int) -> Sent:
        """``chat`` sends its next marker."""
        self._counts[chat] += 1
        text = f"/k{chat}n{self._counts[chat]:03d}"
        self.api.private_message(chat, text)
        sent = Sent(chat, time.monotonic(), text)
        self.sent.append(sent)
        return sent

    def crisis(self, chat: int, text: str = CRISIS_TEXT) -> Sent:
        self.api.private_message(chat, text)
        sent = Sent(chat, time.monotonic())
        self.sent.append(sent)
        return sent

    def received(self, chat: int) -> list[Call]:
        return [c for c in self.api.calls
                if c.method == "sendMessage" and c.ok and c.chat_id == chat]

    def answered(self) -> bool:
        """Every marker answered and every crisis message met with crisis lines."""
        result = self.result("")
        return result.lost == 0

    def result(self, name: str, note: str = "") -> Result:
        result = Result(name, note=note)
        result.sent = len(self.sent)
        result.expected = len(self.sent)
        for chat in sorted({s.chat for s in self.sent}):
            self._chat(chat, result)
        return result

    def _chat(self, chat: int, result: Result) -> None:
        mine = [s for s in self.sent if s.chat == chat]
        calls = self.received(chat)
        seen: list[tuple[str, float]] = [
            (m.group(0), call.at) for call in calls for m in MARKER.finditer(call.text)
            if int(m.group(1)) == chat]
        counts = Counter(marker for marker, _at in seen)
        markers = [s for s in mine if s.marker is not None]
        for sent in markers:
            assert sent.marker is not None
            if counts[sent.marker] == 0:
                result.lost += 1
            result.duplicated += max(0, counts[sent.marker] - 1)
            first = next((at for marker, at in seen if marker == sent.marker), None)
            if first is not None:
                result.reply_latencies.append(first - sent.at)
        order = {s.marker: n for n, s in enumerate(markers)}
        arrived = [order[m] for m, _at in _first_of_each(seen) if m in order]
        result.reordered += len(arrived) - _longest_increasing(arrived)
        crises = [s for s in mine if s.marker is None]
        lines = [call for call in calls if CRISIS_LINES in call.text]
        for sent in crises:
            later = [c.at for c in lines if c.at >= sent.at]
            if later:
                result.crisis_latencies.append(min(later) - sent.at)
            else:
                result.lost += 1
        # Each crisis message's lines once: the floor's and the turn's never both.
        result.duplicated += max(0, len(lines) - len(crises))


def _first_of_each(seen: list[tuple[str, float]]) -> list[tuple[str, float]]:
    first: dict[str, float] = {}
    for marker, at in seen:
        first.setdefault(marker, at)
    return sorted(first.items(), key=lambda item: item[1])


def _longest_increasing(values: list[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    for value in values:
        at = bisect.bisect_left(tails, value)
        if at == len(tails):
            tails.append(value)
        else:
            tails[at] = value
    return len(tails)


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def table(results: list[Result]) -> str:
    """The figures as a plain-text table."""
    header = ("case", "sent", "expected", "lost", "dup", "reord", "crisis p50", "crisis p99",
              "crisis max", "reply max", "note")
    rows = [header]
    for r in results:
        rows.append((r.name, str(r.sent), str(r.expected), str(r.lost), str(r.duplicated),
                     str(r.reordered), _s(r.crisis_p50), _s(r.crisis_p99), _s(r.crisis_max),
                     _s(r.reply_max), r.note))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}s"
