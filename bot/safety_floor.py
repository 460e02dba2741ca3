"""The safety floor: crisis lines that need no database.

When a turn cannot be committed (the disk is full, PostgreSQL is gone) the
person still has to get the crisis lines at once if what they wrote is a
crisis.  :class:`SafetyFloor` decides from the message alone, with nothing
stored: it runs the same safety assessment as a turn (without the earlier
messages, which live in the database), and for a crisis, a concern, ``/sos`` or
a typed "help" it builds the messages an adapter sends straight away, outside
the outbox.  Every sentence comes from the dialogues (the intro of the
matching ``resources`` step, the ``floor_note`` system line) and from the
resource book; nothing here is worded in code.

The country is unknown without the person's profile, so the lines are the
international ones; when the platform tells the person's locale and it names a
region ("en-GB", "pt_BR"), that country's emergency number comes first.

Once the store is back the postponed turn commits, and its crisis lines would
say again what the floor already said.  The runtime gets the :class:`FloorReply`
the floor sent and leaves those lines (the block of resources and the intro just
before it) out of the turn's replies with :func:`without_shown_lines`; the rest
of the turn (the question that follows, local lines for a known country) goes
out as usual.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from bot.dialogue.loader import DialogueSet
from bot.dialogue.locales import plain_key
from bot.dialogue.spec import ResourcesStep
from bot.safety.resources import (
    ENGLISH_WORDS,
    ResourceBook,
    ResourceWords,
    format_resources,
    resource_words,
)
from bot.text import HELP_ANSWERS, answer_key, clean_input, primary_language
from bot.types import (
    Action,
    Assessor,
    CommandMessage,
    Inbound,
    Segment,
    SendText,
    TextMessage,
)

SOS_COMMAND: Final = "sos"
NOTE_LINE: Final = "floor_note"
"""The ``system`` line said after the floor's lines: the bot cannot answer properly
yet, the message is not forgotten."""

# The resources step whose intro the floor borrows, by what it answers.
_CRISIS: Final = ("crisis", "lines")
_GROUP_CRISIS: Final = ("group_crisis", "lines")
_CONCERN: Final = ("concern", "unsure")
_SOS: Final = ("sos", "lines")

# "en-GB", "pt_BR", "es-419" (a UN region, not a country), "en_GB.UTF-8".
_LOCALE = re.compile(r"^[A-Za-z]{2,3}[-_](?P<region>[A-Za-z]{2})(?:[.@].*)?$")


@dataclass(frozen=True, slots=True)
class FloorReply:
    """What the floor sends for one message."""

    messages: tuple[SendText, ...]
    block: str
    """The resources block as the engine would show it for an unknown country (the
    locale's emergency number not included), to recognise it in the turn later."""
    level: str
    """``crisis``, ``concern`` or ``sos``: for the log, never the text."""


class SafetyFloor:
    """Builds the floor's reply to a message, from the message alone."""

    def __init__(self, dialogues: DialogueSet, book: ResourceBook, assess: Assessor, *,
                 locales: Mapping[str, DialogueSet] | None = None,
                 help_words: frozenset[str] = frozenset()) -> None:
        """``locales``: the dialogues of each other language, by code, for a person
        whose app reports one; ``help_words``: every language's words for help
        (accents folded as :func:`bot.dialogue.locales.plain_key` does)."""
        self.dialogues = dialogues
        self.book = book
        self.assess = assess
        self.locales = dict(locales or {})
        self.help_words = help_words
        self.intros = resource_intros(dialogues)

    def reply_for(self, event: Inbound, locale: str | None = None) -> FloorReply | None:
        """The messages to send now, or ``None`` when the message needs none."""
        if not isinstance(event, TextMessage | CommandMessage):
            return None  # buttons and scheduled events carry no words of the person's
        text = clean_input(event.text)
        typed_help = answer_key(text) in HELP_ANSWERS or plain_key(text) in self.help_words
        asked = (isinstance(event, CommandMessage) and event.command.casefold() == SOS_COMMAND) \
            or (isinstance(event, TextMessage) and typed_help)
        risk = self.assess(text, ()) if text.strip() else None
        if risk is not None and risk.level == "crisis":
            level, step = "crisis", _GROUP_CRISIS if event.chat_kind == "group" else _CRISIS
        elif risk is not None and risk.level == "concern":
            level, step = "concern", _CONCERN
        elif asked:
            level, step = "sos", _SOS
        else:
            return None
        topic = risk.topic if risk is not None and risk.level != "none" else None
        # Without the profile, the language is the one the platform reports.
        language = primary_language(locale or event.language or "")
        dialogues = self.locales.get(language, self.dialogues)
        # The phrases beside the lines in the same language as the words around them.
        spoken = language if language in self.locales else None
        words = resource_words(dialogues["system"].lines, spoken) \
            if "system" in dialogues.dialogues else ENGLISH_WORDS
        block = format_resources(self.book.for_country(None), topic=topic, words=words)
        shown = block
        emergency = self._emergency(locale or event.language, words)
        if emergency is not None and emergency not in block:
            shown = f"{emergency}\n{block}"
        messages = [SendText((Segment(line),))
                    for line in (self._intro(dialogues, step), shown) if line]
        note = self._note(dialogues)
        if note:
            messages.append(SendText((Segment(note),)))
        return FloorReply(tuple(messages), block, level)

    @staticmethod
    def _intro(dialogues: DialogueSet, where: tuple[str, str]) -> str:
        dialogue = dialogues.dialogues.get(where[0])
        step = dialogue.steps.get(where[1]) if dialogue is not None else None
        if isinstance(step, ResourcesStep) and step.say:
            return step.say[0].strip()
        return ""

    @staticmethod
    def _note(dialogues: DialogueSet) -> str:
        system = dialogues.dialogues.get("system")
        if system is None or NOTE_LINE not in system.lines:
            return ""
        return system.lines[NOTE_LINE][0].strip()

    def _emergency(self, locale: str | None, words: ResourceWords) -> str | None:
        """The emergency-number line of the locale's country, when it names one."""
        country = country_of_locale(locale)
        if country is None or country not in self.book.countries:
            return None
        entry = self.book.countries[country]
        if not entry.emergency:
            return None
        # The first line of a country's block is its emergency number.
        return format_resources(entry, words=words).split("\n", 1)[0]


def country_of_locale(locale: str | None) -> str | None:
    """``GB`` from ``en-GB`` or ``en_GB.UTF-8``; ``None`` for ``de`` or nothing."""
    if not locale:
        return None
    match = _LOCALE.match(locale.strip())
    return match["region"].upper() if match else None


def resource_intros(dialogues: DialogueSet) -> frozenset[str]:
    """Every wording that introduces a block of crisis lines, in any dialogue."""
    intros: set[str] = set()
    for dialogue in dialogues.dialogues.values():
        for step in dialogue.steps.values():
            if isinstance(step, ResourcesStep) and step.say:
                intros.update(variant.strip() for variant in step.say)
    return frozenset(intros)


def without_shown_lines(
    actions: Sequence[Action], shown: FloorReply, intros: frozenset[str]
) -> list[Action]:
    """``actions`` without the crisis lines the floor already sent: the first block
    identical to the floor's, and the intro right before it."""
    out = list(actions)
    for n, action in enumerate(out):
        if isinstance(action, SendText) and not action.choices \
                and action.plain.strip() == shown.block.strip():
            del out[n]
            before = out[n - 1] if n > 0 else None
            if isinstance(before, SendText) and not before.choices \
                    and before.plain.strip() in intros:
                del out[n - 1]
            break
    return out

