"""The rubric every dialogue is held to (issue 15, CONTENT.md "Listening, not matching").

- One question per message: no wording of any message has more than one "?".
- Short enough to read on a phone in one breath: no wording over 60 words.
- Praise is earned: in every dialogue (none is exempt), a line marked
  ``praise: true`` is never reached right after a skipped question unless a branch
  that looks at what the person did stands in between (one on the
  ``answered``/``skipped`` counters, or the case of one that asks whether an
  answer was given: its default is taken without one); and a person who skips
  everything is never praised, walked through every dialogue with the real engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.dialogue.loader import DialogueSet, load_dialogues, load_locales
from bot.dialogue.spec import (
    COUNTERS,
    PLACEHOLDER,
    AskChoiceStep,
    AskScaleStep,
    AskTextStep,
    BranchStep,
    Dialogue,
    EndStep,
    SayStep,
)
from bot.dialogue.validation import successors, texts_of
from bot.types import SendText
from tests.test_walks import STARTS, Walker

DIALOGUES = Path(__file__).resolve().parent.parent / "dialogues"
MAX_WORDS = 60


@pytest.fixture(scope="module")
def dialogues() -> DialogueSet:
    return load_dialogues([DIALOGUES])


def _every_language() -> dict[str, DialogueSet]:
    locales, problems = load_locales(DIALOGUES)
    assert problems == []
    return {"en": load_dialogues([DIALOGUES]),
            **{code: locale.dialogues for code, locale in locales.items()}}


EVERY_LANGUAGE = _every_language()


def messages(dialogues: DialogueSet) -> Iterator[tuple[str, str]]:
    """``(where, wording)`` of every message the bot can send, lines included."""
    for d in dialogues.dialogues.values():
        for step_id, step in d.steps.items():
            for field_name, variants in texts_of(step):
                for n, text in enumerate(variants):
                    yield f"{d.id}.{step_id}.{field_name}[{n}]", text
        for name, variants in d.lines.items():
            for n, text in enumerate(variants):
                yield f"{d.id}.lines.{name}[{n}]", text


def words(text: str) -> int:
    """Words a person reads; a quoted answer counts as one, a dash none."""
    return sum(1 for token in PLACEHOLDER.sub("X", text).split()
               if any(c.isalnum() for c in token))


@pytest.mark.parametrize("language", sorted(EVERY_LANGUAGE))
def test_one_question_per_message(language: str) -> None:
    many = [f"{where}: {text}" for where, text in messages(EVERY_LANGUAGE[language])
            if PLACEHOLDER.sub("", text).count("?") > 1]
    assert many == [], "more than one question in a message:\n" + "\n".join(many)


@pytest.mark.parametrize("language", sorted(EVERY_LANGUAGE))
def test_no_message_is_over_sixty_words(language: str) -> None:
    long = [f"{where}: {words(text)} words" for where, text in messages(EVERY_LANGUAGE[language])
            if words(text) > MAX_WORDS]
    assert long == [], "\n".join(long)


# --- earned praise ------------------------------------------------------------------


def is_praise(step: object) -> bool:
    return isinstance(step, SayStep | EndStep) and step.praise


def looks_at_what_was_done(step: object) -> bool:
    """A branch that weighs how much the person did (the ``answered``/``skipped``
    counters): every way out of it is decided by what they did."""
    return isinstance(step, BranchStep) and any(case.when.var in COUNTERS for case in step.cases)


def unguarded(step: BranchStep) -> list[str]:
    """The ways out of a branch that do not ask whether an answer was given: a case
    on ``is_set: true`` leads on only when the person gave that answer, but its
    other cases and its default are taken without one."""
    return [case.next for case in step.cases if case.when.is_set is not True] + [step.default]


def skip_targets(d: Dialogue) -> Iterator[tuple[str, str]]:
    for step_id, step in d.steps.items():
        if isinstance(step, AskTextStep | AskScaleStep | AskChoiceStep):
            target = step.skip or step.next
            if target is not None:
                yield step_id, target


def onward(step: object) -> list[str]:
    """Where a person who has just skipped may go next, doing nothing kind meanwhile.

    Words written in answer (an ``ask_text`` answered, a choice's "in my own words")
    are an act: praise right after them is earned, so that way is not followed.
    Pressing a button or giving a number is not: those ways are followed."""
    if isinstance(step, AskTextStep):
        return [step.skip or step.next]
    if isinstance(step, AskChoiceStep):
        targets = [step.skip or step.next] + [o.next or step.next for o in step.choices]
        return [t for t in targets if t is not None]
    if isinstance(step, BranchStep):
        return unguarded(step)
    return successors(step)  # type: ignore[arg-type]


def unearned_praise(d: Dialogue) -> list[str]:
    """Praise steps reachable from a skip with no branch on what was done between."""
    found: list[str] = []
    for asked, start in skip_targets(d):
        seen: set[str] = set()
        todo = [start]
        while todo:
            step_id = todo.pop()
            if step_id in seen:
                continue
            seen.add(step_id)
            step = d.steps[step_id]
            if looks_at_what_was_done(step):
                continue
            if is_praise(step):
                found.append(f"{d.id}.{step_id} (after skipping {d.id}.{asked})")
            todo += onward(step)
    return sorted(set(found))


def test_no_praise_is_reachable_right_after_a_skip(dialogues: DialogueSet) -> None:
    """Every dialogue, none exempt."""
    problems = [p for d in dialogues.dialogues.values() for p in unearned_praise(d)]
    assert problems == [], "praise reachable after a skip:\n" + "\n".join(problems)


CLOSING = yaml.safe_load("""
id: sample
title: Sample
start: ask
steps:
  ask: {kind: ask_text, say: "Words?", save: words, next: check, skip: check}
  check:
    kind: branch
    cases:
      - {when: {var: words, is_set: true}, next: thanks}
    default: plain
  thanks: {kind: end, praise: true, say: "Thank you for writing that."}
  plain: {kind: end, say: "That's okay."}
""")


def closing(**changes: object) -> Dialogue:
    data = {**CLOSING, "steps": {**CLOSING["steps"], **changes}}
    return Dialogue.model_validate(data)


def test_the_check_sees_praise_behind_a_branch_that_does_not_guard_it() -> None:
    assert unearned_praise(closing()) == []  # praise only when words were written
    # The default of a branch on an answer is taken without one.
    plain_praise = {"kind": "end", "praise": True, "say": "Well done."}
    assert unearned_praise(closing(plain=plain_praise)) == [
        "sample.plain (after skipping sample.ask)"
    ]
    # A branch on something other than the answer guards nothing.
    on_path = {"kind": "branch", "cases": [{"when": {"var": "words", "equals": "x"},
                                            "next": "plain"}], "default": "thanks"}
    assert unearned_praise(closing(check=on_path)) == ["sample.thanks (after skipping sample.ask)"]
    # A branch on how much was done (the counters) decides every way out of it.
    counted = {"kind": "branch", "cases": [{"when": {"var": "skipped", "above": "answered"},
                                            "next": "plain"}], "default": "thanks"}
    assert unearned_praise(closing(check=counted)) == []


def praise_patterns(dialogues: DialogueSet) -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for d in dialogues.dialogues.values():
        for step_id, step in d.steps.items():
            if is_praise(step):
                assert isinstance(step, SayStep | EndStep)
                for text in step.say or ():
                    parts = PLACEHOLDER.split(text)
                    # split keeps the groups (name, fallback): keep the literal parts only
                    literal = parts[::3]
                    pattern = ".*?".join(re.escape(p.strip()) for p in literal if p.strip())
                    patterns.append((f"{d.id}.{step_id}", re.compile(pattern, re.S)))
    return patterns


def walk_skipping(dialogue_id: str, answer: str) -> list[str]:
    """Everything said to someone who answers every question with ``answer``."""
    walker = Walker(onboarded=True)
    said: list[str] = []
    for kind, value, risk in STARTS[dialogue_id]:
        said += [a.plain for a in walker.send(kind, value, risk) if isinstance(a, SendText)]
    for _ in range(60):
        if walker.state.current is None:
            break
        said += [a.plain for a in walker.send("text", answer) if isinstance(a, SendText)]
    return said


@pytest.mark.parametrize("answer", ["skip", "I don't know"])
@pytest.mark.parametrize("dialogue_id", sorted(STARTS))
def test_someone_who_skips_everything_is_never_praised(
    dialogues: DialogueSet, dialogue_id: str, answer: str
) -> None:
    patterns = praise_patterns(dialogues)
    for text in walk_skipping(dialogue_id, answer):
        for where, pattern in patterns:
            assert not pattern.search(text), f"{where} praised someone who skipped: {text!r}"
