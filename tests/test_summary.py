"""/summary: a one-page PDF for a clinician, sent only to the person, with the safety
plan only when they choose to include it."""

from __future__ import annotations

import io

from pypdf import PdfReader

from bot.types import SendFile
from tests.harness import Bot, Person, onboard

PLAN_WORDS = "walk the dog around the lake"


def last_pdf(person: Person) -> PdfReader:
    for action in reversed(person.received()):
        if isinstance(action, SendFile) and action.filename.endswith(".pdf"):
            return PdfReader(io.BytesIO(action.content))
    raise AssertionError("no PDF was sent")


def text_of(reader: PdfReader) -> str:
    return " ".join(page.extract_text() for page in reader.pages)


async def make_plan(person: Person) -> None:
    """Every part of the plan answered with PLAN_WORDS; every button its first."""
    await person.send("/plan")
    for _ in range(10):
        buttons = person.buttons()
        if "Skip" in buttons:
            await person.say(PLAN_WORDS)
        elif buttons:
            await person.press(next(iter(buttons)))


async def test_summary_is_one_page_with_measures_and_moods(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    await ana.send("/checkin")
    await ana.say("6")
    await ana.send("stop")
    await ana.send("/measure")
    await ana.send("[Let's start]")
    for answer in [2, 4, 3, 5, 4, 3, 4, 2, 3, 4, 1, 2]:
        await ana.say(str(answer))
    await ana.send("[Yes]")  # the mood screen too
    for label in ("[Several days]", "[More than half the days]", "[Not at all]",
                  "[Several days]", "[Not at all]"):
        await ana.send(label)
    await ana.send("/summary")
    reader = last_pdf(ana)
    assert len(reader.pages) == 1
    text = text_of(reader)
    assert "summary" in text.casefold()
    assert "3.58" in text
    assert "PHQ-2 3, GAD-2 1" in text, "the mood screen a doctor would look for"
    assert "Raes" in text, "the items' source is cited"


async def test_the_plan_is_on_it_only_when_chosen(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    await make_plan(ana)
    await ana.send("/summary")
    assert {"Include my safety plan", "Leave it out"} <= set(ana.buttons())
    await ana.send("[Leave it out]")
    assert PLAN_WORDS not in text_of(last_pdf(ana))
    await ana.send("/summary")
    await ana.send("[Include my safety plan]")
    assert PLAN_WORDS in text_of(last_pdf(ana))
