"""Promises about coming back are kept: a line that tells the person ``/resume``
brings something back is said only when something is paused, and names it.

(The conversations themselves are golden transcripts: ``sos_resume``,
``first_command_checkin``, ``first_command_breathe``; the terminal's side is in
``test_console``.)
"""

from __future__ import annotations

from bot.config import Settings
from bot.dialogue.loader import load_dialogues
from bot.dialogue.validation import texts_of
from bot.engine import PAUSED

LISTS_COMMANDS = frozenset({"help"})
"""Dialogues that list /resume among the commands, promising nothing."""


def test_only_a_line_that_names_what_is_paused_promises_resume() -> None:
    dialogues = load_dialogues([Settings().dialogues_dir])
    problems = []
    for dialogue in dialogues.dialogues.values():
        if dialogue.id in LISTS_COMMANDS or dialogue.id == "system":
            continue
        for step_id, step in dialogue.steps.items():
            for _, variants in texts_of(step):
                for text in variants:
                    if "/resume" in text and f"{{{PAUSED}" not in text:
                        problems.append(f"{dialogue.id}.{step_id}: {text}")
                    if "/resume" in text and PAUSED not in dialogue.inputs:
                        problems.append(f"{dialogue.id}: declare `inputs: [{PAUSED}]`")
    assert not problems, "\n".join(problems)
