"""Saying things: choosing a wording, asking a question with its buttons, sending text.

Every sentence comes from the dialogues; a line's wordings are taken in turn
per person (see :meth:`Saying.pick`), so nobody hears the same one twice in a row.
"""

from __future__ import annotations

from bot.choices import ChoiceRef
from bot.dialogue.spec import (
    AskChoiceStep,
    AskScaleStep,
    AskStep,
    AskTextStep,
    PauseStep,
    Variants,
)
from bot.nudges.schedule import WEEKDAYS
from bot.state import Frame, Value
from bot.text import quotable
from bot.turn.memory import Memory
from bot.types import Choice, Segment, SendText
from bot.wording import fill, fillable, rotation

SKIP_OPTION = "skip"
OTHER_OPTION = "other"
UNSURE_OPTION = "unsure"


SHOWN_DAYS = "nudge_days"
"""The variable holding the nudge days as stored, shown as day names."""


class Saying(Memory):
    """A turn that can speak: questions, lines and plain text."""

    @staticmethod
    def text_buttons(step: AskTextStep | AskScaleStep) -> tuple[str, ...]:
        """The options under a question that takes words or a number, in order."""
        if isinstance(step, AskTextStep) and step.stuck is not None:
            return (UNSURE_OPTION, SKIP_OPTION)
        return (SKIP_OPTION,)

    def prompt(
        self, frame: Frame, step: AskStep,
        *, say: Variants | None = None, key: str | None = None, again: bool = False,
    ) -> None:
        """Ask the step's question (or ``say`` instead), with its buttons; ``again``
        asks it in the words it was last asked in."""
        frame.asked = True
        choices: list[Choice] = []
        if isinstance(step, AskChoiceStep):
            choices = [Choice(self.ref(frame, o.id), o.label) for o in step.choices]
            if step.other is not None:
                choices.append(Choice(self.ref(frame, OTHER_OPTION), step.other.label))
        else:
            if isinstance(step, AskScaleStep):
                # A scale's buttons are typed as their own numbers, never as
                # positions in a list ("1" means 1, not the first button, 0).
                choices = [Choice(self.ref(frame, str(n)), str(n), shortcut=str(n))
                           for n in range(step.min, step.max + 1)]
            if UNSURE_OPTION in self.text_buttons(step):
                label = self.pick(self.dialogues.line("unsure_button"),
                                  "system.unsure_button", {})
                choices.append(Choice(self.ref(frame, UNSURE_OPTION),
                                      "".join(s.text for s in label)))
            label = self.pick(self.dialogues.line("skip_button"), "system.skip_button", {})
            text = "".join(s.text for s in label)
            # On a scale the number keys are typed as they are; so is the skip key,
            # in the person's language ("saltar" is understood, like "skip").
            choices.append(Choice(self.ref(frame, SKIP_OPTION), text,
                                  shortcut=text.casefold() if isinstance(step, AskScaleStep)
                                  else None))
        segments = self.render(say or step.say, key or f"{frame.dialogue}.{frame.step}",
                               frame.vars, again=again)
        self.emit(segments, tuple(choices))

    def reprompt(self) -> None:
        frame = self.state.current
        if frame is None:
            return
        step = self.step_of(frame)
        if isinstance(step, PauseStep):
            return  # nothing to ask again: the pause ends by itself
        if isinstance(step, AskStep):
            if frame.other_pending and isinstance(step, AskChoiceStep) and step.other:
                self.say(step.other.say, key=f"{frame.dialogue}.{frame.step}.other", frame=frame,
                         again=True)
            else:
                # The same words as before: a question asked again in new words
                # reads as a new greeting ("Thank you for being here...").
                self.prompt(frame, step, again=True)

    @staticmethod
    def ref(frame: Frame, option: str) -> str:
        return ChoiceRef(frame.dialogue, frame.step, option).encode()

    def say(self, variants: Variants, *, key: str, frame: Frame, again: bool = False) -> None:
        self.emit(self.render(variants, key, frame.vars, again=again))

    def say_line(self, name: str, **values: str) -> None:
        self.emit(self.render(self.dialogues.line(name), f"system.{name}", values,
                              quote=False))

    def emit(self, segments: tuple[Segment, ...], choices: tuple[Choice, ...] = ()) -> None:
        self.actions.append(SendText(segments, choices))

    def render(
        self, variants: Variants, key: str, values: dict[str, Value] | dict[str, str],
        *, quote: bool = True, again: bool = False,
    ) -> tuple[Segment, ...]:
        chosen = self.pick(variants, key, values, again=again)
        if quote:
            return chosen
        return tuple(Segment(s.text) for s in chosen)

    def pick(
        self, variants: Variants, key: str, values: dict[str, Value] | dict[str, str],
        *, again: bool = False,
    ) -> tuple[Segment, ...]:
        """Choose a wording this person has not heard lately, and fill it in.

        Each person gets their own shuffled order of a line's wordings (seeded
        by their id, so the choice is deterministic and needs no stored random
        state); a counter per line walks through it, so no wording repeats
        until all have been used.  Wordings that quote a skipped answer
        without a fallback are passed over.  ``again`` repeats the wording last
        chosen for the line (the counter does not move).
        """
        # An answer of emoji only ("😔😔") is met in other words, never quoted:
        # for wording it counts as unsaid.
        values = {k: v for k, v in values.items() if not isinstance(v, str) or quotable(v)}
        days = values.get(SHOWN_DAYS)
        if isinstance(days, str) and (named := self.day_names(days)) is not None:
            values = {**values, SHOWN_DAYS: named}
        if len(variants) == 1:
            return self.fill(variants[0], values)
        # Prefer wordings whose quotes all have an answer; a fallback ("{story|it}")
        # reads worse than a wording written for the skipped case.
        usable = [i for i, text in enumerate(variants) if fillable(text, values, strict=True)]
        usable = usable or [i for i, text in enumerate(variants) if fillable(text, values)]
        usable = usable or list(range(len(variants)))
        count = self.state.said.get(key, 0)
        if again and count:
            count -= 1
        else:
            self.state.said[key] = count + 1
        order = rotation(self.turn.event.key.user_id, key, len(variants), count // len(variants))
        start = count % len(variants)
        rotated = order[start:] + order[:start]
        index = next(i for i in rotated if i in usable)
        return self.fill(variants[index], values)

    def day_names(self, stored: str) -> str | None:
        """Nudge days as stored ("mon,wed,fri") in the person's words ("lun, mié,
        vie"), from the ``day_names`` system line; ``None`` for anything else."""
        codes = stored.split(",")
        try:
            names = self.dialogues.line("day_names")
        except KeyError:
            return None
        if len(names) != len(WEEKDAYS) or not all(code in WEEKDAYS for code in codes):
            return None
        return ", ".join(names[WEEKDAYS.index(code)] for code in codes)

    def fill(self, text: str, values: dict[str, Value] | dict[str, str]) -> tuple[Segment, ...]:
        return fill(text, values, self.engine.quote_chars)
