"""Every answer a person writes in an exercise is kept in the journal (with consent).

The walk below reads every shipped dialogue: each free-text answer (an
``ask_text`` step, the "in my own words" of a choice, the message an exercise was
started with) must be listed in one of the dialogue's ``journal`` steps, or the
dialogue must be one that keeps nothing on purpose, said here with the reason.
A new question added without a place in the journal fails here, naming the
dialogue, the step and the variable.  What is kept must also be shown: every
journal kind the dialogues write has a line in ``/journal``, and every answer a
label there.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.dialogue.loader import DialogueSet, load_dialogues
from bot.dialogue.spec import AskChoiceStep, AskTextStep, Dialogue, JournalStep
from bot.journal_view import HIDDEN_FIELDS, KINDS, LINE_ONLY, render_journal
from bot.store.base import JournalEntry
from bot.types import Segment
from tests.harness import Bot, Person

KEEPS_NOTHING = {
    "crisis": "a crisis conversation is read and answered, never kept; the country goes "
              "to the profile",
    "listen": "what someone writes right after a crisis is listened to, not kept",
    "plan": "the safety plan is kept in the profile, after a question of its own",
    "onboarding": "the country goes to the profile (settings, not a journal)",
    "settings": "the country goes to the profile",
    "sos": "the country goes to the profile",
    "nudges": "nudge times are settings",
    "which_tool": "the words are handed to the chosen exercise as its message",
    "menu": "the words are handed on to the exercise they lead to",
    "concern": "a safety check: the worrying message is read, not kept",
    "too_young": "the country goes to the profile (someone under the minimum age)",
}
"""Dialogues that keep no journal, and why."""
NOT_AN_ANSWER = {
    ("compassion_log", "message"): "offered to be kept as the kind act itself, or rewritten",
}
"""Single variables that are not kept as such, and why."""


@pytest.fixture(scope="module")
def dialogues() -> DialogueSet:
    return load_dialogues([Settings().dialogues_dir])


def written_answers(dialogue: Dialogue) -> Iterator[tuple[str, str]]:
    """(step, variable) of every answer the person writes in their own words."""
    if "message" in dialogue.inputs:
        yield "(started with a message)", "message"
    for step_id, step in dialogue.steps.items():
        if isinstance(step, AskTextStep):
            answer: str | None = step.save
        else:  # a choice's "in my own words"
            answer = step.save if isinstance(step, AskChoiceStep) and step.other else None
        if answer:
            yield step_id, answer


def kept(dialogue: Dialogue) -> set[str]:
    return {name for step in dialogue.steps.values() if isinstance(step, JournalStep)
            for name in step.fields}


def test_every_written_answer_of_an_exercise_is_kept_in_the_journal(
    dialogues: DialogueSet,
) -> None:
    missing = [
        f"{d.id}: '{var}' (step {step}) is not in any journal step"
        for d in dialogues.dialogues.values()
        if d.id not in KEEPS_NOTHING and d.audience == "private"
        for step, var in written_answers(d)
        if var not in kept(d) and (d.id, var) not in NOT_AN_ANSWER
    ]
    assert not missing, "\n".join(missing)


def test_the_exemptions_name_real_dialogues_that_keep_nothing(dialogues: DialogueSet) -> None:
    for name in KEEPS_NOTHING:
        assert name in dialogues.dialogues, f"{name} no longer exists: drop it from the list"
        assert not kept(dialogues[name]), f"{name} keeps a journal now: drop it from the list"


def test_every_journal_kind_and_answer_can_be_shown(dialogues: DialogueSet) -> None:
    """``/journal`` has a line for each kind, and a label for each answer (a
    missing label would fall back to a plain "you wrote")."""
    problems = []
    for d in dialogues.dialogues.values():
        for step_id, step in d.steps.items():
            if not isinstance(step, JournalStep):
                continue
            if step.entry not in KINDS:
                problems.append(f"{d.id}.{step_id}: /journal cannot show '{step.entry}' entries")
            if step.entry in LINE_ONLY:
                continue  # its line says it all; no field is listed as an answer
            in_line = (*KINDS[step.entry][1], *HIDDEN_FIELDS.get(step.entry, ())) \
                if step.entry in KINDS else ()
            for name in set(step.fields) - set(in_line):
                labels = (f"journal_answer_{d.id}_{name}", f"journal_answer_{name}")
                if not any(label in dialogues["system"].lines for label in labels) and name not in (
                        "before", "after", "mood", "intensity_before", "intensity_after"):
                    problems.append(f"{d.id}.{step_id}: no journal_answer_ line names '{name}'")
    assert not problems, "\n".join(problems)


def test_a_group_check_in_is_shown_with_its_feeling_as_our_words(
    dialogues: DialogueSet,
) -> None:
    at = datetime(2026, 11, 26, 9, tzinfo=UTC)
    message = render_journal(
        [JournalEntry("group_checkin", {"feeling": "low", "dialogue": "checkin"}, at)],
        (Segment("empty"),), dialogues)
    assert message.plain.endswith("26 Nov: a group check-in, feeling low")
    assert not any(s.quoted for s in message.segments)


async def onboard(person: Person, consent: str = "Yes, keep them") -> None:
    await person.send("hello")
    await person.send(f"[{consent}]")
    await person.send("UK")


async def test_mistake_and_break_answers_are_in_the_journal_and_the_export(bot: Bot) -> None:
    person = bot.person("ana")
    await onboard(person)
    for line in ("/mistake", "7", "I snapped at my sister", "[A bit of both]", "I was tired",
                 "[Yes, someone else]", "she looked so hurt", "to say when I'm tired",
                 "[Saying sorry]", "text her tonight", "everyone gets short sometimes", "4"):
        await person.send(line)
    for line in ("/break", "6", "[I'd like to write it down]", "the argument",
                 "[Next step]", "[Next step]", "may I be patient with myself", "5"):
        await person.send(line)
    shown = "\n".join(await person.command("journal"))
    for words in ("I snapped at my sister", "I was tired", "she looked so hurt",
                  "to say when I'm tired",
                  "text her tonight", "everyone gets short sometimes", "the argument",
                  "may I be patient with myself"):
        assert words in shown, f"/journal does not show {words!r}:\n{shown}"
    assert "what it can teach you: to say when I'm tired" in shown
    assert "your kind wish: may I be patient with myself" in shown
    await person.command("export")
    journal = person.last_export()["journal"]
    mistake = next(e for e in journal if e["data"].get("dialogue") == "mistake")
    assert mistake["data"]["learned"] == "to say when I'm tired"
    assert "what it can teach you: to say when I'm tired" in mistake["shown"]


async def test_a_repair_typed_at_the_repair_question_is_heard_and_kept(bot: Bot) -> None:
    """A trial typed its repair plan where the buttons were and was told "a button
    works best"; the words are the repair, kept, and the friend question follows."""
    person = bot.person("ana")
    await onboard(person)
    for line in ("/mistake", "7", "I snapped at my sister", "[A bit of both]", "I was tired",
                 "[Yes, someone else]", "she looked so hurt", "to say when I'm tired"):
        await person.send(line)
    replies = " ".join(await person.say("I'll call her tomorrow and say sorry properly"))
    assert "button" not in replies
    assert "good place to start" in replies or "take that step" in replies
    assert "friend" in replies  # the next question
    for line in ("everyone gets short sometimes", "4"):
        await person.send(line)
    shown = "\n".join(await person.command("journal"))
    assert "what you'd like to put right: I'll call her tomorrow and say sorry properly" in shown
    # A button's choice is no words of theirs: nothing shown for it.
    await person.send("/mistake")
    for line in ("5", "I forgot a deadline", "[A bit of both]", "rushed", "[Mostly just me]",
                 "plan better", "[Nothing to repair]", "it happens", "3"):
        await person.send(line)
    await person.command("export")
    entries = [e for e in person.last_export()["journal"] if e["data"].get("dialogue") == "mistake"]
    assert [e["data"].get("repair") for e in entries] == [
        "I'll call her tomorrow and say sorry properly", None]


async def test_without_consent_nothing_written_is_kept(bot: Bot) -> None:
    person = bot.person("ben")
    await onboard(person, "No, thanks")
    for line in ("/break", "6", "[I have it in mind]", "[Next step]", "[Next step]",
                 "may I be patient with myself", "5"):
        await person.send(line)
    await person.command("export")
    assert person.last_export()["journal"] == []


@pytest.mark.parametrize("reply", ["no", "ok", "7"])
async def test_a_nod_or_a_refusal_where_own_words_are_welcome_is_not_kept_as_words(
    bot: Bot, reply: str
) -> None:
    """ "no" typed at "bring something to mind" (buttons, or write it down) moves on
    like a skip: nothing is kept as the situation, and the break goes on."""
    person = bot.person("cleo")
    await onboard(person)
    for line in ("/break", "6"):
        await person.send(line)
    answered = "\n".join(await person.say(reply))
    assert reply not in answered.split()  # not quoted back as their words
    for line in ("[Next step]", "[Next step]", "may I be patient with myself", "5"):
        await person.send(line)
    await person.command("export")
    breaks = [e["data"] for e in person.last_export()["journal"]
              if e["data"].get("dialogue") == "sc_break"]
    assert breaks and all(data.get("situation") is None for data in breaks), breaks
