"""The person's journal as one message: ``render_journal(entries, empty, lines)``.

One job: turn journal entries (newest first, as the store returns them) into a
:class:`~bot.types.SendText`, one line per entry under a short header, and under
it a line for each further answer the person wrote in that exercise (what a
mistake taught them, the wish of a self-compassion break), named by the
``journal_answer_`` lines.  Every word comes from ``dialogues/system.yaml`` (the
``journal_`` lines); the person's own words (a check-in word, a reframe, a kind
act, a letter, an answer) are quoted segments, so each adapter escapes them.
Entries of unknown kinds, or ones with nothing to show, are passed over; with
nothing left the dialogue's ``empty`` text is said instead.

Dates are the day in UTC: the store keeps times in UTC and the view has no
time zone of the person's to go by.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.state import Value
from bot.store.base import JournalEntry
from bot.types import Segment, SendText
from bot.wording import LineBook, fill, fullest

__all__ = [
    "QUOTE_CHARS",
    "answer_label",
    "answer_lines",
    "entry_line",
    "exercise_name",
    "exported_entry",
    "measure_score",
    "person_text",
    "render_journal",
    "scale_value",
    "short_date",
    "utc_day",
    "window",
]

QUOTE_CHARS = 120
"""The person's words are shortened to this, as the engine does."""
LETTER_CHARS = 1500
"""A letter is read back whole (up to this, within one Discord message): a letter
cut after two sentences is not the letter they wrote."""
MONTHS = 12
# Journal kind -> (line, fields that are the person's own words, fields that are numbers).
KINDS: Mapping[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "checkin": ("journal_checkin", ("word",), ("mood",)),
    "exercise": ("journal_exercise", (), ("before", "after")),
    "reframe": ("journal_reframe", ("reframe", "story"), ()),
    "compassion_log": ("journal_compassion_log", ("act",), ()),
    "letter": ("journal_letter", ("letter",), ()),
    "win": ("journal_win", ("win",), ()),
    "group_checkin": ("journal_group_checkin", (), ()),
    "kit": ("journal_kit", ("words",), ()),
    "measure": ("journal_measure", (), ()),
}
WHOLE_KINDS = frozenset({"letter", "kit"})
"""Kinds read back whole (up to ``LETTER_CHARS``)."""
HIDDEN_FIELDS: Mapping[str, tuple[str, ...]] = {"kit": ("item",)}
"""Fields of a kind that are no answer to list under it (which kind of kit item)."""
LINE_ONLY = frozenset({"measure"})
"""Kinds whose one line says it all: a measure's scores and its items' buttons are
ours, not answers to list (the line gives the score; /export has every item)."""
SCALE = range(0, 11)
MEASURE_LOW, MEASURE_HIGH = 1.0, 5.0
"""The self-compassion scale's range (a mean of 1-5 answers)."""
_DECIMAL = re.compile(r"[0-9]{1,2}(?:\.[0-9]{1,6})?")
OPTION_FIELDS: Mapping[str, str] = {"group_checkin": "feeling"}
"""Kinds whose field holds one of our own options (a group check-in's ``"low"``),
said as our text rather than quoted as the person's words."""
ANSWER_LINE = "journal_answer"
"""The line for one more answer under an entry ("- what it can teach you: ...")."""
ANSWER_LABEL = "journal_answer_"
"""Prefix of the lines naming a question: ``journal_answer_<dialogue>_<field>`` where
a dialogue asks it its own way, else ``journal_answer_<field>``, else ``..._other``."""


def render_journal(
    entries: Sequence[JournalEntry],
    empty: tuple[Segment, ...],
    lines: LineBook,
    *,
    quote_chars: int = QUOTE_CHARS,
    header: tuple[Segment, ...] = (),
) -> SendText:
    """The entries as one message under ``header`` (the ``journal_header`` line when
    empty), or ``empty`` when none of them can be shown."""
    shown = [line for entry in entries if (line := entry_line(entry, lines, quote_chars))]
    if not shown:
        return SendText(empty)
    # Wordings rotate by day, so someone looking every day does not read the same header.
    seed = utc_day(entries[0].at).toordinal()
    segments = list(header or fill(fullest(lines.line("journal_header"), (), seed), {},
                                   quote_chars))
    for line in shown:
        segments.append(Segment("\n"))
        segments.extend(line)
    return SendText(tuple(segments))


def entry_line(
    entry: JournalEntry, lines: LineBook, quote_chars: int = QUOTE_CHARS
) -> tuple[Segment, ...]:
    """One entry as a line of text; empty for a kind this view does not know."""
    kind = KINDS.get(entry.kind)
    if kind is None:
        return ()
    line_name, words_fields, number_fields = kind
    theirs: dict[str, Value] = {
        name: text for name in words_fields if (text := person_text(entry.data.get(name)))
    }
    ours = {"date": short_date(entry.at, lines)}
    ours |= {name: str(n) for name in number_fields
             if (n := scale_value(entry.data.get(name))) is not None}
    if entry.kind == "exercise":
        ours["exercise"] = exercise_name(str(entry.data.get("dialogue", "")), lines)
        if "before" not in ours or "after" not in ours:
            # "from 7 to ... out of 10" reads wrong: say both numbers or neither.
            ours.pop("before", None)
            ours.pop("after", None)
    option_field = OPTION_FIELDS.get(entry.kind)
    if option_field is not None and (option := person_text(entry.data.get(option_field))):
        ours[option_field] = option
    said = {*words_fields, *ours, *HIDDEN_FIELDS.get(entry.kind, ())}
    if entry.kind in LINE_ONLY:
        said |= set(entry.data)
    if entry.kind == "measure" and (
            score := measure_score(entry.data.get("scs_total"))) is not None:
        ours["score"] = f"{score:.2f}"
    wording = fullest(lines.line(line_name), (*theirs, *ours), utc_day(entry.at).toordinal())
    # A letter, or what someone keeps in their kit for a hard day, is read back
    # whole: cut after two sentences it is not what they wrote.
    limit = max(quote_chars, LETTER_CHARS) if entry.kind in WHOLE_KINDS else quote_chars
    return fill(wording, theirs, limit, ours=ours) + answer_lines(entry, said, lines,
                                                                  quote_chars)


EXPORT_CHARS = 100_000
"""In an export nothing is shortened: it is the person's own copy."""


def exported_entry(item: Mapping[str, Any], lines: LineBook) -> dict[str, Any]:
    """A journal entry of ``/export`` (``kind``, ``data``, ``at`` as the store gives
    it) with ``shown`` added: the entry as ``/journal`` words it, every answer
    named and whole, so the file reads without knowing the field names."""
    at = item.get("at")
    try:
        when = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    except ValueError:
        return dict(item)  # not a time we can read: the data is there all the same
    data = item.get("data")
    entry = JournalEntry(str(item.get("kind", "")), data if isinstance(data, dict) else {}, when)
    text = "".join(s.text for s in entry_line(entry, lines, EXPORT_CHARS))
    return {**item, "shown": text} if text else dict(item)


def answer_lines(
    entry: JournalEntry, said: Collection[str], lines: LineBook, quote_chars: int = QUOTE_CHARS
) -> tuple[Segment, ...]:
    """The person's other answers in an entry (what a mistake taught them, the wish
    of a self-compassion break), a line each under the entry's own line, in the
    order the exercise asked them.  Fields ``said`` in that line, numbers, and
    which exercise it was are left out."""
    dialogue = str(entry.data.get("dialogue", ""))
    segments: list[Segment] = []
    for name, value in entry.data.items():
        text = person_text(value)
        if not text or name in said or name == "dialogue":
            continue
        segments.append(Segment("\n"))
        label = answer_label(dialogue, name, lines)
        button = lines.option_label(dialogue, name, text)
        if button is not None:
            # A button they pressed: our words, in their language, not a quote.
            segments.extend(fill(lines.line(ANSWER_LINE)[0], {}, quote_chars,
                                 ours={"label": label, "answer": button}))
            continue
        segments.extend(fill(lines.line(ANSWER_LINE)[0], {"answer": text}, quote_chars,
                             ours={"label": label}))
    return tuple(segments)


def measure_score(value: object) -> float | None:
    """A self-compassion score 1-5 as stored ("3.25", or a number), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        # Plain ASCII decimals only: float() would take "nan", "1e0" or "３".
        if not (text.isascii() and _DECIMAL.fullmatch(text)):
            return None
        value = float(text)
    if isinstance(value, int | float) and math.isfinite(value) and (
            MEASURE_LOW <= value <= MEASURE_HIGH):
        return float(value)
    return None


def answer_label(dialogue: str, name: str, lines: LineBook) -> str:
    """What a question is called in the journal ("what it can teach you")."""
    for line in (f"{ANSWER_LABEL}{dialogue}_{name}", f"{ANSWER_LABEL}{name}"):
        try:
            return lines.line(line)[0]
        except KeyError:
            continue
    return lines.line(f"{ANSWER_LABEL}other")[0]


def short_date(at: date, lines: LineBook) -> str:
    """"26 Nov" (from the ``journal_date`` and ``journal_months`` lines); a
    ``datetime`` is taken as the day it falls on in UTC."""
    if isinstance(at, datetime):
        at = utc_day(at)
    months = lines.line("journal_months")
    if len(months) != MONTHS:
        return at.isoformat()
    values = {"day": str(at.day), "month": months[at.month - 1]}
    return "".join(s.text for s in fill(lines.line("journal_date")[0], {}, 0, ours=values))


def exercise_name(dialogue: str, lines: LineBook) -> str:
    """What an exercise is called ("soothing breathing"), by its dialogue id."""
    try:
        return lines.line(f"journal_ex_{dialogue}")[0]
    except KeyError:
        return lines.line("journal_ex_other")[0]


def window(entries: Iterable[JournalEntry], now: datetime,
           days: int) -> tuple[date, date, list[tuple[date, JournalEntry]]]:
    """The ``days`` UTC days up to and including ``now``'s (first and last), and the
    entries that fall in them, oldest first, each with its day."""
    end = utc_day(now)
    start = end - timedelta(days=days - 1)
    inside = [(day, entry) for entry in sorted(entries, key=lambda e: e.at)
              if start <= (day := utc_day(entry.at)) <= end]
    return start, end, inside


def utc_day(at: datetime) -> date:
    """The day ``at`` falls on in UTC (a naive time is taken as UTC already)."""
    return (at.astimezone(UTC) if at.tzinfo is not None else at).date()


def scale_value(value: object) -> int | None:
    """A 0-10 rating as stored (an int, or digits), else ``None``."""
    if isinstance(value, bool):
        return None
    # isdecimal and isascii, not isdigit: "²" is a digit to Python and int() refuses it.
    if isinstance(value, str) and value.strip().isdecimal() and value.strip().isascii():
        value = int(value.strip())
    return value if isinstance(value, int) and value in SCALE else None


def person_text(value: object) -> str:
    """The person's words if there are any (blank and non-text values count as missing)."""
    return value.strip() if isinstance(value, str) else ""
