"""The platform registry (bot.app.PLATFORMS) and the contract every platform keeps."""

from __future__ import annotations

import asyncio
import io
import shutil
from pathlib import Path

import pytest

from adapters.console import ConsolePlatform, ConsoleSender
from adapters.discord_dpy import DiscordSettings
from adapters.telegram_ptb import TelegramSettings
from bot.app import (
    PLATFORMS,
    PlatformEntry,
    RuntimeLink,
    assemble_runtime,
    build_engine,
    build_limiters,
    message_limits,
    platform_spec,
    setting_names,
)
from bot.app import configured_platforms as configured
from bot.config import Settings, SettingsError
from bot.dialogue.loader import DialogueError, check_dialogues
from bot.nudges.library import check_library
from bot.platform import MessageLimits, Platform, PlatformSpec
from bot.store.sqlite import SqliteStore
from tests.assembly import SimulatedPace

DIALOGUES = Path(__file__).resolve().parent.parent / "dialogues"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)


def test_the_registry_lists_every_platform_once() -> None:
    assert [entry.name for entry in PLATFORMS] == ["telegram", "discord", "console"]


@pytest.mark.parametrize("entry", PLATFORMS, ids=lambda e: e.name)
def test_each_platform_keeps_the_contract(entry: PlatformEntry) -> None:
    spec = platform_spec(entry)
    assert spec is not None and spec.name == entry.name
    platform = spec.create(settings(telegram_token="1:x", discord_token="x"))
    assert platform.name == entry.name
    assert isinstance(platform.limits, MessageLimits)
    assert platform.limits == spec.limits
    assert all(need.isupper() for need in platform.needs)  # environment names
    if spec.settings_model is not None:
        # Its settings are <NAME>_...: what the registry assumes when its library is missing.
        assert spec.settings_model.model_config.get("env_prefix") == f"{entry.name.upper()}_"


@pytest.mark.parametrize(("entry", "setting"), [(PLATFORMS[0], "TELEGRAM_TOKEN"),
                                                (PLATFORMS[1], "DISCORD_TOKEN")],
                         ids=["telegram", "discord"])
def test_a_missing_token_is_refused_naming_the_setting(entry: PlatformEntry,
                                                        setting: str) -> None:
    with pytest.raises(SettingsError, match=setting):
        entry.load().create(settings()).check()


def test_the_terminal_runs_when_no_other_platform_is_configured() -> None:
    never = PlatformEntry("console", lambda: PlatformSpec("console", MessageLimits(),
                                                          create=lambda s: _Terminal()),
                          fallback=True)
    [only] = configured(settings(), [never])
    assert only.name == "console"


def test_settings_are_checked_before_any_platform_starts() -> None:
    telegram = PLATFORMS[0]
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_URL"):
        configured(settings(telegram_token="1:x", workers=2), [telegram])


def test_a_platforms_own_settings_keep_their_environment_names(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("TELEGRAM_TOKEN=\nDISCORD_GUILD_IDS=111, 222\nTELEGRAM_MAX_RATE=10\n")
    monkeypatch.setenv("DISCORD_TOKEN", "from-the-environment")
    read = Settings(_env_file=env)
    telegram, discord = read.platform(TelegramSettings), read.platform(DiscordSettings)
    assert telegram.token is None  # blank in .env: not set
    assert telegram.max_rate == 10
    assert discord.guild_ids == [111, 222]
    assert discord.token is not None
    assert discord.token.get_secret_value() == "from-the-environment"
    assert [p.name for p in configured(read, PLATFORMS[:2])] == ["discord"]
    assert {"TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_PORT", "DISCORD_TOKEN",
            "DISCORD_CHAT_RATE", "WORKERS"} <= set(setting_names())


def test_a_wrong_platform_setting_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match="invalid setting TELEGRAM_WEBHOOK_PORT"):
        configured(settings(telegram_webhook_port="none"), PLATFORMS)
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "0")
    with pytest.raises(SettingsError, match="invalid setting DISCORD_SHARD_COUNT"):
        configured(settings(), PLATFORMS)


def test_a_platform_whose_library_is_missing_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> PlatformSpec:
        raise ModuleNotFoundError("No module named 'matrixlib'", name="matrixlib")

    entry = PlatformEntry("matrix", missing, extra="matrix")
    terminal = PlatformEntry("console", lambda: PlatformSpec("console", MessageLimits(),
                                                             create=lambda s: _Terminal()),
                             fallback=True)
    # Not installed and not asked for: the others run, its limits are not counted.
    assert [p.name for p in configured(settings(), [entry, terminal])] == ["console"]
    assert message_limits([entry]) == MessageLimits()
    monkeypatch.setenv("MATRIX_TOKEN", "x")
    with pytest.raises(SettingsError, match=r"MATRIX_TOKEN set, but matrix is not installed: "
                                            r"pip install 'compassion-bot\[matrix\]'"):
        configured(settings(), [entry, terminal])


def test_the_shipped_dialogues_fit_every_registered_platform() -> None:
    limits = message_limits()
    # The tightest of Telegram's and Discord's (the terminal has none).
    assert limits == MessageLimits(message_chars=2000, button_label_chars=80, buttons=25,
                                   callback_bytes=64)
    assert [str(p) for p in check_dialogues([DIALOGUES], limits=limits)] == []
    assert check_library([DIALOGUES], limits) == []


class _Terminal(ConsolePlatform):
    def __init__(self) -> None:
        super().__init__(stdin=io.StringIO(), stdout=io.StringIO(), interactive=False)


async def test_the_terminal_is_served_through_the_port(tmp_path: Path) -> None:
    """Lines in, replies out, with the outbox registered and recovered by the link."""
    out = io.StringIO()
    store = SqliteStore(tmp_path / "bot.db")
    await store.open()
    runtime = assemble_runtime(store, build_engine(Settings(_env_file=None)), {})
    terminal: Platform = ConsolePlatform(stdin=io.StringIO("/sos\n"), stdout=out,
                                         interactive=False,
                                         sender=ConsoleSender(out, tmp_path / "files"))
    link = RuntimeLink(runtime)
    try:
        await asyncio.wait_for(terminal.serve(link, asyncio.Event()), 30)
    finally:
        await link.close()
        await runtime.dispatcher.close()
        await store.close()
    assert "console" in runtime.dispatcher.senders
    assert out.getvalue().strip()  # the crisis lines were printed


def _echo() -> PlatformSpec:
    from tests.echo_platform import SPEC

    return SPEC


ECHO = PlatformEntry("echo", _echo)


async def test_a_platform_is_one_module_and_one_registry_entry(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """tests/echo_platform.py declares its settings, limits, pacing and serve; with its
    entry in the registry it is configured, paced, checked against and served, and
    bot/config.py, bot/render.py and the dialogue checks know nothing of it."""
    from tests.echo_platform import EchoPlatform, EchoSettings

    registry = (*PLATFORMS, ECHO)
    monkeypatch.setenv("ECHO_TOKEN", "secret")
    monkeypatch.setenv("ECHO_MAX_RATE", "4")
    read = settings(echo_greeting="sos")  # given like any setting, by its name

    # Configured: its own variables read, checked, and the platform made.
    [echo] = [p for p in configured(read, registry) if p.name == "echo"]
    assert isinstance(echo, EchoPlatform)
    assert read.platform(EchoSettings).max_rate == 4
    assert "ECHO_GREETING" in setting_names(registry)
    with pytest.raises(SettingsError, match="invalid setting ECHO_MAX_RATE"):
        configured(settings(echo_max_rate="-1"), registry)

    # Paced: its share of the rate, from its own setting.
    pace = SimulatedPace()
    limiters = build_limiters(read.model_copy(update={"workers": 2}), registry=registry,
                              clock=pace.clock, sleep=pace.sleep)
    assert limiters["echo"].interval == pytest.approx(1 / 2)
    assert limiters["echo"].per_chat_burst == 2

    # Validated: a text that fits Telegram and Discord is too long for it.
    folder = tmp_path / "dialogues"
    shutil.copytree(MINI, folder)
    belief = folder / "belief.yaml"
    belief.write_text(belief.read_text().replace("FEELING-A?", "x" * 1500))
    assert not [p for p in check_dialogues([folder], limits=message_limits())
                if p.rule == "text_limits"]
    [problem] = [p for p in check_dialogues([folder], limits=message_limits(registry))
                 if p.rule == "text_limits"]
    assert "the limit is 1000" in problem.message
    with pytest.raises(DialogueError, match="the limit is 1000"):
        build_engine(settings(dialogues_dir=folder), registry=registry)

    # Served through the port, with its own limiter.
    store = SqliteStore(tmp_path / "bot.db")
    await store.open()
    runtime = assemble_runtime(store, build_engine(read), {}, limiters=limiters)
    link = RuntimeLink(runtime)
    stop, ready = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(echo.serve(link, stop, ready))
    try:
        await asyncio.wait_for(ready.wait(), 30)
    finally:
        stop.set()
        await serving
        await link.close()
        await runtime.dispatcher.close()
        await store.close()
    assert isinstance(echo, EchoPlatform)
    assert echo.sender.sent  # the crisis lines /sos shows
    assert {key.platform for key, _ in echo.sender.sent} == {"echo"}
