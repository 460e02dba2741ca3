"""Slash commands and button presses, through their callbacks with a mocked Interaction:
acknowledged first (Discord's three seconds), answered by follow-ups after."""

from __future__ import annotations

import discord
import pytest

from adapters.discord_dpy import CHOICE_PREFIX, CatalogueTranslator, command_table
from bot.dialogue.loader import RESUME_COMMAND
from bot.render import escape_markdown
from tests.discord_bot.support import DiscordWorld, asking, plain
from tests.discord_bot.test_dm_flow import SCALE_BUTTONS, onboard, start_belief


def followups(interaction: object) -> list[dict[str, object]]:
    return [kwargs for call, kwargs in interaction.calls if call == "followup"]


async def test_every_dialogue_command_is_a_slash_command(world: DiscordWorld) -> None:
    dialogues = world.app.dialogues
    registered = {c.name: c for c in world.client.tree.get_commands()}
    assert set(registered) == set(dialogues.commands) | {RESUME_COMMAND}
    for name, dialogue_id in dialogues.commands.items():
        command = registered[name]
        assert isinstance(command, discord.app_commands.Command)
        # Described by the dialogue itself (cut to Discord's 100 characters).
        assert dialogues[dialogue_id].description.startswith(command.description.rstrip("…"))
        # Usable in servers and in DMs.
        assert command.allowed_contexts is not None
        assert command.allowed_contexts.guild
        assert command.allowed_contexts.dm_channel
    assert command_table(world.client.port.commands)[RESUME_COMMAND]


async def test_a_slash_command_in_a_server_is_answered_only_to_the_person(
    world: DiscordWorld,
) -> None:
    ben = world.person("ben")
    interaction, out = await ben.slash("talk", in_server=True)
    # Deferred at once, ephemerally, before the turn ran.
    assert interaction.calls[0] == ("defer", {"ephemeral": True, "thinking": True})
    assert out
    assert all(m.via == "followup" and m.ephemeral for m in out)
    # An exercise is not run in a shared channel: a way to a private chat instead.
    assert any(m.buttons for m in out)
    assert all(c.startswith("p:") for m in out for c in m.buttons.values())
    assert not [m for m in world.sent if m.via == "channel"]  # nothing posted for all to see


async def test_sos_in_a_server_gives_crisis_lines_only_to_the_person(world: DiscordWorld) -> None:
    ben = world.person("ben")
    _interaction, out = await ben.slash("sos", in_server=True)
    text = "\n".join(plain(m.content) for m in out)
    assert world.app.engine.services.crisis_resources(None).strip() in text
    assert all(m.ephemeral for m in out)


async def test_a_slash_command_in_a_dm_defers_then_follows_up(world: DiscordWorld) -> None:
    ana = world.person("ana")
    await onboard(ana)
    interaction, out = await ana.slash("talk")
    assert interaction.calls[0] == ("defer", {"ephemeral": False, "thinking": True})
    assert [c for c, _ in interaction.calls[1:]] == ["followup"] * (len(interaction.calls) - 1)
    dm = await ana.dm_id()
    assert out
    assert all(not m.ephemeral and m.where == dm for m in out)
    assert {"A breath first", "Let's go on"} <= set(asking(out).buttons)
    interaction.delete_original_response.assert_not_awaited()


async def test_a_button_press_is_acknowledged_then_answered(world: DiscordWorld) -> None:
    ana = world.person("ana")
    scale = await start_belief(ana)
    assert all(c.startswith(CHOICE_PREFIX) for c in scale.buttons.values())
    interaction, out = await ana.press(scale, "8")
    assert interaction.calls[0] == ("defer", {})
    assert len(followups(interaction)) == len(out) > 0
    assert list(asking(out).buttons)[-1] == "Skip"  # on to the next question


async def test_a_stale_button_is_answered_kindly_and_changes_nothing(world: DiscordWorld) -> None:
    ana = world.person("ana")
    scale = await start_belief(ana)
    out = await ana.say_dm("5")  # answered by typing; the buttons above are now old
    current = asking(out)
    _, out = await ana.press(scale, "9")
    stale = [escape_markdown(v) for v in world.app.dialogues.line("stale_button")]
    assert any(v in out[0].content for v in stale)
    # The question she is really on is asked again (perhaps in other words).
    assert asking(out).buttons == current.buttons


async def test_the_same_press_delivered_twice_answers_once(world: DiscordWorld) -> None:
    ana = world.person("ana")
    scale = await start_belief(ana)
    interaction, out = await ana.press(scale, "8")
    assert out
    _again, out = await ana.press(scale, "8", interaction=interaction)
    assert out == []
    assert [c for c, _ in interaction.calls].count("defer") == 1


async def test_the_same_slash_command_delivered_twice_answers_once(world: DiscordWorld) -> None:
    ana = world.person("ana")
    await onboard(ana)
    interaction, out = await ana.slash("talk")
    assert out
    command = world.client.tree.get_command("talk")
    assert isinstance(command, discord.app_commands.Command)
    before = len(world.sent)
    await command.callback(interaction)
    assert world.sent[before:] == []
    # The "thinking..." placeholder of a turn that produced nothing is cleared.
    interaction.delete_original_response.assert_awaited()


async def test_resume_brings_back_the_paused_exercise(world: DiscordWorld) -> None:
    ana = world.person("ana")
    await start_belief(ana)
    await ana.slash("sos")
    _, out = await ana.slash("resume")
    assert set(asking(out).buttons) >= SCALE_BUTTONS


async def test_a_failure_inside_the_bot_is_met_with_an_apology_not_silence(
    world: DiscordWorld, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(event: object, **options: object) -> None:
        raise RuntimeError(" ".join(["Zanzibar", "sorrow"]))  # as if it quoted someone

    monkeypatch.setattr(world.app.runtime, "handle", broken)
    # A bug is retried a few times before it is given up; one is enough here.
    # (A storage failure is retried until it works: see tests/faults.)
    world.client.guard.bug_attempts = 1
    ben = world.person("ben")
    interaction, out = await ben.slash("help", in_server=True)
    apology = [escape_markdown(v) for v in world.app.dialogues.line("went_wrong")]
    assert [m.content for m in out] == [apology[0]]
    assert out[0].ephemeral
    interaction.delete_original_response.assert_not_awaited()  # the apology replaced it
    assert "discord turn given up after 1 attempts (RuntimeError)" in caplog.text
    assert "Zanzibar sorrow" not in caplog.text  # an exception's message may quote people


async def test_slash_commands_are_described_in_each_language_the_bot_speaks(
    world: DiscordWorld,
) -> None:
    # discord.py asks the tree's translator for every Discord locale when it syncs.
    talk = world.client.tree.get_command("talk")
    assert isinstance(talk, discord.app_commands.Command)
    translator = CatalogueTranslator(world.client.port.commands)
    payload = await talk.get_translated_payload(world.client.tree, translator)
    spanish = world.app.engine.locales["es"].dialogues["belief"].description
    for locale in ("es-ES", "es-419"):
        assert spanish.startswith(payload["description_localizations"][locale].rstrip("…"))
    assert payload["description_localizations"]["de"] != payload["description"]
    assert "pt-BR" in payload["description_localizations"]
    assert "fr" not in payload["description_localizations"]  # not a language it speaks
    assert payload["name_localizations"] == {}  # typed the same everywhere
