"""The compassion kit ("hope box"): kept on request, shown with /kit, offered after
an exercise, in the crisis conversation, after a concern check and in the safety plan."""

from __future__ import annotations

from tests.harness import Bot, Person, onboard, texts

KIND = "This is hard, and I'm doing what I can"


async def keep_in_kit(person: Person, button: str, words: str) -> None:
    """/kit, one item of the kind ``button`` names, and nothing more."""
    await person.send("/kit")
    await person.send(f"[{button}]")
    await person.say(words)
    await person.send("[That's all for now]")


async def test_kit_keeps_a_sentence_and_shows_it(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    replies = texts(await ana.send("/kit"))
    assert any("empty" in r for r in replies)
    await ana.send("[A kind sentence]")
    replies = await ana.say(KIND)
    assert any("Kept in your kit" in r or "in your kit now" in r for r in replies)
    await ana.send("[That's all for now]")
    shown = " ".join(texts(await ana.send("/kit")))
    assert KIND in shown


async def test_kit_keeps_what_was_asked_for_even_without_consent(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana, consent="[No, thanks]")
    await keep_in_kit(ana, "A reason to keep going", "my little sister")
    assert "my little sister" in " ".join(texts(await ana.send("/kit")))
    await ana.send("/forget")
    await ana.send("[Yes, delete everything]")
    await onboard(ana, consent="[No, thanks]")
    assert "my little sister" not in " ".join(texts(await ana.send("/kit")))


async def test_an_exercise_offers_to_keep_the_persons_own_words(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    await ana.send("/break")
    wish = "May I be patient with myself today"
    offered = False
    for _ in range(30):
        buttons = ana.buttons()
        if "Keep it in my kit" in buttons:
            offered = True
            break
        last = texts(ana.received())[-1].casefold()
        if "0 to 10" in last or "0-10" in last:
            await ana.say("5")
        elif "Skip" in buttons or not buttons:
            await ana.say(wish)
        else:
            await ana.press(next(iter(buttons)))
    assert offered
    await ana.press("Keep it in my kit")
    kit = " ".join(texts(await ana.send("/kit")))
    assert wish in kit


async def test_the_crisis_conversation_offers_the_kit(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    await keep_in_kit(ana, "A reason to keep going", "my dog Pixel")
    for line in ("I want to kill myself", "[Yes]", "[No]", "[No]"):
        await ana.send(line)
    assert "Look at my compassion kit" in ana.buttons()
    replies = texts(await ana.send("[Look at my compassion kit]"))
    assert any("my dog Pixel" in r for r in replies)
    assert "Make a small safety plan" in ana.buttons(), "back to what would help"


async def test_the_safety_plan_shows_the_kit_before_step_two(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    await keep_in_kit(ana, "A kind sentence", KIND)
    await ana.send("/plan")
    replies: list[str] = []
    for _ in range(4):
        buttons = ana.buttons()
        replies = texts(await (ana.press(next(iter(buttons))) if buttons and "Skip" not in buttons
                               else ana.send("feeling shut in")))
        if any("2 of 6" in r for r in replies):
            break
    joined = " ".join(replies)
    assert KIND in joined and joined.index(KIND) < joined.index("2 of 6")


async def test_the_kit_is_in_the_export(bot: Bot) -> None:
    ana = bot.person("ana")
    await onboard(ana)
    await ana.send("/kit")
    await ana.send("[A short note to myself]")
    await ana.say("Dear me, it gets lighter.")
    await ana.send("/export")
    journal = ana.last_export()["journal"]
    assert any(e["kind"] == "kit" and e["data"]["words"] == "Dear me, it gets lighter."
               for e in journal)
