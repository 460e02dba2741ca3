"""Button payloads: ``dialogue:step:option``.

The payload names the step it belongs to, so a press on a button from an older
message is recognised as stale instead of being applied to whatever question is
current.  A launcher (``+:origin:dialogue``) is the exception: it starts a
dialogue whenever it is pressed (the exercise list, a nudge's one-tap reply).
Ids are limited in :mod:`bot.dialogue.spec` so that every payload fits
Telegram's 64-byte ``callback_data`` and Discord's 100-character ``custom_id``.
"""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = ":"
LAUNCH = "+"
"""The first part of a launcher's payload; never a dialogue id (those start with a letter)."""


@dataclass(frozen=True, slots=True)
class ChoiceRef:
    dialogue: str
    step: str
    option: str

    def encode(self) -> str:
        return SEPARATOR.join((self.dialogue, self.step, self.option))


def parse_choice(payload: str) -> ChoiceRef | None:
    """The three parts of a payload, or ``None`` for anything malformed."""
    parts = payload.split(SEPARATOR)
    if len(parts) != 3 or not all(parts) or len(payload) > 100:
        return None
    return ChoiceRef(*parts)


def launcher(dialogue: str, origin: str = "-") -> str:
    """The payload of a button that starts ``dialogue``; ``origin`` says where it was offered."""
    return ChoiceRef(LAUNCH, origin, dialogue).encode()
